"""``text/event-stream`` responses: an iterator of typed Server-Sent Events.

An operation whose only success media type is ``text/event-stream`` returns a `Stream`
(`AsyncStream`): each event keeps its ``event`` name, ``id`` and ``retry``, and its
``data`` is validated into the model the spec declares for it (the media's
``itemSchema`` or ``schema``) when it is JSON, else kept as ``str``. The call goes
through the same flow as any other (retries, redirects and error statuses are settled
before the first event is read); the body is read as it arrives, under the client's
``max_response_size`` and the call's deadline (`_streaming`), and parsed by httpx-sse.
The response is closed when iteration ends, on ``close()``, and when a ``with`` block
exits.

When the connection ends before the stream is finished, the call is made again as the
WHATWG standard (HTML, "Server-sent events") says: after the ``retry:`` the server last
set (else the retry policy's backoff with jitter), with ``Last-Event-ID``, the same
request (body and idempotency key), under the first call's deadline; a 204 ends the
stream, an error status or another media type fails it. What counts as the end is the
client's ``sse_reconnect`` (`Reconnect`): ``on-error`` (default) reconnects when the
connection drops mid-stream (a network error, a read timeout) but takes a clean end of
the body as the end of the stream, as the official SDKs (Stainless's openai/telnyx)
and most REST event streams do (an answer streamed once, then closed); ``always`` also
reconnects after a clean end (an endless feed, the browser's ``EventSource``);
``never`` never does. A reconnection is a retry: only an operation whose retry mode
allows re-sending after a dropped connection is made again (GET, an idempotency key,
``x-confgen-retry``; a plain POST never is), at most ``max_retries`` times in a row
without an event between.

httpx-sse is the package's ``sse`` extra: it is imported on the first stream, so a
package whose spec has no event stream never needs it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

import httpx
from pydantic import BaseModel, ValidationError

from ._response import RAW, STREAM, APIResponse, response_mode, set_response_mode
from ._streaming import AsyncStreamedAPIResponse, Reconnection, StreamedAPIResponse
from .errors import APIConnectionError, APIResponseValidationError, APITimeoutError

if TYPE_CHECKING:
    import anyio
    from httpx_sse import ServerSentEvent as _RawEvent

__all__ = ["AsyncStream", "ServerSentEvent", "Stream", "astream_events", "stream_events"]

_T = TypeVar("_T")
_ModelT = TypeVar("_ModelT", bound=BaseModel)

_EVENT_STREAM = "text/event-stream"
_NO_CONTENT = 204
# Headers that describe the wire form of the body: the bytes handed to httpx-sse are
# already decoded (and counted) by the streamed response.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


@dataclasses.dataclass(frozen=True, slots=True)
class ServerSentEvent(Generic[_T]):
    """One event of a ``text/event-stream`` response."""

    event: str
    """The event's name (``message`` when the server gave none)."""
    data: _T | str
    """The data, validated into the operation's event model when it is JSON; otherwise
    (a plain-text stream, a keep-alive, a ``[DONE]`` marker) the text as sent."""
    id: str
    """The last event id the stream set (kept across events, as the standard says)."""
    retry: int | None
    """The reconnection delay the server asked for with this event, in milliseconds."""


def _install_hint() -> ImportError:
    return ImportError(
        "this operation answers with text/event-stream, which needs httpx-sse: "
        "install the package's `sse` extra (pip install '<package>[sse]')"
    )


def _event_source(response: httpx.Response) -> Any:
    try:
        from httpx_sse import EventSource
    except ImportError as exc:  # pragma: no cover - the dev venv has it
        raise _install_hint() from exc
    return EventSource(response)


def _check_media(response: httpx.Response) -> None:
    media = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media != _EVENT_STREAM:
        raise APIResponseValidationError(
            response=response,
            body=None,
            message=f"expected a text/event-stream response, got {media or 'no content type'!r}",
        )


