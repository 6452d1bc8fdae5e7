"""Non-JSON success bodies: ``Accept`` from the declared media types, binary bodies as
`BinaryResponse` (``write_to_file``), text bodies as ``str``; sync and async."""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from confgen.cli import main
from confgen.codegen.http.load import load_api

from .conftest import Wire


def _get(operation_id: str, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "tags": ["files"],
            "responses": {"200": {"description": "ok", "content": content}},
        }
    }


BINARY = {"schema": {"type": "string", "format": "binary"}}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Files", "version": "1"},
    "servers": [{"url": "https://api.example.test"}],
    "paths": {
        "/invoice": _get("getInvoice", {"application/pdf": BINARY}),
        "/recording": _get("getRecording", {"audio/mpeg": BINARY, "audio/wav": BINARY}),
        "/report": _get("getReport", {"text/csv": {"schema": {"type": "string"}}}),
        "/json": _get(
            "getJson",
            {
                "application/json": {
                    "schema": {"type": "object", "properties": {"a": {"type": "integer"}}}
                }
            },
        ),
    },
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("files")
    spec = folder / "files.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "files"]) == 0
    sys.path.insert(0, str(out / "files"))  # the project folder holds the package
    try:
        yield importlib.import_module("files")
    finally:
        sys.path.remove(str(out / "files"))
        for name in [m for m in sys.modules if m == "files" or m.startswith("files.")]:
            del sys.modules[name]


def test_the_ir_reads_accept_and_kind_from_the_success_media_types() -> None:
    api = load_api(SPEC, source="files.json", package="files", client_class="Files")
    got = {op.operation_id: (op.accept, op.response_kind) for op in api.operations}
    assert got == {
        "getInvoice": ("application/pdf", "binary"),
        "getRecording": ("audio/mpeg, audio/wav", "binary"),
        "getReport": ("text/csv", "text"),
        "getJson": (None, "json"),
    }


def _server(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/invoice":
        return httpx.Response(
            200, content=b"%PDF-1.7\x00\xff", headers={"Content-Type": "application/pdf"}
        )
    if request.url.path == "/recording":
        return httpx.Response(200, content=b"ID3\x00", headers={"Content-Type": "audio/mpeg"})
    if request.url.path == "/report":
        return httpx.Response(
            200, content="a,b\n1,é\n".encode(), headers={"Content-Type": "text/csv; charset=utf-8"}
        )
    return httpx.Response(200, json={"a": 1})


def test_binary_and_text_bodies_are_returned_as_such(files: Any, tmp_path: Path) -> None:
    wire = Wire([_server])
    client = files.Files(http_client=wire.client())
    invoice = client.files.get_invoice()
    assert invoice.content == b"%PDF-1.7\x00\xff" and bytes(invoice) == invoice.content
    assert invoice.content_type == "application/pdf"
    invoice.write_to_file(tmp_path / "invoice.pdf")
    assert (tmp_path / "invoice.pdf").read_bytes() == b"%PDF-1.7\x00\xff"
    assert client.files.get_recording().content == b"ID3\x00"
    assert client.files.get_report() == "a,b\n1,é\n"
    assert client.files.get_json().a == 1
    accepts = [r.headers["Accept"] for r in wire.requests]
    assert accepts == ["application/pdf", "audio/mpeg, audio/wav", "text/csv", "application/json"]


def test_async_binary_bodies(files: Any) -> None:
    wire = Wire([_server])

    async def run() -> tuple[bytes, str]:
        client = files.AsyncFiles(http_client=wire.async_client())
        return (await client.files.get_invoice()).content, await client.files.get_report()

    assert asyncio.run(run()) == (b"%PDF-1.7\x00\xff", "a,b\n1,é\n")


def test_raw_responses_parse_to_what_the_plain_methods_return(files: Any) -> None:
    wire = Wire([_server])
    raw = files.Files(http_client=wire.client()).files.with_raw_response
    invoice = raw.get_invoice().parse()
    assert type(invoice).__name__ == "BinaryResponse"
    assert (invoice.content, invoice.content_type) == (b"%PDF-1.7\x00\xff", "application/pdf")
    assert raw.get_report().parse() == "a,b\n1,é\n"
    assert raw.get_json().parse().a == 1


def test_async_raw_responses_parse_to_what_the_plain_methods_return(files: Any) -> None:
    wire = Wire([_server])

    async def run() -> tuple[bytes, str]:
        raw = files.AsyncFiles(http_client=wire.async_client()).files.with_raw_response
        return (await raw.get_invoice()).parse().content, (await raw.get_report()).parse()

    assert asyncio.run(run()) == (b"%PDF-1.7\x00\xff", "a,b\n1,é\n")
