"""A multipart upload that must be sent again: after a 401 and a new OAuth2 token, after
a retried 503, after a redirect. A body that can be rewound (bytes, a path, a seekable
file) is sent again whole; one read from a file object that cannot be (a pipe) raises
`RequestNotRepeatableError` naming the operation and why, at once, and the server never
gets a complete second request. Against a loopback token server and API, sync and async."""

from __future__ import annotations

import asyncio
import importlib
import io
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from confgen.cli import main

CLIENT_ID = "uploader"
CLIENT_SECRET = "uploader-secret-value"
CONTENT = b"RIFF" + bytes(range(256)) * 64  # 16 KiB of "audio"

_UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "title": {"type": "string"},
                },
            }
        }
    },
}
_STORED = {
    "200": {
        "description": "stored",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Stored"}}},
    }
}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Uploads", "version": "1"},
    "servers": [{"url": "http://127.0.0.1:1"}],
    "security": [{"oauth": []}],
    "paths": {
        "/recordings": {
            "post": {
                "operationId": "uploadRecording",
                "tags": ["recordings"],
                "requestBody": _UPLOAD,
                "responses": _STORED,
            }
        },
        "/recordings/{name}": {
            "put": {
                "operationId": "replaceRecording",
                "tags": ["recordings"],
                "parameters": [
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": _UPLOAD,
                "responses": _STORED,
            }
        },
    },
    "components": {
        "securitySchemes": {
            "oauth": {
                "type": "oauth2",
                "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}},
            }
        },
        "schemas": {
            "Stored": {
                "type": "object",
                "required": ["size"],
                "properties": {"size": {"type": "integer"}},
            }
        },
    },
}


