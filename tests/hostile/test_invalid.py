"""Invalid specs and arguments: exactly one located error, the exit code, no traceback,
nothing written."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from confgen.cli import main

from .conftest import asyncapi_doc, openapi_doc


def run_cli(
    tmp_path: Path,
    document: Any = None,
    *,
    text: str | bytes | None = None,
    name: str = "spec.json",
    extra: tuple[str, ...] = (),
    package: str = "pkg",
    spec: Path | None = None,
    out: Path | None = None,
) -> tuple[int, str, str, Path]:
    """``confgen generate --spec ... --out OUT --package PKG`` in-process:
    ``(exit code, stdout, stderr, the package folder)``: ``OUT/PKG/PKG`` (``OUT/PKG`` is
    the project folder holding it, with the pyproject.toml and the marker)."""
    if spec is None:
        spec = tmp_path / name
        if text is None:
            text = json.dumps(document)
        if isinstance(text, bytes):
            spec.write_bytes(text)
        else:
            spec.write_text(text, encoding="utf-8")
    out = out if out is not None else tmp_path / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(
            ["generate", "--spec", str(spec), "--out", str(out), "--package", package, *extra]
        )
    return code, stdout.getvalue(), stderr.getvalue(), out / package / package


def _plain() -> dict[str, Any]:
    return openapi_doc("plain")


_PATH = "/things/{thing_id}/plain"
_OP = "/paths/~1things~1{thing_id}~1plain/post"


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        node = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _nest(document: dict[str, Any]) -> None:
    node: dict[str, Any] = {"type": "string"}
    for _ in range(300):
        node = {"type": "object", "properties": {"p": node}}
    document["components"]["schemas"]["Deep"] = node


# (id, change, expected message after "confgen: error: spec.json")
OPENAPI_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "parameters-a-string",
        _set(("paths", _PATH, "post", "parameters"), "thing_id"),
        f"#{_OP}/parameters: parameters is a string (expected a list)",
    ),
    (
        "parameter-a-number",
        _set(("paths", _PATH, "post", "parameters"), [42]),
        f"#{_OP}/parameters/0: a parameter is int 42 (expected a mapping)",
    ),
    (
        "paths-a-list",
        _set(("paths",), ["/x"]),
        "#/paths: paths is a list (expected a mapping)",
    ),
    (
        "responses-a-string",
        _set(("paths", _PATH, "post", "responses"), "200"),
        f"#{_OP}/responses: responses is a string (expected a mapping)",
    ),
    (
        "info-a-string",
        _set(("info",), "title"),
        "#/info: info is a string (expected a mapping)",
    ),
    (
        "ref-a-number",
        _set(
            ("paths", _PATH, "post", "requestBody", "content", "application/json", "schema"),
            {"$ref": 42},
        ),
        f"#{_OP}/requestBody/content/application~1json/schema/$ref: $ref is int 42 (expected a string)",
    ),
    (
        "slash-in-schema-name",
        lambda d: d["components"]["schemas"].update({"a/b": {"type": "object"}}),
        "#/components/schemas/a~1b: component name 'a/b' has characters OpenAPI does not allow"
        " (expected a name matching ^[a-zA-Z0-9.-_]+$)",
    ),
    (
        "payload-in-schema-name",
        lambda d: d["components"]["schemas"].update({'x"""\nimport os': {"type": "object"}}),
        '#/components/schemas/x"""\\nimport os: component name \'x"""\\nimport os\' has'
        " characters OpenAPI does not allow (expected a name matching ^[a-zA-Z0-9.-_]+$)",
    ),
    (
        "nesting-300-deep",
        _nest,
        "#/components/schemas/Deep" + "/properties/p" * 49 + ": the spec nests deeper"
        " than 100 levels (expected at most 100 levels)",
    ),
    (
        "tags-a-string",
        _set(("paths", _PATH, "post", "tags"), "users"),
        f"#{_OP}/tags: tags must be a list of strings (expected [tag, ...])",
    ),
    (
        "path-variable-without-parameter",
        lambda d: d["paths"].update(
            {"/gone/{ghost}": {"get": {"operationId": "gone", "responses": {}}}}
        ),
        "#/paths/~1gone~1{ghost}/get: path variable {ghost} has no path parameter"
        " (expected a parameter with in: path and name: ghost)",
    ),
]


