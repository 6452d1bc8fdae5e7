"""An access token the user already holds, against a loopback server: OAuth2 flows other
than client credentials (the ``notepad`` spec), and a ready token instead of a client id
and secret (the ``vault`` spec's client-credentials scheme), sync and async."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from .conftest import CLIENT_ID, CLIENT_SECRET, TokenServer

TOKEN = "user-held-token-7f3a9c"


@pytest.fixture(autouse=True)
def _open_routes(token_server: TokenServer) -> None:
    token_server.open_paths.update({"/public", "/by-key"})


def notes_client(notepad: Any, server: TokenServer, **options: Any) -> Any:
    return notepad.Notepad(base_url=server.url, max_retries=0, **options)


def test_index_lists_the_access_token_with_its_scheme(notepad: Any) -> None:
    rows = [
        (c.argument, c.env, c.scheme, c.required, c.alternative)
        for c in notepad.operations.CREDENTIALS
    ]
    assert rows == [
        # The only way to meet userAuth, which the document's security needs: required.
        ("access_token", "NOTEPAD_ACCESS_TOKEN", "userAuth", True, False),
        ("api_key", "NOTEPAD_API_KEY", "queryKey", False, False),
    ]
    description = notepad.operations.credential("access_token").description
    assert "OAuth2 access token" in description
    assert "authorization code, password flow" in description


def test_docs_say_what_the_access_token_is(notepad: Any, vault: Any) -> None:
    assert "access_token: An OAuth2 access token you already hold" in (
        notepad.Notepad.__doc__ or ""
    )
    assert "Default: the ``NOTEPAD_ACCESS_TOKEN`` environment variable." in (
        notepad.Notepad.__doc__ or ""
    )
    assert "instead of one fetched with client_id and client_secret" in (vault.Vault.__doc__ or "")
    text = (Path(notepad.__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "`access_token` (`NOTEPAD_ACCESS_TOKEN`) is an access token you already hold" in text


def test_token_goes_only_to_operations_that_require_its_scheme(
    notepad: Any, token_server: TokenServer
) -> None:
    token_server.accepted.add(TOKEN)
    with notes_client(notepad, token_server, access_token=TOKEN, api_key="qk") as client:
        client.items.list_notes()
        client.items.get_public()
        client.items.by_key()
        client.items.either_way()  # the first alternative the credentials meet: userAuth
    assert token_server.api_requests == [
        {"path": "/notepad", "auth": f"Bearer {TOKEN}"},
        {"path": "/public", "auth": ""},
        {"path": "/by-key?access_code=qk", "auth": ""},
        {"path": "/either", "auth": f"Bearer {TOKEN}"},
    ]
    assert token_server.token_requests == []  # nothing is fetched: the token is the user's


async def test_token_goes_only_to_operations_that_require_its_scheme_async(
    notepad: Any, token_server: TokenServer
) -> None:
    token_server.accepted.add(TOKEN)
    async with notepad.AsyncNotepad(
        access_token=TOKEN, base_url=token_server.url, max_retries=0
    ) as client:
        await client.items.list_notes()
        await client.items.get_public()
        await client.items.either_way()
        with pytest.raises(notepad.MissingCredentialsError, match="api_key"):
            await client.items.by_key()
    assert token_server.api_requests == [
        {"path": "/notepad", "auth": f"Bearer {TOKEN}"},
        {"path": "/public", "auth": ""},
        {"path": "/either", "auth": f"Bearer {TOKEN}"},
    ]


def test_token_comes_from_the_environment(
    notepad: Any, token_server: TokenServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    token_server.accepted.update({TOKEN, "from-argument"})
    monkeypatch.setenv("NOTEPAD_ACCESS_TOKEN", TOKEN)
    with notes_client(notepad, token_server) as client:
        client.items.list_notes()
    with notes_client(notepad, token_server, access_token="from-argument") as client:
        client.items.list_notes()  # an argument wins over its variable
    assert [r["auth"] for r in token_server.api_requests] == [
        f"Bearer {TOKEN}",
        "Bearer from-argument",
    ]


def test_a_401_with_a_user_token_is_an_authentication_error_without_refresh(
    notepad: Any, token_server: TokenServer
) -> None:
    with (
        notes_client(notepad, token_server, access_token="expired") as client,
        pytest.raises(notepad.AuthenticationError),
    ):
        client.items.list_notes()
    assert [r["auth"] for r in token_server.api_requests] == ["Bearer expired"]
    assert token_server.token_requests == []


async def test_a_401_with_a_user_token_async(notepad: Any, token_server: TokenServer) -> None:
    async with notepad.AsyncNotepad(
        access_token="expired", base_url=token_server.url, max_retries=0
    ) as client:
        with pytest.raises(notepad.AuthenticationError):
            await client.items.list_notes()
    assert len(token_server.api_requests) == 1


def test_missing_token_errors_name_the_argument_and_variable(
    notepad: Any, token_server: TokenServer
) -> None:
    with pytest.raises(notepad.MissingConfigurationError) as construction:
        notepad.Notepad()
    assert "access_token" in str(construction.value)
    assert "NOTEPAD_ACCESS_TOKEN" in str(construction.value)
    client = notes_client(notepad, token_server, api_key="qk")
    with pytest.raises(notepad.MissingCredentialsError) as caught:
        client.items.list_notes()
    assert str(caught.value) == (
        "listNotes needs credentials: pass [access_token= (or NOTEPAD_ACCESS_TOKEN)]"
    )
    assert token_server.api_requests == []


def test_missing_client_credentials_name_the_token_alternative(vault: Any) -> None:
    client = vault.Vault(api_key="k", base_url="http://127.0.0.1:9")
    with pytest.raises(vault.MissingCredentialsError) as caught:
        client.items.by_oauth()
    assert str(caught.value) == (
        "byOauth needs credentials: pass [client_id= (or VAULT_CLIENT_ID) and client_secret= "
        "(or VAULT_CLIENT_SECRET)] or [access_token= (or VAULT_ACCESS_TOKEN)]"
    )
    with pytest.raises(vault.MissingCredentialsError) as both:
        client.items.by_key_and_oauth()
    assert "[access_token= (or VAULT_ACCESS_TOKEN) and header_key_api_key=" in str(both.value)


# -- a ready token for a client-credentials scheme --


def vault_client(vault: Any, server: TokenServer, **credentials: Any) -> Any:
    return vault.Vault(base_url=server.url, max_retries=0, **credentials)


def test_a_ready_token_meets_a_client_credentials_scheme(
    vault: Any, token_server: TokenServer
) -> None:
    token_server.accepted.add(TOKEN)
    with vault_client(vault, token_server, access_token=TOKEN) as client:
        client.items.by_oauth()
        client.items.by_scoped_oauth()
        client.items.get_public()
        with pytest.raises(vault.MissingCredentialsError, match="api_key"):
            client.items.list_items()  # bearerAuth or basicAuth: not the oauth scheme
    assert token_server.token_requests == []
    assert token_server.api_requests == [
        {"path": "/oauth", "auth": f"Bearer {TOKEN}"},
        {"path": "/scoped", "auth": f"Bearer {TOKEN}"},
        {"path": "/public", "auth": ""},
    ]


def test_the_token_wins_when_both_are_given(vault: Any, token_server: TokenServer) -> None:
    token_server.accepted.add(TOKEN)
    with vault_client(
        vault,
        token_server,
        access_token=TOKEN,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    ) as client:
        client.items.by_oauth()
        token_server.revoked.add(TOKEN)
        with pytest.raises(vault.AuthenticationError):
            client.items.by_oauth()  # no refresh through the client credentials either
    assert token_server.token_requests == []
    assert [r["auth"] for r in token_server.api_requests] == [f"Bearer {TOKEN}"] * 2


async def test_the_token_wins_when_both_are_given_async(
    vault: Any, token_server: TokenServer
) -> None:
    token_server.accepted.add(TOKEN)
    async with vault.AsyncVault(
        access_token=TOKEN,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=token_server.url,
        max_retries=0,
    ) as client:
        await client.items.by_oauth()
    assert token_server.token_requests == []
    assert token_server.api_requests == [{"path": "/oauth", "auth": f"Bearer {TOKEN}"}]


def test_an_argument_beats_an_environment_variable_across_the_two_ways(
    vault: Any, token_server: TokenServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    token_server.accepted.add(TOKEN)
    # The token's variable against client id and secret arguments: the arguments win.
    monkeypatch.setenv("VAULT_ACCESS_TOKEN", TOKEN)
    with vault_client(
        vault, token_server, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    ) as client:
        client.items.by_oauth()
    assert len(token_server.token_requests) == 1
    assert token_server.api_requests[-1]["auth"] == "Bearer tok-1"
    # Both from the environment: the token wins.
    monkeypatch.setenv("VAULT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("VAULT_CLIENT_SECRET", CLIENT_SECRET)
    with vault_client(vault, token_server) as client:
        client.items.by_oauth()
    assert token_server.api_requests[-1]["auth"] == f"Bearer {TOKEN}"
    # The token's argument against client id and secret variables: the token wins.
    token_server.accepted.add("argument-token")
    with vault_client(vault, token_server, access_token="argument-token") as client:
        client.items.by_oauth()
    assert token_server.api_requests[-1]["auth"] == "Bearer argument-token"
    assert len(token_server.token_requests) == 1


def test_access_tokens_never_reach_our_logs(
    notepad: Any, vault: Any, token_server: TokenServer, caplog: pytest.LogCaptureFixture
) -> None:
    token_server.accepted.add(TOKEN)
    with caplog.at_level(logging.DEBUG):
        with notes_client(notepad, token_server, access_token=TOKEN) as client:
            client.items.list_notes()
        with vault_client(vault, token_server, access_token=TOKEN) as client:
            client.items.by_oauth()
    ours = [r for r in caplog.records if r.name.startswith(("notepad", "vault"))]
    assert {r.name for r in ours} >= {"notepad.http", "vault.http"}
    assert "'authorization': '<redacted>'" in "\n".join(r.getMessage() for r in ours)
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
