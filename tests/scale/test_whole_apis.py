"""Whole real APIs (Telnyx, GitHub): generation succeeds, every skip is reported, the
output imports lazily, and 50 seeded operations pass a Prism mock of the same spec.

Slow (each spec takes tens of seconds to generate, Prism seconds to start): `make test-slow`.
"""

from __future__ import annotations

import compileall
import json
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.corpus import whole_api_spec
from confgen.codegen.http.load import load_api
from confgen.yamlio import load_yaml
from tests.contract.conftest import inline_refs, start_prism, stop_prism

pytestmark = pytest.mark.slow

PACKAGES = ("telnyx_api", "github_api")
SEED = 8
SAMPLE = 50
_SUMMARY = re.compile(r"^(\w+): (\d+) operations, (\d+) models, (\d+) files, (\d+) skipped")


class Generated:
    def __init__(self, package: str, out: Path, code: int, stderr: str) -> None:
        self.package, self.out, self.code, self.stderr = package, out, code, stderr


@pytest.fixture(scope="module", params=PACKAGES)
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Generated]:
    package = request.param
    out = tmp_path_factory.mktemp(package)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "confgen.cli",
            "generate",
            "--spec",
            str(whole_api_spec(package)),
            "--out",
            str(out),
            "--package",
            package,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    yield Generated(package, out, result.returncode, result.stderr)


def test_generation_succeeds(generated: Generated) -> None:
    assert generated.code == 0, generated.stderr[-3000:]
    assert (generated.out / generated.package / "__init__.py").exists()
    assert "Traceback" not in generated.stderr


def test_summary_counts_equal_the_warnings(generated: Generated) -> None:
    lines = generated.stderr.splitlines()
    warnings = [line for line in lines if line.startswith("warning: ")]
    summary = [m for m in map(_SUMMARY.match, lines) if m]
    assert len(summary) == 1, generated.stderr[-2000:]
    assert int(summary[0].group(5)) == len(warnings)
    for warning in warnings:  # each names the spec, a JSON pointer and a reason
        assert re.match(r"warning: [^#]+#/\S*: skipped: .+", warning), warning


@pytest.mark.parametrize("generated", ["telnyx_api"], indirect=True)
def test_every_telnyx_operation_is_generated(generated: Generated) -> None:
    summary = next(m for m in map(_SUMMARY.match, generated.stderr.splitlines()) if m)
    assert int(summary.group(2)) == 1156


