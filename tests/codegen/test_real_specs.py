"""What real specs hold and the generator must accept: relative, protocol-relative or
missing ``servers`` (``base_url`` then required, with a clear error), regex patterns the
run-time engines cannot compile (kept in the docstring, skipped with a ``note:``), and a
property literally named ``$ref``; sync and async."""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from confgen.cli import main
from confgen.codegen.patterns import compiles, drop_uncompilable_patterns

from .conftest import Wire, reply


def _spec(servers: list[dict[str, Any]] | None, **schema: Any) -> dict[str, Any]:
    body = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "pattern": "^\\p{L}+$", "description": "Letters."},
            "code": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "$ref": {"type": "string"},
        },
        **schema,
    }
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Real", "version": "1"},
        "paths": {
            "/items": {
                "post": {
                    "operationId": "createItem",
                    "tags": ["items"],
                    "requestBody": {"content": {"application/json": {"schema": body}}},
                    "responses": {"204": {"description": "ok"}},
                }
            }
        },
    }
    if servers is not None:
        spec["servers"] = servers
    return spec


class Generated:
    def __init__(self, module: Any, stderr: str) -> None:
        self.module, self.stderr = module, stderr


@pytest.fixture(scope="module")
def generate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("real")
    made: list[str] = []

    def build(package: str, spec: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> Generated:
        path = folder / f"{package}.json"
        path.write_text(json.dumps(spec))
        capsys.readouterr()
        code = main(["generate", "--spec", str(path), "--out", str(folder), "--package", package])
        assert code == 0
        made.append(package)
        sys.path.insert(0, str(folder / package))  # the project folder holds the package
        return Generated(importlib.import_module(package), capsys.readouterr().err)

    try:
        yield build
    finally:
        for package in made:
            sys.path.remove(str(folder / package))
        for name in [m for m in sys.modules if m.split(".")[0] in made]:
            del sys.modules[name]


def test_a_relative_server_needs_base_url_and_resolves_against_an_origin(
    generate: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    got = generate("relsrv", _spec([{"url": "/v2"}]), capsys)
    assert "note: relsrv.json#/servers/0/url: relative server '/v2'" in got.stderr
    client_module = importlib.import_module("relsrv._client")
    assert not hasattr(client_module, "BASE_URL")
    monkeypatch.delenv("RELSRV_BASE_URL", raising=False)
    with pytest.raises(got.module.MissingConfigurationError) as caught:
        got.module.Relsrv()
    assert "base_url" in str(caught.value) and "RELSRV_BASE_URL" in str(caught.value)
    wire = Wire([reply(204)])
    got.module.Relsrv(base_url="https://h.test", http_client=wire.client()).items.create_item()
    assert str(wire.last.url) == "https://h.test/v2/items"
    got.module.Relsrv(
        base_url="https://h.test/other/", http_client=wire.client()
    ).items.create_item()
    assert str(wire.last.url) == "https://h.test/other/items"  # a URL with a path: as it is
    monkeypatch.setenv("RELSRV_BASE_URL", "https://env.test")
    wire = Wire([reply(204)])

    async def call() -> None:
        client = got.module.AsyncRelsrv(http_client=wire.async_client())
        await client.items.create_item()

    asyncio.run(call())
    assert str(wire.last.url) == "https://env.test/v2/items"


def test_a_protocol_relative_server_defaults_to_https(
    generate: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    got = generate("protosrv", _spec([{"url": "//api.proto.test/v1/"}]), capsys)
    assert "protocol-relative server '//api.proto.test/v1'" in got.stderr
    assert importlib.import_module("protosrv._client").BASE_URL == "https://api.proto.test/v1"
    wire = Wire([reply(204)])
    got.module.Protosrv(http_client=wire.client()).items.create_item()
    assert str(wire.last.url) == "https://api.proto.test/v1/items"


def test_no_servers_makes_base_url_a_required_argument(
    generate: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    got = generate("nosrv", _spec(None), capsys)
    assert "note: nosrv.json#/servers: no servers: the client requires base_url" in got.stderr
    monkeypatch.delenv("NOSRV_BASE_URL", raising=False)
    for client_class in (got.module.Nosrv, got.module.AsyncNosrv):
        with pytest.raises(got.module.MissingConfigurationError, match="NOSRV_BASE_URL"):
            client_class()
    wire = Wire([reply(204)])
    got.module.Nosrv(base_url="https://h.test", http_client=wire.client()).items.create_item()
    assert str(wire.last.url) == "https://h.test/items"  # nothing to add: as it is
    assert "required" in (got.module.Nosrv.__doc__ or "")


def test_an_uncompilable_pattern_is_noted_documented_and_not_checked(
    generate: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    got = generate("patsrv", _spec([{"url": "https://p.test"}]), capsys)
    assert (
        "note: patsrv.json#/paths/~1items/post/requestBody/content/application~1json/schema"
        "/properties/name/pattern: pattern '^\\\\p{L}+$' is not checked"
    ) in got.stderr
    resources = importlib.import_module("patsrv.resources.items")
    doc = resources.ItemsResource.create_item.__doc__ or ""
    assert "Letters." in doc and "^\\p{L}+$" in doc
    wire = Wire([reply(204)])
    client = got.module.Patsrv(http_client=wire.client())
    client.items.create_item(name="123", code="AB")  # the \p{L} pattern is not enforced
    assert wire.json() == {"name": "123", "code": "AB"}
    with pytest.raises(got.module.RequestValidationError):
        client.items.create_item(code="abc")  # a compilable pattern still is
    assert len(wire.requests) == 1


def test_a_property_named_ref_is_a_name_not_a_reference(
    generate: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    got = generate("refsrv", _spec([{"url": "https://r.test"}]), capsys)
    wire = Wire([reply(204)])
    got.module.Refsrv(http_client=wire.client()).items.create_item(ref="x")
    assert wire.json() == {"$ref": "x"}


@pytest.mark.parametrize(
    ("pattern", "ok"),
    [
        ("^[a-z]+$", True),
        ("^\\p{L}+$", False),  # Python re: bad escape
        ("(?<=a)b", False),  # Rust regex: no look-behind
        ("(?<name>a)", False),  # Python 3.11: no (?<name>
        ("[", False),
    ],
)
def test_compiles_asks_both_engines(pattern: str, ok: bool) -> None:
    assert compiles(pattern) is ok


def test_patterns_in_examples_and_property_names_are_left_alone() -> None:
    document = {
        "components": {
            "schemas": {
                "A": {
                    "type": "object",
                    "properties": {"pattern": {"type": "string", "pattern": "[[:alpha:]"}},
                    "example": {"pattern": "\\p{L}"},
                }
            }
        }
    }
    out, found = drop_uncompilable_patterns(document)
    assert found == [
        (("components", "schemas", "A", "properties", "pattern", "pattern"), "[[:alpha:]")
    ]
    assert out["components"]["schemas"]["A"]["example"] == {"pattern": "\\p{L}"}
    assert "pattern" in out["components"]["schemas"]["A"]["properties"]
    unchanged = {"components": {"schemas": {"B": {"type": "string", "pattern": "^a$"}}}}
    assert drop_uncompilable_patterns(unchanged)[0] is unchanged


def test_a_patterns_parameter_says_so_in_its_own_description(tmp_path: Path) -> None:
    parameter = {"name": "q", "in": "query", "description": "Q.", "schema": {"pattern": "\\p{L}"}}
    out, _ = drop_uncompilable_patterns({"paths": {"/x": {"get": {"parameters": [parameter]}}}})
    kept = out["paths"]["/x"]["get"]["parameters"][0]
    assert kept["description"].startswith("Q.") and "\\p{L}" in kept["description"]
    assert "pattern" not in kept["schema"]


def test_discriminator_tags_survive_renamed_schemas() -> None:
    from confgen.codegen.http.load import load_api
    from confgen.codegen.http.render import render_package

    variant = {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}}
    spec = _spec([{"url": "https://d.test"}])
    spec["components"] = {
        "schemas": {
            "HTTPEndpoint": variant,  # its class is HttpEndpoint: the mapping must follow
            "SMTPEndpoint": variant,
            "Endpoint": {
                "oneOf": [
                    {"$ref": "#/components/schemas/HTTPEndpoint"},
                    {"$ref": "#/components/schemas/SMTPEndpoint"},
                ],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {
                        "http": "#/components/schemas/HTTPEndpoint",
                        "smtp": "#/components/schemas/SMTPEndpoint",
                    },
                },
            },
        }
    }
    spec["paths"]["/items"]["post"]["responses"] = {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Endpoint"}}},
        }
    }
    api = load_api(spec, source="d.json", package="d", client_class="D")
    models = render_package(api, "d")["models.py"].decode()
    assert "kind: Literal['http']" in models and "kind: Literal['smtp']" in models
    assert "HTTPEndpoint" not in models
