"""Wildcard media types as real specs write them (the whole Telnyx API): a success body
declared as ``*`` is asked for with ``Accept: */*`` (a bare ``*`` is no media range, and
Prism's mock crashed on it), and a request body declared ``*/*`` whose schema is an
object with properties is sent as JSON fields (which ``*/*`` accepts), not raw bytes."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import httpx

from confgen.cli import main
from confgen.codegen.http.load import load_api

OBJECT = {
    "type": "object",
    "required": ["start_date"],
    "properties": {"start_date": {"type": "string"}, "profiles": {"type": "string"}},
}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Reports", "version": "1"},
    "servers": [{"url": "https://api.example.test"}],
    "paths": {
        "/documents/{id}/download": {
            "get": {
                "operationId": "downloadDocument",
                "tags": ["documents"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": "ok", "content": {"*": {"schema": {}}}}},
            }
        },
        "/reports": {
            "post": {
                "operationId": "createReport",
                "tags": ["reports"],
                "requestBody": {"required": True, "content": {"*/*": {"schema": OBJECT}}},
                "responses": {"204": {"description": "done"}},
            }
        },
        "/uploads": {
            "post": {
                "operationId": "upload",
                "tags": ["reports"],
                "requestBody": {"content": {"*/*": {"schema": {"type": "string"}}}},
                "responses": {"204": {"description": "done"}},
            }
        },
    },
}


def _ops() -> dict[str, Any]:
    api = load_api(SPEC, source="reports.json", package="reports", client_class="Reports")
    return {op.operation_id: op for op in api.operations}


def test_a_bare_star_response_is_asked_for_as_any_media_type() -> None:
    op = _ops()["downloadDocument"]
    assert (op.accept, op.response_kind) == ("*/*", "binary")


def test_a_wildcard_object_body_is_sent_as_json_fields() -> None:
    op = _ops()["createReport"]
    assert (op.body_content_type, op.body_style) == ("application/json", "fields")
    assert [(p.name, p.required) for p in op.by_location("body")] == [
        ("start_date", True),
        ("profiles", False),
    ]


def test_a_wildcard_body_without_properties_stays_raw() -> None:
    op = _ops()["upload"]
    assert (op.body_content_type, op.body_style) == ("application/octet-stream", "raw")


def test_on_the_wire(tmp_path: Path) -> None:
    spec = tmp_path / "reports.json"
    spec.write_text(json.dumps(SPEC))
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "reports"]) == 0
    sys.path.insert(0, str(out / "reports"))
    try:
        _check_wire(importlib.import_module("reports"))
    finally:
        sys.path.remove(str(out / "reports"))
        for name in [m for m in sys.modules if m == "reports" or m.startswith("reports.")]:
            del sys.modules[name]


def _check_wire(package: Any) -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        if request.url.path.endswith("/download"):
            return httpx.Response(
                200, content=b"%PDF-1", headers={"Content-Type": "application/pdf"}
            )
        return httpx.Response(204)

    http = httpx.Client(transport=httpx.MockTransport(handle))
    client = package.Reports(base_url="https://api.example.test", http_client=http)
    document = client.documents.download_document(id="d1")
    client.reports.create_report(start_date="2024-01-01")
    assert bytes(document) == b"%PDF-1"
    assert seen[0].headers["accept"] == "*/*"
    assert seen[1].headers["content-type"] == "application/json"
    assert json.loads(seen[1].content) == {"start_date": "2024-01-01"}
