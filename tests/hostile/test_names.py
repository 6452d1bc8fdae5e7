"""Names from a spec that collide with names the generated code uses get a suffix and a
note; long ones are shortened; odd spec file names are escaped."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from confgen.codegen.naming import RESERVED_ARGUMENTS, method_reserved, resource_reserved

from .test_invalid import run_cli


def _doc(tag: str, operation_id: str, names: list[str], header: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "names", "version": "1"},
        "servers": [{"url": "https://api.test"}],
        "paths": {
            "/things": {
                "post": {
                    "operationId": operation_id,
                    "tags": [tag],
                    "parameters": [
                        {"name": name, "in": "query", "schema": {"type": "string"}}
                        for name in names
                    ]
                    + [{"name": header, "in": "header", "schema": {"type": "string"}}],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"models": {"type": "integer"}},
                                }
                            }
                        }
                    },
                    "responses": {"204": {"description": "ok"}},
                }
            }
        },
    }


def test_the_reserved_sets_come_from_the_runtime_and_templates() -> None:
    for name in ("models", "validate_request", "strip_not_given", "scalar", "isinstance"):
        assert name in RESERVED_ARGUMENTS
    for name in ("request", "close", "package_name", "with_options", "base_url", "webhooks"):
        assert name in resource_reserved()
    assert "with_raw_response" in method_reserved()


@pytest.mark.parametrize("tag", ["request", "close", "package_name", "with_options", "timeout"])
def test_names_the_generated_code_uses_are_suffixed_with_a_note(
    tmp_path: Path, tag: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["validate_request", "strip_not_given", "isinstance"]
    document = _doc(tag, "with_raw_response", names, "scalar")
    code, _, err, folder = run_cli(
        tmp_path, document, package=f"names_{tag}", extra=("--strict", "--client-class", "Names")
    )
    assert code == 0, err
    pointer = "spec.json#/paths/~1things/post"
    assert (
        f"note: {pointer}/tags/0: tag {tag!r} renamed '{tag}_' ({tag!r} is used by the client)"
        in err
    )
    assert (
        f"note: {pointer}/operationId: operationId 'with_raw_response' renamed"
        " 'with_raw_response_' ('with_raw_response' is used by the generated code)" in err
    )
    for name in [*names, "scalar", "models"]:
        assert (
            f"note: {pointer}: parameter {name!r} renamed '{name}_' ({name!r} is used by the"
            " generated code)" in err
        )
    monkeypatch.syspath_prepend(str(folder.parent))
    package = importlib.import_module(f"names_{tag}")
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with package.Names(base_url="https://api.test", http_client=http) as client:
        getattr(client, f"{tag}_").with_raw_response_(
            validate_request_="a", strip_not_given_="b", isinstance_="d", scalar_="h", models_=3
        )
        assert client.package_name == f"names_{tag}"
    (request,) = sent
    assert dict(request.url.params) == {
        "validate_request": "a",
        "strip_not_given": "b",
        "isinstance": "d",
    }
    assert request.headers["scalar"] == "h"
    assert json.loads(request.content) == {"models": 3}


def test_a_300_character_tag_is_shortened_deterministically(tmp_path: Path) -> None:
    tag = "users" + "x" * 295
    document = _doc(tag, "list", [], "h")
    code, _, err, folder = run_cli(tmp_path, document, extra=("--strict",))
    assert code == 0, err
    (module,) = [p.name for p in (folder / "resources").glob("*.py") if p.name != "__init__.py"]
    assert len(module) == 60 + len(".py")
    assert module.startswith("usersxxx")
    (tmp_path / "again").mkdir()
    code, _, _, again = run_cli(tmp_path / "again", document, extra=("--strict",))
    assert code == 0
    assert [p.name for p in (again / "resources").glob("*.py") if p.name != "__init__.py"] == [
        module
    ]


def test_a_spec_file_name_with_a_newline_is_escaped(tmp_path: Path) -> None:
    name = 'odd\nname"""\nimport os.json'
    code, _, err, folder = run_cli(tmp_path, _doc("t", "op", [], "h"), name=name)
    assert code == 0, err
    first = (folder / "__init__.py").read_text(encoding="utf-8").splitlines()[0]
    assert first == '# Generated by confgen from odd\\nname"""\\nimport os.json.'
    for path in folder.rglob("*.py"):
        compile(path.read_bytes(), str(path), "exec")
