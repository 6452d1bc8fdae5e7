"""Each fault of the loopback fault server, through a generated client, sync and async:
the exact exception class (inside the package's tree), how many requests the server
saw, and how long the call took where that is the point.

Time bounds are generous for a loaded 2-core machine but meaningful: a ``timeout=1``
call ends in under 3 s where the fault would otherwise hold it for 8 s (the server's
own bound) or forever.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from dataclasses import dataclass
from typing import Any

import pytest

from tests.faults.fault_server import FaultServer

MODES = ("sync", "async")


@dataclass(frozen=True)
class Outcome:
    error: BaseException | None
    result: Any
    seconds: float


def call(
    faultapi: Any,
    server: FaultServer,
    mode: str,
    method: str,
    fault: str,
    **options: Any,
) -> Outcome:
    """One call of GET or POST ``/faults/<fault>`` through a fresh generated client."""
    options.setdefault("max_retries", 0)
    options.setdefault("timeout", 5.0)
    size = options.pop("max_response_size", None)

    def arguments() -> dict[str, Any]:
        return {"fault": fault} if method == "GET" else {"fault": fault, "name": "x"}

    started = time.monotonic()
    if mode == "sync":  # the limit through the constructor here, with_options below
        if size is not None:
            options["max_response_size"] = size
        with faultapi.Faultapi(api_key="KEY-secret", base_url=server.url, **options) as client:
            operation = client.faults.get_fault if method == "GET" else client.faults.create_fault
            try:
                result = operation(**arguments())
            except Exception as error:  # the assertions say which
                return Outcome(error, None, time.monotonic() - started)
            return Outcome(None, result, time.monotonic() - started)

    async def run() -> Outcome:
        async with faultapi.AsyncFaultapi(
            api_key="KEY-secret", base_url=server.url, **options
        ) as client:
            if size is not None:
                client = client.with_options(max_response_size=size)
            faults = client.faults
            operation = faults.get_fault if method == "GET" else faults.create_fault
            try:
                result = await operation(**arguments())
            except Exception as error:
                return Outcome(error, None, time.monotonic() - started)
            return Outcome(None, result, time.monotonic() - started)

    return asyncio.run(run())


def expect(faultapi: Any, outcome: Outcome, name: str) -> Any:
    """The error, checked to be exactly the package's ``name`` and inside its tree."""
    error = outcome.error
    expected = getattr(faultapi.errors, name)
    assert type(error) is expected, f"expected {name}, got {error!r}"
    assert isinstance(error, faultapi.APIError)
    assert "KEY-secret" not in str(error) and "KEY-secret" not in repr(error)
    return error


# (fault, method, error class, requests the server sees, client options)
FAILURES = [
    ("reset-before-headers", "GET", "APIConnectionError", 1, {}),
    ("reset-before-headers", "POST", "APIConnectionError", 1, {}),
    ("reset-after-headers", "GET", "APIConnectionError", 1, {}),
    ("reset-after-headers", "POST", "APIConnectionError", 1, {}),
    ("truncated", "GET", "APIConnectionError", 1, {}),
    ("bad-content-length", "GET", "APIConnectionError", 1, {}),
    ("bad-gzip", "GET", "APIConnectionError", 1, {}),
    ("huge", "GET", "ResponseTooLargeError", 1, {"max_response_size": 1024 * 1024}),
    ("huge-chunked", "GET", "ResponseTooLargeError", 1, {"max_response_size": 1024 * 1024}),
    ("huge-chunked", "POST", "ResponseTooLargeError", 1, {}),  # the default limit
    ("gzip-bomb", "GET", "ResponseTooLargeError", 1, {}),
    ("gzip-bomb-stacked", "GET", "ResponseTooLargeError", 1, {}),
    ("invalid-json", "GET", "APIResponseValidationError", 1, {}),
    ("wrong-content-type", "GET", "APIResponseValidationError", 1, {}),
    ("non-utf8", "GET", "APIResponseValidationError", 1, {}),
    ("empty-200", "GET", "APIResponseValidationError", 1, {}),
    ("empty-200", "POST", "APIResponseValidationError", 1, {}),
    ("redirect-ftp", "GET", "RedirectError", 1, {}),
    # Idempotent GETs are retried after a dropped connection; a POST never is.
    ("reset-before-headers", "GET", "APIConnectionError", 3, {"max_retries": 2}),
    ("reset-after-headers", "POST", "APIConnectionError", 1, {"max_retries": 2}),
]
REDIRECTS = [
    (f"redirect-{status}", method, "RedirectError", 1 if method == "POST" else 6, {})
    for status in (301, 302, 303, 307, 308)
    for method in ("GET", "POST")
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("fault", "method", "error", "requests", "options"), FAILURES + REDIRECTS)
def test_fault_raises_its_error_from_the_package_tree(
    faultapi: Any,
    server: FaultServer,
    mode: str,
    fault: str,
    method: str,
    error: str,
    requests: int,
    options: dict[str, Any],
) -> None:
    outcome = call(faultapi, server, mode, method, fault, **options)
    expect(faultapi, outcome, error)
    assert server.hits[fault] == requests
    assert [seen.method for seen in server.seen] == [method] * requests
    assert outcome.seconds < 4.0


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_307_loop_on_a_post_is_sent_exactly_once(
    faultapi: Any, server: FaultServer, mode: str, method: str
) -> None:
    outcome = call(faultapi, server, mode, method, "redirect-307", max_retries=2)
    error = expect(faultapi, outcome, "RedirectError")
    assert isinstance(error, faultapi.APIStatusError)
    assert error.status_code == 307
    assert error.location == "/faults/redirect-307"
    if method == "POST":
        assert server.hits["redirect-307"] == 1
        assert "not safe to repeat" in str(error)
    else:
        assert server.hits["redirect-307"] == 6  # the first request and 5 redirects
        assert "more than 5 redirects" in str(error)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("fault", "method"), [("drip", "GET"), ("drip", "POST"), ("hang", "GET"), ("hang", "POST")]
)
def test_timeout_is_a_deadline_for_the_whole_call(
    faultapi: Any, server: FaultServer, mode: str, fault: str, method: str
) -> None:
    # max_retries=2: a GET could be retried, but no time is left for it.
    outcome = call(faultapi, server, mode, method, fault, timeout=1.0, max_retries=2)
    expect(faultapi, outcome, "APITimeoutError")
    assert 0.9 < outcome.seconds < 3.0
    assert server.hits[fault] == 1