_BOTH = [c for c in OPENAPI_CASES if "path variable" not in c[2]]


@pytest.mark.parametrize(
    ("change", "message", "strict"),
    [(*c[1:], True) for c in OPENAPI_CASES] + [(*c[1:], False) for c in _BOTH],
    ids=[f"strict-{c[0]}" for c in OPENAPI_CASES] + [f"lenient-{c[0]}" for c in _BOTH],
)
def test_invalid_openapi_is_one_located_error(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str, strict: bool
) -> None:
    """Strict and lenient alike (lenient skips only what it can render around: a path
    variable without a parameter, below)."""
    document = _plain()
    change(document)
    code, out, err, _ = run_cli(tmp_path, document, extra=("--strict",) if strict else ())
    assert (code, err) == (1, f"confgen: error: spec.json{message}\n")
    assert out == ""
    assert not (tmp_path / "out").exists()


def test_lenient_skips_a_path_variable_without_parameter(tmp_path: Path) -> None:
    document = _plain()
    document["paths"]["/gone/{ghost}"] = {"get": {"operationId": "gone", "responses": {}}}
    code, _, err, folder = run_cli(tmp_path, document)
    assert code == 0
    assert (
        "warning: spec.json#/paths/~1gone~1{ghost}/get: skipped: operation GET /gone/{ghost}"
        " skipped: path variable {ghost} has no path parameter" in err
    )
    assert "def gone(" not in "".join(
        p.read_text(encoding="utf-8") for p in (folder / "resources").glob("*.py")
    )


def _yaml_case(text: str) -> str:
    return text


FILE_CASES: list[tuple[str, bytes, str]] = [
    (
        "duplicate-key",
        b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: {}\n  /b: {}\n  /a: {}\n",
        "spec.json:6:3: not valid YAML/JSON: duplicate key '/a' (lines 4 and 6)",
    ),
    (
        "binary",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "spec.json:1: not UTF-8 text (byte 0x89 at offset 0) (expected a YAML/JSON text file)",
    ),
    (
        "nul-byte",
        b"openapi: 3.1.0\n\x00\n",
        "spec.json:2: a NUL byte: a binary file, not a YAML/JSON spec (expected a YAML/JSON text file)",
    ),
    (
        "non-string-key",
        b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  1: {}\n",
        "spec.json#/paths/1: mapping key 1 is a int (expected string keys (quote it))",
    ),
    (
        "top-level-list",
        b"- openapi\n",
        "spec.json#/: a spec must be a YAML/JSON object (expected a mapping at the top, not list)",
    ),
]


@pytest.mark.parametrize(
    ("data", "message"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES]
)
def test_invalid_file_is_one_located_error(tmp_path: Path, data: bytes, message: str) -> None:
    code, out, err, _ = run_cli(tmp_path, text=data)
    assert (code, err, out) == (1, f"confgen: error: {message}\n", "")
    assert not (tmp_path / "out").exists()


def test_duplicate_key_in_json_names_both_lines(tmp_path: Path) -> None:
    text = '{\n "openapi": "3.1.0",\n "paths": {},\n "openapi": "3.0.0"\n}\n'
    code, _, err, _ = run_cli(tmp_path, text=text)
    assert code == 1
    assert err.startswith("confgen: error: spec.json:4:2: not valid YAML/JSON: duplicate key")
    assert "(lines 2 and 4)" in err


