"""Reading a response body under a size limit, decompressed size included (sans-IO).

The clients send with ``stream=True`` and feed the raw chunks to a `BodyReader`, which
decodes ``gzip``/``deflate`` itself with a bounded output per step: a small compressed
body cannot expand past the limit in memory (httpx's own decoders inflate each chunk
whole, up to about 1,000 times its size, and stacked encodings multiply that).
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Final

import httpx

from .errors import ResponseTooLargeError

if TYPE_CHECKING:
    from zlib import _Decompress

__all__ = ["DEFAULT_MAX_RESPONSE_SIZE", "BodyReader", "check_size"]

DEFAULT_MAX_RESPONSE_SIZE: Final = 16 * 1024 * 1024
"""16 MiB. Conferencing APIs answer in kilobytes (a page of 250 records is well under
1 MiB), and a body becomes several times its size in parsed models: a larger body is a
fault or an attack, not an answer."""

_IDENTITY: Final = frozenset({"", "identity"})


class _Inflater:
    """One ``gzip`` or ``deflate`` layer, never producing more than it is allowed."""

    __slots__ = ("_decompressor", "_deflate", "_started")

    def __init__(self, *, deflate: bool) -> None:
        # deflate is meant to be zlib-wrapped, but servers send raw deflate too (as
        # httpx, try the wrapped form first); gzip is gzip only.
        self._decompressor: _Decompress = zlib.decompressobj(
            zlib.MAX_WBITS if deflate else zlib.MAX_WBITS | 16
        )
        self._deflate = deflate
        self._started = False

    def decode(self, data: bytes, budget: int) -> bytes:
        """``data`` decoded: at most ``budget + 1`` bytes (more than ``budget``: too large)."""
        if not data:
            return b""
        try:
            out = self._decompressor.decompress(data, budget + 1)
        except zlib.error as exc:
            if self._deflate and not self._started:
                self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                return self.decode(data, budget)
            raise httpx.DecodingError(f"the body is not valid {self.name}: {exc}") from None
        self._started = True
        return out

    def flush(self) -> bytes:
        # An empty body (a HEAD, a 204) may carry the header without any stream.
        if self._started and not self._decompressor.eof:
            raise httpx.DecodingError(f"the {self.name} body ends before its end marker")
        return self._decompressor.flush()

    @property
    def name(self) -> str:
        return "deflate" if self._deflate else "gzip"


class BodyReader:
    """Collects one response's body, refusing it as soon as it passes ``limit`` bytes.

    ``raw`` says which bytes to `feed`: the raw (still encoded) stream when every
    ``Content-Encoding`` is one this reader decodes (gzip, deflate, identity), else the
    stream httpx decodes (``br``, ``zstd``: bounded per chunk, not per byte).
    """

    __slots__ = ("_chunks", "_inflaters", "_limit", "_response", "_size", "raw")

    def __init__(self, response: httpx.Response, limit: int) -> None:
        self._response = response
        self._limit = limit
        self._chunks: list[bytes] = []
        self._size = 0
        self._inflaters: list[_Inflater] = []
        self.raw = True
        encoding = response.headers.get("content-encoding")
        if encoding is None:
            length = response.headers.get("content-length")
            if (
                length is not None
                and length.isdigit()
                and int(length) > limit
                # A HEAD or 304 answer declares the length of a body it does not send.
                and response.status_code != 304
                and response.request.method != "HEAD"
            ):
                raise ResponseTooLargeError(response=response, limit=limit)  # before reading
            return
        # The encoding applied last is undone first.
        for name in reversed(encoding.lower().split(",")):
            name = name.strip()
            if name in _IDENTITY:
                continue
            if name in ("gzip", "x-gzip", "deflate"):
                self._inflaters.append(_Inflater(deflate=name == "deflate"))
                continue
            self.raw = False
            self._inflaters.clear()
            return

    def feed(self, chunk: bytes) -> None:
        """Take the next chunk; raises `ResponseTooLargeError` once past the limit."""
        for inflater in self._inflaters:
            budget = self._limit - self._size
            chunk = inflater.decode(chunk, budget)
            if len(chunk) > budget:  # any layer past the limit (an inner one too) is refused
                raise ResponseTooLargeError(response=self._response, limit=self._limit)
        self._add(chunk)

    def finish(self) -> bytes:
        """The whole decoded body (checks that compressed streams are complete)."""
        for index, inflater in enumerate(self._inflaters):
            tail = inflater.flush()
            for later in self._inflaters[index + 1 :]:
                budget = self._limit - self._size
                tail = later.decode(tail, budget)
                if len(tail) > budget:
                    raise ResponseTooLargeError(response=self._response, limit=self._limit)
            self._add(tail)
        chunks = self._chunks
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _add(self, chunk: bytes) -> None:
        if chunk:
            self._size += len(chunk)
            if self._size > self._limit:
                raise ResponseTooLargeError(response=self._response, limit=self._limit)
            self._chunks.append(chunk)


def check_size(response: httpx.Response, limit: int) -> None:
    """For a body a transport already read whole (a mock, ASGI): refuse it if too large."""
    if len(response.content) > limit:
        raise ResponseTooLargeError(response=response, limit=limit)
