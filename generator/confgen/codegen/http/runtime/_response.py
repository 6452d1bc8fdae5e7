"""Turning an `httpx.Response` into a result: the typed model, an `APIResponse`, or an error."""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import Any, Final, Generic, ParamSpec, TypeVar, cast

import httpx
from pydantic import BaseModel, ValidationError

from ._files import decode_content
from ._lenient import PARSING, Parsing, lenient_model, log_problems
from .errors import APIResponseValidationError, APIStatusError, status_error_class

__all__ = [
    "APIResponse",
    "async_to_raw_response_wrapper",
    "find_body_error",
    "make_status_error",
    "to_raw_response_wrapper",
]

_T = TypeVar("_T")
_P = ParamSpec("_P")

RAW: Final = 1
"""Response mode: return the `APIResponse` (``with_raw_response``)."""
STREAM: Final = 2
"""Response mode: leave a success body unread (``with_streaming_response``)."""

# Set only for the duration of one wrapped call, and consumed by the first request it
# makes: asyncio tasks each run in a copy of the context, so concurrent calls cannot
# see each other's mode (0: the plain result).
_RAW_RESPONSE: Final[ContextVar[int]] = ContextVar("confgen_raw_response", default=0)


@contextlib.contextmanager
def set_response_mode(mode: int) -> Iterator[None]:
    """Within the block, the next request returns as ``mode`` says (`RAW`, `STREAM`)."""
    token = _RAW_RESPONSE.set(mode)
    try:
        yield
    finally:
        _RAW_RESPONSE.reset(token)


def raw_response() -> contextlib.AbstractContextManager[None]:
    """Within the block, the next request returns its `APIResponse` (as through a
    ``with_raw_response`` wrapper)."""
    return set_response_mode(RAW)


def response_mode() -> int:
    """The mode the next request will take (without clearing it)."""
    return _RAW_RESPONSE.get()


def take_raw_response_flag() -> int:
    """The mode the current call was made in (0, `RAW`, `STREAM`), cleared."""
    mode = _RAW_RESPONSE.get()
    if mode:
        _RAW_RESPONSE.set(0)
    return mode


class APIResponse(Generic[_T]):
    """The HTTP response of a call made through ``with_raw_response``.

    ``parse()`` gives what the plain method would have returned.
    """

    __slots__ = ("_cast_to", "_kind", "_parsed", "http_response")

    http_response: httpx.Response

    def __init__(
        self, http_response: httpx.Response, cast_to: type[BaseModel] | None, kind: str = "json"
    ) -> None:
        self.http_response = http_response
        self._cast_to = cast_to
        self._kind = kind
        self._parsed: Any = _UNPARSED

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
    def content(self) -> bytes:
        """The raw body."""
        return self.http_response.content

    @property
    def text(self) -> str:
        """The body decoded as text."""
        return self.http_response.text

    def json(self) -> Any:
        """The body decoded as JSON."""
        return self.http_response.json()

    def parse(self) -> _T:
        """The body as the plain method returns it: the response model (``None`` for no
        body), or for a binary or text operation its `BinaryResponse` or ``str``; cached."""
        if self._parsed is _UNPARSED:
            if self._kind in ("binary", "text"):
                self._parsed = decode_content(self.http_response, self._kind)
            else:
                self._parsed = parse_body(self.http_response, self._cast_to)
        return cast(_T, self._parsed)

    def set_parsed(self, value: _T) -> None:
        """Make ``value`` what `parse` gives (a page, built from this response)."""
        self._parsed = value

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self._cast_to and self._cast_to.__name__}>"


_UNPARSED: Final = object()
_NOT_JSON: Final = object()


def parse_body(response: httpx.Response, cast_to: type[BaseModel] | None) -> Any:
    """Validate a success body against ``cast_to`` straight from bytes (lax mode); a
    body that does not fit is kept leniently (see `_lenient`) unless the call's
    `Parsing` is strict."""
    if cast_to is None:
        return None
    try:
        return cast_to.model_validate_json(response.content)
    except ValidationError as exc:
        parsing = response.extensions.get(PARSING)
        if not (isinstance(parsing, Parsing) and parsing.strict):
            try:
                data = json.loads(response.content)
            except ValueError:
                data = _NOT_JSON
            if data is not _NOT_JSON:
                value, problems = lenient_model(cast_to, data)
                if isinstance(parsing, Parsing):
                    log_problems(parsing, cast_to.__name__, problems)
                return value
        raise APIResponseValidationError(
            response=response,
            body=_decode(response),
            message=f"response body does not match {cast_to.__name__}: "
            f"{exc.error_count()} error(s), first at {_first_loc(exc)}",
        ) from exc


