"""A started session's control URL (``x-confgen-session-url``): Voximplant's
``media_session_access_url`` / ``media_session_access_secure_url``.

StartConference and StartScenarios answer with the URL of the media session they
started; "making HTTP request on this URL results in the AppEvents.HttpRequest VoxEngine
event being triggered for a scenario, with an HTTP request data passed to it" (both
pages). What a request there does is the scenario's business (stop it, pass it data),
so `SessionURL.send` is never retried and follows no redirect.

The URL is a capability of its own on another host (the media server): nothing of the
API client's credentials or default headers goes there, only the ``User-Agent``. The
client's timeout (a deadline for the whole call) and response size limit apply.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel

from ._body import BodyReader
from ._response import make_status_error
from ._user_agent import user_agent
from .errors import APIConnectionError, APITimeoutError

__all__ = ["AsyncSessionURL", "SessionURL", "session_url"]

Method = Literal["GET", "POST", "PUT", "DELETE"]
Body = str | bytes | Mapping[str, object] | None

_DEADLINE_PASSED: Final = "the call's deadline passed while the body was arriving"
_DECODED: Final = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def session_url(started: BaseModel | str, fields: Sequence[str]) -> str:
    """The first of ``fields`` (wire names) that ``started`` (a response model) holds as
    a non-empty http(s) URL; ``started`` may be the URL itself."""
    if isinstance(started, str):
        url: object = started
    else:
        data = started.model_dump(by_alias=True)
        url = next((data[name] for name in fields if data.get(name)), None)
        if url is None:
            raise ValueError(f"the response holds none of {', '.join(fields)}")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) session URL: {url!r}")
    return url


def _encode(body: Body) -> tuple[bytes | None, dict[str, str]]:
    if body is None:
        return None, {}
    if isinstance(body, bytes):
        return body, {"Content-Type": "application/octet-stream"}
    if isinstance(body, str):
        return body.encode(), {"Content-Type": "text/plain; charset=utf-8"}
    return json.dumps(dict(body)).encode(), {"Content-Type": "application/json"}


class _BaseSessionURL:
    __slots__ = ("_limit", "_timeout", "_user_agent", "url")

    url: str
    """The session's control URL."""

    def __init__(
        self, url: str, *, timeout: httpx.Timeout, max_response_size: int, user_agent: str
    ) -> None:
        self.url = url
        self._timeout = timeout
        self._limit = max_response_size
        self._user_agent = user_agent

    @staticmethod
    def _settings(client: Any) -> dict[str, Any]:
        """What a generated ``client`` lends the session: its timeout, its response size
        limit and its ``User-Agent`` (never its credentials or headers)."""
        return {
            "timeout": client.timeout,
            "max_response_size": client.max_response_size,
            "user_agent": user_agent(
                client.distribution or client.package_name, client.package_version
            ),
        }

    def _request(
        self,
        method: Method,
        body: Body,
        headers: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | None,
    ) -> tuple[httpx.Request, float]:
        limits = httpx.Timeout(timeout) if timeout is not None else self._timeout
        content, content_headers = _encode(body)
        request = httpx.Request(
            method,
            self.url,
            content=content,
            headers={"User-Agent": self._user_agent, **content_headers, **(headers or {})},
            extensions={"timeout": limits.as_dict()},
        )
        longest = max((v for v in limits.as_dict().values() if v is not None), default=60.0)
        return request, time.monotonic() + longest

    def _reply(self, response: httpx.Response, body: bytes) -> httpx.Response:
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _DECODED]
        reply = httpx.Response(
            response.status_code, headers=headers, content=body, request=response.request
        )
        if reply.status_code >= 400:
            raise make_status_error(reply, None)
        return reply

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {urlsplit(self.url).netloc}>"


def _error(request: httpx.Request, exc: httpx.HTTPError) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request=request)
    return APIConnectionError(request=request, message=f"Connection error ({type(exc).__name__}).")


class SessionURL(_BaseSessionURL):
    """A started session's control URL (sync): ``send()`` reaches its scenario."""

    __slots__ = ("_http",)

    def __init__(
        self,
        url: str,
        *,
        timeout: httpx.Timeout,
        max_response_size: int,
        user_agent: str,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            url, timeout=timeout, max_response_size=max_response_size, user_agent=user_agent
        )
        self._http = http_client

    @classmethod
    def for_client(
        cls, client: Any, url: str, http_client: httpx.Client | None = None
    ) -> SessionURL:
        """The session at ``url``, with ``client``'s timeout, size limit and
        ``User-Agent``; ``http_client`` (yours: proxies, transport) or a new one per send."""
        return cls(url, http_client=http_client, **cls._settings(client))

    def send(
        self,
        body: Body = None,
        *,
        method: Method = "POST",
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> httpx.Response:
        """Send ``body`` (a mapping as JSON, ``str`` as text, ``bytes`` as is) to the
        session; the answer is what its scenario replied (body read, connection closed).
        Not retried. Raises `APIStatusError` for 4xx/5xx, `APIConnectionError` /
        `APITimeoutError` when no answer came, `ResponseTooLargeError` over the limit."""
        request, deadline = self._request(method, body, headers, timeout)
        http = self._http or httpx.Client()
        try:
            response = http.send(request, stream=True, follow_redirects=False)
            try:
                reader = BodyReader(response, self._limit)
                for chunk in response.iter_raw() if reader.raw else response.iter_bytes():
                    reader.feed(chunk)
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout(_DEADLINE_PASSED, request=request)
                content = reader.finish()
            finally:
                response.close()
        except httpx.HTTPError as exc:
            raise _error(request, exc) from exc
        finally:
            if self._http is None:
                http.close()
        return self._reply(response, content)


class AsyncSessionURL(_BaseSessionURL):
    """A started session's control URL (async): ``await send()`` reaches its scenario."""

    __slots__ = ("_http",)

    def __init__(
        self,
        url: str,
        *,
        timeout: httpx.Timeout,
        max_response_size: int,
        user_agent: str,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            url, timeout=timeout, max_response_size=max_response_size, user_agent=user_agent
        )
        self._http = http_client

    @classmethod
    def for_client(
        cls, client: Any, url: str, http_client: httpx.AsyncClient | None = None
    ) -> AsyncSessionURL:
        """The async `SessionURL.for_client`."""
        return cls(url, http_client=http_client, **cls._settings(client))

    async def send(
        self,
        body: Body = None,
        *,
        method: Method = "POST",
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> httpx.Response:
        """The async `SessionURL.send`."""
        import anyio  # httpx depends on it

        request, deadline = self._request(method, body, headers, timeout)
        http = self._http or httpx.AsyncClient()
        try:
            with anyio.fail_after(max(deadline - time.monotonic(), 0.0)):
                response = await http.send(request, stream=True, follow_redirects=False)
                try:
                    reader = BodyReader(response, self._limit)
                    chunks = response.aiter_raw() if reader.raw else response.aiter_bytes()
                    async for chunk in chunks:
                        reader.feed(chunk)
                    content = reader.finish()
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            raise APITimeoutError(request=request) from exc
        except httpx.HTTPError as exc:
            raise _error(request, exc) from exc
        finally:
            if self._http is None:
                await http.aclose()
        return self._reply(response, content)
