"""Credential carriers for the HTTP providers, as `httpx.Auth` objects with redacted reprs."""

from __future__ import annotations

import base64
from collections.abc import Generator

import httpx

__all__ = ["BasicAuth", "BearerAuth"]


class BearerAuth(httpx.Auth):
    """Sends ``Authorization: Bearer <token>`` (an API key, e.g. Telnyx)."""

    __slots__ = ("_header",)

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("the bearer token is empty")
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(token='***')"


class BasicAuth(httpx.Auth):
    """Sends HTTP Basic credentials (e.g. SignalWire's project id and API token).

    The username is shown in the repr (it is an identifier); the password never is.
    """

    __slots__ = ("_header", "username")

    def __init__(self, username: str, password: str) -> None:
        if not username or not password:
            raise ValueError("basic auth needs both a username and a password")
        self.username = username
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._header = f"Basic {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password='***')"
