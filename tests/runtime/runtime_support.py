"""Test doubles for the runtime tests: a recording mock transport, models, clients."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

from confgen.codegen.http.runtime import AsyncAPIClient, SyncAPIClient

BASE_URL = "https://api.example.test/v2"
SECRET = "sk-live-SECRET-123456"

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler that records requests and plays replies in order.

    The last reply repeats once the list is used up.
    """

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies) or [httpx.Response(200, json={})]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            # A fresh copy each time: a Response can be read only once per request.
            return httpx.Response(
                reply.status_code, headers=reply.headers, content=reply.content, request=request
            )
        return reply(request)


class Conference(BaseModel):
    id: str
    name: str


class ConferenceResponse(BaseModel):
    data: Conference


class ErrorItem(BaseModel):
    code: str
    title: str
    detail: str | None = None


class Errors(BaseModel):
    """Telnyx's error body."""

    errors: list[ErrorItem]


class VoxError(BaseModel):
    code: int
    msg: str


class VoxErrorBody(BaseModel):
    """Voximplant's error body (either shape)."""

    error: VoxError | None = None
    errors: list[VoxError] | None = None


class CreateConferenceRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    call_control_id: str
    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$", max_length=100)
    beep_enabled: str | None = Field(default=None, alias="beep-enabled")
    duration_minutes: int | None = Field(default=None, ge=1)
    command_id: str | None = None


class TestClient(SyncAPIClient):
    __test__ = False
    package_name = "testpkg"
    package_version = "1.2.3"


class AsyncTestClient(AsyncAPIClient):
    __test__ = False
    package_name = "testpkg"
    package_version = "1.2.3"


def pin_retry_clock(client: SyncAPIClient | AsyncAPIClient, now: float = 1_700_000_000.0) -> None:
    """Make backoff deterministic (jitter factor 1.0) and fix the wall clock."""
    client._policy = dataclasses.replace(client._policy, random=lambda: 0.0, clock=lambda: now)


def sync_client(
    recorder: Recorder,
    sleeps: list[float] | None = None,
    *,
    client_class: type[TestClient] = TestClient,
    **options: Any,
) -> TestClient:
    """A client over ``recorder`` whose sleeps are recorded instead of slept."""
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    client = client_class(base_url=BASE_URL, http_client=http, **options)
    client._sleep = (sleeps if sleeps is not None else []).append
    pin_retry_clock(client)
    return client


def async_client(
    recorder: Recorder, sleeps: list[float] | None = None, **options: Any
) -> AsyncTestClient:
    """The async twin of `sync_client`."""
    record = sleeps if sleeps is not None else []

    async def fake_sleep(seconds: float) -> None:
        record.append(seconds)

    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    client = AsyncTestClient(base_url=BASE_URL, http_client=http, **options)
    client._sleep = fake_sleep
    pin_retry_clock(client)
    return client


def conference_json(name: str = "standup") -> dict[str, Any]:
    return {"data": {"id": "c-1", "name": name, "record_type": "conference"}}
