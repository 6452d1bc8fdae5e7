"""The API client bases: configuration, request building, and the one retry flow.

`_BaseClient._request_flow` is a generator that holds the whole life of a call: retries,
redirects and the call's deadline. It yields a `_Send` when it wants a request sent
(and its body read before the deadline) and a ``float`` when it wants to sleep, and is
sent back the `httpx.Response` (body read) or the httpx exception. `SyncAPIClient` and
`AsyncAPIClient` only drive it with blocking or awaiting I/O, as httpx's auth flows do.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, Self, TypeVar, overload
from urllib.parse import urlsplit, urlunsplit

import httpx
from pydantic import BaseModel

from ._auth import Security
from ._body import DEFAULT_MAX_RESPONSE_SIZE, BodyReader, check_size
from ._encoding import (
    FORM_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    EncodedBody,
    encode_json,
)
from ._files import BodyNotRewindable, decode_content
from ._lenient import PARSING, Parsing
from ._logs import redact_headers, redact_url, setup_logging
from ._operation import Operation
from ._params import encode_form, encode_query
from ._response import (
    STREAM,
    APIResponse,
    find_body_error,
    make_status_error,
    parse_body,
    response_mode,
    set_response_mode,
    take_raw_response_flag,
)
from ._retry import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_RECONNECT,
    RECONNECT_VALUES,
    Failure,
    Reconnect,
    RetryPolicy,
)
from ._types import NOT_GIVEN, NotGiven, new_uuid4
from ._user_agent import user_agent
from .errors import (
    APIConnectionError,
    APITimeoutError,
    RedirectError,
    RequestNotRepeatableError,
)

if TYPE_CHECKING:
    # Loaded by the calls that stream (with_streaming_response, event streams): a
    # first call that does not never imports the module.
    from ._streaming import (
        AsyncStreamedAPIResponse,
        Reconnection,
        StreamedAPIResponse,
        StreamErrors,
    )

__all__ = [
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_TIMEOUT",
    "AsyncAPIClient",
    "AsyncResource",
    "SyncAPIClient",
    "SyncResource",
]

DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=5.0)
"""A 60 s deadline for the whole call; 5 s to connect."""

DEFAULT_MAX_REDIRECTS: Final = 5
"""Redirects one call follows at most (only requests safe to repeat follow any)."""

_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
_BODY_HEADERS: Final = ("content-type", "content-length", "transfer-encoding")

_HTTPX_ERRORS: Final = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, httpx.CookieConflict)
"""Every exception httpx raises about a request: all end in the package's error tree."""
_SEND_ERRORS: Final = (*_HTTPX_ERRORS, BodyNotRewindable)
"""What sending an attempt can raise, for the flow to decide on."""

_ModelT = TypeVar("_ModelT", bound=BaseModel)
_HttpT = TypeVar("_HttpT", httpx.Client, httpx.AsyncClient)


class _Send:
    """A step of the flow: send ``request`` (with ``auth``, the operation's, unless
    ``authenticate`` is false) and read its body, giving up at ``deadline``
    (`time.monotonic` seconds)."""

    __slots__ = ("auth", "authenticate", "deadline", "request")

    def __init__(
        self,
        request: httpx.Request,
        deadline: float,
        authenticate: bool,
        auth: httpx.Auth | httpx._client.UseClientDefault,
    ) -> None:
        self.request = request
        self.deadline = deadline
        self.authenticate = authenticate
        self.auth = auth if authenticate else None


_Step = _Send | float
"""What the flow asks of its driver: send this request, or sleep this many seconds."""
_Outcome = httpx.Response | Exception | None
"""What the driver sends back: the response (body read), the httpx exception, or None
after a sleep."""

_DEADLINE_PASSED: Final = "the call's deadline passed while the body was arriving"


# The flow's private records are plain slotted classes, as `_Send`: a dataclass costs
# about 0.4 ms to define at import (its methods are compiled from source), a first call's.
class _Resume:
    """An event stream's call made again (`Reconnection`): its own request, sent with
    ``Last-Event-ID`` under the first attempt's deadline and retry budget."""

    __slots__ = ("deadline", "last_event_id", "policy", "request", "retries_taken")

    def __init__(
        self,
        request: httpx.Request,
        last_event_id: str,
        deadline: float,
        retries_taken: int,
        policy: RetryPolicy,
    ) -> None:
        self.request = request
        self.last_event_id = last_event_id
        self.deadline = deadline
        self.retries_taken = retries_taken
        self.policy = policy


class _Started:
    """What the flow ends with in streaming mode: the response (body unread) and what
    an event stream needs to make the call again (``request``: as first sent, before
    any redirect)."""

    __slots__ = ("deadline", "policy", "request", "response")

    def __init__(
        self,
        response: httpx.Response,
        request: httpx.Request,
        deadline: float,
        policy: RetryPolicy,
    ) -> None:
        self.response = response
        self.request = request
        self.deadline = deadline
        self.policy = policy


_JSON_HEADERS: Final = {"Content-Type": JSON_CONTENT_TYPE}
_FORM_HEADERS: Final = {"Content-Type": FORM_CONTENT_TYPE}


@functools.lru_cache(maxsize=256)
def _parsed_url(url: str) -> httpx.URL:
    """``url`` parsed by httpx (immutable, so shared): parsing costs about 9 us a call,
    more than the rest of the client's own work on it."""
    return httpx.URL(url)


