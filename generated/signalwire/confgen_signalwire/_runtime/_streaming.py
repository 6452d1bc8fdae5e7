"""``with_streaming_response``: a call whose success body is read as it arrives.

The call goes through the same `_request_flow` as any other (retries, redirects and
error statuses are decided before any success body is read; error bodies are read as
usual), but a 2xx body is left unread: the caller reads it through
`StreamedAPIResponse` (``iter_bytes``/``iter_text``/``iter_lines``, or ``read``/
``parse``), still under the client's response size limit and the call's deadline.
The response is closed when the ``with`` block exits.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import functools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import Any, Final, Generic, ParamSpec, TypeVar, cast

import httpx
from pydantic import BaseModel

from ._body import BodyReader
from ._files import decode_content
from ._response import STREAM, parse_body, set_response_mode
from ._retry import Reconnect, RetryMode, RetryPolicy

__all__ = [
    "AsyncStreamedAPIResponse",
    "Reconnection",
    "StreamErrors",
    "StreamedAPIResponse",
    "async_to_streamed_response_wrapper",
    "to_streamed_response_wrapper",
]

_T = TypeVar("_T")
_P = ParamSpec("_P")

_DEADLINE_PASSED: Final = "the call's deadline passed while the body was arriving"


Translate = Callable[[httpx.Request, Exception], Exception]
"""The client's mapping of an httpx error to the package's error tree."""
CancelAfter = Callable[[float], contextlib.AbstractAsyncContextManager[object]]
"""The client's deadline scope for async reads (raising `TimeoutError`)."""


@dataclasses.dataclass(frozen=True, slots=True)
class StreamErrors:
    """How the client turns failures while a body is read into its own errors: the
    exceptions to catch, their translation, and (async) the deadline scope."""

    catch: tuple[type[Exception], ...]
    translate: Translate
    cancel_after: CancelAfter | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Reconnection:
    """What an event stream (`_sse`) needs to make its call again after the connection
    ends: the operation's retry rules, the call's deadline, and how to send.

    ``send(last_event_id, reconnects_taken)`` sends the call's own request again (the
    same body and idempotency key) with ``Last-Event-ID``, under the same deadline and
    retry budget, and gives the `StreamedAPIResponse` (awaitable on the async client).
    """

    mode: RetryMode
    policy: RetryPolicy
    reconnect: Reconnect
    deadline: float
    """`time.monotonic` seconds: no reconnection wait may end past it."""
    send: Callable[[str, int], Any]


class _BaseStreamedResponse(Generic[_T]):
    __slots__ = (
        "_cast_to",
        "_deadline",
        "_errors",
        "_kind",
        "_limit",
        "_parsed",
        "_parser",
        "http_response",
        "reconnection",
    )

    http_response: httpx.Response
    reconnection: Reconnection | None
    """How an event-stream operation's call is made again (`None` for any other)."""

    def __init__(
        self,
        http_response: httpx.Response,
        cast_to: type[BaseModel] | None,
        kind: str,
        limit: int,
        deadline: float,
        errors: StreamErrors,
    ) -> None:
        self.http_response = http_response
        self._errors = errors
        self._cast_to = cast_to
        self._kind = kind
        self._limit = limit
        self._deadline = deadline
        self._parsed: Any = _UNPARSED
        self._parser: Callable[[], object] | None = None
        self.reconnection = None

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (case-insensitive)."""
        return self.http_response.headers

    @property
    def http_request(self) -> httpx.Request:
        """The request as it was last sent."""
        return self.http_response.request

    @property
    def is_closed(self) -> bool:
        """Whether the response (and its connection) is released."""
        return self.http_response.is_closed

    def set_parser(self, parser: Callable[[], object]) -> None:
        """Make ``parse()`` give ``parser()`` once the body is read (an event-stream
        operation's events, `_sse`), instead of decoding the body by its kind."""
        self._parser = parser

    def _parse(self) -> _T:
        if self._parser is not None:
            if self._parsed is _UNPARSED:
                self._parsed = self._parser()
            return cast(_T, self._parsed)
        if self._parsed is _UNPARSED:
            response = self.http_response
            if self._kind != "json":
                self._parsed = decode_content(response, self._kind)
            else:
                self._parsed = parse_body(response, self._cast_to)
        return cast(_T, self._parsed)

    def _check_deadline(self) -> None:
        if time.monotonic() > self._deadline:
            raise httpx.ReadTimeout(_DEADLINE_PASSED, request=self.http_response.request)

    def _text_decoder(self) -> codecs.IncrementalDecoder:
        return codecs.getincrementaldecoder(self.http_response.encoding or "utf-8")(
            errors="replace"
        )

    def __repr__(self) -> str:
        name = self._cast_to.__name__ if self._cast_to is not None else self._kind
        return f"<{type(self).__name__} [{self.status_code}] {name}>"


_UNPARSED: Final = object()


class _LineSplitter:
    """Text in, whole lines out (``\\n``, ``\\r\\n`` or ``\\r``; endings dropped)."""

    __slots__ = ("_buffer",)

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, text: str) -> list[str]:
        text = self._buffer + text
        if not text:
            return []
        # A trailing "\r" may be the first half of "\r\n": wait for the next piece.
        hold = text.endswith("\r")
        if hold:
            text = text[:-1]
        lines = text.splitlines(keepends=True)
        self._buffer = "\r" if hold else ""
        if lines and not lines[-1].endswith(("\n", "\r")):
            self._buffer = lines.pop() + self._buffer
        return [line.rstrip("\r\n") for line in lines]

    def flush(self) -> list[str]:
        rest, self._buffer = self._buffer, ""
        return [rest.rstrip("\r\n")] if rest else []