def _decoded_response(
    response: httpx.Response, stream: httpx.SyncByteStream | httpx.AsyncByteStream
) -> httpx.Response:
    """A response with ``response``'s status and headers whose body is ``stream``: the
    decoded body as the streamed response reads it, for httpx-sse to split."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _WIRE_HEADERS]
    return httpx.Response(
        response.status_code, headers=headers, stream=stream, request=response.request
    )


def _event(
    raw: _RawEvent, cast_to: type[BaseModel] | None, response: httpx.Response
) -> ServerSentEvent[Any]:
    data: Any = raw.data
    if cast_to is not None:
        try:
            data = cast_to.model_validate_json(raw.data)
        except ValidationError as exc:
            if any(error["type"] != "json_invalid" for error in exc.errors()):
                raise APIResponseValidationError(
                    response=response,
                    body=raw.data,
                    message=f"event {raw.event!r} data does not match {cast_to.__name__}: "
                    f"{exc.error_count()} error(s)",
                ) from exc
            # Not JSON at all: kept as the text it is.
    return ServerSentEvent(event=raw.event, data=data, id=raw.id, retry=raw.retry)


class _SyncChunks(httpx.SyncByteStream):
    __slots__ = ("_chunks",)

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


class _AsyncChunks(httpx.AsyncByteStream):
    __slots__ = ("_chunks",)

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks

    async def aclose(self) -> None:
        aclose = getattr(self._chunks, "aclose", None)
        if aclose is not None:
            await aclose()


class _BaseStream(Generic[_T]):
    __slots__ = (
        "_cast_to",
        "_closing",
        "_last_event_id",
        "_reconnection",
        "_reconnects",
        "_reconnects_in_a_row",
        "_server_retry",
        "http_response",
    )

    http_response: httpx.Response

    def __init__(
        self,
        http_response: httpx.Response,
        cast_to: type[BaseModel] | None,
        reconnection: Reconnection | None,
    ) -> None:
        self.http_response = http_response
        self._cast_to = cast_to
        self._last_event_id = ""
        self._server_retry: int | None = None
        self._reconnection = reconnection
        self._reconnects = 0
        self._reconnects_in_a_row = 0  # since the last event: what max_retries bounds
        self._closing = False

    @property
    def last_event_id(self) -> str:
        """The id of the last event read (``""`` before any): what a reconnection sends
        as ``Last-Event-ID``."""
        return self._last_event_id

    @property
    def reconnects(self) -> int:
        """How many times the stream's connection was made again."""
        return self._reconnects

    @property
    def is_closed(self) -> bool:
        """Whether the response (and its connection) is released."""
        return self.http_response.is_closed

    def _take(self, raw: _RawEvent, response: httpx.Response) -> ServerSentEvent[_T] | None:
        """The event to deliver for ``raw``, or ``None`` for a block with neither data
        nor a name (a keep-alive after an id, a lone ``retry:``): the standard
        dispatches no event for it, but its ``retry`` still counts."""
        if raw.retry is not None:
            self._server_retry = raw.retry
        self._last_event_id = raw.id
        if not raw.data and not raw.event:
            return None
        return _event(raw, self._cast_to, response)

    def _resumed(self) -> tuple[bytes, ...]:
        """What a made-again connection's body is read after: the last event id, so
        that it carries on across connections (as the standard says) until the server
        sets another."""
        return (f"id: {self._last_event_id}\n".encode(),) if self._last_event_id else ()

    def _next_wait(
        self, failure: APIConnectionError | None, response: httpx.Response
    ) -> float | None:
        """Seconds to wait before making the call again, or ``None`` to stop (raising
        ``failure`` if the connection dropped): `RetryPolicy.decide_reconnect`, and no
        wait that would end past the call's deadline."""
        if self._closing:  # closed by the caller (another thread's close() cuts a read)
            return None
        reconnection = self._reconnection
        if reconnection is None:
            if failure is not None:
                raise failure
            return None
        decision = reconnection.policy.decide_reconnect(
            reconnection.mode,
            reconnection.reconnect,
            self._reconnects_in_a_row,
            dropped=failure is not None,
            server_retry_ms=self._server_retry,
        )
        if not decision.retry:
            if failure is not None:
                raise failure
            return None
        if time.monotonic() + decision.delay >= reconnection.deadline:
            if failure is not None:
                raise failure
            raise APITimeoutError(
                request=response.request,
                message="The event stream ended and its call's deadline leaves no time "
                "to reconnect.",
            )
        return decision.delay

    def __repr__(self) -> str:
        name = self._cast_to.__name__ if self._cast_to is not None else "str"
        return f"<{type(self).__name__} [{self.http_response.status_code}] {name}>"


