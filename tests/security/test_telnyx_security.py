"""The generated Telnyx client: the API key or OAuth2 client credentials (the whole
spec's oauthClientAuth, carried into the subset by the overlay), ``security: []`` on
the room-session commands, and lenient responses, sync and async."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from confgen_telnyx import AsyncTelnyx, Telnyx
from confgen_telnyx.errors import (
    APIResponseValidationError,
    MissingConfigurationError,
    MissingCredentialsError,
)
from confgen_telnyx.models import Conference
from confgen_telnyx.operations import CREDENTIALS, operation

from .conftest import CLIENT_ID, CLIENT_SECRET, TokenServer

SESSION = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
CONFERENCE = {
    "data": {
        "record_type": "conference",
        "id": "c1",
        "name": "standup",
        "created_at": "2026-01-01T00:00:00Z",
        "expires_at": "2026-01-02T00:00:00Z",
    }
}


def recording(body: Any = CONFERENCE) -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=body)

    return seen, httpx.MockTransport(handler)


def test_the_index_offers_the_api_key_and_oauth2() -> None:
    assert [(c.argument, c.env, c.scheme, c.alternative) for c in CREDENTIALS] == [
        ("api_key", "TELNYX_API_KEY", "bearerAuth", False),
        ("client_id", "TELNYX_CLIENT_ID", "oauthClientAuth", False),
        ("client_secret", "TELNYX_CLIENT_SECRET", "oauthClientAuth", False),
        # Or a ready OAuth2 token instead of the client id and secret.
        ("access_token", "TELNYX_ACCESS_TOKEN", "oauthClientAuth", True),
    ]
    # Either is enough: neither alone is required.
    assert not any(c.required for c in CREDENTIALS)
    assert operation("EndSession").operation_id == "EndSession"


def test_nothing_given_names_both_ways_in() -> None:
    with pytest.raises(MissingConfigurationError) as caught:
        Telnyx()
    for name in (
        "api_key",
        "TELNYX_API_KEY",
        "client_id",
        "TELNYX_CLIENT_SECRET",
        "access_token",
        "TELNYX_ACCESS_TOKEN",
    ):
        assert name in str(caught.value)


def test_security_empty_operations_send_no_key() -> None:
    seen, transport = recording({"data": {}})
    client = Telnyx(api_key="KEY123", http_client=httpx.Client(transport=transport))
    client.room_sessions.end_session(room_session_id=SESSION)
    client.conferences.retrieve_conference(id="c1")
    assert "Authorization" not in seen[0].headers
    assert seen[1].headers["Authorization"] == "Bearer KEY123"


async def test_security_empty_operations_send_no_key_async() -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": {}})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    client = AsyncTelnyx(api_key="KEY123", http_client=http)
    await client.room_sessions.mute_participant_in_session(room_session_id=SESSION)
    await client.rooms.list_rooms()
    assert "Authorization" not in seen[0].headers
    assert seen[1].headers["Authorization"] == "Bearer KEY123"


def test_oauth2_client_credentials(
    token_server: TokenServer, caplog: pytest.LogCaptureFixture
) -> None:
    token_server.body = CONFERENCE
    base = f"{token_server.url}/v2"
    with (
        caplog.at_level(logging.DEBUG),
        Telnyx(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=base) as client,
    ):
        first = client.conferences.retrieve_conference(id="c1")
        client.conferences.retrieve_conference(id="c1")
        token_server.revoked.add("tok-1")
        client.conferences.retrieve_conference(id="c1")
    assert first.data is not None and first.data.name == "standup"
    # The spec's tokenUrl (https://api.telnyx.com/v2/oauth/token) follows base_url.
    assert [r["path"] for r in token_server.token_requests] == ["/v2/oauth/token"] * 2
    assert [r["auth"] for r in token_server.api_requests] == [
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-2",
    ]
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert CLIENT_SECRET not in text and "tok-1" not in text and "tok-2" not in text


async def test_oauth2_client_credentials_async(token_server: TokenServer) -> None:
    import asyncio

    token_server.body = CONFERENCE
    token_server.token_delay = 0.2
    async with AsyncTelnyx(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=f"{token_server.url}/v2"
    ) as client:
        results = await asyncio.gather(
            *(client.conferences.retrieve_conference(id="c1") for _ in range(6))
        )
    assert all(r.data is not None and r.data.id == "c1" for r in results)
    assert len(token_server.token_requests) == 1


def test_oauth2_needs_both_halves() -> None:
    with pytest.raises(MissingConfigurationError, match=r"client_secret.*TELNYX_CLIENT_SECRET"):
        Telnyx(client_id=CLIENT_ID)


def test_the_api_key_wins_when_both_are_given() -> None:
    seen, transport = recording()
    client = Telnyx(
        api_key="KEY123",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        http_client=httpx.Client(transport=transport),
    )
    client.conferences.retrieve_conference(id="c1")
    # The spec's first alternative (bearerAuth); no token request went out.
    assert [r.url.path for r in seen] == ["/v2/conferences/c1"]
    assert seen[0].headers["Authorization"] == "Bearer KEY123"


def test_with_options_auth_none_sends_no_credentials() -> None:
    # with_options(auth=None) keeps the user's own http_client auth: nothing to choose.
    seen, transport = recording()
    client = Telnyx(api_key="KEY123", http_client=httpx.Client(transport=transport))
    client.with_options(auth=None).conferences.retrieve_conference(id="c1")
    assert "Authorization" not in seen[0].headers
    assert MissingCredentialsError.__mro__[1] is MissingConfigurationError


BROKEN = {"data": {"record_type": "conference", "id": "c1", "created_at": "yesterday"}}


def test_lenient_telnyx_conference(caplog: pytest.LogCaptureFixture) -> None:
    _, transport = recording(BROKEN)
    client = Telnyx(api_key="KEY123", http_client=httpx.Client(transport=transport))
    with caplog.at_level(logging.DEBUG, logger="telnyx"):
        result = client.conferences.retrieve_conference(id="c1")
    assert isinstance(result.data, Conference)
    assert result.data.id == "c1"
    assert result.data.name is None  # required, missing
    assert result.data.created_at == "yesterday"  # kept as received
    lines = [r.getMessage() for r in caplog.records if r.name == "telnyx"]
    assert (
        "RetrieveConference: response RetrieveConferenceResponse at $.data.name: required field missing"
        in lines
    )
    with pytest.raises(APIResponseValidationError):
        client.with_options(strict_responses=True).conferences.retrieve_conference(id="c1")


async def test_lenient_telnyx_conference_async() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=BROKEN)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    client = AsyncTelnyx(api_key="KEY123", http_client=http)
    result = await client.conferences.retrieve_conference(id="c1")
    assert result.data is not None and result.data.created_at == "yesterday"
    with pytest.raises(APIResponseValidationError):
        await AsyncTelnyx(
            api_key="KEY123", http_client=http, strict_responses=True
        ).conferences.retrieve_conference(id="c1")
