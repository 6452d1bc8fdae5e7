"""A minimal HTTP/1.1 server on loopback that runs an ASGI app (no uvicorn installed).

Enough for tests: one request per connection (``Connection: close``), a
``Content-Length`` body, the ``lifespan`` protocol around the server's life.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

App = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[MutableMapping[str, Any]]],
        Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ],
    Awaitable[None],
]


async def _lifespan(app: App, event: str) -> None:
    messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await messages.put({"type": f"lifespan.{event}"})
    done = asyncio.Event()

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"].startswith(f"lifespan.{event}."):
            done.set()

    task = asyncio.create_task(app({"type": "lifespan"}, messages.get, send))
    await done.wait()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _serve_one(app: App, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers = [
            (name.strip().lower().encode("latin-1"), value.strip().encode("latin-1"))
            for name, _, value in (line.partition(":") for line in lines if line)
        ]
        length = int(dict(headers).get(b"content-length", b"0"))
        body = await reader.readexactly(length)
        path, _, query = target.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "headers": headers,
            "client": writer.get_extra_info("peername"),
            "server": writer.get_extra_info("sockname"),
        }
        sent_body = False

        async def receive() -> MutableMapping[str, Any]:
            nonlocal sent_body
            if sent_body:
                return {"type": "http.disconnect"}
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                lines = [f"HTTP/1.1 {message['status']} X".encode()]
                lines += [name + b": " + value for name, value in message.get("headers", [])]
                lines.append(b"connection: close")
                writer.write(b"\r\n".join(lines) + b"\r\n\r\n")
            elif message["type"] == "http.response.body":
                writer.write(message.get("body", b""))
                if not message.get("more_body", False):
                    await writer.drain()
                    writer.close()

        await app(scope, receive, send)
    finally:
        writer.close()


@contextlib.asynccontextmanager
async def serve(app: App) -> AsyncIterator[str]:
    """Run ``app`` on 127.0.0.1 (a free port); yields its base URL."""
    await _lifespan(app, "startup")
    server = await asyncio.start_server(
        lambda r, w: _serve_one(app, r, w), host="127.0.0.1", port=0
    )
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()
        await _lifespan(app, "shutdown")
