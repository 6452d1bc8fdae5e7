"""Multipart bodies through httpx's own encoder: file fields typed as files (bytes,
paths streamed from disk, file objects, ``(filename, content, content_type)``), part
content types from the spec's ``encoding``, objects as JSON parts; sync and async."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import importlib
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from confgen.cli import main
from confgen.codegen.http.load import load_api

from .conftest import Wire, reply

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Uploads", "version": "1"},
    "servers": [{"url": "https://api.example.test"}],
    "paths": {
        "/recordings": {
            "post": {
                "operationId": "uploadRecording",
                "tags": ["recordings"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "cover": {"type": "string", "contentMediaType": "image/png"},
                                    "name": {"type": "string"},
                                    "meta": {
                                        "type": "object",
                                        "properties": {"take": {"type": "integer"}},
                                    },
                                },
                            },
                            "encoding": {"file": {"contentType": "audio/wav"}},
                        }
                    },
                },
                "responses": {"204": {"description": "stored"}},
            }
        }
    },
}


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("uploads")
    spec = folder / "uploads.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "uploads"]) == 0
    sys.path.insert(0, str(out / "uploads"))  # the project folder holds the package
    try:
        yield importlib.import_module("uploads")
    finally:
        sys.path.remove(str(out / "uploads"))
        for name in [m for m in sys.modules if m == "uploads" or m.startswith("uploads.")]:
            del sys.modules[name]


def parts(request: httpx.Request) -> list[tuple[str, str | None, str | None, bytes]]:
    """``(name, filename, content type, payload)`` of each part, parsed with the stdlib."""
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    out = []
    for part in message.iter_parts():
        disposition = part.get("Content-Disposition")
        params = dict(part.get_params(header="content-disposition") or [])
        assert disposition.startswith("form-data")
        kind = part.get("Content-Type") if "Content-Type" in part else None
        out.append((params["name"], params.get("filename"), kind, part.get_payload(decode=True)))
    return out


def test_binary_fields_are_typed_as_files_and_encoding_is_read() -> None:
    api = load_api(SPEC, source="uploads.json", package="uploads", client_class="Uploads")
    (op,) = api.operations
    annotations = {p.wire_name: p.annotation for p in op.parameters}
    assert annotations["file"] == "FileInput" and annotations["cover"] == "FileInput"
    assert op.multipart_encoding == (("file", "audio/wav"),)


def test_every_kind_of_file_argument_becomes_its_part(uploads: Any, tmp_path: Path) -> None:
    wire = Wire([reply(204)])
    client = uploads.Uploads(http_client=wire.client())
    on_disk = tmp_path / "take1.wav"
    on_disk.write_bytes(b"RIFF" + bytes(range(256)) * 4)
    client.recordings.upload_recording(file=b"RIFFraw", name="standup", meta={"take": 2})
    client.recordings.upload_recording(file=on_disk, cover=("c.png", b"\x89PNG", "image/png"))
    client.recordings.upload_recording(file=io.BytesIO(b"RIFFio"))
    first, second, third = (parts(r) for r in wire.requests)
    assert first == [
        ("file", "upload", "audio/wav", b"RIFFraw"),
        ("name", None, None, b"standup"),
        ("meta", None, "application/json", b'{"take":2}'),
    ]
    assert second == [
        ("file", "take1.wav", "audio/wav", on_disk.read_bytes()),
        ("cover", "c.png", "image/png", b"\x89PNG"),
    ]
    assert third == [("file", "upload", "audio/wav", b"RIFFio")]
    # The path is streamed (httpx's multipart stream, with a known length), not pre-read.
    assert int(wire.requests[1].headers["Content-Length"]) == len(wire.requests[1].content)
    assert wire.requests[1].headers["Content-Type"].startswith("multipart/form-data; boundary=")


def test_a_path_part_is_read_in_chunks_and_closed(tmp_path: Path) -> None:
    from confgen.codegen.http.runtime._files import _PathFile, file_part

    on_disk = tmp_path / "big.bin"
    on_disk.write_bytes(b"x" * 200_000)
    filename, content, kind = file_part(on_disk, None)
    assert (filename, kind) == ("big.bin", "application/octet-stream")
    assert isinstance(content, _PathFile) and content._handle is None  # nothing opened yet
    chunks = iter(lambda: content.read(65_536), b"")
    assert [len(c) for c in chunks] == [65_536, 65_536, 65_536, 3_392]
    assert content._handle is None  # closed at the end
    content.seek(0)
    assert content.read(3) == b"xxx"  # a retry reads it again
    content.close()


def test_async_upload(uploads: Any) -> None:
    wire = Wire([reply(204)])

    async def run() -> None:
        client = uploads.AsyncUploads(http_client=wire.async_client())
        await client.recordings.upload_recording(file=("a.wav", b"RIFFa"))

    asyncio.run(run())
    assert parts(wire.last) == [("file", "a.wav", "audio/wav", b"RIFFa")]