def test_alias_bomb_is_refused_within_a_second(tmp_path: Path) -> None:
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "openapi: 3.1.0\n" + "\n".join(rows) + "\n"
    assert len(text.encode()) < 700
    begun = time.perf_counter()
    code, _, err, _ = run_cli(tmp_path, text=text)
    assert time.perf_counter() - begun < 1.0
    assert code == 1
    assert err.startswith("confgen: error: spec.json:")
    assert "the document expands past 5,000,000 nodes through its aliases" in err
    assert not (tmp_path / "out").exists()


def test_spec_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "folder.json").mkdir()
    code, _, err, _ = run_cli(tmp_path, spec=tmp_path / "folder.json")
    assert (code, err) == (
        1,
        "confgen: error: folder.json: is a folder, not a spec file (expected a YAML/JSON file)\n",
    )


def test_out_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("mine", encoding="utf-8")
    code, _, err, _ = run_cli(tmp_path, _plain())
    assert code == 2
    assert err == (
        f"confgen: error: --out {str(tmp_path / 'out')!r} is a file"
        " (expected a folder, or a path to create)\n"
    )
    assert (tmp_path / "out").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(
    ("package", "message"),
    [
        ("class", "--package 'class' is a Python keyword (expected another name)"),
        ("match", "--package 'match' is a Python keyword (expected another name)"),
        (
            "json",
            "--package 'json' would shadow the 'json' module (expected a name no"
            " standard-library module or dependency has)",
        ),
        (
            "httpx",
            "--package 'httpx' would shadow the 'httpx' module (expected a name no"
            " standard-library module or dependency has)",
        ),
        ("café", "--package 'café' is not a Python identifier (expected ASCII letters, digits, _)"),
        (
            "my-code",
            "--package 'my-code' is not a Python identifier (expected ASCII letters, digits, _)",
        ),
        ("1up", "--package '1up' is not a Python identifier (expected ASCII letters, digits, _)"),
    ],
)
def test_bad_package_names_are_usage_errors(tmp_path: Path, package: str, message: str) -> None:
    code, _, err, _ = run_cli(tmp_path, _plain(), package=package)
    assert (code, err) == (2, f"confgen: error: {message}\n")
    assert not (tmp_path / "out").exists()


ASYNCAPI_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "port-eighty",
        lambda d: d["servers"]["room"]["variables"]["port"].update({"default": "eighty"}),
        "#/servers/room/variables/port/default: port 'eighty' is not a port number"
        " (expected an integer from 1 to 65535)",
    ),
    (
        "messages-a-list",
        lambda d: d["components"].update({"messages": [d["components"]["messages"]]}),
        "#/components/messages: components.messages is a list (expected a mapping)",
    ),
    (
        "operations-a-list",
        lambda d: d.update({"operations": ["createConference"]}),
        "#/operations: operations is a list (expected a mapping)",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"), [c[1:] for c in ASYNCAPI_CASES], ids=[c[0] for c in ASYNCAPI_CASES]
)
def test_invalid_asyncapi_is_one_located_error(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    document = copy.deepcopy(asyncapi_doc("plain"))
    change(document)
    code, out, err, _ = run_cli(tmp_path, document)
    assert (code, err, out) == (1, f"confgen: error: spec.json{message}\n", "")
    assert not (tmp_path / "out").exists()


def test_a_node_the_loader_does_not_expect_gets_the_validators_located_error(
    tmp_path: Path,
) -> None:
    """Where no shape check of confgen's own applies, the format's validator locates it."""
    document = _plain()
    document["paths"][_PATH]["post"]["responses"] = {"a": 1}
    code, out, err, _ = run_cli(tmp_path, document)
    assert (code, out) == (1, "")
    assert err == (
        f"confgen: error: spec.json#{_OP}/responses: not valid OpenAPI 3.1.0: Unevaluated"
        " properties are not allowed ('a' was unexpected)\n"
    )
    assert not (tmp_path / "out").exists()
