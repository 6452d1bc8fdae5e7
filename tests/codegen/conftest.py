"""Helpers for exercising the generated packages without a network."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import httpx
import pytest

Reply = httpx.Response | Callable[[httpx.Request], httpx.Response] | Exception


class Wire:
    """A mock transport that records every request and answers from a script.

    The last reply repeats, so a retried call keeps getting it.
    """

    def __init__(self, replies: Iterable[Reply]) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def _answer(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        reply = self.replies[min(len(self.requests), len(self.replies)) - 1]
        if isinstance(reply, Exception):
            raise reply
        return reply(request) if callable(reply) else reply

    def client(self) -> httpx.Client:
        """An httpx client whose every request goes to this wire."""
        return httpx.Client(transport=httpx.MockTransport(self._answer))

    def async_client(self) -> httpx.AsyncClient:
        """The async counterpart of `client`."""

        async def handler(request: httpx.Request) -> httpx.Response:
            await request.aread()
            return self._answer(request)

        return httpx.AsyncClient(transport=httpx.MockTransport(handler))

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def json(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


def reply(status: int, body: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
    """A JSON response."""
    return httpx.Response(status, json=body if body is not None else {}, headers=headers)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Make every generated client's retry sleep instant; record the delays asked for."""
    import importlib

    recorded: list[float] = []

    def sleep(seconds: float) -> None:
        recorded.append(seconds)

    async def async_sleep(seconds: float) -> None:
        recorded.append(seconds)

    for provider in ("signalwire", "telnyx", "voximplant"):
        try:
            module = importlib.import_module(f"confgen_{provider}._runtime._client")
        except ImportError:  # not generated yet
            continue
        monkeypatch.setattr(module.SyncAPIClient, "_sleep", staticmethod(sleep))
        monkeypatch.setattr(module.AsyncAPIClient, "_sleep", staticmethod(async_sleep))
    return recorded