class Stream(_BaseStream[_T]):
    """The events of a ``text/event-stream`` response (sync): ``for event in stream``.

    Iterate it once; use it as a context manager (``with client.x.stream_op() as
    events:``) so the connection is released even when you stop early. When the
    connection ends the call may be made again (``sse_reconnect``), with
    ``Last-Event-ID``; ``close()`` (from any thread) stops it, a reconnection wait too.
    """

    __slots__ = ("_chunks", "_events", "_wakeup")

    def __init__(
        self,
        http_response: httpx.Response,
        chunks: Iterator[bytes],
        cast_to: type[BaseModel] | None,
        reconnection: Reconnection | None = None,
    ) -> None:
        super().__init__(http_response, cast_to, reconnection)
        self._chunks = chunks
        self._wakeup = threading.Event()
        self._events = self._iter_events()

    def _iter_events(self) -> Generator[ServerSentEvent[_T]]:
        response = self.http_response
        chunks = self._chunks
        while True:
            failure: APIConnectionError | None = None
            try:
                if response.status_code == _NO_CONTENT:  # "stop reconnecting"
                    return
                _check_media(response)
                decoded = _decoded_response(response, _SyncChunks(chunks))
                for raw in _event_source(decoded).iter_sse():
                    event = self._take(raw, response)
                    if event is not None:
                        self._reconnects_in_a_row = 0
                        yield event
            except APIConnectionError as exc:  # dropped (or timed out) mid-stream
                failure = exc
            finally:
                response.close()
            wait = self._next_wait(failure, response)
            if wait is None or self._wakeup.wait(wait) or self._closing:
                return
            assert self._reconnection is not None  # _next_wait gives no wait without it
            self._reconnects_in_a_row += 1
            self._reconnects += 1
            streamed: StreamedAPIResponse[Any] = self._reconnection.send(
                self._last_event_id, self._reconnects_in_a_row
            )
            response = self.http_response = streamed.http_response
            chunks = itertools.chain(self._resumed(), streamed.iter_bytes())
            if self._closing:  # closed while the call was being made again
                response.close()
                return

    def __iter__(self) -> Iterator[ServerSentEvent[_T]]:
        return self._events

    def __next__(self) -> ServerSentEvent[_T]:
        return next(self._events)

    def close(self) -> None:
        """Stop reading and release the connection (what is unread is discarded); a
        reconnection wait (in another thread) ends at once."""
        self._closing = True
        self._wakeup.set()
        # Being iterated in another thread (ValueError): it stops at its next step.
        with contextlib.suppress(ValueError):
            self._events.close()
        self.http_response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncStream(_BaseStream[_T]):
    """The events of a ``text/event-stream`` response (async): ``async for event in
    stream``; ``async with`` releases the connection on exit. Reconnects as `Stream`
    does; ``close()`` from another task ends a reconnection wait at once."""

    __slots__ = ("_chunks", "_events", "_wakeup")

    def __init__(
        self,
        http_response: httpx.Response,
        chunks: AsyncIterator[bytes],
        cast_to: type[BaseModel] | None,
        reconnection: Reconnection | None = None,
    ) -> None:
        super().__init__(http_response, cast_to, reconnection)
        self._chunks = chunks
        self._wakeup: anyio.Event | None = None  # made in the event loop, when first needed
        self._events = self._iter_events()

    async def _wait(self, seconds: float) -> None:
        import anyio  # here: sync-only users never load it

        if self._wakeup is None:
            self._wakeup = anyio.Event()
        if self._closing:  # closed before the wait began
            return
        with anyio.move_on_after(seconds):
            await self._wakeup.wait()

    async def _iter_events(self) -> AsyncGenerator[ServerSentEvent[_T]]:
        response = self.http_response
        chunks = self._chunks
        while True:
            failure: APIConnectionError | None = None
            try:
                if response.status_code == _NO_CONTENT:  # "stop reconnecting"
                    return
                _check_media(response)
                decoded = _decoded_response(response, _AsyncChunks(chunks))
                events = _event_source(decoded).aiter_sse()
                try:
                    async for raw in events:
                        event = self._take(raw, response)
                        if event is not None:
                            self._reconnects_in_a_row = 0
                            yield event
                finally:
                    await events.aclose()
            except APIConnectionError as exc:  # dropped (or timed out) mid-stream
                failure = exc
            finally:
                await response.aclose()
            wait = self._next_wait(failure, response)
            if wait is None:
                return
            await self._wait(wait)
            if self._closing:
                return
            assert self._reconnection is not None  # _next_wait gives no wait without it
            self._reconnects_in_a_row += 1
            self._reconnects += 1
            streamed: AsyncStreamedAPIResponse[Any] = await self._reconnection.send(
                self._last_event_id, self._reconnects_in_a_row
            )
            response = self.http_response = streamed.http_response
            chunks = _prefixed(self._resumed(), streamed.iter_bytes())
            if self._closing:  # closed while the call was being made again
                await response.aclose()
                return

    def __aiter__(self) -> AsyncIterator[ServerSentEvent[_T]]:
        return self._events

    async def __anext__(self) -> ServerSentEvent[_T]:
        return await anext(self._events)

    async def close(self) -> None:
        """Stop reading and release the connection (what is unread is discarded); a
        reconnection wait (in another task) ends at once."""
        self._closing = True
        if self._wakeup is not None:
            self._wakeup.set()
        # Being iterated by another task (RuntimeError): it stops at its next step.
        with contextlib.suppress(RuntimeError):
            await self._events.aclose()
        await self.http_response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


