"""An httpx transport that records requests and sends nothing (for dry runs)."""

from __future__ import annotations

import httpx

__all__ = ["Recorded", "RecordingTransport"]


class Recorded(Exception):
    """Raised by `RecordingTransport` once a request is recorded: nothing is answered.

    Not an ``httpx.TransportError``, so the client neither retries nor wraps it.
    """


class RecordingTransport(httpx.BaseTransport):
    """Keeps every request it is given in ``requests`` and fails it with `Recorded`."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        raise Recorded()
