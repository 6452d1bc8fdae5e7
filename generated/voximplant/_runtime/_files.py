"""Non-JSON response bodies: binary ones (PDF, audio, octet-stream...) as `BinaryResponse`."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

__all__ = ["BinaryResponse", "decode_content"]


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
