"""What the client puts on the wire: method, URL, query, headers, body, timeout."""

from __future__ import annotations

import enum
import json
import platform

import httpx
import pytest

from confgen.codegen.http.runtime import (
    NOT_GIVEN,
    BearerAuth,
    Operation,
    RequestValidationError,
    strip_not_given,
    validate_request,
)
from tests.runtime.runtime_support import (
    BASE_URL,
    SECRET,
    ConferenceResponse,
    CreateConferenceRequest,
    Recorder,
    TestClient,
    conference_json,
    sync_client,
)

CREATE = Operation(method="POST", path="/conferences/{call_id}/actions/join")
GET = Operation(method="GET", path="/conferences")


class Region(enum.StrEnum):
    EU = "eu-west"


class Color(str, enum.Enum):  # noqa: UP042  (the shape datamodel-code-generator emits)
    RED = "red"


def test_request_has_exact_method_url_query_headers_and_body() -> None:
    recorder = Recorder(httpx.Response(200, json=conference_json()))
    client = sync_client(recorder, auth=BearerAuth(SECRET))
    body = validate_request(
        CreateConferenceRequest, {"call_control_id": "v3:abc", "name": "standup"}
    )

    result = client.request(
        CREATE,
        cast_to=ConferenceResponse,
        path_params={"call_id": "v3:a/b?c"},
        query={"page": 2, "dry_run": True, "tag": ["a", "b"], "skip": NOT_GIVEN, "none": None},
        json=body,
        extra_headers={"X-Trace": "t-1"},
    )

    assert result == ConferenceResponse.model_validate(conference_json())
    [sent] = recorder.requests
    assert sent.method == "POST"
    assert str(sent.url) == (
        f"{BASE_URL}/conferences/v3%3Aa%2Fb%3Fc/actions/join?page=2&dry_run=true&tag=a&tag=b"
    )
    assert sent.headers["Authorization"] == f"Bearer {SECRET}"
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["User-Agent"] == (
        f"testpkg/1.2.3 python/{platform.python_version()} httpx/{httpx.__version__}"
    )
    assert sent.headers["X-Trace"] == "t-1"
    # Only the fields the caller set: no defaults, no nulls for unset fields.
    assert json.loads(sent.content) == {"call_control_id": "v3:abc", "name": "standup"}


def test_json_body_uses_wire_names() -> None:
    recorder = Recorder()
    body = CreateConferenceRequest.model_validate(
        {"call_control_id": "c", "name": "n", "beep_enabled": "always"}
    )
    sync_client(recorder).request(CREATE, cast_to=None, path_params={"call_id": "1"}, json=body)
    assert json.loads(recorder.requests[0].content) == {
        "call_control_id": "c",
        "name": "n",
        "beep-enabled": "always",
    }


def test_plain_dict_json_body_drops_not_given() -> None:
    recorder = Recorder()
    sync_client(recorder).request(
        GET, cast_to=None, json={"a": 1, "b": NOT_GIVEN, "c": None, "when": Region.EU}
    )
    assert json.loads(recorder.requests[0].content) == {"a": 1, "c": None, "when": "eu-west"}


def test_form_body_is_urlencoded() -> None:
    recorder = Recorder()
    sync_client(recorder).request(
        GET, cast_to=None, form={"name": "a b", "flag": False, "ids": [1, 2], "x": NOT_GIVEN}
    )
    [sent] = recorder.requests
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert sent.content == b"name=a+b&flag=false&ids=1&ids=2"


def test_query_enums_are_sent_by_value() -> None:
    recorder = Recorder()
    sync_client(recorder).request(GET, cast_to=None, query={"r": Region.EU, "c": Color.RED})
    assert recorder.requests[0].url.query == b"r=eu-west&c=red"


def test_extra_headers_override_defaults_case_insensitively() -> None:
    recorder = Recorder()
    client = sync_client(recorder, default_headers={"X-Team": "a"})
    client.request(GET, cast_to=None, extra_headers={"accept": "text/csv", "x-team": "b"})
    headers = recorder.requests[0].headers
    assert headers.get_list("accept") == ["text/csv"]
    assert headers.get_list("x-team") == ["b"]


