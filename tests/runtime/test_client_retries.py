"""Retries as the client carries them out: which calls are repeated, how long it waits."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest

from confgen.codegen.http.runtime import (
    APIConnectionError,
    APITimeoutError,
    BearerAuth,
    InternalServerError,
    Operation,
    RateLimitError,
)
from tests.runtime.runtime_support import (
    SECRET,
    ConferenceResponse,
    CreateConferenceRequest,
    Recorder,
    conference_json,
    sync_client,
)

NOW = 1_700_000_000.0  # the wall clock runtime_support pins
GET = Operation(method="GET", path="/conferences")
POST = Operation(method="POST", path="/conferences")  # default mode: unprocessed
CREATE_WITH_KEY = Operation(
    method="POST",
    path="/conferences",
    retry="idempotency-key",
    idempotency_key=("body", "command_id"),
)
CREATE_WITH_HEADER_KEY = Operation(
    method="POST",
    path="/conferences",
    retry="idempotency-key",
    idempotency_key=("header", "Idempotency-Key"),
)
OK = httpx.Response(200, json=conference_json())


def test_idempotent_get_is_retried_after_500_with_backoff() -> None:
    recorder = Recorder(httpx.Response(500), httpx.Response(502), OK)
    sleeps: list[float] = []
    result = sync_client(recorder, sleeps).request(GET, cast_to=ConferenceResponse)
    assert result.data.id == "c-1"
    assert len(recorder.requests) == 3
    assert sleeps == [0.5, 1.0]


def test_retries_give_up_after_max_retries_with_the_last_error() -> None:
    recorder = Recorder(httpx.Response(503, json={"errors": [{"code": "1", "title": "down"}]}))
    sleeps: list[float] = []
    with pytest.raises(InternalServerError) as caught:
        sync_client(recorder, sleeps, max_retries=3).request(GET, cast_to=None)
    assert caught.value.status_code == 503
    assert len(recorder.requests) == 4
    assert sleeps == [0.5, 1.0, 2.0]


def test_max_retries_zero_sends_once() -> None:
    recorder = Recorder(httpx.Response(500))
    sleeps: list[float] = []
    with pytest.raises(InternalServerError):
        sync_client(recorder, sleeps, max_retries=0).request(GET, cast_to=None)
    assert len(recorder.requests) == 1 and sleeps == []


def test_retry_after_seconds_header_sets_the_wait() -> None:
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "7"}), OK)
    sleeps: list[float] = []
    sync_client(recorder, sleeps).request(GET, cast_to=None)
    assert sleeps == [7.0]


def test_retry_after_http_date_sets_the_wait() -> None:
    when = format_datetime(datetime.fromtimestamp(NOW + 20, tz=UTC), usegmt=True)
    recorder = Recorder(httpx.Response(503, headers={"Retry-After": when}), OK)
    sleeps: list[float] = []
    sync_client(recorder, sleeps).request(GET, cast_to=None)
    assert sleeps == [pytest.approx(20.0)]


def test_retry_after_ms_header_sets_the_wait() -> None:
    recorder = Recorder(httpx.Response(429, headers={"retry-after-ms": "250"}), OK)
    sleeps: list[float] = []
    sync_client(recorder, sleeps).request(GET, cast_to=None)
    assert sleeps == [0.25]


def test_retry_after_beyond_the_cap_falls_back_to_backoff() -> None:
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "3600"}), OK)
    sleeps: list[float] = []
    sync_client(recorder, sleeps).request(GET, cast_to=None)
    assert sleeps == [0.5]


def test_retry_reuses_idempotency_key_in_body() -> None:
    recorder = Recorder(httpx.Response(500), httpx.ConnectError("refused"), OK)
    body = CreateConferenceRequest(call_control_id="c", name="n")
    sync_client(recorder).request(CREATE_WITH_KEY, cast_to=ConferenceResponse, json=body)
    keys = [json.loads(r.content)["command_id"] for r in recorder.requests]
    assert len(keys) == 3 and len(set(keys)) == 1
    assert len(keys[0]) == 36  # a UUID4 in text form
    assert body.command_id is None  # the caller's model is left alone


def test_each_call_gets_a_fresh_idempotency_key() -> None:
    recorder = Recorder(OK)
    client = sync_client(recorder)
    for _ in range(2):
        client.request(CREATE_WITH_KEY, cast_to=None, json={"name": "n"})
    first, second = (json.loads(r.content)["command_id"] for r in recorder.requests)
    assert first != second


def test_callers_idempotency_key_is_not_overwritten() -> None:
    recorder = Recorder(httpx.Response(503), OK)
    body = CreateConferenceRequest(call_control_id="c", name="n", command_id="mine-1")
    sync_client(recorder).request(CREATE_WITH_KEY, cast_to=None, json=body)
    assert [json.loads(r.content)["command_id"] for r in recorder.requests] == ["mine-1"] * 2


def test_retry_reuses_idempotency_key_header() -> None:
    recorder = Recorder(httpx.Response(500), OK)
    sync_client(recorder).request(CREATE_WITH_HEADER_KEY, cast_to=None, json={"a": 1})
    keys = [r.headers["Idempotency-Key"] for r in recorder.requests]
    assert len(keys) == 2 and keys[0] == keys[1] and len(keys[0]) == 36


def test_callers_idempotency_key_header_is_not_overwritten() -> None:
    recorder = Recorder(OK)
    sync_client(recorder).request(
        CREATE_WITH_HEADER_KEY, cast_to=None, json={}, extra_headers={"idempotency-key": "k-9"}
    )
    assert recorder.requests[0].headers.get_list("idempotency-key") == ["k-9"]


def test_unprocessed_post_is_not_retried_after_500() -> None:
    recorder = Recorder(httpx.Response(500), OK)
    with pytest.raises(InternalServerError):
        sync_client(recorder).request(POST, cast_to=None, json={"name": "n"})
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("status", [429, 503])
def test_unprocessed_post_is_retried_after_status_that_promises_no_processing(
    status: int,
) -> None:
    recorder = Recorder(httpx.Response(status), OK)
    sync_client(recorder).request(POST, cast_to=None, json={"name": "n"})
    assert len(recorder.requests) == 2


@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow handshake")]
)
def test_unprocessed_post_is_retried_after_connect_failure(error: Exception) -> None:
    recorder = Recorder(error, OK)
    sync_client(recorder).request(POST, cast_to=None, json={"name": "n"})
    assert len(recorder.requests) == 2


def test_read_timeout_raises_api_timeout_error_without_retry_when_unprocessed() -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"), OK)
    with pytest.raises(APITimeoutError) as caught:
        sync_client(recorder).request(POST, cast_to=None, json={"name": "n"})
    assert len(recorder.requests) == 1
    assert isinstance(caught.value, APIConnectionError)
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


def test_dropped_connection_after_sending_is_not_retried_when_unprocessed() -> None:
    recorder = Recorder(httpx.RemoteProtocolError("server disconnected"), OK)
    with pytest.raises(APIConnectionError) as caught:
        sync_client(recorder).request(POST, cast_to=None, json={})
    assert not isinstance(caught.value, APITimeoutError)
    assert len(recorder.requests) == 1


def test_read_timeout_is_retried_when_idempotent() -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"), OK)
    sync_client(recorder).request(GET, cast_to=None)
    assert len(recorder.requests) == 2


def test_never_mode_is_not_retried_even_on_connect_error() -> None:
    recorder = Recorder(httpx.ConnectError("refused"), OK)
    never = Operation(method="POST", path="/scenarios", retry="never")
    with pytest.raises(APIConnectionError):
        sync_client(recorder).request(never, cast_to=None)
    assert len(recorder.requests) == 1


def test_connect_errors_exhaust_into_api_connection_error() -> None:
    recorder = Recorder(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError, match="ConnectError"):
        sync_client(recorder).request(GET, cast_to=None)
    assert len(recorder.requests) == 3


def test_rate_limit_error_after_retries_keeps_headers() -> None:
    limited = httpx.Response(429, headers={"x-ratelimit-remaining": "0"}, json={})
    with pytest.raises(RateLimitError) as caught:
        sync_client(Recorder(limited), max_retries=1).request(GET, cast_to=None)
    assert caught.value.response.headers["x-ratelimit-remaining"] == "0"


def test_each_retry_logs_one_debug_line_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    recorder = Recorder(httpx.Response(500), httpx.ConnectError("refused"), OK)
    client = sync_client(recorder, auth=BearerAuth(SECRET))
    with caplog.at_level(logging.DEBUG, logger="testpkg"):
        client.request(GET, cast_to=None, query={"api_key": SECRET})
    lines = [r.getMessage() for r in caplog.records if r.name == "testpkg"]
    assert lines == [
        "retrying GET /conferences after HTTP 500 in 0.500 s (retry 1 of 2)",
        "retrying GET /conferences after ConnectError in 1.000 s (retry 2 of 2)",
    ]
    assert SECRET not in caplog.text


def test_retry_reuses_idempotency_key_in_query_and_keeps_the_callers() -> None:
    in_query = Operation(
        method="POST", path="/x", retry="idempotency-key", idempotency_key=("query", "request_id")
    )
    recorder = Recorder(httpx.Response(503), OK)
    client = sync_client(recorder)
    client.request(in_query, cast_to=None, query={"a": 1})
    client.request(in_query, cast_to=None, query={"request_id": "mine"})
    first, second, third = (r.url.params for r in recorder.requests)
    assert first["a"] == "1" and first["request_id"] == second["request_id"]
    assert third["request_id"] == "mine"
