"""The one error tree every generated package re-exports.

::

    APIError
    ├── APIConnectionError          no usable response (connect failure, dropped connection,
    │   │                               truncated or undecodable body, unusable request)
    │   └── APITimeoutError             the call's deadline passed
    ├── APIStatusError              an error response (status >= 400, or errors in the body)
    │   ├── RedirectError               a 3xx not followed (``location`` says where to)
    │   ├── AuthenticationError         401
    │   ├── PermissionDeniedError       403
    │   ├── NotFoundError               404
    │   ├── ConflictError               409
    │   ├── UnprocessableEntityError    422
    │   ├── RateLimitError              429
    │   └── InternalServerError         >= 500
    ├── APIResponseValidationError  a success body that does not match its model
    ├── ResponseTooLargeError       a body over the client's ``max_response_size``
    └── RequestNotRepeatableError   a request to send again whose body cannot be (a file
                                        object that cannot be rewound)
    RequestValidationError(ValueError)  arguments refused before anything is sent
    MissingConfigurationError(ValueError)  a required client setting was not given
    └── MissingCredentialsError     an operation's security needs credentials not given

Messages never carry request headers or the query string, so no credential can leak
through ``str()``, ``repr()`` or a log line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

# Defined once, in the file both runtimes share (copied into every generated package).
from ._validation import RequestValidationError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "MissingConfigurationError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "RequestNotRepeatableError",
    "RequestValidationError",
    "ResponseTooLargeError",
    "UnprocessableEntityError",
    "status_error_class",
]


class MissingConfigurationError(ValueError):
    """A required client argument was neither passed nor set in its environment variable.

    The message names the argument and the variable, never a value.
    """


class MissingCredentialsError(MissingConfigurationError):
    """An operation's security requirements cannot be met from the credentials the
    client was given; raised before anything is sent.

    The message names the operation and, for each requirement alternative, the
    constructor arguments (and environment variables) that would satisfy it.
    """


class APIError(Exception):
    """Base of every error the API client raises about a request it sent."""

    message: str
    request: httpx.Request | None
    body: object | None
    """The decoded body: the operation's error model when one matched, else JSON or text."""

    def __init__(
        self, message: str, request: httpx.Request | None = None, *, body: object | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body


class APIConnectionError(APIError):
    """No usable response arrived: the connection failed or dropped, the body was cut
    short or could not be decoded, or the request could not be sent at all."""

    def __init__(
        self, *, request: httpx.Request | None, message: str = "Connection error."
    ) -> None:
        super().__init__(message, request)


class APITimeoutError(APIConnectionError):
    """The call's deadline (``timeout=``) passed: connecting, sending, waiting for the
    answer, reading it, or between retries."""

    def __init__(self, *, request: httpx.Request, message: str = "Request timed out.") -> None:
        super().__init__(request=request, message=message)


class RequestNotRepeatableError(APIError):
    """The request had to be sent again (a retry, a redirect, a new OAuth2 token after a
    401, an event stream's reconnection) but its body cannot be: a multipart file part
    was read from a file object that cannot be rewound (a pipe, a socket, a reader
    without ``seek``). That attempt is abandoned before the part's content goes out, so
    the server never gets a whole second request. Bytes, a path or a
    seekable file object can be sent again; the message names the operation and why it
    had to be."""

    def __init__(self, message: str, *, request: httpx.Request | None) -> None:
        super().__init__(message, request)


class APIStatusError(APIError):
    """The API answered with an error: a status >= 400, or error keys in the body.

    ``code`` and ``message`` come from the body when it provides them (``code`` is the
    provider's, an ``int`` or ``str``; ``message`` falls back to a generic text).
    """

    response: httpx.Response
    status_code: int
    code: int | str | None
    retry_after: float | None = None
    """Seconds the server asked to wait (``Retry-After``), when it said; set when the
    call stopped without waiting, e.g. because the wait would pass the deadline."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object | None,
        code: int | str | None = None,
    ) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.code = code


class RedirectError(APIStatusError):
    """A redirect that was not followed: the request is not safe to repeat (POST...),
    there were too many, or it leads somewhere the client will not go (``https`` to
    ``http``, not a URL). ``location`` is the ``Location`` header as sent."""

    location: str | None

    def __init__(self, message: str, *, response: httpx.Response, location: str | None) -> None:
        super().__init__(message, response=response, body=None)
        self.location = location


class BadRequestError(APIStatusError):
    """HTTP 400."""


class AuthenticationError(APIStatusError):
    """HTTP 401: credentials missing or refused."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403."""


class NotFoundError(APIStatusError):
    """HTTP 404."""


class ConflictError(APIStatusError):
    """HTTP 409."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422: the server refused the arguments."""


class RateLimitError(APIStatusError):
    """HTTP 429."""


class InternalServerError(APIStatusError):
    """HTTP 5xx."""


class APIResponseValidationError(APIError):
    """A success response whose body does not match the operation's response model."""

    response: httpx.Response
    status_code: int

    def __init__(
        self,
        *,
        response: httpx.Response,
        body: object | None,
        message: str = "Response body does not match the expected model.",
    ) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code


class ResponseTooLargeError(APIError):
    """The response body (decompressed) is over ``limit`` bytes (the client's
    ``max_response_size``); reading stopped there, so ``body`` is ``None``."""

    response: httpx.Response
    status_code: int
    limit: int

    def __init__(self, *, response: httpx.Response, limit: int) -> None:
        super().__init__(
            f"response body is over the limit of {limit} bytes (max_response_size)",
            response.request,
        )
        self.response = response
        self.status_code = response.status_code
        self.limit = limit


_STATUS_ERRORS: Final[dict[int, type[APIStatusError]]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The `APIStatusError` subclass for an HTTP status (the base class when none fits)."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status_code, APIStatusError)