def join_url(base_url: str, path: str) -> str:
    """``base_url`` + ``path``, the base's own path sent once when ``path`` repeats it.

    A spec whose paths carry the API prefix (``/api/video/rooms``) is served both by the
    bare host (``https://x.signalwire.com``) and by the prefixed base URL a provider's
    pages give (``https://x.signalwire.com/api/video``): both reach ``/api/video/rooms``.
    """
    try:
        prefix = urlsplit(base_url).path.rstrip("/")
    except ValueError:  # not a URL at all: httpx says so, inside the error tree
        return base_url + path
    if prefix and path.startswith(prefix + "/"):
        return base_url[: len(base_url) - len(prefix)] + path
    return base_url + path


class _BaseClient(Generic[_HttpT]):
    """What the sync and async clients share: configuration and the request flow.

    A generated client subclasses `SyncAPIClient` / `AsyncAPIClient`, sets the class
    attributes below, and passes credentials as ``auth``.
    """

    package_name: ClassVar[str] = "confgen"
    """Names the logger (``logging.getLogger(package_name)``), and the ``User-Agent``
    when ``distribution`` is empty."""
    package_version: ClassVar[str] = "0"
    """The package's version as its ``pyproject.toml`` gives it (``2.0.0+confgen.0.1.0``)."""
    distribution: ClassVar[str] = ""
    """The distribution the package installs as (``confgen-telnyx``): the ``User-Agent``'s
    product."""
    body_errors: ClassVar[tuple[str, ...]] = ()
    """Keys of a JSON object body that make it an error whatever the status (Voximplant)."""

    _http: _HttpT
    _owns_http: bool
    _base_url: str
    _auth: httpx.Auth | Security | None
    _send_auth: httpx.Auth | httpx._client.UseClientDefault
    _timeout: httpx.Timeout
    _timeout_limits: dict[str, float | None]
    _deadline: float
    _max_response_size: int
    _policy: RetryPolicy
    _default_headers: dict[str, str]
    _headers: dict[str, str]
    _json_headers: dict[str, str]
    _form_headers: dict[str, str]
    _baked_headers: dict[str, str]
    """Headers the client's own httpx client was created with (it sends them itself)."""
    _send_headers: dict[str, str]
    _logger: logging.Logger
    """Retries are logged here (``DEBUG``)."""
    _exchange_logger: logging.Logger
    """Each HTTP exchange is logged here (``<package>.http``, ``INFO``; headers ``DEBUG``)."""
    _default_query: dict[str, object]
    _strict_responses: bool
    _reconnect: Reconnect

    def __init__(
        self,
        *,
        base_url: str | httpx.URL,
        auth: httpx.Auth | Security | None = None,
        timeout: float | httpx.Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: _HttpT | None = None,
        default_headers: Mapping[str, str] | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        default_query: Mapping[str, object] | None = None,
        strict_responses: bool | None = None,
        sse_reconnect: Reconnect = DEFAULT_RECONNECT,
    ) -> None:
        """Configure the client.

        - ``timeout``: the deadline of every call (``DEFAULT_TIMEOUT`` when not given),
          retries, redirects and their waits included; it applies even with a custom
          ``http_client``. Seconds, or an ``httpx.Timeout``: then each attempt's phases
          keep their own limits and the deadline is the longest of them. ``None``, or
          an ``httpx.Timeout`` with an unlimited phase, is refused: a call must never
          wait forever.
        - ``max_response_size``: the largest body (in bytes, decompressed) a call reads
          (`DEFAULT_MAX_RESPONSE_SIZE`); past it the call raises `ResponseTooLargeError`.
        - ``http_client``: used as is and never closed by this client; otherwise the
          client creates one, closed by `close()` or leaving a ``with`` block.
        - ``default_headers``: sent on every call, over ``User-Agent`` and ``Accept``.
        - ``default_query``: query parameters sent on every call (under the call's own).
        - ``<PACKAGE>_LOG=debug|info`` in the environment logs every exchange (secrets
          redacted; see `_logs`).
        - ``strict_responses``: a success body that does not match its model raises
          `APIResponseValidationError` instead of being kept leniently (`_lenient`);
          default: ``<PACKAGE>_STRICT_RESPONSES`` (``1``/``true``), else off.
        - ``sse_reconnect``: when a ``text/event-stream`` call is made again after its
          connection ends (`Reconnect`): ``on-error`` (default), ``always``, ``never``.
        """
        self._base_url = str(base_url).rstrip("/")
        self._set_auth(auth)
        self._set_timeout(DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout)
        self._max_response_size = _checked_size(max_response_size)
        self._policy = RetryPolicy(max_retries=max_retries)
        self._logger = logging.getLogger(self.package_name)
        self._exchange_logger = logging.getLogger(f"{self.package_name}.http")
        setup_logging(self._logger, f"{self.package_name.upper()}_LOG")
        self._default_query = dict(default_query or {})
        if strict_responses is None:
            setting = os.environ.get(f"{self.package_name.upper()}_STRICT_RESPONSES", "")
            strict_responses = setting.strip().lower() in ("1", "true", "yes")
        self._strict_responses = strict_responses
        self._reconnect = _checked_reconnect(sse_reconnect)
        self._baked_headers = {}
        self._set_headers(dict(default_headers or {}))
        if http_client is None:
            self._http = self._new_http_client()
            self._owns_http = True
            # httpx merges per-call headers over its client's one by one: the headers
            # every call sends live in the httpx client instead (about 5 us a call).
            self._baked_headers = dict(self._headers)
            self._set_headers(self._default_headers)
        else:
            self._http = http_client
            self._owns_http = False

    def _new_http_client(self) -> _HttpT:
        raise NotImplementedError

    def _set_timeout(self, timeout: float | httpx.Timeout) -> None:
        self._timeout = httpx.Timeout(_checked(timeout))
        self._timeout_limits = self._timeout.as_dict()
        self._deadline = _deadline_seconds(self._timeout)

    def _set_auth(self, auth: httpx.Auth | Security | None) -> None:
        self._auth = auth
        # None would switch off the auth of a user's own http_client: defer to it instead.
        self._send_auth = (
            httpx.USE_CLIENT_DEFAULT if auth is None or isinstance(auth, Security) else auth
        )

    def _auth_for(self, operation: Operation) -> httpx.Auth | httpx._client.UseClientDefault:
        """What ``operation`` sends: the credentials its security requirement needs (a
        `Security`), or the one ``httpx.Auth`` the client was given for every call."""
        auth = self._auth
        if isinstance(auth, Security):
            chosen = auth.auth_for(operation)
            return httpx.USE_CLIENT_DEFAULT if chosen is None else chosen
        return self._send_auth

    def _set_headers(self, default_headers: dict[str, str]) -> None:
        # Merged once here so a call without extra headers does no merging at all.
        self._default_headers = default_headers
        base = {
            "User-Agent": user_agent(self.distribution or self.package_name, self.package_version),
            "Accept": "application/json",
        }
        self._bare_headers = base  # all a redirect to another origin carries
        self._headers = _merge_headers(base, default_headers)
        # What a call passes: the headers minus those the httpx client already sends.
        baked = self._baked_headers
        send = {name: value for name, value in self._headers.items() if baked.get(name) != value}
        self._send_headers = send
        self._json_headers = _merge_headers(send, _JSON_HEADERS)
        self._form_headers = _merge_headers(send, _FORM_HEADERS)

    @property
    def base_url(self) -> str:
        """The URL every operation path is appended to."""
        return self._base_url

    @property
    def timeout(self) -> httpx.Timeout:
        """The default timeout of every call (its longest phase is the call's deadline)."""
        return self._timeout

    @property
    def max_response_size(self) -> int:
        """The largest response body a call reads, in bytes (decompressed)."""
        return self._max_response_size

    @property
    def max_retries(self) -> int:
        """How many times a failed call may be retried (0: never)."""
        return self._policy.max_retries

    @property
    def sse_reconnect(self) -> Reconnect:
        """When an event stream is made again after its connection ends (`Reconnect`)."""
        return self._reconnect

    @property
    def default_headers(self) -> Mapping[str, str]:
        """The headers sent on every call (without per-call headers)."""
        return dict(self._headers)

    def with_options(
        self,
        *,
        base_url: str | httpx.URL | NotGiven = NOT_GIVEN,
        auth: httpx.Auth | Security | NotGiven | None = NOT_GIVEN,
        timeout: float | httpx.Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        max_response_size: int | NotGiven = NOT_GIVEN,
        default_query: Mapping[str, object] | NotGiven = NOT_GIVEN,
        strict_responses: bool | NotGiven = NOT_GIVEN,
        sse_reconnect: Reconnect | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with some options changed, sharing this client's connection pool.

        ``default_headers`` and ``default_query`` are added to (and override) the
        current ones. ``sse_reconnect`` is how a single event-stream call is set
        (``client.with_options(sse_reconnect="always").feeds.stream(...)``). The copy
        never closes the shared pool; close the original.
        """
        new = copy.copy(self)
        # Resources cached on the client (functools.cached_property) point at `self`.
        for name, value in list(vars(new).items()):
            if isinstance(value, SyncResource | AsyncResource):
                delattr(new, name)
        new._owns_http = False
        if not isinstance(base_url, NotGiven):
            new._base_url = str(base_url).rstrip("/")
        if not isinstance(auth, NotGiven):
            new._set_auth(auth)
        if not isinstance(timeout, NotGiven):
            new._set_timeout(timeout)
        if not isinstance(max_response_size, NotGiven):
            new._max_response_size = _checked_size(max_response_size)
        if not isinstance(max_retries, NotGiven):
            new._policy = dataclasses.replace(self._policy, max_retries=max_retries)
        if not isinstance(default_headers, NotGiven):
            new._set_headers({**self._default_headers, **default_headers})
        if not isinstance(default_query, NotGiven):
            new._default_query = {**self._default_query, **default_query}
        if not isinstance(strict_responses, NotGiven):
            new._strict_responses = strict_responses
        if not isinstance(sse_reconnect, NotGiven):
            new._reconnect = _checked_reconnect(sse_reconnect)
        return new

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} base_url={_without_userinfo(self._base_url)!r} "
            f"max_retries={self._policy.max_retries}>"
        )

    def _request_flow(
        self,
        operation: Operation,
        cast_to: type[BaseModel] | None,
        path_params: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        headers: Mapping[str, str] | None,
        json: BaseModel | Mapping[str, object] | None,
        form: BaseModel | Mapping[str, object] | None,
        content: EncodedBody | None,
        extra_headers: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | NotGiven | None,
        extra: _Extra | None = None,
    ) -> Generator[_Step, _Outcome, Any]:
        """The whole life of one call: build, send, redirect, retry, then parse or raise.

        The deadline is fixed here, at the start: every attempt's phase limits are
        clipped to the time left, a wait that would end past it is not waited (the
        last error is raised at once), and the driver stops reading a body at it.
        """
        raw = take_raw_response_flag()
        auth = self._auth_for(operation)  # MissingCredentialsError before any I/O
        resume = extra.resume if extra is not None else None
        retries = 0
        if resume is not None:  # an event stream made again: its own request and limits
            deadline = resume.deadline
            request = resume.request
            if resume.last_event_id:
                request.headers["Last-Event-ID"] = resume.last_event_id
            else:
                request.headers.pop("Last-Event-ID", None)
            policy = resume.policy
            retries = resume.retries_taken
            send = _Send(_clipped(request, deadline), deadline, True, auth)
        else:
            deadline = time.monotonic() + (
                self._deadline if isinstance(timeout, NotGiven) else _deadline_seconds(timeout)
            )
            try:
                request = self._build_request(
                    operation,
                    path_params,
                    query,
                    headers,
                    json,
                    form,
                    content,
                    extra_headers,
                    timeout,
                    extra,
                )
            except httpx.InvalidURL as exc:  # the base URL or a rendered path
                raise APIConnectionError(request=None, message=f"Invalid URL: {exc}") from exc
            policy = self._policy
            if extra is not None and not isinstance(extra.max_retries, NotGiven):
                policy = dataclasses.replace(policy, max_retries=extra.max_retries)
            # The first attempt keeps the limits as built: no time has passed yet.
            send = _Send(request, deadline, True, auth)
        mode = operation.retry_mode
        redirects = 0
        authenticate = True
        # What an event stream makes again: the request as first sent, its redirects
        # followed anew (credentials never go along to where one led elsewhere).
        origin = request
        # Why the body would be sent again when it cannot be: a first attempt's body is
        # sent twice only by its credentials (a new OAuth2 token after a 401).
        resent = (
            "the event stream's reconnection"
            if resume is not None
            else "a new token after HTTP 401 (the credentials' retry)"
        )
        logger = self._exchange_logger
        while True:
            started = time.monotonic()
            outcome = yield send
            if logger.isEnabledFor(logging.INFO):
                elapsed = time.monotonic() - started
                _log_exchange(logger, send.request, outcome, elapsed, retries)
            if isinstance(outcome, httpx.Response):
                status = outcome.status_code
                if status in _REDIRECT_STATUSES and "location" in outcome.headers:
                    request, authenticate = self._redirected(
                        operation, outcome, redirects, authenticate
                    )
                    redirects += 1
                    resent = f"a redirect (HTTP {status})"
                    send = _Send(_clipped(request, deadline), deadline, authenticate, auth)
                    continue
                decision = policy.decide(mode, retries, status=status, headers=outcome.headers)
                if not decision.retry or time.monotonic() + decision.delay >= deadline:
                    result = self._result(operation, outcome, cast_to, raw)
                    if raw == STREAM:
                        return _Started(result, origin, deadline, policy)
                    return result
                what = f"HTTP {status}"
            else:
                assert outcome is not None
                if isinstance(outcome, BodyNotRewindable):
                    raise _not_repeatable(operation, send.request, resent, outcome) from outcome
                if not isinstance(outcome, httpx.TransportError):
                    raise _no_response_error(request, outcome) from outcome
                decision = policy.decide(mode, retries, failure=_classify(outcome))
                if not decision.retry or time.monotonic() + decision.delay >= deadline:
                    raise _no_response_error(request, outcome) from outcome
                what = type(outcome).__name__
            retries += 1
            resent = f"a retry after {what}"
            if self._logger.isEnabledFor(logging.DEBUG):
                # The path template, never the URL: query strings can carry credentials.
                self._logger.debug(
                    "retrying %s %s after %s in %.3f s (retry %d of %d)",
                    operation.method,
                    operation.path,
                    what,
                    decision.delay,
                    retries,
                    policy.max_retries,
                )
            yield decision.delay
            send = _Send(_clipped(request, deadline), deadline, authenticate, auth)

    def _reconnection(
        self,
        operation: Operation,
        cast_to: type[BaseModel] | None,
        started: _Started,
        again: Callable[[Operation, type[BaseModel] | None, _Resume], Any],
    ) -> Reconnection:
        """How the event stream ``started`` began is made again: the same request
        (body, idempotency key) under the same deadline and retry policy."""

        from ._streaming import Reconnection

        def send(last_event_id: str, reconnects_taken: int) -> Any:
            resume = _Resume(
                started.request, last_event_id, started.deadline, reconnects_taken, started.policy
            )
            return again(operation, cast_to, resume)

        return Reconnection(
            operation.retry_mode, started.policy, self._reconnect, started.deadline, send
        )

    def _redirected(
        self, operation: Operation, response: httpx.Response, redirects: int, authenticate: bool
    ) -> tuple[httpx.Request, bool]:
        """The request a redirect leads to, and whether it may carry credentials (once
        a call has left its origin, it never sends them again).

        Only requests safe to repeat follow (GET/HEAD/OPTIONS, or an operation whose
        retry mode is ``idempotent``), at most `DEFAULT_MAX_REDIRECTS` times, never from
        ``https`` to ``http``; another origin gets no auth and none of the caller's
        headers. Anything else raises `RedirectError`.
        """
        request = response.request
        status = response.status_code
        location = response.headers["location"]

        def refused(why: str) -> RedirectError:
            return RedirectError(
                f"HTTP {status} redirect not followed: {why}", response=response, location=location
            )

        method = request.method
        if method not in _SAFE_METHODS and operation.retry_mode != "idempotent":
            raise refused(f"{operation.method} {operation.path} is not safe to repeat")
        if redirects >= DEFAULT_MAX_REDIRECTS:
            raise refused(f"more than {DEFAULT_MAX_REDIRECTS} redirects")
        try:
            url = request.url.join(location)
        except httpx.InvalidURL:
            raise refused("its Location is not a URL") from None
        if url.scheme not in ("http", "https") or not url.host:
            raise refused("its Location is not an http(s) URL")
        if request.url.scheme == "https" and url.scheme == "http":
            raise refused("it leads from https to http")
        if url.fragment:
            url = url.copy_with(fragment=None)
        # As browsers and httpx: 303 (and 301/302 after a POST) turns into a GET.
        if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
            method = "GET"
        same_origin = (url.scheme, url.host, url.port) == (
            request.url.scheme,
            request.url.host,
            request.url.port,
        )
        headers = httpx.Headers(request.headers if same_origin else self._bare_headers)
        headers.pop("host", None)
        content: bytes | None = None
        stream: httpx.SyncByteStream | httpx.AsyncByteStream | None = None
        if method == request.method:
            try:
                content = request.content or None
            except httpx.RequestNotRead:  # a streamed (multipart) body: sent again as is
                stream = request.stream
                # httpx fills Host itself only for a body it encodes.
                headers["Host"] = url.netloc.decode("ascii")
            # The body goes along, so its headers do (a multipart boundary), any origin.
            for name in _BODY_HEADERS:
                if name in request.headers:
                    headers[name] = request.headers[name]
        else:
            for name in _BODY_HEADERS:
                headers.pop(name, None)
        if not same_origin:
            for name in ("authorization", "cookie", "proxy-authorization"):
                headers.pop(name, None)
        timeout = dict(request.extensions.get("timeout", {}))
        new = httpx.Request(
            method,
            url,
            headers=headers,
            content=content,
            stream=stream,
            extensions={"timeout": timeout},
        )
        return new, authenticate and same_origin

    def _build_request(
        self,
        operation: Operation,
        path_params: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        headers: Mapping[str, str] | None,
        json: BaseModel | Mapping[str, object] | None,
        form: BaseModel | Mapping[str, object] | None,
        encoded: EncodedBody | None,
        extra_headers: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | NotGiven | None,
        extra: _Extra | None = None,
    ) -> httpx.Request:
        url = join_url(self._base_url, operation.render_path(path_params))
        if self._default_query or (extra is not None and extra.query):
            query = {**self._default_query, **(query or {}), **((extra and extra.query) or {})}
        if extra is not None and extra.body:
            json, form = _with_extra_body(json, form, encoded, extra.body)
        key_in, key_name = operation.idempotency_key or (None, "")
        if key_in == "query" and (query is None or query.get(key_name) in (None, NOT_GIVEN)):
            query = {**(query or {}), key_name: _new_key()}
        if query:
            query_string = encode_query(query, operation.query_styles)
            if query_string:
                # "&" after a path that has a query already (a next-page URL).
                url = f"{url}{'&' if '?' in url else '?'}{query_string}"
        content: bytes | None = None
        files: Any = None
        if json is not None:
            content = encode_json(json, key_name if key_in == "body" else None)
            merged = self._json_headers
        elif form is not None:
            content = encode_form(
                form, key_name if key_in == "body" else None, operation.form_styles
            )
            merged = self._form_headers
        elif encoded is not None and encoded.files is not None:
            files = encoded.files  # httpx's multipart encoder sets the Content-Type
            merged = self._send_headers
        elif encoded is not None:
            content = encoded.content
            merged = _merge_headers(self._send_headers, {"Content-Type": encoded.content_type})
        else:
            merged = self._send_headers
        if operation.accept:
            merged = _merge_headers(merged, {"Accept": operation.accept})
        if headers:
            merged = _merge_headers(merged, headers)
        if extra_headers:
            merged = _merge_headers(merged, extra_headers)
        if (
            key_in == "header"
            and not _has_header(merged, key_name)
            and not _has_header(self._baked_headers, key_name)
        ):
            merged = {**merged, key_name: _new_key()}
        return self._http.build_request(
            operation.method,
            # A URL without a query string repeats (the same path, the same id): parsed
            # once. One with a query is not kept, as it may carry a caller's secret.
            url if "?" in url else _parsed_url(url),
            headers=merged,
            content=content,
            files=files,
            # The limits as httpx's build_request would spell them, without a Timeout
            # object per call: the client's are computed once in `_set_timeout`.
            extensions={
                "timeout": dict(self._timeout_limits)
                if isinstance(timeout, NotGiven)
                else httpx.Timeout(_checked(timeout)).as_dict()
            },
        )

    def _result(
        self,
        operation: Operation,
        response: httpx.Response,
        cast_to: type[BaseModel] | None,
        raw: int,
    ) -> Any:
        status = response.status_code
        if status >= 400:
            error = make_status_error(response, operation.error_model(status))
            error.retry_after = self._policy.requested_delay(response.headers)
            raise error
        # How parse_body treats a body that does not fit (whenever it is parsed).
        response.extensions[PARSING] = Parsing(
            self._strict_responses,
            self._logger,
            operation.operation_id or f"{operation.method} {operation.path}",
        )
        if raw == STREAM:
            return response  # the driver wraps it; its body is the caller's to read
        keys = operation.body_errors if operation.body_errors is not None else self.body_errors
        if keys:
            data = find_body_error(response.content, keys)
            if data is not None:
                raise make_status_error(response, operation.error_model(status), data, in_body=True)
        if raw:
            return APIResponse(response, cast_to, operation.response_kind)
        if operation.response_kind != "json":
            return decode_content(response, operation.response_kind)
        return parse_body(response, cast_to)


class SyncAPIClient(_BaseClient[httpx.Client]):
    """Base of a generated synchronous client.

    The generated subclass sets ``package_name``, ``package_version`` and (for APIs
    that report errors in success bodies) ``body_errors``, turns its credentials into
    ``auth``, and exposes resources as ``functools.cached_property`` attributes.
    """

    _sleep: Callable[[float], None] = staticmethod(time.sleep)

    def _new_http_client(self) -> httpx.Client:
        return httpx.Client(timeout=self._timeout, headers=self._headers)

    @overload
    def request(
        self,
        operation: Operation,
        *,
        cast_to: type[_ModelT],
        path_params: Mapping[str, object] | None = ...,
        query: Mapping[str, object] | None = ...,
        headers: Mapping[str, str] | None = ...,
        json: BaseModel | Mapping[str, object] | None = ...,
        form: BaseModel | Mapping[str, object] | None = ...,
        content: EncodedBody | None = ...,
        extra_headers: Mapping[str, str] | None = ...,
        timeout: float | httpx.Timeout | NotGiven | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        max_retries: int | NotGiven = ...,
    ) -> _ModelT: ...
    @overload
    def request(
        self,
        operation: Operation,
        *,
        cast_to: None,
        path_params: Mapping[str, object] | None = ...,
        query: Mapping[str, object] | None = ...,
        headers: Mapping[str, str] | None = ...,
        json: BaseModel | Mapping[str, object] | None = ...,
        form: BaseModel | Mapping[str, object] | None = ...,
        content: EncodedBody | None = ...,
        extra_headers: Mapping[str, str] | None = ...,
        timeout: float | httpx.Timeout | NotGiven | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        max_retries: int | NotGiven = ...,
    ) -> None: ...
    def request(
        self,
        operation: Operation,
        *,
        cast_to: type[BaseModel] | None,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
        json: BaseModel | Mapping[str, object] | None = None,
        form: BaseModel | Mapping[str, object] | None = None,
        content: EncodedBody | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Send ``operation`` and return the body as ``cast_to`` (``None``: no body).

        Retries as the operation's retry mode allows; raises the `APIError` tree.
        ``headers`` are the operation's header parameters, ``extra_headers`` the
        caller's; ``timeout`` overrides the client default for this call.
        ``extra_query`` is added to the query (over the operation's parameters),
        ``extra_body`` to a JSON or form body (or is the JSON body when there is none),
        ``max_retries`` overrides the client's for this call.
        """
        flow = self._request_flow(
            operation,
            cast_to,
            path_params,
            query,
            headers,
            json,
            form,
            content,
            extra_headers,
            timeout,
            _extra(extra_query, extra_body, max_retries),
        )
        return self._drive(operation, cast_to, flow)

    def _drive(
        self,
        operation: Operation,
        cast_to: type[BaseModel] | None,
        flow: Generator[_Step, _Outcome, Any],
    ) -> Any:
        http = self._http
        limit = self._max_response_size
        streaming = response_mode() == STREAM
        try:
            step = next(flow)
            while True:
                if isinstance(step, float):
                    self._sleep(step)
                    step = flow.send(None)
                    continue
                outcome: _Outcome
                try:
                    response = http.send(
                        step.request,
                        auth=step.auth,
                        stream=True,
                        follow_redirects=False,
                    )
                    if not (streaming and response.status_code < 300):
                        _read_body(response, step.deadline, limit)
                    outcome = response
                except _SEND_ERRORS as exc:
                    outcome = exc
                step = flow.send(outcome)
        except StopIteration as stop:
            if not streaming:
                return stop.value
            from ._streaming import StreamedAPIResponse

            started: _Started = stop.value
            streamed: StreamedAPIResponse[Any] = StreamedAPIResponse(
                started.response,
                cast_to,
                operation.response_kind,
                limit,
                started.deadline,
                _stream_errors(asynchronous=False),
            )
            if operation.response_kind == "event-stream":
                streamed.reconnection = self._reconnection(operation, cast_to, started, self._again)
            return streamed

    def _again(
        self, operation: Operation, cast_to: type[BaseModel] | None, resume: _Resume
    ) -> StreamedAPIResponse[Any]:
        """An event stream's call made again (`_Resume`), its body left unread."""
        with set_response_mode(STREAM):
            flow = self._request_flow(
                operation, cast_to, *_NO_ARGUMENTS, _Extra(None, None, NOT_GIVEN, resume)
            )
            streamed: StreamedAPIResponse[Any] = self._drive(operation, cast_to, flow)
        return streamed

    @property
    def is_closed(self) -> bool:
        """Whether the underlying httpx client is closed."""
        return self._http.is_closed

    def close(self) -> None:
        """Close the connection pool, unless it is the caller's own ``http_client``."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


async def _async_sleep(seconds: float) -> None:
    import anyio  # httpx depends on it; imported here so sync-only users never load it

    await anyio.sleep(seconds)


class AsyncAPIClient(_BaseClient[httpx.AsyncClient]):
    """Base of a generated asynchronous client (asyncio or trio, through anyio)."""

    _sleep: Callable[[float], Awaitable[None]] = staticmethod(_async_sleep)

    def _new_http_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self._timeout, headers=self._headers)

    @overload
    async def request(
        self,
        operation: Operation,
        *,
        cast_to: type[_ModelT],
        path_params: Mapping[str, object] | None = ...,
        query: Mapping[str, object] | None = ...,
        headers: Mapping[str, str] | None = ...,
        json: BaseModel | Mapping[str, object] | None = ...,
        form: BaseModel | Mapping[str, object] | None = ...,
        content: EncodedBody | None = ...,
        extra_headers: Mapping[str, str] | None = ...,
        timeout: float | httpx.Timeout | NotGiven | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        max_retries: int | NotGiven = ...,
    ) -> _ModelT: ...
    @overload
    async def request(
        self,
        operation: Operation,
        *,
        cast_to: None,
        path_params: Mapping[str, object] | None = ...,
        query: Mapping[str, object] | None = ...,
        headers: Mapping[str, str] | None = ...,
        json: BaseModel | Mapping[str, object] | None = ...,
        form: BaseModel | Mapping[str, object] | None = ...,
        content: EncodedBody | None = ...,
        extra_headers: Mapping[str, str] | None = ...,
        timeout: float | httpx.Timeout | NotGiven | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        max_retries: int | NotGiven = ...,
    ) -> None: ...
    async def request(
        self,
        operation: Operation,
        *,
        cast_to: type[BaseModel] | None,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
        json: BaseModel | Mapping[str, object] | None = None,
        form: BaseModel | Mapping[str, object] | None = None,
        content: EncodedBody | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Send ``operation`` and return the body as ``cast_to``; see `SyncAPIClient.request`."""
        flow = self._request_flow(
            operation,
            cast_to,
            path_params,
            query,
            headers,
            json,
            form,
            content,
            extra_headers,
            timeout,
            _extra(extra_query, extra_body, max_retries),
        )
        return await self._drive(operation, cast_to, flow)

    async def _drive(
        self,
        operation: Operation,
        cast_to: type[BaseModel] | None,
        flow: Generator[_Step, _Outcome, Any],
    ) -> Any:
        http = self._http
        limit = self._max_response_size
        streaming = response_mode() == STREAM
        try:
            step = next(flow)
            while True:
                if isinstance(step, float):
                    await self._sleep(step)
                    step = flow.send(None)
                    continue
                outcome: _Outcome
                try:
                    outcome = await _send_async(http, step, limit, streaming)
                except _SEND_ERRORS as exc:
                    outcome = exc
                step = flow.send(outcome)
        except StopIteration as stop:
            if not streaming:
                return stop.value
            from ._streaming import AsyncStreamedAPIResponse

            started: _Started = stop.value
            streamed: AsyncStreamedAPIResponse[Any] = AsyncStreamedAPIResponse(
                started.response,
                cast_to,
                operation.response_kind,
                limit,
                started.deadline,
                _stream_errors(asynchronous=True),
            )
            if operation.response_kind == "event-stream":
                streamed.reconnection = self._reconnection(operation, cast_to, started, self._again)
            return streamed

    async def _again(
        self, operation: Operation, cast_to: type[BaseModel] | None, resume: _Resume
    ) -> AsyncStreamedAPIResponse[Any]:
        """An event stream's call made again (`_Resume`), its body left unread."""
        with set_response_mode(STREAM):
            flow = self._request_flow(
                operation, cast_to, *_NO_ARGUMENTS, _Extra(None, None, NOT_GIVEN, resume)
            )
            streamed: AsyncStreamedAPIResponse[Any] = await self._drive(operation, cast_to, flow)
        return streamed

    @property
    def is_closed(self) -> bool:
        """Whether the underlying httpx client is closed."""
        return self._http.is_closed

    async def close(self) -> None:
        """Close the connection pool, unless it is the caller's own ``http_client``."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class SyncResource:
    """Base of a generated sync resource class: holds the client its methods call."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncResource:
    """Base of a generated async resource class: holds the client its methods call."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client


class _Extra:
    """A call's rarely given options: ``extra_query``, ``extra_body``, ``max_retries``
    (and, for an event stream made again, what it resumes)."""

    __slots__ = ("body", "max_retries", "query", "resume")

    def __init__(
        self,
        query: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
        max_retries: int | NotGiven,
        resume: _Resume | None = None,
    ) -> None:
        self.query = query
        self.body = body
        self.max_retries = max_retries
        self.resume = resume


# The flow's arguments from path_params to timeout, for a call made again (`_Resume`):
# its request is built already.
_NO_ARGUMENTS: Final = (None, None, None, None, None, None, None, NOT_GIVEN)


def _extra(
    query: Mapping[str, object] | None,
    body: Mapping[str, object] | None,
    max_retries: int | NotGiven,
) -> _Extra | None:
    # None in the common case, so a plain call builds nothing extra.
    if not query and not body and isinstance(max_retries, NotGiven):
        return None
    return _Extra(query, body, max_retries)


def _with_extra_body(
    json: BaseModel | Mapping[str, object] | None,
    form: BaseModel | Mapping[str, object] | None,
    encoded: EncodedBody | None,
    extra_body: Mapping[str, object],
) -> tuple[Mapping[str, object] | None, Mapping[str, object] | None]:
    """``(json, form)`` with ``extra_body`` merged over the body's own fields."""
    if encoded is not None:
        raise ValueError("extra_body needs a JSON or form body, not an already encoded one")
    if form is not None:
        return None, {**_as_mapping(form), **extra_body}
    return {**_as_mapping(json), **extra_body} if json is not None else dict(extra_body), None


def _as_mapping(body: BaseModel | Mapping[str, object]) -> Mapping[str, object]:
    if isinstance(body, BaseModel):
        dumped: dict[str, object] = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return dumped
    return body


def _log_exchange(
    logger: logging.Logger, request: httpx.Request, outcome: _Outcome, elapsed: float, retry: int
) -> None:
    """One line per exchange: method, URL, status (or the error), elapsed, retry number."""
    url = redact_url(str(request.url))
    result = (
        f"HTTP {outcome.status_code}"
        if isinstance(outcome, httpx.Response)
        else type(outcome).__name__
    )
    logger.info("%s %s -> %s in %.3f s (retry %d)", request.method, url, result, elapsed, retry)
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("request headers: %s", redact_headers(dict(request.headers)))


def _checked(timeout: float | httpx.Timeout | None) -> float | httpx.Timeout:
    """Refuse timeouts that could wait forever (httpx reads ``None`` as "no limit")."""
    if timeout is None:
        raise ValueError(
            "timeout=None would let a call wait forever; give seconds or an httpx.Timeout"
        )
    if isinstance(timeout, httpx.Timeout):
        if None in (timeout.connect, timeout.read, timeout.write, timeout.pool):
            raise ValueError(f"every phase of the timeout needs a limit, got {timeout!r}")
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return float(timeout)


def _checked_reconnect(reconnect: Reconnect) -> Reconnect:
    if reconnect not in RECONNECT_VALUES:
        raise ValueError(f"sse_reconnect must be one of {RECONNECT_VALUES}, got {reconnect!r}")
    return reconnect


def _checked_size(size: int) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise ValueError(f"max_response_size must be a positive number of bytes, got {size!r}")
    return size


def _deadline_seconds(timeout: float | httpx.Timeout | None) -> float:
    """The deadline of a call: seconds, or the longest phase of an ``httpx.Timeout``."""
    checked = _checked(timeout)
    if isinstance(checked, float):
        return checked
    phases = (checked.connect, checked.read, checked.write, checked.pool)
    return max(phase for phase in phases if phase is not None)


def _clipped(request: httpx.Request, deadline: float) -> httpx.Request:
    """``request`` with each phase limit cut to the time left before ``deadline``."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise APITimeoutError(request=request, message="Request timed out (the call's deadline).")
    limits = request.extensions.get("timeout") or {}
    request.extensions["timeout"] = {
        phase: left if limit is None else min(limit, left) for phase, limit in limits.items()
    }
    return request


def _not_repeatable(
    operation: Operation, request: httpx.Request, resent: str, exc: BodyNotRewindable
) -> RequestNotRepeatableError:
    """The error for a body that had to be sent again and could not be."""
    name = f"{operation.method} {operation.path}"
    if operation.operation_id:
        name = f"{operation.operation_id} ({name})"
    return RequestNotRepeatableError(
        f"{name} had to be sent again for {resent}, but {exc}", request=request
    )


def _no_response_error(request: httpx.Request, exc: Exception) -> APIConnectionError:
    """The error for an attempt that ended without a usable response."""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request=request)
    if isinstance(exc, httpx.DecodingError):
        return APIConnectionError(
            request=request, message=f"The response body could not be decoded: {exc}"
        )
    return APIConnectionError(request=request, message=f"Connection error ({type(exc).__name__}).")


def _read_body(response: httpx.Response, deadline: float, limit: int) -> None:
    """Read a streamed response's body, capped at ``limit`` bytes and ``deadline``."""
    try:
        if response.is_stream_consumed:  # a transport that hands over whole bodies
            check_size(response, limit)
            return
        reader = BodyReader(response, limit)
        for chunk in response.iter_raw() if reader.raw else response.iter_bytes():
            reader.feed(chunk)
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(_DEADLINE_PASSED, request=response.request)
        # httpx has no public setter: this is what `Response.read()` itself assigns.
        response._content = reader.finish()
    finally:
        response.close()


async def _send_async(
    http: httpx.AsyncClient,
    step: _Send,
    limit: int,
    streaming: bool = False,
) -> httpx.Response:
    """Send and read one attempt, cancelled at the deadline whatever the server does
    (``streaming``: a success body is left unread, for the caller)."""
    try:
        async with _cancel_after(max(step.deadline - time.monotonic(), 0.0)):
            response = await http.send(
                step.request,
                auth=step.auth,
                stream=True,
                follow_redirects=False,
            )
            if streaming and response.status_code < 300:
                return response
            try:
                if response.is_stream_consumed:  # a transport that hands over whole bodies
                    check_size(response, limit)
                    return response
                reader = BodyReader(response, limit)
                async for chunk in response.aiter_raw() if reader.raw else response.aiter_bytes():
                    reader.feed(chunk)
                response._content = reader.finish()
            finally:
                await response.aclose()
    except TimeoutError:
        raise httpx.ReadTimeout(_DEADLINE_PASSED, request=step.request) from None
    return response


def _cancel_after(seconds: float) -> contextlib.AbstractAsyncContextManager[object]:
    """A scope cancelled after ``seconds`` (raising `TimeoutError`): asyncio's own on
    asyncio (a few microseconds), anyio's elsewhere (trio)."""
    import asyncio  # here, so that sync-only users never load it

    try:
        on_asyncio = asyncio.current_task() is not None
    except RuntimeError:  # no asyncio loop running: another event loop
        on_asyncio = False
    if on_asyncio:
        return asyncio.timeout(seconds)
    return _anyio_fail_after(seconds)


@contextlib.asynccontextmanager
async def _anyio_fail_after(seconds: float) -> AsyncIterator[None]:
    import anyio

    with anyio.fail_after(seconds):
        yield


@functools.cache
def _stream_errors(*, asynchronous: bool) -> StreamErrors:
    """How a streamed body's read errors become the `APIError` tree (one per flavour)."""
    from ._streaming import StreamErrors

    if asynchronous:
        return StreamErrors(_HTTPX_ERRORS, _no_response_error, _cancel_after)
    return StreamErrors(_HTTPX_ERRORS, _no_response_error)


def _classify(exc: httpx.TransportError) -> Failure:
    # Only these guarantee the server never saw the request (no connection was made).
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Failure.NOT_SENT
    if isinstance(exc, httpx.TimeoutException):
        return Failure.TIMEOUT
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
        return Failure.UNUSABLE
    return Failure.DROPPED


def _merge_headers(base: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """``base`` updated with ``extra``, names compared case-insensitively."""
    merged = dict(base)
    lowered = {name.lower(): name for name in merged}
    for name, value in extra.items():
        old = lowered.get(name.lower())
        if old is not None and old != name:
            del merged[old]
        merged[name] = value
        lowered[name.lower()] = name
    return merged


def _has_header(headers: Mapping[str, str], name: str) -> bool:
    lowered = name.lower()
    return any(key.lower() == lowered and value for key, value in headers.items())


def _new_key() -> str:
    return new_uuid4()


def _without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