class UploadServer:
    """``POST /oauth/token`` issues ``tok-1``, ``tok-2``...; the API answers 401 to a
    token in ``revoked``, 503 while ``fail`` > 0, a 307 to ``/recordings/moved`` once for
    ``/recordings/old``, else 200 with the size of the body it read. Every API request
    is recorded with its body, or ``None`` when the body never arrived whole."""

    def __init__(self) -> None:
        self.revoked: set[str] = set()
        self.fail = 0
        self.issued = 0
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def read_body(self) -> bytes | None:
                try:
                    if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                        body = b""
                        while True:
                            size = int(self.rfile.readline().strip() or b"x", 16)
                            chunk = self.rfile.read(size + 2)
                            if len(chunk) != size + 2:
                                return None
                            if size == 0:
                                return body
                            body += chunk[:-2]
                    length = int(self.headers.get("Content-Length") or 0)
                    body = self.rfile.read(length)
                    return body if len(body) == length else None
                except (ValueError, OSError):  # the client gave up mid-body
                    return None

            def do_POST(self) -> None:
                self.close_connection = True
                body = self.read_body()
                if self.path == "/oauth/token":
                    with server._lock:
                        server.issued += 1
                        token = f"tok-{server.issued}"
                    self.reply(200, {"access_token": token, "token_type": "Bearer"})
                    return
                self.api(body)

            def do_PUT(self) -> None:
                self.close_connection = True
                self.api(self.read_body())

            def api(self, body: bytes | None) -> None:
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                with server._lock:
                    server.requests.append(
                        {
                            "method": self.command,
                            "path": self.path,
                            "token": token,
                            "body": body,
                            "chunked": "chunked" in self.headers.get("Transfer-Encoding", ""),
                        }
                    )
                    failing = server.fail > 0
                    server.fail -= 1
                if body is None:
                    return  # nothing to answer: the request never arrived whole
                if token in server.revoked:
                    self.reply(401, {"error": "token revoked"})
                elif failing:
                    self.reply(503, {"error": "busy"})
                elif self.path == "/recordings/old":
                    self.reply(307, {}, {"Location": "/recordings/moved"})
                else:
                    self.reply(200, {"size": len(body)})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def reset(self) -> None:
        with self._lock:
            self.revoked.clear()
            self.fail = 0
            self.requests.clear()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("uploads")
    spec = folder / "uploads.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "uploads"]) == 0
    sys.path.insert(0, str(out / "uploads"))
    try:
        yield importlib.import_module("uploads")
    finally:
        sys.path.remove(str(out / "uploads"))
        for name in [m for m in sys.modules if m == "uploads" or m.startswith("uploads.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def upload_server() -> Iterator[UploadServer]:
    server = UploadServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def server(upload_server: UploadServer) -> UploadServer:
    upload_server.reset()
    return upload_server


def client(uploads: Any, server: UploadServer, **options: Any) -> Any:
    options.setdefault("timeout", 5.0)
    return uploads.Uploads(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=server.url, **options
    )


def async_client(uploads: Any, server: UploadServer, **options: Any) -> Any:
    options.setdefault("timeout", 5.0)
    return uploads.AsyncUploads(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=server.url, **options
    )


def pipe() -> io.BufferedReader:
    """A file object that cannot be rewound, holding `CONTENT`."""
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "wb") as writer:
        writer.write(CONTENT)
    reader = os.fdopen(read_end, "rb")
    assert not reader.seekable()
    return reader


def rewindable_inputs(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "talk.wav"
    path.write_bytes(CONTENT)
    return {
        "bytes": CONTENT,
        "path": path,
        "seekable file": io.BytesIO(CONTENT),
        "tuple": ("talk.wav", io.BytesIO(CONTENT), "audio/wav"),
    }


def whole_bodies(server: UploadServer) -> list[bytes]:
    return [r["body"] for r in server.requests if r["body"] is not None]


def test_a_rewindable_body_is_sent_again_whole_after_a_new_token(
    uploads: Any, server: UploadServer, tmp_path: Path
) -> None:
    for kind, file in rewindable_inputs(tmp_path).items():
        server.reset()
        server.revoked.add(f"tok-{server.issued + 1}")  # the next token is refused once
        with client(uploads, server) as api:
            stored = api.recordings.upload_recording(file=file, title="standup")
        first, second = server.requests
        assert first["token"] in server.revoked and second["token"] not in server.revoked, kind
        assert first["body"] == second["body"], kind  # the same bytes, all of them
        assert CONTENT in second["body"] and stored.size == len(second["body"]), kind


def test_a_pipe_sent_once_is_sent_whole_and_chunked(uploads: Any, server: UploadServer) -> None:
    with client(uploads, server) as api:
        stored = api.recordings.upload_recording(file=pipe())
    [request] = server.requests
    # Not the pipe's st_size (0) as a Content-Length: chunked, every byte there.
    assert request["chunked"] and CONTENT in request["body"]
    assert stored.size == len(request["body"])


def test_a_pipe_after_a_401_raises_request_not_repeatable(
    uploads: Any, server: UploadServer
) -> None:
    server.revoked.add(f"tok-{server.issued + 1}")
    started = time.monotonic()
    with client(uploads, server) as api, pytest.raises(uploads.RequestNotRepeatableError) as caught:
        api.recordings.upload_recording(file=pipe(), title="standup")
    assert time.monotonic() - started < 2.0  # at once, well within the 5 s deadline
    message = str(caught.value)
    assert "uploadRecording (POST /recordings)" in message
    assert "401" in message and "cannot be rewound" in message
    assert isinstance(caught.value, uploads.APIError)
    assert not isinstance(caught.value, uploads.APIConnectionError)  # retrying it won't help
    assert CLIENT_SECRET not in message and "tok-" not in message
    time.sleep(0.1)  # let the server record the abandoned attempt
    assert len(whole_bodies(server)) == 1  # the server never got a whole second request


def test_a_pipe_on_a_retried_503_raises_request_not_repeatable(
    uploads: Any, server: UploadServer
) -> None:
    server.fail = 1
    with client(uploads, server) as api:
        api._sleep = lambda seconds: None
        with pytest.raises(uploads.RequestNotRepeatableError) as caught:
            api.recordings.replace_recording(name="talk", file=pipe())
    message = str(caught.value)
    assert "replaceRecording (PUT /recordings/{name})" in message
    assert "a retry after HTTP 503" in message
    time.sleep(0.1)
    assert len(whole_bodies(server)) == 1


def test_a_pipe_on_a_redirect_raises_request_not_repeatable(
    uploads: Any, server: UploadServer, tmp_path: Path
) -> None:
    with client(uploads, server) as api:
        with pytest.raises(uploads.RequestNotRepeatableError, match=r"a redirect \(HTTP 307\)"):
            api.recordings.replace_recording(name="old", file=pipe())
        time.sleep(0.1)  # let the server record the abandoned attempt
        assert [r["path"] for r in server.requests if r["body"] is not None] == ["/recordings/old"]
        # A path follows the redirect whole.
        server.reset()
        stored = api.recordings.replace_recording(
            name="old", file=rewindable_inputs(tmp_path)["path"]
        )
    old, moved = whole = [r for r in server.requests if r["body"] is not None]
    assert (old["path"], moved["path"]) == ("/recordings/old", "/recordings/moved")
    assert old["body"] == moved["body"] and stored.size == len(moved["body"])
    assert len(whole) == len(server.requests)  # nothing abandoned this time


def test_async_a_rewindable_body_is_sent_again_and_a_pipe_raises(
    uploads: Any, server: UploadServer
) -> None:
    async def run(file: Any) -> Any:
        async with async_client(uploads, server) as api:
            return await api.recordings.upload_recording(file=file)

    server.revoked.add(f"tok-{server.issued + 1}")
    stored = asyncio.run(run(io.BytesIO(CONTENT)))
    first, second = server.requests
    assert first["body"] == second["body"] and stored.size == len(second["body"])

    server.reset()
    server.revoked.add(f"tok-{server.issued + 1}")
    started = time.monotonic()
    with pytest.raises(uploads.RequestNotRepeatableError) as caught:
        asyncio.run(run(pipe()))
    assert time.monotonic() - started < 2.0
    assert "uploadRecording (POST /recordings)" in str(caught.value)
    assert "401" in str(caught.value)
    time.sleep(0.1)
    assert len(whole_bodies(server)) == 1
