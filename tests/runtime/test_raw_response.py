"""``with_raw_response``: the same generated methods, returning the HTTP response."""

from __future__ import annotations

import asyncio
from functools import cached_property
from typing import Literal

import httpx
import pytest

from confgen.codegen.http.runtime import (
    NOT_GIVEN,
    APIResponse,
    AsyncAPIClient,
    AsyncResource,
    NotFoundError,
    NotGiven,
    Operation,
    SyncAPIClient,
    SyncResource,
    async_to_raw_response_wrapper,
    strip_not_given,
    to_raw_response_wrapper,
    validate_request,
)
from tests.runtime.runtime_support import (
    ConferenceResponse,
    CreateConferenceRequest,
    Recorder,
    async_client,
    conference_json,
    sync_client,
)

_CREATE = Operation(
    method="POST",
    path="/conferences",
    retry="idempotency-key",
    idempotency_key=("body", "command_id"),
)


# What the generator emits for a resource, written out by hand.
class Conferences(SyncResource):
    def create_conference(
        self,
        *,
        call_control_id: str,
        name: str,
        beep_enabled: Literal["always", "never"] | NotGiven = NOT_GIVEN,
        extra_headers: dict[str, str] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
    ) -> ConferenceResponse:
        body = validate_request(
            CreateConferenceRequest,
            strip_not_given(
                {"call_control_id": call_control_id, "name": name, "beep_enabled": beep_enabled}
            ),
        )
        return self._client.request(
            _CREATE,
            cast_to=ConferenceResponse,
            json=body,
            extra_headers=extra_headers,
            timeout=timeout,
        )

    @cached_property
    def with_raw_response(self) -> ConferencesWithRawResponse:
        return ConferencesWithRawResponse(self)


class ConferencesWithRawResponse:
    def __init__(self, resource: Conferences) -> None:
        self.create_conference = to_raw_response_wrapper(resource.create_conference)


class AsyncConferences(AsyncResource):
    async def create_conference(self, *, call_control_id: str, name: str) -> ConferenceResponse:
        body = validate_request(
            CreateConferenceRequest, {"call_control_id": call_control_id, "name": name}
        )
        return await self._client.request(_CREATE, cast_to=ConferenceResponse, json=body)

    @cached_property
    def with_raw_response(self) -> AsyncConferencesWithRawResponse:
        return AsyncConferencesWithRawResponse(self)


class AsyncConferencesWithRawResponse:
    def __init__(self, resource: AsyncConferences) -> None:
        self.create_conference = async_to_raw_response_wrapper(resource.create_conference)


def conferences(client: SyncAPIClient) -> Conferences:
    return Conferences(client)


def test_raw_response_gives_status_headers_and_parse() -> None:
    reply = httpx.Response(201, headers={"x-request-id": "r-1"}, json=conference_json())
    recorder = Recorder(reply)
    resource = conferences(sync_client(recorder))

    raw = resource.with_raw_response.create_conference(call_control_id="c", name="n")

    assert isinstance(raw, APIResponse)
    assert raw.status_code == 201
    assert raw.headers["x-request-id"] == "r-1"
    assert raw.http_request is recorder.requests[0]
    assert raw.json() == conference_json()
    assert raw.text == reply.text
    parsed = raw.parse()
    assert isinstance(parsed, ConferenceResponse) and parsed.data.id == "c-1"
    assert raw.parse() is parsed  # parsed once


def test_raw_flag_does_not_leak_into_the_next_call() -> None:
    resource = conferences(sync_client(Recorder(httpx.Response(200, json=conference_json()))))
    resource.with_raw_response.create_conference(call_control_id="c", name="n")
    plain = resource.create_conference(call_control_id="c", name="n")
    assert isinstance(plain, ConferenceResponse)


def test_raw_flag_is_cleared_when_the_call_fails() -> None:
    resource = conferences(sync_client(Recorder(httpx.Response(404, json={}))))
    with pytest.raises(NotFoundError):
        resource.with_raw_response.create_conference(call_control_id="c", name="n")
    resource._client = sync_client(Recorder(httpx.Response(200, json=conference_json())))
    assert isinstance(resource.create_conference(call_control_id="c", name="n"), ConferenceResponse)


async def test_async_raw_response_gives_status_headers_and_parse() -> None:
    reply = httpx.Response(200, headers={"x-request-id": "r-2"}, json=conference_json("a"))
    resource = AsyncConferences(async_client(Recorder(reply)))
    raw = await resource.with_raw_response.create_conference(call_control_id="c", name="n")
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "r-2"
    assert raw.parse().data.name == "a"


async def test_concurrent_raw_and_plain_async_calls_do_not_mix() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.01)
        return httpx.Response(200, json=conference_json(), request=request)

    client: AsyncAPIClient = async_client(Recorder())
    client._http = httpx.AsyncClient(transport=httpx.MockTransport(slow))
    resource = AsyncConferences(client)
    results = await asyncio.gather(
        *[
            resource.with_raw_response.create_conference(call_control_id="c", name="n")
            if i % 2
            else resource.create_conference(call_control_id="c", name="n")
            for i in range(10)
        ]
    )
    for i, result in enumerate(results):
        assert isinstance(result, APIResponse if i % 2 else ConferenceResponse)


def test_raw_flag_applies_to_the_first_request_only() -> None:
    # E.g. an event hook or helper making a second call while the wrapped one runs.
    client = sync_client(Recorder(httpx.Response(200, json=conference_json())))
    op = Operation(method="GET", path="/conferences")

    def two_calls() -> list[object]:
        return [
            client.request(op, cast_to=ConferenceResponse),
            client.request(op, cast_to=ConferenceResponse),
        ]

    # The wrapper's static type assumes one call; this test looks at the runtime values.
    results: list[object] = to_raw_response_wrapper(two_calls)()  # type: ignore[assignment]
    first, second = results
    assert isinstance(first, APIResponse)
    assert isinstance(second, ConferenceResponse)
