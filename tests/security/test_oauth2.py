"""OAuth2 client credentials against a loopback token server: fetch, caching, expiry,
refresh once on 401, one token request for many threads or tasks, nothing in logs."""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
import time
from typing import Any

import httpx
import pytest

from confgen.codegen.http.runtime._auth import OAuth2ClientCredentials, resolve_token_url

from .conftest import CLIENT_ID, CLIENT_SECRET, TokenServer


def make(vault: Any, server: TokenServer, **options: Any) -> Any:
    return vault.Vault(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=server.url,
        max_retries=0,
        **options,
    )


def make_async(vault: Any, server: TokenServer, **options: Any) -> Any:
    return vault.AsyncVault(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=server.url,
        max_retries=0,
        **options,
    )


def test_token_is_fetched_from_the_token_url_and_sent_as_bearer(
    vault: Any, token_server: TokenServer
) -> None:
    with make(vault, token_server) as client:
        item = client.items.by_oauth()
    assert item.id == "i1"
    [token_request] = token_server.token_requests
    # tokenUrl "/oauth/token" is relative: resolved against the server URL.
    assert token_request["path"] == "/oauth/token"
    assert token_request["form"] == {"grant_type": ["client_credentials"]}
    expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert token_request["auth"] == f"Basic {expected}"
    assert token_server.api_requests == [{"path": "/oauth", "auth": "Bearer tok-1"}]


def test_requirement_scopes_are_asked_for(vault: Any, token_server: TokenServer) -> None:
    with make(vault, token_server) as client:
        client.items.by_scoped_oauth()
        client.items.by_oauth()  # no scopes: another token
        client.items.by_scoped_oauth()  # cached per scope set
    forms = [r["form"] for r in token_server.token_requests]
    assert forms == [
        {"grant_type": ["client_credentials"], "scope": ["items:audit items:read"]},
        {"grant_type": ["client_credentials"]},
    ]


def test_token_is_cached_until_expiry(vault: Any, token_server: TokenServer) -> None:
    token_server.expires_in = 1  # cached for 0.5 s (the skew is at most half the lifetime)
    with make(vault, token_server) as client:
        client.items.by_oauth()
        client.items.by_oauth()
        assert len(token_server.token_requests) == 1
        time.sleep(0.6)
        client.items.by_oauth()
    assert len(token_server.token_requests) == 2
    assert [r["auth"] for r in token_server.api_requests] == [
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-2",
    ]


def test_expiry_skew_with_a_clock() -> None:
    now = [1000.0]
    answers = iter(range(1, 10))

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(
                200, json={"access_token": f"t{next(answers)}", "expires_in": 3600}
            )
        return httpx.Response(200, json={})

    auth = OAuth2ClientCredentials(
        "id", "secret", token_url="https://a.test/token", clock=lambda: now[0]
    )
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as http:
        assert http.get("https://a.test/x").request.headers["Authorization"] == "Bearer t1"
        now[0] += 3600 - 31  # 31 s before expiry: still good
        assert http.get("https://a.test/x").request.headers["Authorization"] == "Bearer t1"
        now[0] += 2  # 29 s before: inside the 30 s skew, replaced
        assert http.get("https://a.test/x").request.headers["Authorization"] == "Bearer t2"
    assert auth.token_requests == 2


def test_a_401_refreshes_the_token_once_and_retries_once(
    vault: Any, token_server: TokenServer
) -> None:
    with make(vault, token_server) as client:
        client.items.by_oauth()
        token_server.revoked.add("tok-1")
        assert client.items.by_oauth().id == "i1"
    assert len(token_server.token_requests) == 2
    assert [r["auth"] for r in token_server.api_requests] == [
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-2",
    ]


def test_a_second_401_is_an_authentication_error(vault: Any, token_server: TokenServer) -> None:
    with make(vault, token_server) as client:
        client.items.by_oauth()
        token_server.revoked.update({"tok-1", "tok-2"})
        with pytest.raises(vault.AuthenticationError):
            client.items.by_oauth()
    assert len(token_server.token_requests) == 2
    assert len(token_server.api_requests) == 3  # first call, then the refused one and its retry