class StreamedAPIResponse(_BaseStreamedResponse[_T]):
    """The response of a call made through ``with_streaming_response`` (sync).

    The body is read once, by one of ``iter_bytes``/``iter_text``/``iter_lines``/``read``;
    ``parse()`` reads it whole and gives what the plain method would have returned.
    """

    __slots__ = ()

    def iter_bytes(self) -> Iterator[bytes]:
        """The body, decoded (gzip/deflate), in pieces as they arrive."""
        response = self.http_response
        if response.is_stream_consumed:  # read already (or handed over whole)
            if response.content:
                yield response.content
            return
        errors = self._errors
        try:
            reader = BodyReader(response, self._limit)
            for chunk in response.iter_raw() if reader.raw else response.iter_bytes():
                reader.feed(chunk)
                yield from reader.drain()
                self._check_deadline()
            tail = reader.finish()
            if tail:
                yield tail
        except errors.catch as exc:  # the package's error tree, as for any call
            raise errors.translate(response.request, exc) from exc
        finally:
            response.close()

    def iter_text(self) -> Iterator[str]:
        """The body as text (the response's charset, else UTF-8), as it arrives."""
        decoder = self._text_decoder()
        for chunk in self.iter_bytes():
            text = decoder.decode(chunk)
            if text:
                yield text
        text = decoder.decode(b"", final=True)
        if text:
            yield text

    def iter_lines(self) -> Iterator[str]:
        """The body's lines, without their line endings, as they arrive."""
        splitter = _LineSplitter()
        for text in self.iter_text():
            yield from splitter.feed(text)
        yield from splitter.flush()

    def read(self) -> bytes:
        """The whole body (capped at the client's limit); kept for ``parse()``."""
        response = self.http_response
        if not response.is_stream_consumed:
            # httpx has no public setter: this is what `Response.read()` itself assigns.
            response._content = b"".join(self.iter_bytes())
        return response.content

    def parse(self) -> _T:
        """The body as the plain method returns it (model, bytes, text, events); reads
        it whole."""
        self.read()
        return self._parse()

    def close(self) -> None:
        """Release the connection (what is unread is discarded)."""
        self.http_response.close()


