"""httpx's own logger writes every request URL at INFO: no secret a client was given may
reach any log record of any logger (apiKey in the query, bearer, basic, OAuth2 client
credentials and a user-held token), while other httpx users' records stay as they were."""

from __future__ import annotations

import base64
import logging
from typing import Any

import httpx
import pytest

from .conftest import CLIENT_ID, CLIENT_SECRET, TokenServer

QUERY_KEY = "q-Key/4+2 z&9"  # characters a URL percent-encodes
BEARER = "bearer-secret-5b1c"
PASSWORD = "basic-password-8e2d"
USER_TOKEN = "user-held-token-3c4d"


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record's formatted message and raw arguments, whatever logger wrote it."""
    return "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)


@pytest.mark.parametrize("level", [logging.INFO, logging.DEBUG])
def test_no_secret_reaches_any_logger(
    vault: Any,
    notepad: Any,
    token_server: TokenServer,
    caplog: pytest.LogCaptureFixture,
    level: int,
) -> None:
    token_server.open_paths.update({"/by-query", "/items", "/by-key"})
    token_server.accepted.add(USER_TOKEN)
    with caplog.at_level(level):  # what logging.basicConfig(level=...) does to the root
        with vault.Vault(
            query_key_api_key=QUERY_KEY,
            api_key=BEARER,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            base_url=token_server.url,
            max_retries=0,
        ) as client:
            client.items.by_query()
            client.items.list_items()
            client.items.by_oauth()
        with vault.Vault(
            username="ann", password=PASSWORD, base_url=token_server.url, max_retries=0
        ) as client:
            client.items.list_items()
        with notepad.Notepad(
            access_token=USER_TOKEN, api_key=QUERY_KEY, base_url=token_server.url, max_retries=0
        ) as other:
            other.items.list_notes()
            other.items.by_key()
    logged = everything_logged(caplog)
    # httpx did log each request, its query key redacted.
    requests = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert [m.split(" ")[2] for m in requests] == ["GET", "GET", "POST"] + ["GET"] * 4
    assert "/by-query?access_code=<redacted>" in logged
    assert "/by-key?access_code=<redacted>" in logged
    basic = base64.b64encode(f"ann:{PASSWORD}".encode()).decode()
    client_basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    encoded = httpx.URL("http://x/").copy_set_param("k", QUERY_KEY).query.decode()[2:]
    for secret in (QUERY_KEY, encoded, BEARER, PASSWORD, basic, CLIENT_SECRET, client_basic):
        assert secret not in logged
    for token in ("tok-1", USER_TOKEN):
        assert f"Bearer {token}" not in logged


async def test_no_query_key_reaches_httpx_logs_async(
    vault: Any, token_server: TokenServer, caplog: pytest.LogCaptureFixture
) -> None:
    token_server.open_paths.add("/by-query")
    with caplog.at_level(logging.INFO):
        async with vault.AsyncVault(
            query_key_api_key=QUERY_KEY, base_url=token_server.url, max_retries=0
        ) as client:
            await client.items.by_query()
    logged = everything_logged(caplog)
    assert "HTTP Request: GET" in logged
    assert "access_code=<redacted>" in logged
    assert QUERY_KEY not in logged
    assert "q-Key%2F4%2B2+z%269" not in logged


def test_other_httpx_users_logs_are_left_alone(
    vault: Any, token_server: TokenServer, caplog: pytest.LogCaptureFixture
) -> None:
    token_server.open_paths.add("/by-query")
    client = vault.Vault(query_key_api_key=QUERY_KEY, base_url=token_server.url, max_retries=0)
    with caplog.at_level(logging.INFO), httpx.Client() as plain:
        # Another library's request, even with the same parameter name: not ours to change.
        plain.get(f"{token_server.url}/by-query", params={"access_code": "someone-elses"})
    logged = everything_logged(caplog)
    assert "/by-query?access_code=someone-elses" in logged
    assert logging.getLogger("httpx").level == logging.NOTSET  # no level set for anyone
    client.close()
