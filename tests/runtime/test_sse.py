"""``text/event-stream`` responses: a package generated from a spec written for the
purpose, against a loopback server that streams events in awkward pieces. Each event
keeps its name, id and retry; JSON data becomes the declared model, other data stays
text; the response is closed when iteration ends and when a ``with`` block exits."""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from confgen.cli import main
from confgen.codegen.http.load import load_api

ROOT = Path(__file__).resolve().parents[2]

_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Events", "version": "1.0.0"},
    "servers": [{"url": "http://127.0.0.1:1"}],
    "paths": {
        "/rooms/{room_id}/events": {
            "get": {
                "operationId": "streamRoomEvents",
                "tags": ["rooms"],
                "parameters": [
                    {
                        "name": "room_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "the room's events",
                        "content": {
                            "text/event-stream": {
                                "itemSchema": {"$ref": "#/components/schemas/RoomEvent"}
                            }
                        },
                    },
                    "404": {
                        "description": "no such room",
                        "content": {"application/json": {"schema": _ERROR}},
                    },
                },
            }
        },
        "/logs": {
            "get": {
                "operationId": "streamLogs",
                "tags": ["logs"],
                "responses": {
                    "200": {
                        "description": "log lines",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "RoomEvent": {
                "type": "object",
                "required": ["type"],
                "properties": {
                    "type": {"type": "string"},
                    "participant": {"type": "string"},
                    "muted": {"type": "boolean"},
                },
            }
        }
    },
}

# The pieces the server writes, flushed one by one: a comment, a retry, a field split
# across writes, CRLF line endings, data on two lines, and a non-JSON marker.
ROOM_PIECES = [
    b": keep-alive\n\n",
    b"retry: 1500\nid: 1\nevent: jo",
    b'ined\ndata: {"type": "joined", "participant": "ann"}\n\n',
    b'id: 2\r\ndata: {"type": "muted",\r\ndata: "participant": "ann", "muted": true, ',
    b'"extra": 1}\r\n\r\n',
    b"data: [DONE]\n\n",
]
LOG_PIECES = [b"data: started\n\n", b'event: log\ndata: {"looks": "like json"}\n\n']


class EventServer:
    """A loopback HTTP server: ``/rooms/r1/events`` and ``/logs`` stream the pieces
    above; ``/rooms/endless/events`` streams until the client goes (at most 500 events);
    ``/rooms/gone/events`` is a 404; ``/rooms/flaky/events`` a 503 the first time;
    ``/rooms/json/events`` answers JSON; ``/rooms/bad/events`` data of the wrong shape."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []  # (path, Accept)
        self.endless_streams: list[
            threading.Event
        ] = []  # one per endless stream: set when the client went
        self.flaky_calls = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # the body ends when the connection closes

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("Accept", "")))
                server.route(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def reset(self) -> None:
        self.requests.clear()
        self.endless_streams.clear()  # a stream of an earlier test sets only its own flag
        self.flaky_calls = 0

    def route(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        if path == "/rooms/gone/events":
            return self.reply(handler, 404, "application/json", b'{"error": "no room gone"}')
        if path == "/rooms/json/events":
            return self.reply(handler, 200, "application/json", b'{"type": "joined"}')
        if path == "/rooms/flaky/events":
            self.flaky_calls += 1
            if self.flaky_calls == 1:
                return self.reply(handler, 503, "application/json", b"{}")
            return self.stream(handler, ROOM_PIECES)
        if path == "/rooms/bad/events":
            return self.stream(handler, [b'data: {"type": "joined"}\n\n', b"data: [1, 2]\n\n"])
        if path == "/rooms/endless/events":
            return self.endless(handler)
        if path == "/logs":
            return self.stream(handler, LOG_PIECES)
        return self.stream(handler, ROOM_PIECES)

    @staticmethod
    def reply(handler: BaseHTTPRequestHandler, status: int, media: str, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", media)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    @staticmethod
    def start_stream(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream; charset=utf-8")
        handler.send_header("Cache-Control", "no-store")
        handler.end_headers()

    def stream(self, handler: BaseHTTPRequestHandler, pieces: list[bytes]) -> None:
        self.start_stream(handler)
        for piece in pieces:
            handler.wfile.write(piece)
            handler.wfile.flush()
            time.sleep(0.005)  # separate reads on the client side

    def endless(self, handler: BaseHTTPRequestHandler) -> None:
        gone = threading.Event()
        self.endless_streams.append(gone)
        self.start_stream(handler)
        try:
            for n in range(500):  # bounded: about 5 s at most
                handler.wfile.write(f'id: {n}\ndata: {{"type": "tick"}}\n\n'.encode())
                handler.wfile.flush()
                time.sleep(0.01)
        except (BrokenPipeError, ConnectionResetError):
            gone.set()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("events")
    spec = folder / "events.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "events"]) == 0
    sys.path.insert(0, str(out / "events"))
    try:
        yield importlib.import_module("events")
    finally:
        sys.path.remove(str(out / "events"))
        for name in [m for m in sys.modules if m == "events" or m.startswith("events.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def event_server() -> Iterator[EventServer]:
    server = EventServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def server(event_server: EventServer) -> EventServer:
    event_server.reset()
    return event_server


def room_events_as_expected(events: Any, got: list[Any]) -> None:
    RoomEvent = events.models.RoomEvent
    assert [(e.event, e.id, e.retry) for e in got] == [
        ("joined", "1", 1500),
        ("message", "2", None),
        ("message", "2", None),  # the last event id is kept, as the standard says
    ]
    first, second, done = (e.data for e in got)
    assert isinstance(first, RoomEvent) and (first.type, first.participant) == ("joined", "ann")
    assert isinstance(second, RoomEvent)
    assert (second.type, second.participant, second.muted) == ("muted", "ann", True)
    assert second.model_extra == {"extra": 1}  # lenient in: unknown fields kept
    assert done == "[DONE]"  # not JSON: kept as text


def test_the_ir_reads_the_event_stream_kind_and_the_data_model() -> None:
    api = load_api(SPEC, source="events.json", package="events", client_class="Events")
    got = {
        op.operation_id: (op.accept, op.response_kind, op.response_model) for op in api.operations
    }
    assert got == {
        "streamRoomEvents": ("text/event-stream", "event-stream", "RoomEvent"),
        "streamLogs": ("text/event-stream", "event-stream", None),
    }
    assert all(op.pagination is None for op in api.operations)


def test_events_arrive_typed_with_name_id_and_retry(events: Any, server: EventServer) -> None:
    client = events.Events(base_url=server.base_url)
    stream = client.rooms.stream_room_events(room_id="r1")
    assert type(stream).__name__ == "Stream"
    got = list(stream)
    room_events_as_expected(events, got)
    assert stream.is_closed  # closed when iteration ended
    assert stream.last_event_id == "2"
    assert server.requests == [("/rooms/r1/events", "text/event-stream")]


def test_async_events_arrive_typed_with_name_id_and_retry(events: Any, server: EventServer) -> None:
    async def run() -> tuple[Any, list[Any]]:
        async with events.AsyncEvents(base_url=server.base_url) as client:
            stream = await client.rooms.stream_room_events(room_id="r1")
            return stream, [event async for event in stream]

    stream, got = asyncio.run(run())
    assert type(stream).__name__ == "AsyncStream"
    room_events_as_expected(events, got)
    assert stream.is_closed


def test_a_string_schema_keeps_every_data_as_text(events: Any, server: EventServer) -> None:
    with events.Events(base_url=server.base_url).logs.stream_logs() as stream:
        got = [(e.event, e.data) for e in stream]
    assert got == [("message", "started"), ("log", '{"looks": "like json"}')]


def client_went(server: EventServer) -> bool:
    """Whether the server's writes to the one endless stream failed: the socket is gone."""
    [gone] = server.endless_streams
    return gone.wait(timeout=5)


def test_leaving_the_with_block_early_closes_the_connection(
    events: Any, server: EventServer
) -> None:
    client = events.Events(base_url=server.base_url)
    with client.rooms.stream_room_events(room_id="endless") as stream:
        first = [next(stream).id, next(stream).id]
    assert first == ["0", "1"]
    assert stream.is_closed
    assert client_went(server)
    with pytest.raises(StopIteration):
        next(stream)


def test_async_leaving_the_with_block_early_closes_the_connection(
    events: Any, server: EventServer
) -> None:
    async def run() -> Any:
        client = events.AsyncEvents(base_url=server.base_url)
        async with await client.rooms.stream_room_events(room_id="endless") as stream:
            assert (await anext(stream)).id == "0"
        return stream

    stream = asyncio.run(run())
    assert stream.is_closed
    assert client_went(server)


def test_close_releases_a_stream_never_read(events: Any, server: EventServer) -> None:
    stream = events.Events(base_url=server.base_url).rooms.stream_room_events(room_id="endless")
    assert not stream.is_closed
    stream.close()
    assert stream.is_closed
    assert client_went(server)


def test_an_error_status_raises_before_any_event(events: Any, server: EventServer) -> None:
    client = events.Events(base_url=server.base_url)
    with pytest.raises(events.NotFoundError) as caught:
        client.rooms.stream_room_events(room_id="gone")
    assert caught.value.body.error == "no room gone"  # the typed error model


def test_a_failed_attempt_is_retried_before_the_stream_starts(
    events: Any, server: EventServer
) -> None:
    client = events.Events(base_url=server.base_url)
    client._sleep = lambda seconds: None
    got = list(client.rooms.stream_room_events(room_id="flaky"))
    room_events_as_expected(events, got)
    assert server.flaky_calls == 2


def test_json_data_of_the_wrong_shape_is_a_response_validation_error(
    events: Any, server: EventServer
) -> None:
    stream = events.Events(base_url=server.base_url).rooms.stream_room_events(room_id="bad")
    assert next(stream).data.type == "joined"
    with pytest.raises(events.APIResponseValidationError, match="does not match RoomEvent"):
        next(stream)
    assert stream.is_closed


def test_a_success_that_is_not_an_event_stream_is_refused(events: Any, server: EventServer) -> None:
    stream = events.Events(base_url=server.base_url).rooms.stream_room_events(room_id="json")
    with pytest.raises(events.APIResponseValidationError, match="expected a text/event-stream"):
        next(stream)
    assert stream.is_closed


def test_the_size_limit_applies_to_the_stream(events: Any, server: EventServer) -> None:
    client = events.Events(base_url=server.base_url, max_response_size=200)
    with (
        pytest.raises(events.ResponseTooLargeError),
        client.rooms.stream_room_events(room_id="endless") as stream,
    ):
        for _ in stream:
            pass
    assert stream.is_closed


def test_the_calls_deadline_applies_to_the_stream(events: Any, server: EventServer) -> None:
    client = events.Events(base_url=server.base_url, timeout=0.3)
    started = time.monotonic()
    with (
        pytest.raises(events.APITimeoutError),
        client.rooms.stream_room_events(room_id="endless") as stream,
    ):
        for _ in stream:
            pass
    assert time.monotonic() - started < 3


def _twins(events: Any, server: EventServer) -> tuple[list[str], list[Any]]:
    resource = events.Events(base_url=server.base_url).rooms
    with resource.with_streaming_response.stream_room_events(room_id="r1") as response:
        lines = list(response.iter_lines())
    with resource.with_streaming_response.stream_room_events(room_id="r1") as response:
        parsed = list(response.parse())
    return lines, parsed


def test_with_streaming_response_gives_the_raw_lines_or_the_parsed_events(
    events: Any, server: EventServer
) -> None:
    lines, parsed = _twins(events, server)
    assert lines[:3] == [": keep-alive", "", "retry: 1500"]
    assert "data: [DONE]" in lines
    room_events_as_expected(events, parsed)


def test_async_with_streaming_response_parses_to_events(events: Any, server: EventServer) -> None:
    async def run() -> list[Any]:
        resource = events.AsyncEvents(base_url=server.base_url).rooms
        async with resource.with_streaming_response.stream_room_events(room_id="r1") as response:
            return [event async for event in await response.parse()]

    room_events_as_expected(events, asyncio.run(run()))


def test_httpx_sse_is_an_extra_of_packages_with_an_event_stream_only(events: Any) -> None:
    package = Path(events.__file__).parent
    project = tomllib.loads((package.parent / "pyproject.toml").read_text())["project"]
    assert project["optional-dependencies"] == {"sse": ["httpx-sse>=0.4"]}
    assert not any("sse" in dependency for dependency in project["dependencies"])
    assert (package / "_runtime" / "_sse.py").is_file()
    for provider in ("telnyx", "signalwire", "voximplant"):
        folder = ROOT / "generated" / provider
        text = (folder / "pyproject.toml").read_text()
        assert "httpx-sse" not in text
        assert (folder / f"confgen_{provider}" / "_runtime").is_dir()
        assert not (folder / f"confgen_{provider}" / "_runtime" / "_sse.py").exists()
        # ... and it still imports and parses streamed bodies without it.
        importlib.import_module(f"confgen_{provider}._runtime._streaming")


def test_with_raw_response_parses_the_whole_body_to_events(
    events: Any, server: EventServer
) -> None:
    response = events.Events(base_url=server.base_url).rooms.with_raw_response.stream_room_events(
        room_id="r1"
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert b"data: [DONE]" in response.content
    room_events_as_expected(events, list(response.parse()))


def test_async_with_raw_response_parses_to_events(events: Any, server: EventServer) -> None:
    async def run() -> list[Any]:
        resource = events.AsyncEvents(base_url=server.base_url).rooms
        response = await resource.with_raw_response.stream_room_events(room_id="r1")
        return [event async for event in response.parse()]

    room_events_as_expected(events, asyncio.run(run()))
