"""A small spec written for the security and lenient-response tests, generated once per
session, and a loopback OAuth2 token server (plus API) on a free port."""

from __future__ import annotations

import base64
import importlib
import json
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from confgen.cli import main

CLIENT_ID = "vault-client"
CLIENT_SECRET = "s3cr3t-client-secret-value"

_OK = {
    "200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
    }
}
_THEME = {"name": "theme", "in": "cookie", "required": False, "schema": {"type": "string"}}


def _get(
    operation_id: str, security: list[dict[str, list[str]]] | None = None, **extra: Any
) -> dict[str, Any]:
    node: dict[str, Any] = {"operationId": operation_id, "tags": ["Items"], "responses": _OK}
    if security is not None:
        node["security"] = security
    node.update(extra)
    return {"get": node}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Vault", "version": "1"},
    "servers": [{"url": "https://vault.example.com/v1"}],
    "security": [{"bearerAuth": []}, {"basicAuth": []}],
    "paths": {
        "/items": _get("listItems"),
        "/public": _get("getPublic", []),
        "/by-header": _get("byHeader", [{"headerKey": []}]),
        "/by-query": _get("byQuery", [{"queryKey": []}]),
        "/by-cookie": _get("byCookie", [{"cookieKey": []}], parameters=[_THEME]),
        "/both-keys": _get("bothKeys", [{"headerKey": [], "queryKey": []}]),
        "/optional": _get("optionalAuth", [{"bearerAuth": []}, {}]),
        "/oauth": _get("byOauth", [{"oauth": []}]),
        "/scoped": _get("byScopedOauth", [{"oauth": ["items:read", "items:audit"]}]),
        "/key-and-oauth": _get("byKeyAndOauth", [{"oauth": [], "headerKey": []}]),
        "/lines": {
            "get": {
                "operationId": "getSummary",
                "tags": ["Reports"],
                "security": [],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Summary"}}
                        },
                    }
                },
            }
        },
    },
    "components": {
        "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer"},
            "basicAuth": {"type": "http", "scheme": "basic"},
            "headerKey": {"type": "apiKey", "in": "header", "name": "X-Vault-Key"},
            "queryKey": {"type": "apiKey", "in": "query", "name": "access_code"},
            "cookieKey": {"type": "apiKey", "in": "cookie", "name": "vault_sid"},
            "oauth": {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": "/oauth/token",
                        "scopes": {"items:read": "read", "items:audit": "audit"},
                    }
                },
            },
        },
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["id", "count"],
                "properties": {
                    "id": {"type": "string"},
                    "count": {"type": "integer"},
                    "owner": {"$ref": "#/components/schemas/Owner"},
                    "pet": {"$ref": "#/components/schemas/Pet"},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Owner"}},
                },
            },
            "Owner": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            },
            "Pet": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Cat"},
                    {"$ref": "#/components/schemas/Dog"},
                ]
            },
            "Cat": {
                "type": "object",
                "required": ["meows"],
                "properties": {"meows": {"type": "boolean"}},
                "additionalProperties": False,
            },
            "Dog": {
                "type": "object",
                "required": ["barks"],
                "properties": {"barks": {"type": "boolean"}},
                "additionalProperties": False,
            },
            # The whole Telnyx spec's SummaryLine: an implicit discriminator mapping whose
            # variants fix the tag themselves (type: {enum: [simple]}).
            "Summary": {
                "type": "object",
                "required": ["lines"],
                "properties": {
                    "lines": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/SummaryLine"},
                    }
                },
            },
            "SummaryLine": {
                "discriminator": {"propertyName": "type"},
                "oneOf": [
                    {"$ref": "#/components/schemas/ComparativeLine"},
                    {"$ref": "#/components/schemas/SimpleLine"},
                ],
            },
            "ComparativeLine": {
                "type": "object",
                "required": ["type", "name"],
                "properties": {
                    "type": {"type": "string", "enum": ["comparative"]},
                    "name": {"type": "string"},
                },
            },
            "SimpleLine": {
                "type": "object",
                "required": ["type", "amount"],
                "properties": {
                    "type": {"type": "string", "enum": ["simple"]},
                    "amount": {"type": "string"},
                },
            },
        },
    },
}