def test_a_refused_token_request_is_a_typed_error_without_the_secret(
    vault: Any, token_server: TokenServer
) -> None:
    client = vault.Vault(client_id=CLIENT_ID, client_secret="wrong", base_url=token_server.url)
    with pytest.raises(vault.AuthenticationError) as caught:
        client.items.by_oauth()
    assert "token endpoint answered HTTP 401: invalid_client" in str(caught.value)
    assert "wrong" not in str(caught.value)
    assert token_server.api_requests == []


def test_threads_share_one_token_request(vault: Any, token_server: TokenServer) -> None:
    token_server.token_delay = 0.3
    results: list[str] = []
    with make(vault, token_server) as client:
        barrier = threading.Barrier(8)

        def call() -> None:
            barrier.wait()
            results.append(client.items.by_oauth().id)

        threads = [threading.Thread(target=call) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert results == ["i1"] * 8
    assert len(token_server.token_requests) == 1
    assert {r["auth"] for r in token_server.api_requests} == {"Bearer tok-1"}


async def test_tasks_share_one_token_request(vault: Any, token_server: TokenServer) -> None:
    token_server.token_delay = 0.3
    async with make_async(vault, token_server) as client:
        items = await asyncio.gather(*(client.items.by_oauth() for _ in range(8)))
        token_server.revoked.add("tok-1")
        refreshed = await asyncio.gather(*(client.items.by_oauth() for _ in range(4)))
    assert [item.id for item in items + refreshed] == ["i1"] * 12
    # One for the eight tasks, one refresh for the four that met the 401.
    assert len(token_server.token_requests) == 2


def test_token_and_secret_never_reach_a_log(
    vault: Any, token_server: TokenServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG), make(vault, token_server) as client:
        client.items.by_oauth()
        token_server.revoked.add("tok-1")
        client.items.by_oauth()
    assert any(r.name == "vault.http" for r in caplog.records)
    text = "\n".join(r.getMessage() for r in caplog.records)
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    for secret in (CLIENT_SECRET, basic, "tok-1", "tok-2"):
        assert secret not in text
    assert CLIENT_SECRET not in repr(client)


def test_oauth2_together_with_an_api_key(vault: Any, token_server: TokenServer) -> None:
    with make(vault, token_server, header_key_api_key="hk") as client:
        client.items.by_key_and_oauth()
        token_server.revoked.add("tok-1")
        client.items.by_key_and_oauth()  # the 401 retry carries the key too
    assert token_server.api_requests == [
        {"path": "/key-and-oauth", "auth": "Bearer tok-1", "key": "hk"},
        {"path": "/key-and-oauth", "auth": "Bearer tok-1", "key": "hk"},
        {"path": "/key-and-oauth", "auth": "Bearer tok-2", "key": "hk"},
    ]


async def test_oauth2_together_with_an_api_key_async(vault: Any, token_server: TokenServer) -> None:
    async with make_async(vault, token_server, header_key_api_key="hk") as client:
        await client.items.by_key_and_oauth()
        token_server.revoked.add("tok-1")
        await client.items.by_key_and_oauth()
    assert [(r["auth"], r.get("key")) for r in token_server.api_requests] == [
        ("Bearer tok-1", "hk"),
        ("Bearer tok-1", "hk"),
        ("Bearer tok-2", "hk"),
    ]


def test_token_url_resolution() -> None:
    server = "https://api.example.com/v2"
    assert (
        resolve_token_url("/oauth/token", server, server) == "https://api.example.com/oauth/token"
    )
    assert (
        resolve_token_url("oauth/token", server, server) == "https://api.example.com/v2/oauth/token"
    )
    assert (
        resolve_token_url("https://id.example.net/token", server, "http://127.0.0.1:1/v2")
        == "https://id.example.net/token"
    )
    # Under the spec's own server: follows a base_url override (a test server, a proxy).
    assert (
        resolve_token_url("https://api.example.com/v2/oauth/token", server, "http://127.0.0.1:1/v2")
        == "http://127.0.0.1:1/v2/oauth/token"
    )
