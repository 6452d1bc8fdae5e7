"""Dry runs print what the generated client would send, secrets redacted, and send
nothing: each target below is a closed loopback port, so a real send would fail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conferencing import InvalidOptionsError
from conferencing.dry_run import preview_conference
from tests.contract.conftest import free_port
from tests.facade.conftest import SECRETS, package


def header(request: dict[str, Any], name: str) -> str:
    """A recorded header, its name compared case-insensitively."""
    (value,) = [v for k, v in request["headers"].items() if k.lower() == name]
    return str(value)


@pytest.fixture
def closed_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def test_telnyx_dry_run_shows_the_request_with_the_api_key_redacted(
    monkeypatch: pytest.MonkeyPatch, closed_url: str
) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", SECRETS["telnyx"])
    preview = preview_conference(
        "telnyx", name="standup", base_url=closed_url, call_control_id="v3:abc"
    )
    text = preview.render()
    assert preview.dummies == []
    (request,) = preview.messages
    assert request["method"] == "POST" and request["url"] == f"{closed_url}/conferences"
    assert request["body"]["name"] == "standup" and request["body"]["call_control_id"] == "v3:abc"
    assert header(request, "authorization") == "Bearer <redacted>"
    assert SECRETS["telnyx"] not in text and SECRETS["telnyx"] not in str(preview.to_json())
    assert text.startswith("DRY RUN: nothing was sent")


def test_dry_run_without_credentials_uses_dummies_and_says_so() -> None:
    preview = preview_conference("telnyx", name="standup", call_control_id="v3:abc")
    assert preview.dummies == [("api_key", "TELNYX_API_KEY")]
    assert preview.target == "https://api.telnyx.com/v2/conferences"
    assert "dummy credentials used for api_key ($TELNYX_API_KEY not set)" in preview.render()


def test_signalwire_dry_run_redacts_basic_auth(closed_url: str) -> None:
    package("signalwire")
    preview = preview_conference(
        "signalwire",
        name="standup",
        base_url=closed_url,
        credentials={"project_id": "p", "api_token": SECRETS["signalwire"], "space": "example"},
    )
    (request,) = preview.messages
    assert header(request, "authorization") == "Basic <redacted>"
    assert request["body"]["display_name"] == "standup"
    assert SECRETS["signalwire"] not in preview.render()


def test_voximplant_dry_run_shows_query_parameters_and_no_jwt(
    closed_url: str, voximplant_credentials: dict[str, str]
) -> None:
    preview = preview_conference(
        "voximplant",
        name="standup",
        base_url=closed_url,
        credentials=voximplant_credentials,
        rule_id=42,
    )
    (request,) = preview.messages
    assert request["url"] == f"{closed_url}/StartConference?conference_name=standup&rule_id=42"
    text = preview.render()
    assert "Bearer <redacted>" in text
    assert "eyJ" not in text  # no JWT (base64 of '{"')
    assert "PRIVATE KEY" not in text


def test_trueconf_dry_run_shows_the_websocket_messages_with_the_pin_redacted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRUECONF_PIN", SECRETS["trueconf"])
    target = f"ws://127.0.0.1:{free_port()}"
    preview = preview_conference(
        "trueconf", name="Code review", base_url=target, invite_list=["user1@some.server"]
    )
    assert preview.transport == "websocket" and preview.target == target
    auth, create = (message["message"] for message in preview.messages)
    assert auth == {
        "method": "auth",
        "requestId": auth["requestId"],
        "type": "secured",
        "credentials": "<redacted>",
    }
    assert create["method"] == "createConference"
    assert create["title"] == "Code review" and create["inviteList"] == ["user1@some.server"]
    assert SECRETS["trueconf"] not in preview.render()
    assert f"would connect to {target}" in preview.render()


def test_trueconf_dry_run_without_credentials_is_unsecured() -> None:
    preview = preview_conference("trueconf", name="Review")
    assert preview.target == "ws://localhost:8765"
    assert preview.messages[0]["message"]["type"] == "unsecured"


@pytest.mark.parametrize(
    ("provider", "options"),
    [("telnyx", {"call_control_id": "x", "nme": "y"}), ("trueconf", {"conf_typ": "role"})],
)
def test_dry_run_checks_options_like_a_real_call(provider: str, options: dict[str, Any]) -> None:
    with pytest.raises(InvalidOptionsError, match="did you mean"):
        preview_conference(provider, name="standup", **options)


def test_dry_run_refuses_bad_values_like_a_real_call(
    scripted_client: Callable[..., Any],
) -> None:
    with pytest.raises(InvalidOptionsError, match="conference_name"):
        preview_conference("voximplant", name="x" * 60, rule_id=1)
