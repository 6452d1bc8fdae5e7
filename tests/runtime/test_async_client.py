"""The async client drives the same flow: same retries, errors and options."""

from __future__ import annotations

import json

import httpx
import pytest

from confgen.codegen.http.runtime import (
    APITimeoutError,
    AsyncAPIClient,
    BearerAuth,
    InternalServerError,
    Operation,
    RequestValidationError,
    validate_request,
)
from tests.runtime.runtime_support import (
    BASE_URL,
    SECRET,
    AsyncTestClient,
    ConferenceResponse,
    CreateConferenceRequest,
    Recorder,
    async_client,
    conference_json,
)

GET = Operation(method="GET", path="/conferences/{id}")
POST = Operation(method="POST", path="/conferences")
CREATE_WITH_KEY = Operation(
    method="POST",
    path="/conferences",
    retry="idempotency-key",
    idempotency_key=("body", "command_id"),
)
OK = httpx.Response(200, json=conference_json())


async def test_async_request_sends_the_same_wire_format() -> None:
    recorder = Recorder(OK)
    client = async_client(recorder, auth=BearerAuth(SECRET))
    result = await client.request(
        GET, cast_to=ConferenceResponse, path_params={"id": "a b"}, query={"x": False}
    )
    assert result.data.id == "c-1"
    [sent] = recorder.requests
    assert str(sent.url) == f"{BASE_URL}/conferences/a%20b?x=false"
    assert sent.headers["Authorization"] == f"Bearer {SECRET}"


async def test_async_retries_with_retry_after_and_backoff() -> None:
    recorder = Recorder(httpx.Response(429, headers={"retry-after": "2"}), httpx.Response(500), OK)
    sleeps: list[float] = []
    await async_client(recorder, sleeps).request(GET, cast_to=None, path_params={"id": 1})
    assert sleeps == [2.0, 1.0]
    assert len(recorder.requests) == 3


async def test_async_retry_reuses_idempotency_key() -> None:
    recorder = Recorder(httpx.ConnectError("refused"), httpx.Response(503), OK)
    await async_client(recorder).request(CREATE_WITH_KEY, cast_to=None, json={"name": "n"})
    keys = {json.loads(r.content)["command_id"] for r in recorder.requests}
    assert len(recorder.requests) == 3 and len(keys) == 1


async def test_async_unprocessed_post_is_not_retried_after_500_or_read_timeout() -> None:
    recorder = Recorder(httpx.Response(500), OK)
    with pytest.raises(InternalServerError):
        await async_client(recorder).request(POST, cast_to=None, json={})
    recorder = Recorder(httpx.ReadTimeout("slow"), OK)
    with pytest.raises(APITimeoutError):
        await async_client(recorder).request(POST, cast_to=None, json={})
    assert len(recorder.requests) == 1


async def test_async_request_validation_error_sends_nothing() -> None:
    recorder = Recorder(OK)
    client = async_client(recorder)
    with pytest.raises(RequestValidationError):
        body = validate_request(CreateConferenceRequest, {"call_control_id": "c"})
        await client.request(POST, cast_to=None, json=body)
    assert recorder.requests == []


async def test_async_users_http_client_is_not_closed_and_owned_one_is() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(Recorder(OK)))
    async with AsyncTestClient(base_url=BASE_URL, http_client=http) as client:
        await client.request(GET, cast_to=None, path_params={"id": 1})
    assert not http.is_closed
    await http.aclose()

    owned: AsyncAPIClient = AsyncTestClient(base_url=BASE_URL)
    shared = owned.with_options(max_retries=0)
    assert shared._http is owned._http
    await shared.close()
    assert not owned.is_closed
    await owned.close()
    assert owned.is_closed


async def test_async_default_sleep_really_waits() -> None:
    recorder = Recorder(httpx.Response(429, headers={"retry-after-ms": "10"}), OK)
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    client = AsyncTestClient(base_url=BASE_URL, http_client=http)
    await client.request(GET, cast_to=None, path_params={"id": 1})
    assert len(recorder.requests) == 2