def test_operation_header_params_are_sent() -> None:
    recorder = Recorder()
    sync_client(recorder).request(GET, cast_to=None, headers={"X-Account": "42"})
    assert recorder.requests[0].headers["X-Account"] == "42"


def test_missing_path_parameter_is_refused_before_sending() -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match="call_id"):
        sync_client(recorder).request(CREATE, cast_to=None, path_params={})
    assert recorder.requests == []


def test_default_timeout_is_finite_and_applied_to_every_request() -> None:
    recorder = Recorder()
    client = sync_client(recorder)
    client.request(GET, cast_to=None)
    assert recorder.requests[0].extensions["timeout"] == {
        "connect": 5.0,
        "read": 60.0,
        "write": 60.0,
        "pool": 60.0,
    }


def test_per_call_timeout_overrides_the_default() -> None:
    recorder = Recorder()
    sync_client(recorder).request(GET, cast_to=None, timeout=2.5)
    assert set(recorder.requests[0].extensions["timeout"].values()) == {2.5}


@pytest.mark.parametrize("timeout", [None, httpx.Timeout(None), httpx.Timeout(5.0, read=None), 0])
def test_unbounded_timeouts_are_refused(timeout: float | httpx.Timeout | None) -> None:
    recorder = Recorder()
    client = sync_client(recorder)
    with pytest.raises(ValueError, match="timeout"):
        client.request(GET, cast_to=None, timeout=timeout)
    with pytest.raises(ValueError, match="timeout"):
        TestClient(base_url=BASE_URL, timeout=timeout)  # type: ignore[arg-type]
    assert recorder.requests == []


def test_request_validation_error_names_fields_and_sends_nothing() -> None:
    recorder = Recorder()
    client = sync_client(recorder)
    arguments = strip_not_given(
        {"call_control_id": "c", "name": "bad name!", "beep_enabled": 5, "x": NOT_GIVEN}
    )

    with pytest.raises(RequestValidationError) as caught:
        body = validate_request(CreateConferenceRequest, arguments)
        client.request(CREATE, cast_to=None, path_params={"call_id": "1"}, json=body)

    message = str(caught.value)
    assert "'name'" in message and "pattern" in message
    assert "'beep-enabled' (Python name 'beep_enabled')" in message
    assert {tuple(e["loc"]) for e in caught.value.errors} == {("name",), ("beep_enabled",)}
    assert "bad name!" not in message  # input values are left out of the message
    assert isinstance(caught.value, ValueError)
    assert recorder.requests == []


def test_strip_not_given_keeps_none() -> None:
    assert strip_not_given({"a": NOT_GIVEN, "b": None, "c": 0}) == {"b": None, "c": 0}
    assert not NOT_GIVEN and repr(NOT_GIVEN) == "NOT_GIVEN"


def test_a_url_without_query_is_parsed_once_and_one_with_a_query_is_not_kept() -> None:
    from confgen.codegen.http.runtime._client import _parsed_url

    recorder = Recorder(httpx.Response(200, json={"data": {"id": "c1", "name": "n"}}))
    client = sync_client(recorder)
    op = Operation(method="GET", path="/conferences/{id}")
    _parsed_url.cache_clear()
    for _ in range(2):
        client.request(op, cast_to=ConferenceResponse, path_params={"id": "c1"})
    assert _parsed_url.cache_info().hits == 1 and _parsed_url.cache_info().currsize == 1
    client.request(op, cast_to=ConferenceResponse, path_params={"id": "c1"}, query={"k": "x"})
    assert _parsed_url.cache_info().currsize == 1  # the query URL was not kept
    assert [str(r.url) for r in recorder.requests] == [
        f"{BASE_URL}/conferences/c1",
        f"{BASE_URL}/conferences/c1",
        f"{BASE_URL}/conferences/c1?k=x",
    ]
