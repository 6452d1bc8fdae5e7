"""Hostile specs: builders and the in-process generate-compile-import check."""

from __future__ import annotations

import copy
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from confgen.codegen.generate import Target, build_package

SENTINEL_NAME = "PWNED"


def payloads(sentinel: Path) -> dict[str, str]:
    """Injection payloads by name; each would create ``sentinel`` if it ran as code."""
    touch = f"open({str(sentinel)!r}, 'w')"
    return {
        "triple-double": f'x"""\nimport os; os.system("touch {sentinel}"); {touch}\n"""',
        "triple-single": f"x'''\n{touch}\n'''",
        "quotes": "a\"b'c\"'",
        "backslashes": "C:\\xfiles\\N{\\u12\\",
        "trailing-backslash": "ends with \\",
        "trailing-quote": 'ends with "',
        "newlines": f"line1\nline2\r\nline3\rline4\n{touch}",
        "nul": "nul\x00byte",
        "jinja": "{{ 7*7 }} {% if true %}j{% endif %} {# c #}",
        "hash": f"# comment\n{touch}  # tail",
        "controls": "sep \u2028 \x1b[31m red \x7f \u200b \ufeff \U0001f600 caf\u00e9",
        "markdown": "`x` ``` fenced\n```python\nimport os\n``` <!-- --> <b> | cell |",
        "expression": f'" + {touch} + "',
    }


def openapi_doc(payload: str) -> dict[str, Any]:
    """An OpenAPI document with ``payload`` in every string field that may hold any text."""
    p = payload
    return {
        "openapi": "3.1.0",
        "info": {"title": p, "description": p, "version": p},
        "servers": [
            {
                "url": "https://{region}.example.com/v1/" + p.replace("{", "(").replace("}", ")"),
                "variables": {
                    "region": {
                        "default": "eu",
                        "description": p,
                        "x-confgen-argument": "region",
                        "x-confgen-env": p,
                    }
                },
            }
        ],
        "paths": {
            "/things/{thing_id}/" + p.replace("{", "(").replace("}", ")"): {
                "post": {
                    "operationId": p,
                    "summary": p,
                    "description": p,
                    "tags": [p],
                    "parameters": [
                        {
                            "name": "thing_id",
                            "in": "path",
                            "required": True,
                            "description": p,
                            "schema": {"type": "string", "description": p},
                        },
                        {
                            "name": p + "q",
                            "in": "query",
                            "description": p,
                            "example": p,
                            "schema": {"type": "string", "enum": [p, "plain"], "default": p},
                        },
                        {
                            "name": p + "h",
                            "in": "header",
                            "description": p,
                            "schema": {"type": "string", "default": p},
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "description": p,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Thing"},
                                "example": {p: p, "kind": p},
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": p,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            },
                        },
                        "400": {
                            "description": p,
                            "content": {
                                "application/json": {"schema": {"type": "object", "description": p}}
                            },
                        },
                    },
                }
            }
        },
        "webhooks": {
            p: {
                "post": {
                    "operationId": p + "-hook",
                    "summary": p,
                    "description": p,
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "description": p,
                                    "properties": {
                                        "event_type": {"type": "string", "enum": [p]},
                                        p: {"type": "string", "description": p},
                                    },
                                }
                            }
                        }
                    },
                    "responses": {"200": {"description": p}},
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "title": p,
                    "description": p,
                    "required": [p],
                    "properties": {
                        p: {
                            "type": "string",
                            "description": p,
                            "title": p,
                            "default": p,
                            "examples": [p],
                            "enum": [p, "other"],
                        },
                        "kind": {"type": "string", "const": p, "description": p},
                        "count": {"type": "integer", "default": 3, "description": p},
                    },
                }
            }
        },
    }


def asyncapi_doc(payload: str) -> dict[str, Any]:
    """An AsyncAPI document (TrueConf's shape) with ``payload`` in its string fields."""
    root = Path(__file__).resolve().parents[2]
    from confgen.yamlio import load_yaml

    document = load_yaml((root / "specs" / "trueconf.asyncapi.yaml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    doc = copy.deepcopy(document)
    p = payload
    doc["info"]["title"] = p
    doc["info"]["description"] = p
    server = next(iter(doc["servers"].values()))
    server["description"] = p
    server["variables"]["host"]["default"] = p
    server["variables"]["host"]["x-confgen-env"] = p
    server["x-confgen-env"] = p
    envelope = doc["x-confgen-envelope"]
    # Every envelope key becomes the payload (each distinct: they route messages).
    for index, key in enumerate(sorted(k for k, v in envelope.items() if isinstance(v, str))):
        envelope[key] = f"{p}{index}"
    for operation in doc.get("operations", {}).values():
        operation["summary"] = p
        operation["description"] = p
    for message in doc["components"]["messages"].values():
        message["summary"] = p
        if "description" in message:
            message["description"] = p
    for schema in doc["components"]["schemas"].values():
        schema["description"] = p
        for prop in (schema.get("properties") or {}).values():
            if isinstance(prop, dict) and "$ref" not in prop:
                prop["description"] = p
    return doc


_COUNTER = iter(range(10**6))


@pytest.fixture
def generate_and_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``(document, strict) -> module``: generate into tmp_path in-process, compile
    every file, import the package and its modules."""
    imported: list[str] = []

    def run(document: dict[str, Any], *, strict: bool = False, name: str | None = None) -> Any:
        package = name or f"hostile_pkg_{next(_COUNTER)}"
        spec = tmp_path / f"{package}.json"
        spec.write_text(json.dumps(document), encoding="utf-8")
        folder = tmp_path / "out" / package
        target = Target(
            spec=spec,
            out=folder,
            package=package,
            client_class="Hostile",
            spec_source=spec.name,
            import_path=package,
            strict=strict,
        )
        files = build_package(target, folder)
        for relative, data in files.items():
            if relative.endswith(".py"):
                compile(data, relative, "exec")
            data.decode("utf-8")
        monkeypatch.syspath_prepend(str(folder))  # the project folder: the package is in it
        module = importlib.import_module(package)
        imported.append(package)
        for relative in sorted(files):
            if relative.endswith(".py") and not relative.startswith(f"{package}/_runtime/"):
                inner = relative.removeprefix(f"{package}/")
                dotted = inner[:-3].replace("/", ".").removesuffix(".__init__")
                importlib.import_module(f"{package}.{dotted}" if dotted != "__init__" else package)
        return module

    yield run
    for name in list(sys.modules):
        if any(name == p or name.startswith(p + ".") for p in imported):
            del sys.modules[name]