def test_headers_dripping_are_cut_at_the_deadline_async(faultapi: Any, server: FaultServer) -> None:
    # Async calls are cancelled at the deadline whatever the server does; a sync call
    # can only bound each read (see the README): it is not tested for this fault.
    outcome = call(faultapi, server, "async", "GET", "drip-headers", timeout=1.0)
    expect(faultapi, outcome, "APITimeoutError")
    assert 0.9 < outcome.seconds < 3.0


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_retry_after_past_the_deadline_fails_at_once_carrying_it(
    faultapi: Any, server: FaultServer, mode: str, method: str
) -> None:
    outcome = call(faultapi, server, mode, method, "retry-after-60", timeout=2.0, max_retries=2)
    error = expect(faultapi, outcome, "RateLimitError")
    assert error.status_code == 429
    assert error.retry_after == 60.0
    assert error.code == "10011"
    assert outcome.seconds < 1.5  # not waited for, not even partly
    assert server.hits["retry-after-60"] == 1


@pytest.mark.parametrize("mode", MODES)
def test_retries_fit_inside_the_deadline(faultapi: Any, server: FaultServer, mode: str) -> None:
    # Dropped GETs are retried after 0.375-0.5 s, then 0.75-1.0 s: the first wait fits a
    # 1.0 s deadline, the second (ending at 1.125 s at the earliest) never does, whatever
    # the jitter, so the call stops after exactly two requests.
    outcome = call(
        faultapi, server, mode, "GET", "reset-before-headers", timeout=1.0, max_retries=5
    )
    expect(faultapi, outcome, "APIConnectionError")
    assert server.hits["reset-before-headers"] == 2
    assert outcome.seconds < 2.5


@pytest.mark.parametrize("mode", MODES)
def test_a_gzip_bomb_never_expands_past_the_limit_in_memory(
    faultapi: Any, server: FaultServer, mode: str
) -> None:
    limit = 4 * 1024 * 1024
    from tests.faults.fault_server import gzip_bomb

    gzip_bomb()  # built before measuring: it is the server's memory, not the client's
    tracemalloc.start()
    try:
        outcome = call(faultapi, server, mode, "GET", "gzip-bomb", max_response_size=limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    error = expect(faultapi, outcome, "ResponseTooLargeError")
    assert error.limit == limit and error.status_code == 200
    # 64 MiB decompressed from 64 KiB; the client held little more than the limit.
    assert peak < limit + 2 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("fault", "method", "hits"),
    [
        ("ok", "GET", {"ok": 1}),
        ("ok", "POST", {"ok": 1}),
        ("gzip-ok", "GET", {"gzip-ok": 1}),
        ("redirect-once", "GET", {"redirect-once": 1, "ok": 1}),
    ],
)
def test_healthy_answers_still_work(
    faultapi: Any, server: FaultServer, mode: str, fault: str, method: str, hits: dict[str, int]
) -> None:
    outcome = call(faultapi, server, mode, method, fault, max_response_size=64)
    assert outcome.error is None, repr(outcome.error)
    assert outcome.result.id == "item-1"
    assert dict(server.hits) == hits


@pytest.mark.parametrize("mode", MODES)
def test_a_redirect_to_another_origin_carries_no_credentials(
    faultapi: Any, server: FaultServer, mode: str
) -> None:
    outcome = call(faultapi, server, mode, "GET", "redirect-away", default_headers={"X-Key": "k"})
    assert outcome.error is None, repr(outcome.error)
    first, second = server.seen
    assert first.headers["authorization"] == "Bearer KEY-secret" and first.headers["x-key"] == "k"
    assert second.headers["host"] == f"localhost:{server.port}"
    assert "authorization" not in second.headers and "x-key" not in second.headers


@pytest.mark.parametrize("mode", MODES)
def test_a_redirect_of_a_post_is_not_followed(
    faultapi: Any, server: FaultServer, mode: str
) -> None:
    outcome = call(faultapi, server, mode, "POST", "redirect-once")
    error = expect(faultapi, outcome, "RedirectError")
    assert error.location == "/faults/ok"
    assert dict(server.hits) == {"redirect-once": 1}
