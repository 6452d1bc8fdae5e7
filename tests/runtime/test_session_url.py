"""Voximplant's ``media_session_access_url``: ``client.media_session(started)`` gives the
started session's control URL, and ``send()`` reaches it (a loopback server standing in
for the media server) without the client's credentials or headers, unretried."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from confgen.codegen.http.load import load_api
from confgen.errors import ConfgenError
from confgen_voximplant import (
    APIConnectionError,
    APITimeoutError,
    AsyncVoximplant,
    InternalServerError,
    ResponseTooLargeError,
    Voximplant,
    models,
)
from confgen_voximplant.operations import operation


class MediaServer:
    """Records each request; ``/slow`` answers after a pause, ``/fail`` with 500,
    ``/big`` with 64 KiB; anything else with the scenario's text reply."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.answer()

            def do_GET(self) -> None:
                self.answer()

            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                server.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers.items()),
                        "body": self.rfile.read(length),
                    }
                )
                if self.path.startswith("/slow"):
                    server.release.wait(timeout=5)
                status, body = 200, b"scenario: stopping"
                if self.path.startswith("/fail"):
                    status, body = 500, b'{"error": {"code": 500, "msg": "scenario crashed"}}'
                if self.path.startswith("/big"):
                    body = b"x" * 65536
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def media() -> Iterator[MediaServer]:
    server = MediaServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def media_server(media: MediaServer) -> MediaServer:
    media.requests.clear()
    media.release.clear()
    return media


