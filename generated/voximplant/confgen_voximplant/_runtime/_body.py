"""Reading a response body under a size limit, decompressed size included (sans-IO).

The clients send with ``stream=True`` and feed the raw chunks to a `BodyReader`, which
decodes ``gzip``/``deflate`` itself with a bounded output per step: a small compressed
body cannot expand past the limit in memory (httpx's own decoders inflate each chunk
whole, up to about 1,000 times its size, and stacked encodings multiply that).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
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
_STEP: Final = 64 * 1024
"""The most one decompression step produces: a bomb is stopped within this of the limit."""


class _Inflater:
    """One ``gzip`` or ``deflate`` layer, decoding at most `_STEP` bytes at a time."""

    __slots__ = ("_decompressor", "_deflate", "_started", "produced")

    def __init__(self, *, deflate: bool) -> None:
        # deflate is meant to be zlib-wrapped, but servers send raw deflate too (as
        # httpx, try the wrapped form first); gzip is gzip only.
        self._decompressor: _Decompress = zlib.decompressobj(
            zlib.MAX_WBITS if deflate else zlib.MAX_WBITS | 16
        )
        self._deflate = deflate
        self._started = False
        self.produced = 0

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """``data`` decoded, in pieces of at most `_STEP` bytes (the caller stops early)."""
        if not data:
            return
        try:
            piece = self._decompressor.decompress(data, _STEP)
        except zlib.error as exc:
            if not (self._deflate and not self._started):
                raise httpx.DecodingError(f"the body is not valid {self.name}: {exc}") from None
            self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                piece = self._decompressor.decompress(data, _STEP)
            except zlib.error as raw_exc:
                raise httpx.DecodingError(f"the body is not valid {self.name}: {raw_exc}") from None
        self._started = True
        while True:
            if piece:
                self.produced += len(piece)
                yield piece
            tail = self._decompressor.unconsumed_tail
            if not tail:
                return
            piece = self._decompressor.decompress(tail, _STEP)

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
        if self._inflaters:
            self._push(chunk, 0)
        else:
            self._add(chunk)

    def drain(self) -> list[bytes]:
        """The decoded pieces collected since the last call (for a body read as a stream)."""
        chunks, self._chunks = self._chunks, []
        return chunks

    def finish(self) -> bytes:
        """The whole decoded body (checks that compressed streams are complete)."""
        for index, inflater in enumerate(self._inflaters):
            self._push(inflater.flush(), index + 1)
        chunks = self._chunks
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _push(self, data: bytes, stage: int) -> None:
        """Decode ``data`` through the layers from ``stage`` on, piece by piece."""
        if stage == len(self._inflaters):
            self._add(data)
            return
        inflater = self._inflaters[stage]
        for piece in inflater.pieces(data):
            # Any layer past the limit is refused: the layers after it only expand it.
            if inflater.produced > self._limit:
                raise ResponseTooLargeError(response=self._response, limit=self._limit)
            self._push(piece, stage + 1)

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