class AsyncStreamedAPIResponse(_BaseStreamedResponse[_T]):
    """The response of a call made through ``with_streaming_response`` (async)."""

    __slots__ = ()

    async def iter_bytes(self) -> AsyncIterator[bytes]:
        """The body, decoded (gzip/deflate), in pieces as they arrive."""
        errors = self._errors
        assert errors.cancel_after is not None  # the async client always gives it
        cancel_after = errors.cancel_after

        response = self.http_response
        if response.is_stream_consumed:
            if response.content:
                yield response.content
            return
        try:
            reader = BodyReader(response, self._limit)
            chunks = response.aiter_raw() if reader.raw else response.aiter_bytes()
            while True:
                try:
                    async with cancel_after(max(self._deadline - time.monotonic(), 0.0)):
                        chunk = await anext(chunks)
                except StopAsyncIteration:
                    break
                except TimeoutError:
                    raise httpx.ReadTimeout(_DEADLINE_PASSED, request=response.request) from None
                reader.feed(chunk)
                for piece in reader.drain():
                    yield piece
            tail = reader.finish()
            if tail:
                yield tail
        except errors.catch as exc:  # the package's error tree, as for any call
            raise errors.translate(response.request, exc) from exc
        finally:
            await response.aclose()

    async def iter_text(self) -> AsyncIterator[str]:
        """The body as text (the response's charset, else UTF-8), as it arrives."""
        decoder = self._text_decoder()
        async for chunk in self.iter_bytes():
            text = decoder.decode(chunk)
            if text:
                yield text
        text = decoder.decode(b"", final=True)
        if text:
            yield text

    async def iter_lines(self) -> AsyncIterator[str]:
        """The body's lines, without their line endings, as they arrive."""
        splitter = _LineSplitter()
        async for text in self.iter_text():
            for line in splitter.feed(text):
                yield line
        for line in splitter.flush():
            yield line

    async def read(self) -> bytes:
        """The whole body (capped at the client's limit); kept for ``parse()``."""
        response = self.http_response
        if not response.is_stream_consumed:
            response._content = b"".join([chunk async for chunk in self.iter_bytes()])
        return response.content

    async def parse(self) -> _T:
        """The body as the plain method returns it (model, bytes, text, events); reads
        it whole."""
        await self.read()
        return self._parse()

    async def close(self) -> None:
        """Release the connection (what is unread is discarded)."""
        await self.http_response.aclose()


class StreamedResponseContext(Generic[_T]):
    """``with``: makes the call on entry, closes the response on exit."""

    __slots__ = ("_call", "_response")

    def __init__(self, call: Callable[[], Any]) -> None:
        self._call = call
        self._response: StreamedAPIResponse[_T] | None = None

    def __enter__(self) -> StreamedAPIResponse[_T]:
        with set_response_mode(STREAM):
            response = self._call()
        if not isinstance(response, StreamedAPIResponse):
            raise TypeError(f"this operation cannot stream its response (got {type(response)})")
        self._response = response
        return response

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            self._response.close()


class AsyncStreamedResponseContext(Generic[_T]):
    """``async with``: makes the call on entry, closes the response on exit."""

    __slots__ = ("_call", "_response")

    def __init__(self, call: Callable[[], Awaitable[Any]]) -> None:
        self._call = call
        self._response: AsyncStreamedAPIResponse[_T] | None = None

    async def __aenter__(self) -> AsyncStreamedAPIResponse[_T]:
        with set_response_mode(STREAM):
            response = await self._call()
        if not isinstance(response, AsyncStreamedAPIResponse):
            raise TypeError(f"this operation cannot stream its response (got {type(response)})")
        self._response = response
        return response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.close()


def to_streamed_response_wrapper(
    fn: Callable[_P, _T],
) -> Callable[_P, StreamedResponseContext[_T]]:
    """Wrap a generated sync method: ``with wrapped(...) as response:`` streams its body."""

    @functools.wraps(fn)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> StreamedResponseContext[_T]:
        return StreamedResponseContext(functools.partial(fn, *args, **kwargs))

    return wrapped


def async_to_streamed_response_wrapper(
    fn: Callable[_P, Awaitable[_T]],
) -> Callable[_P, AsyncStreamedResponseContext[_T]]:
    """Wrap a generated async method: ``async with wrapped(...) as response:``."""

    @functools.wraps(fn)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> AsyncStreamedResponseContext[_T]:
        return AsyncStreamedResponseContext(functools.partial(fn, *args, **kwargs))

    return wrapped
