"""The generated Telnyx client on the wire: bearer key, JSON body, command_id, errors."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from confgen_telnyx import AsyncTelnyx, Telnyx
from confgen_telnyx.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    MissingConfigurationError,
    NotFoundError,
    RateLimitError,
    RequestValidationError,
    UnprocessableEntityError,
)
from confgen_telnyx.models import Errors
from tests.codegen.conftest import Wire, reply

KEY = "KEY0123456789SECRET"
# The page's curl sample, as its request body.
SAMPLE = {
    "call_control_id": "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg",
    "name": "Business",
    "beep_enabled": "always",
    "client_state": "aGF2ZSBhIG5pY2UgZGF5ID1d",
    "command_id": "891510ac-f3e4-11e8-af5b-de00688a4901",
    "duration_minutes": 5,
    "hold_audio_url": "http://www.example.com/audio.wav",
    "start_conference_on_create": False,
    "max_participants": 250,
}
CONFERENCE = {
    "data": {
        "record_type": "conference",
        "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "name": "All hands meeting",
        "created_at": "2019-01-23T18:10:02.574Z",
        "expires_at": "2019-01-23T18:10:02.574Z",
        "status": "completed",
    }
}
ERRORS = {"errors": [{"code": "10011", "title": "Too many requests", "detail": "slow down"}]}


def make(wire: Wire, **options: Any) -> Telnyx:
    return Telnyx(api_key=KEY, http_client=wire.client(), **options)


def test_create_conference_sends_the_curl_sample() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    conf = make(wire).conferences.create_conference(**SAMPLE)
    request = wire.last
    assert request.method == "POST"
    assert str(request.url) == "https://api.telnyx.com/v2/conferences"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    assert wire.json() == SAMPLE
    assert conf.data is not None and conf.data.id == "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def test_command_id_is_filled_with_a_uuid_and_kept_across_retries(sleeps: list[float]) -> None:
    wire = Wire([reply(500, ERRORS), reply(503, ERRORS), reply(200, CONFERENCE)])
    make(wire).conferences.create_conference(call_control_id="v3:x", name="standup")
    ids = [wire.json(i)["command_id"] for i in range(3)]
    assert len(set(ids)) == 1
    assert uuid.UUID(ids[0]).version == 4
    assert len(sleeps) == 2


def test_callers_command_id_is_sent_on_every_retry(sleeps: list[float]) -> None:
    wire = Wire([reply(500, ERRORS), reply(200, CONFERENCE)])
    make(wire).conferences.create_conference(call_control_id="v3:x", name="s", command_id="mine")
    assert [wire.json(i)["command_id"] for i in range(2)] == ["mine", "mine"]


def test_retry_after_is_honoured(sleeps: list[float]) -> None:
    wire = Wire([reply(429, ERRORS, headers={"Retry-After": "3"}), reply(200, CONFERENCE)])
    make(wire).conferences.create_conference(call_control_id="v3:x", name="s")
    assert sleeps == [3.0]
    assert len(wire.requests) == 2


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (404, NotFoundError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
    ],
)
def test_error_status_maps_to_its_class_with_the_typed_body(
    status: int, error_class: type[APIStatusError], sleeps: list[float]
) -> None:
    wire = Wire([reply(status, ERRORS)])
    with pytest.raises(error_class) as caught:
        make(wire, max_retries=0).conferences.create_conference(call_control_id="v3:x", name="s")
    error = caught.value
    assert error.status_code == status
    assert isinstance(error.body, Errors)
    assert error.body.errors[0].code == "10011" and error.body.errors[0].detail == "slow down"
    assert error.code == "10011"
    assert KEY not in str(error) and KEY not in repr(error)


def test_max_participants_801_is_refused_before_sending() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    with pytest.raises(RequestValidationError) as caught:
        make(wire).conferences.create_conference(
            call_control_id="v3:x", name="s", max_participants=801
        )
    assert "max_participants" in str(caught.value)
    assert wire.requests == []


def test_unknown_enum_value_is_refused_on_the_way_out() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    with pytest.raises(RequestValidationError, match="beep_enabled"):
        make(wire).conferences.create_conference(
            call_control_id="v3:x",
            name="s",
            beep_enabled="sometimes",  # type: ignore[arg-type]
        )
    assert wire.requests == []


def test_unknown_body_field_is_refused_before_sending() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    with pytest.raises(TypeError, match="colour"):
        make(wire).conferences.create_conference(call_control_id="v3:x", name="s", colour=1)  # type: ignore[call-arg]
    assert wire.requests == []


def test_unknown_enum_value_and_extra_field_survive_parsing() -> None:
    body = {"data": {**CONFERENCE["data"], "status": "paused", "moderator": {"id": "m1"}}}
    wire = Wire([reply(200, body)])
    conf = make(wire).conferences.create_conference(call_control_id="v3:x", name="s")
    assert conf.data is not None
    assert conf.data.status == "paused"
    assert conf.data.model_extra == {"moderator": {"id": "m1"}}


def test_missing_api_key_names_argument_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELNYX_API_KEY", raising=False)
    with pytest.raises(MissingConfigurationError, match=r"api_key.*TELNYX_API_KEY"):
        Telnyx()


def test_api_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", KEY)
    wire = Wire([reply(200, CONFERENCE)])
    Telnyx(http_client=wire.client()).conferences.create_conference(call_control_id="c", name="n")
    assert wire.last.headers["Authorization"] == f"Bearer {KEY}"


def test_no_secret_in_repr() -> None:
    client = Telnyx(api_key=KEY)
    assert KEY not in repr(client) and KEY not in repr(client._auth)


def test_with_options_changes_timeout_and_retries_keeps_auth(sleeps: list[float]) -> None:
    wire = Wire([reply(500, ERRORS), reply(200, CONFERENCE)])
    client = make(wire)
    copy = client.with_options(max_retries=0, timeout=2.5)
    assert copy.max_retries == 0 and copy.timeout.read == 2.5
    assert client.max_retries == 2
    with pytest.raises(InternalServerError):
        copy.conferences.create_conference(call_control_id="v3:x", name="s")
    assert len(wire.requests) == 1
    assert wire.last.headers["Authorization"] == f"Bearer {KEY}"
    assert wire.last.extensions["timeout"]["read"] == 2.5


def test_per_call_timeout_and_extra_headers() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    make(wire).conferences.create_conference(
        call_control_id="v3:x", name="s", timeout=1.5, extra_headers={"X-Trace": "t1"}
    )
    assert wire.last.headers["X-Trace"] == "t1"
    assert wire.last.extensions["timeout"]["connect"] == 1.5


def test_default_timeout_is_never_unlimited() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    make(wire).conferences.create_conference(call_control_id="v3:x", name="s")
    assert all(value is not None for value in wire.last.extensions["timeout"].values())
    with pytest.raises(ValueError, match="forever"):
        Telnyx(api_key=KEY, timeout=None)  # type: ignore[arg-type]


def test_raw_response() -> None:
    wire = Wire([reply(200, CONFERENCE, headers={"x-ratelimit-remaining": "9"})])
    raw = make(wire).conferences.with_raw_response.create_conference(call_control_id="c", name="n")
    assert raw.status_code == 200
    assert raw.headers["x-ratelimit-remaining"] == "9"
    parsed = raw.parse()
    assert parsed.data is not None and parsed.data.name == "All hands meeting"


def test_streaming_response(sleeps: list[float]) -> None:
    wire = Wire([reply(503, ERRORS), reply(200, CONFERENCE)])
    stream = make(wire).conferences.with_streaming_response.create_conference
    with stream(call_control_id="c", name="n") as response:
        assert response.status_code == 200
        assert len(wire.requests) == 2 and len(sleeps) == 1  # retried before the body was read
        assert b"".join(response.iter_bytes()).startswith(b"{")
        parsed = response.parse()
        assert parsed.data is not None and parsed.data.name == "All hands meeting"
    assert response.is_closed


async def test_async_streaming_response() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    client = AsyncTelnyx(api_key=KEY, http_client=wire.async_client())
    stream = client.conferences.with_streaming_response.create_conference
    async with stream(call_control_id="c", name="n") as response:
        lines = [line async for line in response.iter_lines()]
        assert lines and lines[0].startswith("{")
        parsed = await response.parse()
        assert parsed.data is not None and parsed.data.record_type == "conference"
    assert response.is_closed


async def test_async_create_conference_and_raw_response(sleeps: list[float]) -> None:
    wire = Wire([reply(503, ERRORS), reply(200, CONFERENCE)])
    client = AsyncTelnyx(api_key=KEY, http_client=wire.async_client())
    conf = await client.conferences.create_conference(call_control_id="v3:x", name="standup")
    assert conf.data is not None and conf.data.record_type == "conference"
    assert wire.json(0)["command_id"] == wire.json(1)["command_id"]
    raw = await client.conferences.with_raw_response.create_conference(
        call_control_id="c", name="n"
    )
    assert raw.status_code == 200 and raw.parse().data is not None


async def test_async_validation_sends_nothing() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    client = AsyncTelnyx(api_key=KEY, http_client=wire.async_client())
    with pytest.raises(RequestValidationError):
        await client.conferences.create_conference(
            call_control_id="c", name="n", max_participants=1
        )
    assert wire.requests == []
