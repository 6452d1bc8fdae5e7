"""Files both ways: binary response bodies (PDF, audio, octet-stream...) as
`BinaryResponse`, and file arguments of multipart bodies (`FileInput`) as parts for
httpx's own multipart encoder, streamed from disk rather than read into memory."""

from __future__ import annotations

import io
import mimetypes
import os
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = [
    "BinaryResponse",
    "BodyNotRewindable",
    "FileContent",
    "FileInput",
    "decode_content",
    "file_part",
    "is_file",
]


class BinaryResponse:
    """A binary response body: ``.content`` (bytes), ``.content_type``, ``write_to_file()``."""

    __slots__ = ("http_response",)

    http_response: httpx.Response

    def __init__(self, http_response: httpx.Response) -> None:
        self.http_response = http_response

    @property
    def content(self) -> bytes:
        """The body."""
        return self.http_response.content

    @property
    def content_type(self) -> str | None:
        """The response's ``Content-Type`` (``application/pdf``...), if it gave one."""
        value = self.http_response.headers.get("Content-Type")
        return None if value is None else str(value)

    def write_to_file(self, path: str | os.PathLike[str]) -> None:
        """Write the body to ``path`` (replaced if it exists)."""
        with open(path, "wb") as handle:
            handle.write(self.http_response.content)

    def __bytes__(self) -> bytes:
        return self.http_response.content

    def __len__(self) -> int:
        return len(self.http_response.content)

    def __repr__(self) -> str:
        return f"<BinaryResponse {self.content_type or '?'} {len(self)} bytes>"


def decode_content(response: httpx.Response, kind: str) -> BinaryResponse | str:
    """A ``binary`` body as a `BinaryResponse`, a ``text`` one as ``str``."""
    if kind == "text":
        return response.text
    return BinaryResponse(response)


# --- multipart uploads --------------------------------------------------------------

FileContent = bytes | bytearray | os.PathLike[str] | IO[bytes]
"""What a file part can be made of: bytes, a path (streamed from disk), a binary file object."""
FileInput = (
    FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]
)
"""A file argument: content, or ``(filename, content)`` / ``(filename, content, content_type)``."""


class _PathFile:
    """A file on disk that httpx streams in chunks: opened on the first read, closed at
    the end (and reopened if a retry reads it again). Its size comes from ``os.stat``,
    so the request still has a ``Content-Length``."""

    def __init__(self, path: os.PathLike[str] | str) -> None:
        self.path = os.fspath(path)
        self.name = self.path
        self._handle: IO[bytes] | None = None

    def tell(self) -> int:
        return 0 if self._handle is None else self._handle.tell()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_END:
            return os.stat(self.path).st_size + offset
        self.close()
        if offset:
            self._open().seek(offset)
        return offset

    def read(self, size: int = -1) -> bytes:
        chunk = self._open().read(size)
        if not chunk:
            self.close()
        return chunk

    def _open(self) -> IO[bytes]:
        if self._handle is None:
            self._handle = open(self.path, "rb")  # noqa: SIM115 (closed at EOF or by close())
        return self._handle

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __del__(self) -> None:
        self.close()


class BodyNotRewindable(Exception):
    """A multipart body is being sent again (a retry, a redirect, a new token after a
    401) but one of its file parts was read from a file object that cannot be rewound.
    Raised inside httpx's send; the client turns it into `RequestNotRepeatableError`,
    naming the operation."""


def _rewindable(file: object) -> bool:
    """Whether httpx can rewind ``file`` (it seeks every file part to 0 before sending)."""
    seekable = getattr(file, "seekable", None)
    if callable(seekable):
        try:
            return bool(seekable())
        except (OSError, ValueError):  # closed, or a stream that refuses to say
            return False
    return callable(getattr(file, "seek", None)) and callable(getattr(file, "tell", None))


class _OnceFile:
    """A file object that cannot be rewound, sent at most once.

    httpx seeks a file part to 0 before each send and would then send what is left of
    a pipe (nothing) without a word: the first seek is a no-op here, a seek after
    reading began raises `BodyNotRewindable`. Without ``fileno``/``tell`` httpx sends the
    body chunked instead of trusting a pipe's ``st_size`` (0) as its length.
    """

    __slots__ = ("_file", "_started", "name")

    def __init__(self, file: IO[bytes], name: str) -> None:
        self._file = file
        self._started = False
        self.name = name

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if self._started:
            raise BodyNotRewindable(
                f"the file part {self.name!r} is read from a file object that cannot be "
                "rewound (give bytes, a path or a seekable file to allow sending it again)"
            )
        return 0

    def read(self, size: int = -1) -> bytes:
        self._started = True
        return self._file.read(size)


def is_file(value: object) -> bool:
    """Whether a multipart field value is a file (bytes, a path, a file object, a tuple)."""
    if isinstance(value, bytes | bytearray | os.PathLike) or hasattr(value, "read"):
        return True
    return isinstance(value, tuple) and len(value) in (2, 3) and is_file(value[1])


def file_part(value: object, content_type: str | None) -> tuple[str | None, Any, str]:
    """One file part for httpx's multipart encoder: ``(filename, content, content_type)``.

    The filename is the tuple's, or the path's or file object's base name, else
    ``upload``; the content type the tuple's, else the spec's ``encoding`` for the field,
    else guessed from the filename, else ``application/octet-stream``.
    """
    filename: str | None = None
    given_type: str | None = None
    if isinstance(value, tuple):
        filename, content = value[0], value[1]
        given_type = value[2] if len(value) == 3 else None
    else:
        content = value
    if isinstance(content, os.PathLike):
        filename = filename or os.path.basename(os.fspath(content))
        content = _PathFile(content)
    elif isinstance(content, bytearray):
        content = bytes(content)
    elif hasattr(content, "read"):
        name = getattr(content, "name", None)
        filename = filename or (os.path.basename(name) if isinstance(name, str) else None)
        if not isinstance(content, io.TextIOBase) and not _rewindable(content):
            content = _OnceFile(content, filename or "upload")  # httpx refuses text itself
    filename = filename or "upload"
    kind = given_type or content_type or mimetypes.guess_type(filename)[0]
    return filename, content, kind or "application/octet-stream"
