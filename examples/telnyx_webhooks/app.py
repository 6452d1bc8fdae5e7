"""A Telnyx webhook receiver: a plain ASGI app (no framework), for any ASGI server.

    uvicorn examples.telnyx_webhooks.app:app      # TELNYX_PUBLIC_KEY from the environment

Each delivery is verified and parsed (`conferencing.webhooks.parse`), answered 200 at
once, and processed afterwards by a worker task reading a queue: Telnyx wants a quick
200 and retries otherwise. Telnyx may deliver one event more than once; a repeat is
recognised by its ``data.id`` and answered 200 without being processed again.

A body over ``max_body`` bytes (default 1 MiB; Telnyx events are a few KiB) is refused
with 413 before it is read: at once when ``Content-Length`` says so, and as soon as the
count passes the limit for a chunked body, so nothing large is ever buffered or verified.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from conferencing.webhooks import Event, WebhookVerificationError, parse

__all__ = ["MAX_BODY", "Receiver", "app"]

MAX_BODY = 1024 * 1024
"""The default limit of a delivery's body, in bytes."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Handler = Callable[[Event], Awaitable[None]]


async def log_event(event: Event) -> None:
    """The default processing: one line per event."""
    print(f"{event.kind}: conference {event.conference_id} (event {event.event_id})")


class Receiver:
    """The ASGI app. ``handle`` runs after the response, once per event id."""

    def __init__(
        self,
        handle: Handler = log_event,
        *,
        path: str = "/webhooks/telnyx",
        public_key: str | None = None,
        remember: int = 10_000,
        max_body: int = MAX_BODY,
    ) -> None:
        self.handle = handle
        self.max_body = max_body
        self.path = path
        self.public_key = public_key  # None: TELNYX_PUBLIC_KEY
        self.remember = remember
        self.seen: OrderedDict[str, None] = OrderedDict()
        self.duplicates = 0
        self._queue: asyncio.Queue[Event] | None = None
        self._worker: asyncio.Task[None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["path"] != self.path:
            await _respond(send, 404, {"error": "not found"})
            return
        if scope["method"] != "POST":
            await _respond(send, 405, {"error": "POST only"})
            return
        try:
            body = await _read_body(scope, receive, self.max_body)
        except _BodyRefused as refused:
            await _respond(send, refused.status, {"error": refused.reason})
            return
        try:
            event = parse("telnyx", body, scope["headers"], self.public_key)
        except WebhookVerificationError as error:
            status = 400 if error.reason == "malformed-body" else 401
            await _respond(send, status, {"error": error.reason})
            return
        repeated = self._is_repeat(event)
        # Answer first: Telnyx only needs to know the delivery arrived.
        await _respond(send, 200, {"ok": True, "repeated": repeated})
        if not repeated:
            self._start().put_nowait(event)

    def _is_repeat(self, event: Event) -> bool:
        if event.event_id is None:
            return False  # nothing to recognise it by: process it
        if event.event_id in self.seen:
            self.duplicates += 1
            return True
        self.seen[event.event_id] = None
        if len(self.seen) > self.remember:
            self.seen.popitem(last=False)
        return False

    def _start(self) -> asyncio.Queue[Event]:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.get_running_loop().create_task(self._work(self._queue))
        return self._queue

    async def _work(self, queue: asyncio.Queue[Event]) -> None:
        while True:
            event = await queue.get()
            try:
                await self.handle(event)
            except Exception as error:  # one bad event must not stop the worker
                print(f"processing {event.event_id} failed: {error!r}")
            finally:
                queue.task_done()

    async def drain(self) -> None:
        """Wait until every accepted event has been processed."""
        if self._queue is not None:
            await self._queue.join()

    async def close(self) -> None:
        """Process what is queued, then stop the worker."""
        await self.drain()
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._queue = self._worker = None

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


class _BodyRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def _read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    """The body, refused (413) past ``limit`` bytes before more of it is read."""
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            if not value.isdigit():
                raise _BodyRefused(400, "bad-content-length")
            if int(value) > limit:
                raise _BodyRefused(413, "body-too-large")
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _BodyRefused(413, "body-too-large")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _respond(send: Send, status: int, content: dict[str, Any]) -> None:
    body = json.dumps(content).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


app = Receiver()
"""The app an ASGI server runs (``examples.telnyx_webhooks.app:app``)."""
