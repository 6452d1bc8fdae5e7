"""Event streams made again after their connection ends (WHATWG HTML, "Server-sent
events"): a package generated from a spec written for the purpose, against a loopback
HTTP/1.1 server that sends chunked streams and drops the connection mid-event, sets
``retry:``, ends cleanly, or answers 204. The reconnection waits the server's ``retry:``,
sends ``Last-Event-ID`` (and the same idempotency key), keeps the last event id across
connections, stops at ``max_retries`` in a row and at the call's deadline, never re-sends
a plain POST, and ``close()`` ends a wait at once, sync and async."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from confgen.cli import main
from confgen.codegen.http.runtime import RetryPolicy, StopReason

ROOT = Path(__file__).resolve().parents[2]


def _stream_op(operation_id: str, method_extra: dict[str, Any] | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {
        "operationId": operation_id,
        "tags": ["feeds"],
        "parameters": [
            {"name": "feed", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "responses": {
            "200": {
                "description": "the feed's ticks",
                "content": {
                    "text/event-stream": {"itemSchema": {"$ref": "#/components/schemas/Tick"}}
                },
            }
        },
    }
    node.update(method_extra or {})
    if "x-confgen-retry" in node:  # its key is a parameter the client fills when not given
        key = node["x-confgen-retry"]["key"]
        node["parameters"] = [
            *node["parameters"],
            {"name": key["name"], "in": key["in"], "required": False, "schema": {"type": "string"}},
        ]
    return node


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Feeds", "version": "1.0.0"},
    "servers": [{"url": "http://127.0.0.1:1"}],
    "paths": {
        "/feeds/{feed}/events": {"get": _stream_op("streamFeed")},
        # A POST with no idempotency protection: never sent twice.
        "/jobs/{feed}/events": {"post": _stream_op("runJob")},
        # A POST with a key, the same on every attempt: safe to send again.
        "/keyed/{feed}/events": {
            "post": _stream_op(
                "runKeyedJob",
                {
                    "x-confgen-retry": {
                        "mode": "idempotency-key",
                        "key": {"in": "header", "name": "Idempotency-Key"},
                    }
                },
            )
        },
    },
    "components": {
        "schemas": {
            "Tick": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}
        }
    },
}

CLEAN_END = "end"  # the zero-length chunk: the body ends as it should
DROP = "drop"  # the connection closes mid-body: a network error for the client


def tick(n: int, *, id: str | None = None, retry: int | None = None) -> bytes:
    lines = [f"retry: {retry}"] if retry is not None else []
    lines += [f"id: {id}"] if id is not None else []
    lines.append(f'data: {{"n": {n}}}')
    return ("\n".join(lines) + "\n\n").encode()


# Each feed: what the server sends on the 1st, 2nd, ... connection (the last repeats):
# the pieces, then how the body ends; None is a 204.
FEEDS: dict[str, list[tuple[list[bytes], str] | None]] = {
    # Drops mid-event; the next connection's first event sets no id (the last one stays).
    "drop": [
        ([tick(1, id="1", retry=50), b'id: 2\ndata: {"n": '], DROP),
        ([tick(2), tick(3, id="3")], CLEAN_END),
    ],
    # Ends cleanly each time, then says 204: only `always` comes back.
    "eof": [
        ([tick(1, id="1", retry=20)], CLEAN_END),
        ([tick(2, id="2")], CLEAN_END),
        None,
    ],
    # One event, then only connections that drop before any event.
    "flaky": [([tick(1, id="1", retry=10)], DROP), ([], DROP)],
    # Asks for a long wait, then drops.
    "slow": [([tick(1, id="1", retry=3000)], DROP), ([tick(2, id="2")], CLEAN_END)],
    # No retry: the policy's backoff.
    "backoff": [([tick(1, id="1")], DROP), ([tick(2, id="2")], CLEAN_END)],
    # Resets the last event id with an empty id, then drops.
    "reset": [([tick(1, id="1", retry=10), b'id\ndata: {"n": 2}\n\n'], DROP), ([], CLEAN_END)],
}


class FeedServer:
    """A loopback HTTP/1.1 server streaming `FEEDS` chunked; it records each request's
    method, path, ``Last-Event-ID``, ``Idempotency-Key`` and arrival time."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.connections: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.serve(self)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.serve(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.connections.clear()

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        feed = handler.path.split("/")[2]
        with self._lock:
            self.requests.append(
                {
                    "method": handler.command,
                    "path": handler.path,
                    "last_event_id": handler.headers.get("Last-Event-ID"),
                    "key": handler.headers.get("Idempotency-Key"),
                    "at": time.monotonic(),
                }
            )
            n = self.connections.get(feed, 0)
            self.connections[feed] = n + 1
        handler.close_connection = True
        if feed == "moved":  # always redirected to the "drop" feed
            handler.send_response(307)
            handler.send_header("Location", "/feeds/drop/events")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        plan = FEEDS[feed]
        step = plan[min(n, len(plan) - 1)]
        if step is None:
            handler.send_response(204)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        pieces, end = step
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.send_header("Connection", "close")
        handler.end_headers()
        for piece in pieces:
            handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            handler.wfile.flush()
            time.sleep(0.005)
        if end == CLEAN_END:
            handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()  # DROP: the socket closes without the last chunk

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("feeds")
    spec = folder / "feeds.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "feeds"]) == 0
    sys.path.insert(0, str(out / "feeds"))
    try:
        yield importlib.import_module("feeds")
    finally:
        sys.path.remove(str(out / "feeds"))
        for name in [m for m in sys.modules if m == "feeds" or m.startswith("feeds.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def server(feed_server: FeedServer) -> FeedServer:
    feed_server.reset()
    return feed_server


def ticks(got: list[Any]) -> list[tuple[int, str]]:
    return [(event.data.n, event.id) for event in got]


# --- the pure decision -----------------------------------------------------------------


def test_the_reconnect_decision_follows_the_setting_the_mode_and_the_server() -> None:
    policy = RetryPolicy(max_retries=2, random=lambda: 0.0)
    decide = policy.decide_reconnect
    # A clean end is the end, unless `always`; `never` never reconnects.
    assert decide("idempotent", "on-error", 0, dropped=False, server_retry_ms=None).reason is (
        StopReason.STREAM_ENDED
    )
    assert decide("idempotent", "never", 0, dropped=True, server_retry_ms=None).reason is (
        StopReason.STREAM_ENDED
    )
    again = decide("idempotent", "always", 0, dropped=False, server_retry_ms=None)
    assert (again.retry, again.delay) == (True, 0.5)  # the backoff
    # The server's retry: wins over the backoff.
    assert decide("idempotent", "on-error", 1, dropped=True, server_retry_ms=1500).delay == 1.5
    # A POST without a key is never sent twice; max_retries bounds reconnections in a row.
    assert decide("unprocessed", "always", 0, dropped=True, server_retry_ms=10).reason is (
        StopReason.NOT_RETRYABLE
    )
    assert decide("idempotency-key", "on-error", 0, dropped=True, server_retry_ms=10).retry
    assert decide("idempotent", "on-error", 2, dropped=True, server_retry_ms=10).reason is (
        StopReason.RETRIES_EXHAUSTED
    )


# --- sync --------------------------------------------------------------------------------


def test_a_dropped_stream_reconnects_after_retry_with_last_event_id(
    feeds: Any, server: FeedServer
) -> None:
    with feeds.Feeds(base_url=server.base_url) as client:
        stream = client.feeds.stream_feed(feed="drop")
        got = list(stream)
    # The half-sent event is dropped; the new connection's id-less event keeps id 1.
    assert ticks(got) == [(1, "1"), (2, "1"), (3, "3")]
    assert stream.reconnects == 1 and stream.last_event_id == "3" and stream.is_closed
    first, second = server.requests
    assert (first["last_event_id"], second["last_event_id"]) == (None, "1")
    assert second["at"] - first["at"] >= 0.05  # the server's retry: 50


def test_a_reconnection_starts_again_from_the_url_first_asked(
    feeds: Any, server: FeedServer
) -> None:
    got = list(feeds.Feeds(base_url=server.base_url).feeds.stream_feed(feed="moved"))
    assert ticks(got) == [(1, "1"), (2, "1"), (3, "3")]
    assert [(r["path"], r["last_event_id"]) for r in server.requests] == [
        ("/feeds/moved/events", None),
        ("/feeds/drop/events", None),
        ("/feeds/moved/events", "1"),  # the redirect is followed anew
        ("/feeds/drop/events", "1"),
    ]


def test_a_clean_end_is_the_end_by_default(feeds: Any, server: FeedServer) -> None:
    got = list(feeds.Feeds(base_url=server.base_url).feeds.stream_feed(feed="eof"))
    assert ticks(got) == [(1, "1")]
    assert len(server.requests) == 1


def test_always_reconnects_after_a_clean_end_until_a_204(feeds: Any, server: FeedServer) -> None:
    client = feeds.Feeds(base_url=server.base_url, sse_reconnect="always")
    stream = client.feeds.stream_feed(feed="eof")
    assert ticks(list(stream)) == [(1, "1"), (2, "2")]
    assert [r["last_event_id"] for r in server.requests] == [None, "1", "2"]  # then 204
    assert stream.reconnects == 2 and stream.is_closed


def test_with_options_sets_reconnect_for_one_call(feeds: Any, server: FeedServer) -> None:
    client = feeds.Feeds(base_url=server.base_url)
    got = list(client.with_options(sse_reconnect="always").feeds.stream_feed(feed="eof"))
    assert ticks(got) == [(1, "1"), (2, "2")]  # made again after the clean end...
    assert len(server.requests) == 3
    assert client.sse_reconnect == "on-error"  # ... and the client keeps its own setting
    server.reset()
    assert ticks(list(client.feeds.stream_feed(feed="eof"))) == [(1, "1")]
    assert len(server.requests) == 1
    with pytest.raises(ValueError, match="sse_reconnect"):
        feeds.Feeds(base_url=server.base_url, sse_reconnect="sometimes")


def test_never_ends_a_dropped_stream_with_the_connection_error(
    feeds: Any, server: FeedServer
) -> None:
    stream = feeds.Feeds(base_url=server.base_url, sse_reconnect="never").feeds.stream_feed(
        feed="flaky"
    )
    assert next(stream).data.n == 1
    with pytest.raises(feeds.APIConnectionError):
        next(stream)
    assert len(server.requests) == 1


def test_reconnections_in_a_row_stop_at_max_retries(feeds: Any, server: FeedServer) -> None:
    stream = feeds.Feeds(base_url=server.base_url, max_retries=2).feeds.stream_feed(feed="flaky")
    assert next(stream).data.n == 1
    with pytest.raises(feeds.APIConnectionError) as caught:
        next(stream)
    assert not isinstance(caught.value, feeds.APITimeoutError)
    assert len(server.requests) == 3  # the call and two reconnections, then the error
    assert [r["last_event_id"] for r in server.requests] == [None, "1", "1"]


def test_no_reconnection_waits_past_the_calls_deadline(feeds: Any, server: FeedServer) -> None:
    stream = feeds.Feeds(base_url=server.base_url, timeout=1.0).feeds.stream_feed(feed="slow")
    started = time.monotonic()
    assert next(stream).data.n == 1
    with pytest.raises(feeds.APIConnectionError):  # retry: 3000 would end past 1 s
        next(stream)
    assert time.monotonic() - started < 0.9
    assert len(server.requests) == 1


def test_without_retry_the_wait_is_the_policys_backoff(feeds: Any, server: FeedServer) -> None:
    got = list(feeds.Feeds(base_url=server.base_url).feeds.stream_feed(feed="backoff"))
    assert ticks(got) == [(1, "1"), (2, "2")]
    first, second = server.requests
    assert 0.375 <= second["at"] - first["at"] < 3.0  # 0.5 s, jitter 0.75-1.0


def test_an_empty_id_resets_the_last_event_id(feeds: Any, server: FeedServer) -> None:
    stream = feeds.Feeds(base_url=server.base_url).feeds.stream_feed(feed="reset")
    assert ticks(list(stream)) == [(1, "1"), (2, "")]
    assert [r["last_event_id"] for r in server.requests] == [None, None]


def test_close_during_a_reconnection_wait_stops_it(feeds: Any, server: FeedServer) -> None:
    stream = feeds.Feeds(base_url=server.base_url).feeds.stream_feed(feed="slow")
    assert next(stream).data.n == 1
    closer = threading.Timer(0.2, stream.close)
    closer.start()
    started = time.monotonic()
    with pytest.raises(StopIteration):
        next(stream)  # waits retry: 3000 ... until close()
    assert 0.15 < time.monotonic() - started < 1.5
    closer.join()
    assert stream.is_closed
    time.sleep(0.1)
    assert len(server.requests) == 1  # never made again


def test_a_post_without_a_key_is_never_sent_twice(feeds: Any, server: FeedServer) -> None:
    stream = feeds.Feeds(base_url=server.base_url).feeds.run_job(feed="drop")
    assert next(stream).data.n == 1
    with pytest.raises(feeds.APIConnectionError):
        next(stream)
    assert [r["method"] for r in server.requests] == ["POST"]


def test_a_post_with_a_key_reconnects_with_the_same_key(feeds: Any, server: FeedServer) -> None:
    got = list(feeds.Feeds(base_url=server.base_url).feeds.run_keyed_job(feed="drop"))
    assert ticks(got) == [(1, "1"), (2, "1"), (3, "3")]
    first, second = server.requests
    assert first["key"] and second["key"] == first["key"]
    assert (second["method"], second["last_event_id"]) == ("POST", "1")


def test_the_raw_twins_read_one_connection_only(feeds: Any, server: FeedServer) -> None:
    resource = feeds.Feeds(base_url=server.base_url, sse_reconnect="always").feeds
    with resource.with_streaming_response.stream_feed(feed="eof") as response:
        assert ticks(list(response.parse())) == [(1, "1")]
    assert len(server.requests) == 1


# --- async -------------------------------------------------------------------------------


def test_async_a_dropped_stream_reconnects_with_last_event_id(
    feeds: Any, server: FeedServer
) -> None:
    async def run() -> tuple[Any, list[Any]]:
        async with feeds.AsyncFeeds(base_url=server.base_url) as client:
            stream = await client.feeds.stream_feed(feed="drop")
            return stream, [event async for event in stream]

    stream, got = asyncio.run(run())
    assert ticks(got) == [(1, "1"), (2, "1"), (3, "3")]
    assert stream.reconnects == 1 and stream.is_closed
    first, second = server.requests
    assert second["last_event_id"] == "1" and second["at"] - first["at"] >= 0.05


def test_async_always_reconnects_until_a_204(feeds: Any, server: FeedServer) -> None:
    async def run() -> list[Any]:
        client = feeds.AsyncFeeds(base_url=server.base_url, sse_reconnect="always")
        return [event async for event in await client.feeds.stream_feed(feed="eof")]

    assert ticks(asyncio.run(run())) == [(1, "1"), (2, "2")]
    assert [r["last_event_id"] for r in server.requests] == [None, "1", "2"]


def test_async_reconnections_stop_at_max_retries_and_the_deadline(
    feeds: Any, server: FeedServer
) -> None:
    async def run(feed: str, **options: Any) -> float:
        stream = await feeds.AsyncFeeds(base_url=server.base_url, **options).feeds.stream_feed(
            feed=feed
        )
        started = time.monotonic()
        assert (await anext(stream)).data.n == 1
        with pytest.raises(feeds.APIConnectionError):
            await anext(stream)
        return time.monotonic() - started

    asyncio.run(run("flaky", max_retries=1))
    assert len(server.requests) == 2
    server.reset()
    assert asyncio.run(run("slow", timeout=1.0)) < 0.9
    assert len(server.requests) == 1


def test_async_close_during_a_reconnection_wait_stops_it(feeds: Any, server: FeedServer) -> None:
    async def run() -> tuple[Any, float]:
        stream = await feeds.AsyncFeeds(base_url=server.base_url).feeds.stream_feed(feed="slow")
        assert (await anext(stream)).data.n == 1

        async def close_soon() -> None:
            await asyncio.sleep(0.2)
            await stream.close()

        closer = asyncio.create_task(close_soon())
        started = time.monotonic()
        with pytest.raises(StopAsyncIteration):
            await anext(stream)
        await closer
        return stream, time.monotonic() - started

    stream, waited = asyncio.run(run())
    assert 0.15 < waited < 1.5
    assert stream.is_closed
    assert len(server.requests) == 1


# --- the package root --------------------------------------------------------------------


def test_the_stream_types_are_exported_from_the_package_root(feeds: Any) -> None:
    from feeds import AsyncStream, ServerSentEvent, Stream

    assert {"AsyncStream", "ServerSentEvent", "Stream"} <= set(feeds.__all__)
    assert Stream.__module__ == "feeds._runtime._sse"
    assert AsyncStream.__module__ == ServerSentEvent.__module__ == Stream.__module__
    init = (Path(feeds.__file__)).read_text()
    assert "from ._runtime._sse import AsyncStream, ServerSentEvent, Stream" in init  # typed
    # Importing the package loads neither the runtime nor httpx-sse; the name does.
    code = (
        "import sys, feeds; assert 'feeds._runtime' not in sys.modules, 'runtime';"
        "assert 'httpx_sse' not in sys.modules, 'sse'; from feeds import Stream;"
        "assert Stream.__module__ == 'feeds._runtime._sse'"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(feeds.__file__).parent.parent)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_packages_without_an_event_stream_do_not_export_or_import_sse() -> None:
    for provider in ("telnyx", "signalwire", "voximplant"):
        package = importlib.import_module(f"confgen_{provider}")
        assert "Stream" not in package.__all__ and "ServerSentEvent" not in package.__all__
        with pytest.raises(AttributeError):
            package.Stream  # noqa: B018
    # Telnyx lists: its page types are exported, loaded on first use.
    code = (
        "import sys, confgen_telnyx as t; assert 'confgen_telnyx._runtime' not in sys.modules;"
        "from confgen_telnyx import SyncPage, AsyncPage; assert 'SyncPage' in t.__all__;"
        "assert 'httpx_sse' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