def to_raw_response_wrapper(fn: Callable[_P, _T]) -> Callable[_P, APIResponse[_T]]:
    """Wrap a generated sync method so it returns the `APIResponse` instead of the model."""

    @functools.wraps(fn)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> APIResponse[_T]:
        token = _RAW_RESPONSE.set(RAW)
        try:
            return _as_api_response(fn(*args, **kwargs))
        finally:
            _RAW_RESPONSE.reset(token)

    return wrapped


def async_to_raw_response_wrapper(
    fn: Callable[_P, Awaitable[_T]],
) -> Callable[_P, Awaitable[APIResponse[_T]]]:
    """Wrap a generated async method so it returns the `APIResponse` instead of the model."""

    @functools.wraps(fn)
    async def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> APIResponse[_T]:
        token = _RAW_RESPONSE.set(RAW)
        try:
            return _as_api_response(await fn(*args, **kwargs))
        finally:
            _RAW_RESPONSE.reset(token)

    return wrapped


def _as_api_response(result: Any) -> APIResponse[Any]:
    """The call's `APIResponse`: as returned, or a list method's first page as one."""
    # A paginated method fetched its page in raw mode itself and returned the page.
    to_api_response = getattr(result, "to_api_response", None)
    if to_api_response is not None and not isinstance(result, APIResponse):
        return cast("APIResponse[Any]", to_api_response())
    return cast("APIResponse[Any]", result)


@functools.lru_cache(maxsize=64)
def _needles(keys: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(json.dumps(key).encode() for key in keys)


def find_body_error(content: bytes, keys: tuple[str, ...]) -> dict[str, Any] | None:
    """The decoded body if it is a JSON object holding a non-empty value under any of ``keys``.

    ``null``/empty values count as "no error", since some APIs always send the key.
    """
    # A substring test on the bytes keeps the common (no error) case free of JSON decoding.
    if not keys or not any(needle in content for needle in _needles(keys)):
        return None
    try:
        data = json.loads(content)
    except ValueError:
        return None
    if isinstance(data, dict) and any(data.get(key) not in (None, "", [], {}) for key in keys):
        return data
    return None


def make_status_error(
    response: httpx.Response,
    error_model: type[BaseModel] | None,
    data: object = None,
    *,
    in_body: bool = False,
) -> APIStatusError:
    """The `APIStatusError` subclass for ``response``, its body decoded with ``error_model``.

    ``data`` is the already decoded body (errors found in a success body); otherwise it
    is read from the response.
    """
    if data is None:
        data = _decode(response)
    code, detail, more = _code_and_message(data)
    status = response.status_code
    message = f"error in response body (HTTP {status})" if in_body else f"Error code: {status}"
    if code is not None:
        message += f" - {code}"
    if detail:
        message += f": {detail}"
    if more:
        message += f" (and {more} more)"
    body: object = data
    if error_model is not None and data is not None:
        try:
            body = error_model.model_validate(data)
        except ValidationError:
            body = data  # an unexpected shape is still worth showing as is
    error_class = status_error_class(status) if status >= 400 else APIStatusError
    return error_class(message, response=response, body=body, code=code)


def _decode(response: httpx.Response) -> object:
    content = response.content
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return response.text


_MESSAGE_KEYS: Final = ("message", "msg", "detail", "title", "error_description")


def _code_and_message(data: object) -> tuple[int | str | None, str | None, int]:
    """``(code, message, n_more_errors)`` from the error shapes the providers use.

    ``{"error": {...}}``, ``{"error": "text"}``, ``{"errors": [{...}, ...]}`` or a bare
    object; messages from ``message``/``msg``/``detail``/``title``.
    """
    if not isinstance(data, dict):
        return None, None, 0
    more = 0
    entry: object = data.get("error")
    if entry is None or entry == []:
        errors = data.get("errors")
        if isinstance(errors, list) and errors:
            entry, more = errors[0], len(errors) - 1
        else:
            entry = errors if errors is not None else data
    if isinstance(entry, str):
        return None, entry, more
    if not isinstance(entry, dict):
        return None, None, more
    code = entry.get("code")
    if not isinstance(code, int | str) or isinstance(code, bool):
        code = None
    message = next(
        (entry[key] for key in _MESSAGE_KEYS if isinstance(entry.get(key), str) and entry[key]),
        None,
    )
    return code, message, more


def _first_loc(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False, include_input=False)
    if not errors:
        return "?"
    return ".".join(str(part) for part in errors[0]["loc"]) or "<root>"