def test_output_byte_compiles_and_imports_lazily(generated: Generated) -> None:
    package = generated.out / generated.package
    assert compileall.compile_dir(str(package), quiet=2, force=True)
    code = (
        f"import sys; sys.path.insert(0, {str(generated.out)!r}); import {generated.package}; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('httpx', 'pydantic'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


# --- 50 seeded operations against Prism ---------------------------------------------------


_FORMATS = {
    "uuid": "00000000-0000-4000-8000-000000000000",
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "ipv4": "127.0.0.1",
}


def _minimal(schema: Any, document: Any, depth: int = 0) -> Any:
    """A minimal value valid against ``schema``: its example, else built from its type."""
    schema = inline_refs(schema, document) if depth == 0 else schema
    if not isinstance(schema, dict) or depth > 8:
        return "x"
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if "example" in schema:
        return schema["example"]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return _minimal(schema[key][0], document, depth + 1)
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = _minimal(part, document, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties") or {}
        required = list(schema.get("required") or [])
        if not required and schema.get("minProperties") and properties:
            required = list(properties)[: int(schema["minProperties"])]
        return {n: _minimal(properties.get(n, {}), document, depth + 1) for n in required}
    if kind == "array":
        count = int(schema.get("minItems", 0))
        return [_minimal(schema.get("items", {}), document, depth + 1) for _ in range(count)]
    if kind in ("integer", "number"):
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "boolean":
        return True
    text = _FORMATS.get(str(schema.get("format")), "x")
    return text * max(1, int(schema.get("minLength", 1))) if text == "x" else text


def _arguments(op: Any, document: Any) -> dict[str, Any]:
    """Required arguments, from the spec's examples or minimal valid values."""
    node = document
    for part in op.pointer.strip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    path_item = document["paths"][op.path]
    schemas: dict[tuple[str, str], Any] = {}
    for raw in [*(path_item.get("parameters") or []), *(node.get("parameters") or [])]:
        param = inline_refs(raw, document)
        schemas[(param["in"], param["name"])] = param.get("schema") or {}
    body = inline_refs(node.get("requestBody") or {}, document)
    body_schema: Any = {}
    for media, content in sorted((body.get("content") or {}).items()):
        body_schema = content.get("schema") or {}
        if "json" in media:
            break
    out: dict[str, Any] = {}
    wanted = int(body_schema.get("minProperties", 0)) if isinstance(body_schema, dict) else 0
    for p in op.parameters:
        if p.location == "body" and op.body_style == "fields" and wanted > 0:
            wanted -= 1  # the body needs minProperties fields: give the first ones
        elif not p.required:
            continue
        if p.location == "body" and op.body_style == "raw":
            out[p.name] = b"x"
        elif p.location == "body" and op.body_style == "single":
            out[p.name] = _minimal(body_schema, document)
        elif p.location == "body":
            prop = (body_schema.get("properties") or {}).get(p.wire_name, {})
            out[p.name] = _minimal(prop, document)
        else:
            out[p.name] = _minimal(schemas.get((p.location, p.wire_name), {}), document)
    return out


# Requests the spec allows that Prism refuses: (method, path) -> (what Prism says, why it
# is wrong). Each is checked to fail exactly so; any other refusal still fails the test.
PRISM_DEFECTS = {
    ("PUT", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/disable"): (
        '{"location":["path","workflow_id"],"severity":"Error","code":"oneOf"',
        "workflow_id is oneOf [integer, string]; Prism coerces the path segment '1' to an "
        "integer and then finds it matches both branches (a path segment is a string, so "
        "only one matches): every numeric workflow id gets a 422, with or without a client",
    ),
}


def _prism_defect(op: Any, error: Any) -> bool:
    """Whether ``error`` is the known Prism defect for ``op`` (`PRISM_DEFECTS`)."""
    known = PRISM_DEFECTS.get((op.http_method, op.path))
    return known is not None and error.status_code == 422 and known[0] in error.response.text


@pytest.fixture(scope="module")
def prism_for(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    servers: dict[Path, Any] = {}
    logs = tmp_path_factory.mktemp("prism-logs")

    def get(spec: Path) -> str:
        if spec not in servers:
            import tests.contract.conftest as contract

            contract.PRISM_START_TIMEOUT = 180.0  # a whole API takes a while to load
            servers[spec] = start_prism(spec, logs / f"{spec.stem}.log")
        return str(servers[spec].url)

    yield get
    for server in servers.values():
        stop_prism(server.process)


def test_seeded_operations_pass_prism_validation(generated: Generated, prism_for: Any) -> None:
    spec = whole_api_spec(generated.package)
    text = spec.read_text(encoding="utf-8")
    document = json.loads(text) if spec.suffix == ".json" else load_yaml(text)
    api = load_api(
        document, source=spec.name, package=generated.package, client_class="C", strict=False
    )
    sample = random.Random(SEED).sample(list(api.operations), SAMPLE)
    url = prism_for(spec)
    sys.path.insert(0, str(generated.out))
    try:
        package = __import__(generated.package)
        client_class = next(
            n
            for n in package.__all__
            if not n.startswith("Async") and n[0].isupper() and not n.endswith("Error")
        )
        credentials = {c.argument: "dummy" for c in api.auth.credentials}
        client = getattr(package, client_class)(base_url=url, max_retries=0, **credentials)
        errors = package.errors
        refused = []
        for op in sample:
            method = getattr(getattr(client, op.resource), op.name)
            try:
                method(**_arguments(op, document))
            except errors.APIStatusError as error:
                violations = error.response.headers.get("sl-violations", "")
                # Prism checks its own made-up answer too (500 + violations in "response"):
                # that is the mock's problem, not the request's.
                if error.status_code == 500 and '"location":["request"' not in violations:
                    continue
                if _prism_defect(op, error):
                    continue
                if error.status_code in (400, 401, 404, 405, 415, 422) or violations:
                    refused.append(
                        f"{op.http_method} {op.path}: {error.status_code} {violations[:300]}"
                    )
            except errors.RequestValidationError as error:
                refused.append(f"{op.http_method} {op.path}: refused before sending: {error}")
            except errors.APIResponseValidationError:
                pass  # Prism accepted the request; its made-up answer is another matter
            except httpx.HTTPError as error:  # pragma: no cover - Prism went away
                refused.append(f"{op.http_method} {op.path}: {error!r}")
        client.close()
    finally:
        sys.path.remove(str(generated.out))
    assert not refused, "\n".join(refused)