# A user who already holds a token: OAuth2 without a client-credentials flow (one scheme,
# so its argument is plain ``access_token``), beside a query API key.
NOTEPAD_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Notepad", "version": "1"},
    "servers": [{"url": "https://notepad.example.com/v1"}],
    "security": [{"userAuth": ["notepad:read"]}],
    "paths": {
        "/notepad": _get("listNotes"),
        "/public": _get("getPublic", []),
        "/by-key": _get("byKey", [{"queryKey": []}]),
        "/either": _get("eitherWay", [{"userAuth": []}, {"queryKey": []}]),
    },
    "components": {
        "securitySchemes": {
            "userAuth": {
                "type": "oauth2",
                "flows": {
                    "authorizationCode": {
                        "authorizationUrl": "https://notepad.example.com/authorize",
                        "tokenUrl": "https://notepad.example.com/token",
                        "scopes": {"notepad:read": "read"},
                    },
                    "password": {
                        "tokenUrl": "https://notepad.example.com/token",
                        "scopes": {"notepad:read": "read"},
                    },
                },
            },
            "queryKey": {"type": "apiKey", "in": "query", "name": "access_code"},
        },
        "schemas": {
            name: SPEC["components"]["schemas"][name]
            for name in ("Item", "Owner", "Pet", "Cat", "Dog")
        },
    },
}


def _generated(
    tmp_path_factory: pytest.TempPathFactory, package: str, document: dict[str, Any]
) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp(package)
    spec = folder / f"{package}.json"
    spec.write_text(json.dumps(document))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", package]) == 0
    sys.path.insert(0, str(out / package))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(out / package))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


@pytest.fixture(scope="session")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The package generated from SPEC, imported as ``vault``."""
    yield from _generated(tmp_path_factory, "vault", SPEC)


@pytest.fixture(scope="session")
def notepad(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The package generated from NOTEPAD_SPEC, imported as ``notepad``."""
    yield from _generated(tmp_path_factory, "notepad", NOTEPAD_SPEC)


@pytest.fixture(autouse=True)
def _no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith(("VAULT_", "TELNYX_", "NOTEPAD_")):
            monkeypatch.delenv(name)


class TokenServer:
    """An OAuth2 token endpoint (any path ending in ``/oauth/token``) and an API that
    answers 200 to a bearer token it issued (or one in ``accepted``) and has not
    revoked, or to any request for a path in ``open_paths`` (query aside), else 401."""

    def __init__(self) -> None:
        self.expires_in: float | None = 3600
        self.token_delay = 0.0
        self.token_requests: list[dict[str, Any]] = []
        self.api_requests: list[dict[str, str]] = []
        self.revoked: set[str] = set()
        self.accepted: set[str] = set()
        self.open_paths: set[str] = set()
        self.body: Any = {"id": "i1", "count": 1}
        self._issued = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _reply(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode())
                if not self.path.endswith("/oauth/token"):
                    self._reply(404, {"error": "not_found"})
                    return
                basic = self.headers.get("Authorization", "")
                expected = (
                    "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                )
                with server._lock:
                    server.token_requests.append({"path": self.path, "form": form, "auth": basic})
                time.sleep(server.token_delay)
                if basic != expected or form.get("grant_type") != ["client_credentials"]:
                    self._reply(401, {"error": "invalid_client"})
                    return
                with server._lock:
                    server._issued += 1
                    token = f"tok-{server._issued}"
                body: dict[str, Any] = {"access_token": token, "token_type": "Bearer"}
                if server.expires_in is not None:
                    body["expires_in"] = server.expires_in
                self._reply(200, body)

            def do_GET(self) -> None:
                auth = self.headers.get("Authorization", "")
                with server._lock:
                    server.api_requests.append({"path": self.path, "auth": auth})
                    if "X-Vault-Key" in self.headers:
                        server.api_requests[-1]["key"] = self.headers["X-Vault-Key"]
                    issued = {f"tok-{n}" for n in range(1, server._issued + 1)}
                token = auth.removeprefix("Bearer ")
                if self.path.split("?")[0] in server.open_paths:
                    self._reply(200, server.body)
                    return
                if token not in issued | server.accepted or token in server.revoked:
                    self._reply(
                        401, {"errors": [{"code": "10009", "title": "Authentication failed"}]}
                    )
                    return
                self._reply(200, server.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def token_server() -> Iterator[TokenServer]:
    server = TokenServer()
    try:
        yield server
    finally:
        server.close()
