"""The retry policy, sans-IO: pure decisions over an attempt's outcome.

The sync and async clients only carry out what `RetryPolicy.decide` says (send again
after sleeping, or stop); neither holds any retry rule of its own.
"""

from __future__ import annotations

import enum
import math
import random as _random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Final, Literal, get_args

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_RECONNECT",
    "RECONNECT_VALUES",
    "Failure",
    "Reconnect",
    "RetryDecision",
    "RetryMode",
    "RetryPolicy",
    "StopReason",
    "default_retry_mode",
]

RetryMode = Literal["idempotent", "idempotency-key", "unprocessed", "never"]
"""How an operation may be retried (the spec overlay's ``x-confgen-retry.mode``)."""

DEFAULT_MAX_RETRIES: Final = 2

Reconnect = Literal["on-error", "always", "never"]
"""When an event stream (``text/event-stream``) is made again after its connection ends:
``on-error`` when it drops (a network error or a timeout mid-stream), not when the
server ends the body cleanly; ``always`` after a clean end too (the WHATWG
``EventSource`` behaviour, for endless feeds); ``never``."""

DEFAULT_RECONNECT: Final[Reconnect] = "on-error"
RECONNECT_VALUES: Final[tuple[Reconnect, ...]] = get_args(Reconnect)

_IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})


def default_retry_mode(method: str) -> RetryMode:
    """The mode of an operation whose spec says nothing: safe methods are idempotent."""
    return "idempotent" if method.upper() in _IDEMPOTENT_METHODS else "unprocessed"


class Failure(enum.Enum):
    """What kind of transport failure ended an attempt (no response was received)."""

    NOT_SENT = "not-sent"
    """Connect error, connect or pool timeout: the server cannot have seen the request."""
    TIMEOUT = "timeout"
    """Read or write timeout: the request may have been acted on."""
    DROPPED = "dropped"
    """The connection failed after sending began: the request may have been acted on."""
    UNUSABLE = "unusable"
    """The request cannot be sent at all (bad scheme, invalid headers): retrying is useless."""


class StopReason(enum.Enum):
    """Why the client stops after an attempt."""

    SUCCEEDED = "succeeded"
    """The response is not an error (status < 400)."""
    NEVER_RETRIED = "never-retried"
    """The operation's retry mode is ``never``."""
    NOT_RETRYABLE = "not-retryable"
    """This status or failure is not retried under the operation's retry mode."""
    RETRIES_EXHAUSTED = "retries-exhausted"
    """It would be retried, but ``max_retries`` retries have been made."""
    STREAM_ENDED = "stream-ended"
    """An event stream's connection ended and its `Reconnect` setting says not to
    make it again (a clean end under ``on-error``, anything under ``never``)."""


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """The policy's answer: retry after ``delay`` seconds, or stop for ``reason``."""

    retry: bool
    delay: float = 0.0
    reason: StopReason | None = None


_SUCCEEDED: Final = RetryDecision(retry=False, reason=StopReason.SUCCEEDED)
_NEVER: Final = RetryDecision(retry=False, reason=StopReason.NEVER_RETRIED)
_NOT_RETRYABLE: Final = RetryDecision(retry=False, reason=StopReason.NOT_RETRYABLE)
_EXHAUSTED: Final = RetryDecision(retry=False, reason=StopReason.RETRIES_EXHAUSTED)
_STREAM_ENDED: Final = RetryDecision(retry=False, reason=StopReason.STREAM_ENDED)

# 408 timeout, 409 lock conflict, 429 rate limit: the server asks to come back later.
_IDEMPOTENT_STATUSES: Final = frozenset({408, 409, 429})
# Only statuses that promise the request was not processed.
_UNPROCESSED_STATUSES: Final = frozenset({429, 503})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Backoff parameters plus the decision rule; immutable and free of I/O.

    ``random`` and ``clock`` (wall-clock seconds, used to read an HTTP-date
    ``Retry-After``) are injectable so tests can pin every delay.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    random: Callable[[], float] = field(default=_random.random, repr=False)
    clock: Callable[[], float] = field(default=time.time, repr=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {self.max_retries}")

    def decide(
        self,
        mode: RetryMode,
        retries_taken: int,
        *,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        failure: Failure | None = None,
    ) -> RetryDecision:
        """Decide what follows an attempt that got ``status`` (and ``headers``) or ``failure``.

        ``retries_taken`` counts the retries already made (0 after the first attempt).
        """
        if failure is None and status is not None and status < 400:
            return _SUCCEEDED
        if mode == "never":
            return _NEVER
        if not _is_retryable(mode, status, failure):
            return _NOT_RETRYABLE
        if retries_taken >= self.max_retries:
            return _EXHAUSTED
        delay = self._server_delay(headers) if headers is not None else None
        if delay is None:
            delay = self.backoff(retries_taken)
        return RetryDecision(retry=True, delay=delay)

    def decide_reconnect(
        self,
        mode: RetryMode,
        reconnect: Reconnect,
        reconnects_taken: int,
        *,
        dropped: bool,
        server_retry_ms: int | None,
    ) -> RetryDecision:
        """Decide whether an event stream whose connection ended is made again.

        ``dropped``: the connection failed mid-stream (else the body ended cleanly);
        ``reconnects_taken`` counts the reconnections made since the last event arrived;
        ``server_retry_ms`` is the last ``retry:`` the server set. Re-sending is what a
        retry is, so the operation's retry mode decides as for a dropped connection (a
        POST without an idempotency key is never sent twice) and ``max_retries`` bounds
        the reconnections in a row; the wait is the server's ``retry:``, else the backoff.
        """
        if reconnect == "never" or (not dropped and reconnect != "always"):
            return _STREAM_ENDED
        decision = self.decide(mode, reconnects_taken, failure=Failure.DROPPED)
        if decision.retry and server_retry_ms is not None and server_retry_ms >= 0:
            return RetryDecision(retry=True, delay=server_retry_ms / 1000.0)
        return decision

    def backoff(self, retries_taken: int) -> float:
        """Exponential backoff with jitter: ``initial * 2**n``, capped, times 0.75-1.0."""
        base = min(self.initial_delay * 2.0**retries_taken, self.max_delay)
        return base * (1.0 - 0.25 * self.random())

    def _server_delay(self, headers: Mapping[str, str]) -> float | None:
        """The wait the server asked for, if any and within ``max_retry_after``."""
        delay = self.requested_delay(headers)
        # Zero or past dates mean "now": our own backoff still spreads the clients out.
        if delay is None or not 0.0 < delay <= self.max_retry_after:
            return None
        return delay

    def requested_delay(self, headers: Mapping[str, str]) -> float | None:
        """Seconds ``Retry-After-Ms`` or ``Retry-After`` (seconds or an HTTP date) ask for."""
        delay: float | None = None
        millis = headers.get("retry-after-ms")
        if millis is not None:
            try:
                delay = float(millis) / 1000.0
            except ValueError:
                delay = None
        if delay is None:
            value = headers.get("retry-after")
            if value is not None:
                delay = self._parse_retry_after(value)
        return delay if delay is not None and math.isfinite(delay) else None

    def _parse_retry_after(self, value: str) -> float | None:
        try:
            return float(value)
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        return when.timestamp() - self.clock()


def _is_retryable(mode: RetryMode, status: int | None, failure: Failure | None) -> bool:
    if failure is not None:
        if failure is Failure.UNUSABLE:
            return False
        return failure is Failure.NOT_SENT or mode != "unprocessed"
    assert status is not None
    if mode == "unprocessed":
        return status in _UNPROCESSED_STATUSES
    return status in _IDEMPOTENT_STATUSES or status >= 500