@pytest.fixture(scope="module")
def credentials() -> dict[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {"account_id": "1", "key_id": "k", "private_key": pem}


def started_by_api(session: str) -> httpx.MockTransport:
    """The Management API, answering StartConference as its page documents."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "result": 1,
                "media_session_access_url": f"{session}/session-1",
                "media_session_access_secure_url": "https://media.example.test/session-1",
                "call_session_history_id": 42,
            },
        )

    return httpx.MockTransport(answer)


def test_the_client_gives_the_session_started_and_send_reaches_it(
    media_server: MediaServer, credentials: dict[str, str]
) -> None:
    api = httpx.Client(transport=started_by_api(media_server.url))
    client = Voximplant(
        credentials=credentials, http_client=api, default_headers={"X-Team": "secret-team"}
    )
    started = client.scenarios.start_conference(conference_name="standup", rule_id=7)
    assert isinstance(started, models.ScenariosStartConferenceResponse200)

    assert client.media_session(started).url == "https://media.example.test/session-1"
    session = client.media_session(started, secure=False)
    assert session.url == f"{media_server.url}/session-1"
    reply = session.send({"command": "stop"})

    assert (reply.status_code, reply.text) == (200, "scenario: stopping")
    [seen] = media_server.requests
    assert (seen["method"], seen["path"]) == ("POST", "/session-1")
    assert json.loads(seen["body"]) == {"command": "stop"}
    headers = {name.lower(): value for name, value in seen["headers"].items()}
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"].startswith(f"confgen-voximplant/{client.package_version} ")
    # The session URL is a capability of its own: no JWT, none of the client's headers.
    assert "authorization" not in headers
    assert "x-team" not in headers


def test_text_bytes_get_and_a_bare_url(
    media_server: MediaServer, credentials: dict[str, str]
) -> None:
    client = Voximplant(credentials=credentials)
    session = client.media_session(f"{media_server.url}/session-2")
    session.send("hello")
    session.send(b"\x00\x01", headers={"X-Scenario": "1"})
    session.send(method="GET")
    text, raw, bare = media_server.requests
    assert (text["body"], text["headers"]["Content-Type"]) == (
        b"hello",
        "text/plain; charset=utf-8",
    )
    assert (raw["body"], raw["headers"]["X-Scenario"]) == (b"\x00\x01", "1")
    assert (bare["method"], bare["body"]) == ("GET", b"")


def test_an_error_status_is_raised_and_never_retried(
    media_server: MediaServer, credentials: dict[str, str]
) -> None:
    session = Voximplant(credentials=credentials, max_retries=3).media_session(
        f"{media_server.url}/fail"
    )
    with pytest.raises(InternalServerError) as caught:
        session.send({"command": "stop"})
    assert caught.value.status_code == 500
    assert "scenario crashed" in str(caught.value)
    assert len(media_server.requests) == 1  # what a request does is the scenario's business


def test_the_clients_timeout_and_size_limit_apply(
    media_server: MediaServer, credentials: dict[str, str]
) -> None:
    client = Voximplant(credentials=credentials, timeout=0.3, max_response_size=1024)
    with pytest.raises(APITimeoutError):
        client.media_session(f"{media_server.url}/slow").send()
    media_server.release.set()
    with pytest.raises(ResponseTooLargeError):
        client.media_session(f"{media_server.url}/big").send()


def test_no_answer_is_a_connection_error(credentials: dict[str, str]) -> None:
    with socket_closed() as url:
        session = Voximplant(credentials=credentials).media_session(url)
        with pytest.raises(APIConnectionError):
            session.send()


def test_a_response_without_the_url_or_a_non_http_url_is_refused(
    credentials: dict[str, str],
) -> None:
    client = Voximplant(credentials=credentials)
    empty = models.ScenariosStartConferenceResponse200.model_validate({"result": 1})
    with pytest.raises(ValueError, match="media_session_access_secure_url"):
        client.media_session(empty)
    with pytest.raises(ValueError, match="not an http"):
        client.media_session("file:///etc/passwd")


def test_async_media_session(media_server: MediaServer, credentials: dict[str, str]) -> None:
    async def run() -> httpx.Response:
        api = httpx.AsyncClient(transport=started_by_api(media_server.url))
        async with AsyncVoximplant(credentials=credentials, http_client=api) as client:
            started = await client.scenarios.start_scenarios(rule_id=7)
            async with httpx.AsyncClient() as own:
                session = client.media_session(started, secure=False, http_client=own)
                reply = await session.send({"command": "stop"})
                assert not own.is_closed  # the caller's client is never closed here
                return reply

    reply = asyncio.run(run())
    assert reply.text == "scenario: stopping"
    [seen] = media_server.requests
    assert seen["path"] == "/session-1"
    assert "Authorization" not in seen["headers"]


def test_async_timeout(media_server: MediaServer, credentials: dict[str, str]) -> None:
    async def run() -> None:
        client = AsyncVoximplant(credentials=credentials, timeout=0.3)
        await client.media_session(f"{media_server.url}/slow").send()

    with pytest.raises(APITimeoutError):
        asyncio.run(run())


def test_the_overlay_key_is_checked_against_the_success_body() -> None:
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "S", "version": "1"},
        "servers": [{"url": "https://api.example.test"}],
        "paths": {
            "/start": {
                "post": {
                    "operationId": "start",
                    "x-confgen-session-url": {"name": "session", "url": "control_url"},
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"other": {"type": "string"}},
                                    }
                                }
                            },
                        }
                    },
                }
            }
        },
    }
    with pytest.raises(ConfgenError, match="'control_url' is not a field of the success body"):
        load_api(spec, source="s.json", package="s", client_class="S")
    spec["paths"]["/start"]["post"]["responses"]["200"]["content"]["application/json"]["schema"][
        "properties"
    ]["control_url"] = {"type": "string"}
    (op,) = load_api(spec, source="s.json", package="s", client_class="S").operations
    assert op.session_url is not None and op.session_url.url == "control_url"


def test_both_voximplant_operations_declare_it() -> None:
    assert operation("start-conference").method == "POST"
    api_ops = {
        op.operation_id: op.session_url
        for op in load_api(
            _voximplant_spec(), source="v", package="voximplant", client_class="Voximplant"
        ).operations
    }
    assert {name: s and (s.name, s.url, s.secure_url) for name, s in api_ops.items()} == {
        "start-conference": (
            "media_session",
            "media_session_access_url",
            "media_session_access_secure_url",
        ),
        "start-scenarios": (
            "media_session",
            "media_session_access_url",
            "media_session_access_secure_url",
        ),
    }


def _voximplant_spec() -> Any:
    import yaml

    from tests.conftest import ROOT

    return yaml.safe_load((ROOT / "specs/voximplant.openapi.yaml").read_text())


class socket_closed:
    """A loopback port nothing listens on."""

    def __enter__(self) -> str:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        return f"http://127.0.0.1:{port}/session"

    def __exit__(self, *exc: object) -> None:
        return None
