"""The one error tree every facade call raises, whatever the provider.

::

    ConferencingError                  provider, status_code, code, message, retryable
    ├── AuthenticationError            credentials refused (HTTP 401/403, TrueConf ``auth``)
    │   └── MissingCredentialsError        none given: nothing was sent
    ├── ValidationError                the request was refused (HTTP 400/422)
    │   └── InvalidOptionsError            refused before sending (unknown option, bad value)
    ├── RateLimitedError               HTTP 429 (retryable)
    ├── UnavailableError               no answer: connection, timeout, HTTP 5xx (retryable)
    ├── ConflictError                  HTTP 409
    ├── UnsupportedOperationError      the provider cannot do this verb: nothing was sent
    ├── UnknownProviderError           no provider of that name: nothing was sent
    └── ProviderError                  any other error the provider reported
        └── NotFoundError                  no such conference or participant (HTTP 404)

The provider's own exception is chained (``raise ... from``): ``error.__cause__``.
Messages never carry credentials.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AuthenticationError",
    "ConferencingError",
    "ConflictError",
    "InvalidOptionsError",
    "MissingCredentialsError",
    "NotFoundError",
    "ProviderError",
    "RateLimitedError",
    "UnavailableError",
    "UnknownProviderError",
    "UnsupportedOperationError",
    "ValidationError",
]


class ConferencingError(Exception):
    """Base of every error the facade raises about a provider call.

    Attributes:
        provider: The provider's registry name (``"telnyx"``...).
        status_code: The HTTP status, when there was a response (Voximplant reports
            errors under 200); ``None`` otherwise.
        code: The provider's own error code (``"10011"``, ``100``...), when it gave one.
        message: What went wrong, in the provider's words where it gave any.
        retryable: Whether sending the same request again can help (rate limits,
            outages); not whether it is safe: a create that timed out may have worked.
    """

    retryable_by_default: bool = False

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        status_code: int | None = None,
        code: int | str | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status_code = status_code
        self.code = code
        self.retryable = self.retryable_by_default if retryable is None else retryable

    def __str__(self) -> str:
        text = self.message
        if not text.startswith(self.provider):
            text = f"{self.provider}: {text}"
        details = [f"HTTP {self.status_code}"] if self.status_code is not None else []
        if self.code is not None:
            details.append(f"code {self.code}")
        return f"{text} ({', '.join(details)})" if details else text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, provider={self.provider!r}, "
            f"status_code={self.status_code!r}, code={self.code!r}, retryable={self.retryable})"
        )


class AuthenticationError(ConferencingError):
    """The provider refused the credentials (HTTP 401/403, or TrueConf's ``auth``)."""


class MissingCredentialsError(AuthenticationError):
    """Credentials were neither passed nor found in the environment; nothing was sent.

    ``missing`` lists ``(argument, environment variable)`` pairs.
    """

    def __init__(self, message: str, *, provider: str, missing: Sequence[tuple[str, str]]) -> None:
        super().__init__(message, provider=provider)
        self.missing = tuple(missing)


class ValidationError(ConferencingError):
    """The request was refused as invalid (HTTP 400/422)."""


class InvalidOptionsError(ValidationError):
    """Options that do not fit the provider's request model; refused before sending.

    ``valid`` lists the options the provider takes; ``suggestions`` maps each unknown
    option to its closest valid spelling (when one is close).
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        valid: Sequence[str] = (),
        suggestions: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, provider=provider)
        self.valid = tuple(valid)
        self.suggestions = dict(suggestions or {})


class RateLimitedError(ConferencingError):
    """Too many requests (HTTP 429): wait and retry."""

    retryable_by_default = True


class UnavailableError(ConferencingError):
    """No usable answer: the connection failed or timed out, or the server failed (5xx)."""

    retryable_by_default = True


class ConflictError(ConferencingError):
    """The request conflicts with the provider's current state (HTTP 409)."""


class ProviderError(ConferencingError):
    """Any other error the provider reported."""


class NotFoundError(ProviderError):
    """The conference or participant does not exist there (HTTP 404, or not in the
    TrueConf Room's list)."""


class UnsupportedOperationError(ConferencingError):
    """The provider cannot do this operation; raised before any I/O or credential check.

    ``operation`` is the facade verb (``"mute_participant"``), ``reason`` why the
    provider's API cannot do it (``confgen providers`` shows every gap).
    """

    def __init__(self, *, provider: str, operation: str, reason: str) -> None:
        super().__init__(f"{provider} cannot {operation}: {reason}", provider=provider)
        self.operation = operation
        self.reason = reason


class UnknownProviderError(ConferencingError):
    """No provider is registered under that name; ``known`` lists those that are."""

    def __init__(self, message: str, *, provider: str, known: Sequence[str]) -> None:
        super().__init__(message, provider=provider)
        self.known = tuple(known)
