"""Recording transports for dry runs: they take what a generated client sends and answer
nothing that would reach a provider.

- `RecordingTransport`: an httpx transport that keeps each request and fails it with
  `Recorded` before it leaves the process.
- `RecordingRoomSocket`: for the TrueConf Room's WebSocket API, an in-process socket the
  generated client opens instead of a WebSocket (its ``open_socket`` hook): nothing
  listens, nothing connects. It plays the least of the protocol the client needs before
  it sends a command (accept ``auth``, report appState 3), keeps every frame, and
  answers no command. The test Room server is ``tests/trueconf_server.py``.

Adapters return a `Recording`; `conferencing.dry_run` describes and redacts it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

__all__ = ["Recorded", "Recording", "RecordingRoomSocket", "RecordingTransport"]


@dataclass(frozen=True, slots=True)
class Recording:
    """What a dry run captured: the target it would reach, then the HTTP ``requests`` or
    the WebSocket ``frames`` (decoded JSON) it sent, as sent (nothing redacted yet)."""

    target: str
    requests: list[httpx.Request] = field(default_factory=list)
    frames: list[dict[str, Any]] = field(default_factory=list)


class Recorded(Exception):
    """Raised by `RecordingTransport` once a request is recorded: nothing is answered.

    Not an ``httpx.TransportError``, so the client neither retries nor wraps it.
    """


class RecordingTransport(httpx.BaseTransport):
    """Keeps every request it is given in ``requests`` and fails it with `Recorded`."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        raise Recorded()


class RecordingRoomSocket:
    """An in-process stand-in for the Room's WebSocket: give `open` to the client as
    ``open_socket``; ``frames`` are what it sent, ``command_sent`` is set at its first
    command (any frame but ``auth``)."""

    def __init__(self) -> None:
        self.url: str | None = None
        self.frames: list[dict[str, Any]] = []
        self.command_sent = asyncio.Event()
        self._incoming: asyncio.Queue[str | None] = asyncio.Queue()

    async def open(self, url: str) -> RecordingRoomSocket:
        """The client's ``open_socket``: records the URL it would connect to."""
        self.url = url
        return self

    async def send(self, message: str, /) -> None:
        frame = json.loads(message)
        self.frames.append(frame)
        if frame.get("method") == "auth":
            reply = {"method": "auth", "requestId": frame.get("requestId"), "result": True}
            self._incoming.put_nowait(json.dumps({**reply, "resultCode": 0}))
            self._incoming.put_nowait(
                json.dumps({"method": "event", "event": "appStateChanged", "appState": 3})
            )
        else:
            self.command_sent.set()

    async def close(self) -> None:
        self._incoming.put_nowait(None)

    def __aiter__(self) -> RecordingRoomSocket:
        return self

    async def __anext__(self) -> str:
        item = await self._incoming.get()
        if item is None:
            self._incoming.put_nowait(None)  # closed stays closed
            raise StopAsyncIteration
        return item
