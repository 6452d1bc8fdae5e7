"""The retry policy on its own: pure decisions, no client, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest

from confgen.codegen.http.runtime import Failure, Operation, RetryMode, RetryPolicy, StopReason

NOW = 1_700_000_000.0


def policy(max_retries: int = 2, jitter: float = 0.0) -> RetryPolicy:
    return RetryPolicy(max_retries=max_retries, random=lambda: jitter, clock=lambda: NOW)


def test_backoff_doubles_from_half_a_second_and_caps_at_eight() -> None:
    delays = [policy().backoff(n) for n in range(6)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


def test_backoff_jitter_shortens_by_at_most_a_quarter() -> None:
    assert policy(jitter=0.999999).backoff(0) == pytest.approx(0.375, abs=1e-6)
    real = RetryPolicy()
    assert all(0.375 <= real.backoff(0) <= 0.5 for _ in range(200))


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_idempotent_mode_retries_transient_statuses(status: int) -> None:
    decision = policy().decide("idempotent", 0, status=status, headers={})
    assert decision.retry and decision.delay == 0.5


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    decision = policy().decide("idempotent", 0, status=status, headers={})
    assert not decision.retry
    assert decision.reason is StopReason.NOT_RETRYABLE


def test_success_stops_with_succeeded() -> None:
    assert policy().decide("idempotent", 0, status=200).reason is StopReason.SUCCEEDED


@pytest.mark.parametrize(
    ("status", "retry"), [(429, True), (503, True), (500, False), (502, False), (409, False)]
)
def test_unprocessed_mode_retries_only_statuses_that_promise_no_processing(
    status: int, retry: bool
) -> None:
    assert policy().decide("unprocessed", 0, status=status, headers={}).retry is retry


@pytest.mark.parametrize(
    ("mode", "failure", "retry"),
    [
        ("unprocessed", Failure.NOT_SENT, True),
        ("unprocessed", Failure.TIMEOUT, False),
        ("unprocessed", Failure.DROPPED, False),
        ("idempotent", Failure.TIMEOUT, True),
        ("idempotent", Failure.DROPPED, True),
        ("idempotency-key", Failure.DROPPED, True),
        ("idempotent", Failure.UNUSABLE, False),
    ],
)
def test_transport_failures_by_mode(mode: RetryMode, failure: Failure, retry: bool) -> None:
    assert policy().decide(mode, 0, failure=failure).retry is retry


def test_never_mode_stops_with_its_own_reason() -> None:
    decision = policy().decide("never", 0, status=503, headers={})
    assert not decision.retry and decision.reason is StopReason.NEVER_RETRIED


def test_retries_stop_after_max_retries() -> None:
    decide = policy(max_retries=2).decide
    assert decide("idempotent", 1, status=500, headers={}).retry
    exhausted = decide("idempotent", 2, status=500, headers={})
    assert not exhausted.retry and exhausted.reason is StopReason.RETRIES_EXHAUSTED


def test_max_retries_zero_never_retries() -> None:
    decision = policy(max_retries=0).decide("idempotent", 0, failure=Failure.NOT_SENT)
    assert decision.reason is StopReason.RETRIES_EXHAUSTED


def test_retry_after_seconds_is_honoured() -> None:
    decision = policy().decide("idempotent", 0, status=429, headers={"retry-after": "7"})
    assert decision.delay == 7.0


def test_retry_after_http_date_is_honoured() -> None:
    when = format_datetime(datetime.fromtimestamp(NOW + 12, tz=UTC), usegmt=True)
    decision = policy().decide("idempotent", 0, status=503, headers={"retry-after": when})
    assert decision.delay == pytest.approx(12.0)


def test_retry_after_ms_wins_over_retry_after() -> None:
    headers = {"retry-after-ms": "1500", "retry-after": "30"}
    assert policy().decide("idempotent", 0, status=429, headers=headers).delay == 1.5


def test_retry_after_headers_are_read_case_insensitively() -> None:
    headers = httpx.Headers({"Retry-After": "3"})
    assert policy().decide("idempotent", 0, status=429, headers=headers).delay == 3.0


@pytest.mark.parametrize("value", ["61", "3600", "0", "-5", "soon", "Wed, 99 Foo 2024"])
def test_retry_after_beyond_cap_or_unreadable_falls_back_to_backoff(value: str) -> None:
    decision = policy().decide("idempotent", 1, status=429, headers={"retry-after": value})
    assert decision.delay == 1.0


def test_default_retry_mode_follows_the_method() -> None:
    modes = {m: Operation(method=m, path="/x").retry_mode for m in ("GET", "PUT", "DELETE")}
    assert set(modes.values()) == {"idempotent"}
    assert Operation(method="post", path="/x").retry_mode == "unprocessed"
    assert Operation(method="PATCH", path="/x").retry_mode == "unprocessed"
    assert Operation(method="POST", path="/x", retry="never").retry_mode == "never"


def test_idempotency_key_mode_requires_a_key_location() -> None:
    with pytest.raises(ValueError, match="idempotency_key"):
        Operation(method="POST", path="/x", retry="idempotency-key")


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
