"""The HTTP client runtime copied verbatim into every generated package as ``_runtime``.

Generated code imports everything from here. Names load on first use (a module
``__getattr__``), so ``import <package>`` and its error classes never pull in httpx.
``jwt_auth`` (PyJWT, cryptography) is not listed: import it from its module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from ._auth import (
        ApiKeyAuth,
        BasicAuth,
        BearerAuth,
        OAuth2ClientCredentials,
        SchemeSpec,
        Security,
        build_security,
    )
    from ._body import DEFAULT_MAX_RESPONSE_SIZE
    from ._client import (
        DEFAULT_MAX_REDIRECTS,
        DEFAULT_TIMEOUT,
        AsyncAPIClient,
        AsyncResource,
        SyncAPIClient,
        SyncResource,
    )
    from ._operation import ErrorModels, KeyLocation, Operation
    from ._response import APIResponse, async_to_raw_response_wrapper, to_raw_response_wrapper
    from ._retry import (
        DEFAULT_MAX_RETRIES,
        Failure,
        RetryDecision,
        RetryMode,
        RetryPolicy,
        StopReason,
    )
    from ._streaming import (
        AsyncStreamedAPIResponse,
        StreamedAPIResponse,
        async_to_streamed_response_wrapper,
        to_streamed_response_wrapper,
    )
    from ._types import NOT_GIVEN, NotGiven, strip_not_given
    from ._validation import validate_request
    from .errors import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConflictError,
        InternalServerError,
        MissingConfigurationError,
        MissingCredentialsError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        RedirectError,
        RequestValidationError,
        ResponseTooLargeError,
        UnprocessableEntityError,
    )

__all__ = [
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "ApiKeyAuth",
    "AsyncAPIClient",
    "AsyncResource",
    "AsyncStreamedAPIResponse",
    "AuthenticationError",
    "BadRequestError",
    "BasicAuth",
    "BearerAuth",
    "ConflictError",
    "ErrorModels",
    "Failure",
    "InternalServerError",
    "KeyLocation",
    "MissingConfigurationError",
    "MissingCredentialsError",
    "NotFoundError",
    "NotGiven",
    "OAuth2ClientCredentials",
    "Operation",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "RequestValidationError",
    "ResponseTooLargeError",
    "RetryDecision",
    "RetryMode",
    "RetryPolicy",
    "SchemeSpec",
    "Security",
    "StopReason",
    "StreamedAPIResponse",
    "SyncAPIClient",
    "SyncResource",
    "UnprocessableEntityError",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "build_security",
    "strip_not_given",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
    "validate_request",
]

# Which private module defines each public name.
_HOMES: Final = {
    "ApiKeyAuth": "_auth",
    "BasicAuth": "_auth",
    "BearerAuth": "_auth",
    "OAuth2ClientCredentials": "_auth",
    "SchemeSpec": "_auth",
    "Security": "_auth",
    "build_security": "_auth",
    "DEFAULT_MAX_RESPONSE_SIZE": "_body",
    "DEFAULT_MAX_REDIRECTS": "_client",
    "DEFAULT_TIMEOUT": "_client",
    "AsyncAPIClient": "_client",
    "AsyncResource": "_client",
    "SyncAPIClient": "_client",
    "SyncResource": "_client",
    "ErrorModels": "_operation",
    "KeyLocation": "_operation",
    "Operation": "_operation",
    "APIResponse": "_response",
    "async_to_raw_response_wrapper": "_response",
    "to_raw_response_wrapper": "_response",
    "DEFAULT_MAX_RETRIES": "_retry",
    "Failure": "_retry",
    "RetryDecision": "_retry",
    "RetryMode": "_retry",
    "RetryPolicy": "_retry",
    "StopReason": "_retry",
    "AsyncStreamedAPIResponse": "_streaming",
    "StreamedAPIResponse": "_streaming",
    "async_to_streamed_response_wrapper": "_streaming",
    "to_streamed_response_wrapper": "_streaming",
    "NOT_GIVEN": "_types",
    "NotGiven": "_types",
    "strip_not_given": "_types",
    "validate_request": "_validation",
    **{name: "errors" for name in __all__ if name.endswith("Error")},
}


if not TYPE_CHECKING:  # a type checker sees the imports above: an unknown name is an error

    def __getattr__(name: str) -> Any:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{home}", __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value


def __dir__() -> list[str]:
    return sorted(__all__)