async def _prefixed(first: tuple[bytes, ...], rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    for chunk in first:
        yield chunk
    async for chunk in rest:
        yield chunk


async def _once(content: bytes) -> AsyncIterator[bytes]:
    yield content


def _events_of(streamed: StreamedAPIResponse[Any], cast_to: type[BaseModel] | None) -> Stream[Any]:
    return Stream(streamed.http_response, streamed.iter_bytes(), cast_to)


def _aevents_of(
    streamed: AsyncStreamedAPIResponse[Any], cast_to: type[BaseModel] | None
) -> AsyncStream[Any]:
    return AsyncStream(streamed.http_response, streamed.iter_bytes(), cast_to)


@overload
def stream_events(cast_to: type[_ModelT], call: Callable[[], object]) -> Stream[_ModelT]: ...
@overload
def stream_events(cast_to: None, call: Callable[[], object]) -> Stream[str]: ...
def stream_events(cast_to: type[BaseModel] | None, call: Callable[[], object]) -> Any:
    """Make ``call`` (a generated method's request) with its success body left unread,
    and give its events as a `Stream`. Inside ``with_raw_response`` (the body read
    whole) and ``with_streaming_response`` the call's own result is returned, its
    ``parse()`` giving the events."""
    mode = response_mode()
    if mode == RAW:
        raw = call()
        assert isinstance(raw, APIResponse)
        raw.set_parsed(Stream(raw.http_response, iter((raw.content,)), cast_to))
        return raw
    if mode == STREAM:
        twin = call()
        assert isinstance(twin, StreamedAPIResponse)
        twin.set_parser(functools.partial(_events_of, twin, cast_to))
        return twin
    with set_response_mode(STREAM):
        streamed = call()
    assert isinstance(streamed, StreamedAPIResponse)
    return Stream(streamed.http_response, streamed.iter_bytes(), cast_to, streamed.reconnection)


@overload
async def astream_events(
    cast_to: type[_ModelT], call: Callable[[], Awaitable[object]]
) -> AsyncStream[_ModelT]: ...
@overload
async def astream_events(
    cast_to: None, call: Callable[[], Awaitable[object]]
) -> AsyncStream[str]: ...
async def astream_events(
    cast_to: type[BaseModel] | None, call: Callable[[], Awaitable[object]]
) -> Any:
    """The async `stream_events`."""
    mode = response_mode()
    if mode == RAW:
        raw = await call()
        assert isinstance(raw, APIResponse)
        raw.set_parsed(AsyncStream(raw.http_response, _once(raw.content), cast_to))
        return raw
    if mode == STREAM:
        atwin = await call()
        assert isinstance(atwin, AsyncStreamedAPIResponse)
        atwin.set_parser(functools.partial(_aevents_of, atwin, cast_to))
        return atwin
    with set_response_mode(STREAM):
        streamed = await call()
    assert isinstance(streamed, AsyncStreamedAPIResponse)
    return AsyncStream(
        streamed.http_response, streamed.iter_bytes(), cast_to, streamed.reconnection
    )
