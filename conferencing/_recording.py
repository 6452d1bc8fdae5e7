"""Recording transports for dry runs: they take what a generated client sends and answer
nothing that would reach a provider.

- `RecordingTransport`: an httpx transport that keeps each request and fails it with
  `Recorded` before it leaves the process.
- `RecordingRoomTransport`: for the TrueConf Room's WebSocket API, whose client opens a
  real WebSocket (it has no transport to swap): a listener on 127.0.0.1 only that
  plays the least of the protocol the client needs before it sends a command (accept
  ``auth``, report appState 3), keeps every frame, and answers no command. It is part of
  the dry run, not a test server (that one is ``tests/trueconf_server.py``).

Adapters return a `Recording`; `conferencing.dry_run` describes and redacts it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from websockets.asyncio.server import Server, ServerConnection

__all__ = ["Recorded", "Recording", "RecordingRoomTransport", "RecordingTransport"]


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


class RecordingRoomTransport:
    """The WebSocket end a TrueConf Room client records into (``async with``): ``url`` to
    give the client, ``frames`` it sent, ``command_sent`` set at its first command."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.command_sent = asyncio.Event()
        self._server: Server | None = None

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:<port>`` of the listener (only while open)."""
        if self._server is None:
            raise RuntimeError("the recording transport is not open")
        port = self._server.sockets[0].getsockname()[1]
        return f"ws://127.0.0.1:{port}"

    async def __aenter__(self) -> RecordingRoomTransport:
        from websockets.asyncio.server import serve

        self._server = await serve(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, socket: ServerConnection) -> None:
        async for data in socket:
            frame = json.loads(data)
            self.frames.append(frame)
            if frame.get("method") == "auth":
                reply = {"method": "auth", "requestId": frame.get("requestId"), "result": True}
                await socket.send(json.dumps({**reply, "resultCode": 0}))
                await socket.send(
                    json.dumps({"method": "event", "event": "appStateChanged", "appState": 3})
                )
            else:
                self.command_sent.set()
