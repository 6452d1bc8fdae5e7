"""The generated SignalWire client on the wire: Basic auth, the Space in the host, a closed body."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from confgen_signalwire import AsyncSignalWire, SignalWire
from confgen_signalwire.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    MissingConfigurationError,
    RateLimitError,
    RequestValidationError,
    UnprocessableEntityError,
)
from tests.codegen.conftest import Wire, reply

PROJECT, TOKEN = "project-1", "PT-secret-token"
#: A whole Conference as the spec describes it (every required field, nulls where allowed).
CONFERENCE = {
    "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "name": "standup",
    "display_name": "My Conference's Name",
    "description": None,
    "join_from": None,
    "join_until": None,
    "quality": "720p",
    "layout": "grid-responsive",
    "size": "medium",
    "record_on_start": False,
    "tone_on_entry_and_exit": True,
    "user_join_video_off": False,
    "room_join_video_off": False,
    "enable_chat": True,
    "enable_room_previews": None,
    "dark_primary": "#044EF4",
    "dark_background": None,
    "dark_foreground": None,
    "dark_success": None,
    "dark_negative": None,
    "light_primary": None,
    "light_background": None,
    "light_foreground": None,
    "light_success": None,
    "light_negative": None,
    "meta": None,
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z",
}
SPACE_URL = "https://example.signalwire.com/api/video/conferences"


def make(wire: Wire, **options: Any) -> SignalWire:
    return SignalWire(
        project_id=PROJECT, api_token=TOKEN, space="example", http_client=wire.client(), **options
    )


def test_create_sends_the_example_body_with_basic_auth_to_the_space() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    make(wire).conferences.create_video_conference(display_name="My Conference's Name")
    request = wire.last
    assert request.method == "POST"
    assert str(request.url) == SPACE_URL
    expected = base64.b64encode(f"{PROJECT}:{TOKEN}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert request.headers["Content-Type"] == "application/json"
    assert wire.json() == {"display_name": "My Conference's Name"}


def test_public_shape_with_layout() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    make(wire).conferences.create_video_conference(display_name="Standup", layout="2x2")
    assert wire.json() == {"display_name": "Standup", "layout": "2x2"}


@pytest.mark.parametrize("name", ["has space", "x" * 101, "bad/char"])
def test_name_pattern_and_length_are_checked_before_sending(name: str) -> None:
    wire = Wire([reply(200, CONFERENCE)])
    with pytest.raises(RequestValidationError) as caught:
        make(wire).conferences.create_video_conference(display_name="d", name=name)
    assert "'name'" in str(caught.value)
    assert wire.requests == []


def test_name_of_100_allowed_chars_is_sent() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    make(wire).conferences.create_video_conference(display_name="d", name="a-_Z9" * 20)
    assert wire.json()["name"] == "a-_Z9" * 20


def test_unknown_layout_is_refused_before_sending() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    with pytest.raises(RequestValidationError, match="layout"):
        make(wire).conferences.create_video_conference(display_name="d", layout="9x9")  # type: ignore[arg-type]
    assert wire.requests == []


@pytest.mark.parametrize(
    ("status", "body", "error_class"),
    [
        (400, {"error": "Bad Request"}, BadRequestError),
        (401, {"error": "Unauthorized"}, AuthenticationError),
        (500, {"error": "Internal Server Error"}, InternalServerError),
        (429, {"error": "Too Many Requests"}, RateLimitError),
    ],
)
def test_plain_errors_map_to_their_class_with_the_typed_body(
    status: int, body: dict[str, str], error_class: type[APIStatusError], sleeps: list[float]
) -> None:
    wire = Wire([reply(status, body)])
    with pytest.raises(error_class) as caught:
        make(wire, max_retries=0).conferences.create_video_conference(display_name="d")
    error = caught.value
    assert error.status_code == status
    assert getattr(error.body, "error", None) == body["error"]
    assert TOKEN not in str(error) and TOKEN not in repr(error)


def test_422_carries_the_list_of_errors() -> None:
    body = {
        "errors": [
            {
                "type": "validation_error",
                "code": "invalid_parameter",
                "message": "Name has already been taken",
                "attribute": "name",
                "url": "https://developer.signalwire.com/rest/overview/error-codes",
            }
        ]
    }
    wire = Wire([reply(422, body)])
    with pytest.raises(UnprocessableEntityError) as caught:
        make(wire).conferences.create_video_conference(display_name="d", name="taken")
    error = caught.value
    assert error.code == "invalid_parameter" and "already been taken" in str(error)
    errors = getattr(error.body, "errors", None)
    assert errors is not None and errors[0].attribute == "name"


def test_create_is_not_retried_after_500_but_after_503(sleeps: list[float]) -> None:
    wire = Wire([reply(500, {"error": "Internal Server Error"}), reply(200, CONFERENCE)])
    with pytest.raises(InternalServerError):
        make(wire).conferences.create_video_conference(display_name="d")
    assert len(wire.requests) == 1
    wire = Wire(
        [reply(503, {"error": "busy"}, headers={"Retry-After": "2"}), reply(200, CONFERENCE)]
    )
    make(wire).conferences.create_video_conference(display_name="d")
    assert len(wire.requests) == 2 and sleeps == [2.0]


def test_unknown_enum_value_and_extra_field_survive_parsing() -> None:
    wire = Wire([reply(200, {**CONFERENCE, "layout": "12x12", "brand_new": True})])
    conference = make(wire).conferences.create_video_conference(display_name="d")
    assert conference.model_extra is not None and conference.model_extra["brand_new"] is True
    assert getattr(conference, "layout", None) == "12x12"


@pytest.mark.parametrize(
    ("missing", "argument", "env"),
    [
        ("project_id", "project_id", "SIGNALWIRE_PROJECT_ID"),
        ("api_token", "api_token", "SIGNALWIRE_API_TOKEN"),
        ("space", "space", "SIGNALWIRE_SPACE"),
    ],
)
def test_missing_setting_names_argument_and_env(
    missing: str, argument: str, env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SIGNALWIRE_PROJECT_ID", "SIGNALWIRE_API_TOKEN", "SIGNALWIRE_SPACE"):
        monkeypatch.delenv(name, raising=False)
    given = {"project_id": PROJECT, "api_token": TOKEN, "space": "example"}
    del given[missing]
    with pytest.raises(MissingConfigurationError) as caught:
        SignalWire(**given)
    assert argument in str(caught.value) and env in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALWIRE_PROJECT_ID", PROJECT)
    monkeypatch.setenv("SIGNALWIRE_API_TOKEN", TOKEN)
    monkeypatch.setenv("SIGNALWIRE_SPACE", "acme")
    wire = Wire([reply(200, CONFERENCE)])
    SignalWire(http_client=wire.client()).conferences.create_video_conference(display_name="d")
    assert wire.last.url.host == "acme.signalwire.com"


def test_space_cannot_change_the_host() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    client = SignalWire(
        project_id=PROJECT, api_token=TOKEN, space="evil.com/", http_client=wire.client()
    )
    assert not client.base_url.startswith("https://evil.com/")
    assert "/" not in client.base_url.removeprefix("https://").split(".signalwire.com")[0]


def test_no_token_in_repr() -> None:
    client = SignalWire(project_id=PROJECT, api_token=TOKEN, space="example")
    assert TOKEN not in repr(client) and TOKEN not in repr(client._auth)


async def test_async_create_and_raw_response() -> None:
    wire = Wire([reply(200, CONFERENCE), reply(200, CONFERENCE)])
    client = AsyncSignalWire(
        project_id=PROJECT, api_token=TOKEN, space="example", http_client=wire.async_client()
    )
    await client.conferences.create_video_conference(display_name="My Conference's Name")
    assert str(wire.last.url) == SPACE_URL
    raw = await client.conferences.with_raw_response.create_video_conference(display_name="x")
    assert raw.status_code == 200
    assert raw.parse().model_extra is not None


async def test_async_validation_sends_nothing() -> None:
    wire = Wire([reply(200, CONFERENCE)])
    client = AsyncSignalWire(
        project_id=PROJECT, api_token=TOKEN, space="example", http_client=wire.async_client()
    )
    with pytest.raises(RequestValidationError):
        await client.conferences.create_video_conference(display_name="d", name="x" * 101)
    assert wire.requests == []
