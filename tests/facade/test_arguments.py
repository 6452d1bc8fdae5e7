"""What the facade refuses before anything is sent: unknown or missing options, values
the request model refuses, missing credentials, and clients of the wrong kind."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from conferencing import (
    ConferencingError,
    InvalidOptionsError,
    MissingCredentialsError,
    UnknownProviderError,
    acreate_conference,
    create_conference,
)
from conferencing._registry import get_adapter
from tests.facade.conftest import package

SENT_NOTHING = httpx.Response(500)


def test_a_misspelled_option_names_the_closest_and_lists_the_valid_ones(
    scripted_client: Callable[..., Any],
) -> None:
    client, requests = scripted_client("telnyx", SENT_NOTHING)
    with pytest.raises(InvalidOptionsError) as caught:
        create_conference(
            "telnyx", name="standup", client=client, call_control_id="v3:x", beep_enable="always"
        )
    error = caught.value
    assert error.suggestions == {"beep_enable": "beep_enabled"}
    assert "did you mean 'beep_enabled'?" in str(error)
    assert "call_control_id" in error.valid and "max_participants" in str(error)
    assert error.retryable is False
    assert requests == []


def test_an_unknown_option_without_a_close_match_still_lists_the_valid_ones() -> None:
    with pytest.raises(InvalidOptionsError) as caught:
        create_conference("voximplant", name="standup", rule_id=1, zzz=1)
    assert caught.value.suggestions == {}
    assert "rule_id" in str(caught.value) and "'zzz'" in str(caught.value)


def test_the_name_field_is_given_as_name_not_as_an_option() -> None:
    with pytest.raises(InvalidOptionsError, match=re.escape("name=..., not conference_name=")):
        create_conference("voximplant", name="a", rule_id=1, conference_name="b")


def test_a_missing_required_option_is_named() -> None:
    with pytest.raises(InvalidOptionsError, match="needs the option call_control_id"):
        create_conference("telnyx", name="standup", credentials="KEY")


def test_a_value_the_request_model_refuses_fails_before_sending(
    scripted_client: Callable[..., Any],
) -> None:
    client, requests = scripted_client("telnyx", SENT_NOTHING)
    with pytest.raises(InvalidOptionsError, match="max_participants") as caught:
        create_conference(
            "telnyx", name="standup", client=client, call_control_id="v3:x", max_participants=1
        )
    assert requests == []
    assert type(caught.value.__cause__).__name__ == "RequestValidationError"


def test_voximplant_mutually_exclusive_options_fail_before_sending(
    scripted_client: Callable[..., Any],
) -> None:
    client, requests = scripted_client("voximplant", SENT_NOTHING)
    with pytest.raises(InvalidOptionsError, match="mutually exclusive"):
        create_conference(
            "voximplant", name="s", client=client, rule_id=1, user_id=1, user_name="u"
        )
    assert requests == []


async def test_trueconf_options_are_checked_too() -> None:
    with pytest.raises(InvalidOptionsError) as caught:
        await acreate_conference("trueconf", name="Review", invite=["a"])
    assert caught.value.suggestions == {"invite": "invite_list"}


def test_missing_credentials_name_the_environment_variable() -> None:
    with pytest.raises(MissingCredentialsError) as caught:
        create_conference("telnyx", name="standup", call_control_id="v3:x")
    assert "TELNYX_API_KEY" in str(caught.value)
    assert caught.value.missing == (("api_key", "TELNYX_API_KEY"),)


def test_missing_credentials_list_every_missing_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    package("signalwire")
    monkeypatch.setenv("SIGNALWIRE_PROJECT_ID", "p")
    with pytest.raises(MissingCredentialsError) as caught:
        create_conference("signalwire", name="standup")
    assert caught.value.missing == (
        ("api_token", "SIGNALWIRE_API_TOKEN"),
        ("space", "SIGNALWIRE_SPACE"),
    )


def test_telnyx_oauth2_credentials_begun_name_the_rest() -> None:
    # Telnyx takes an API key or OAuth2 client credentials: the scheme begun is named.
    with pytest.raises(MissingCredentialsError) as caught:
        create_conference(
            "telnyx", name="standup", call_control_id="v3:x", credentials={"client_id": "cid"}
        )
    assert caught.value.missing == (("client_secret", "TELNYX_CLIENT_SECRET"),)


def test_telnyx_takes_a_ready_oauth2_access_token_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The token is a way of its own to meet the OAuth2 scheme: nothing else is asked for.
    adapter = get_adapter("telnyx")
    settings, dummied = adapter.settings({"access_token": "tok"}, None)
    assert settings == {"access_token": "tok"} and dummied == []
    monkeypatch.setenv("TELNYX_ACCESS_TOKEN", "from-env")
    assert adapter.settings(None, None) == ({}, [])


def test_voximplant_missing_credentials() -> None:
    with pytest.raises(MissingCredentialsError, match="VOXIMPLANT_CREDENTIALS"):
        create_conference("voximplant", name="standup", rule_id=42)


def test_an_async_client_is_refused_by_the_sync_function(
    scripted_client: Callable[..., Any],
) -> None:
    client, _ = scripted_client("telnyx", SENT_NOTHING, asynchronous=True)
    with pytest.raises(TypeError, match="use acreate_conference for a AsyncTelnyx"):
        create_conference("telnyx", name="standup", client=client, call_control_id="v3:x")


async def test_a_sync_client_is_refused_by_the_async_function(
    scripted_client: Callable[..., Any],
) -> None:
    client, _ = scripted_client("voximplant", SENT_NOTHING)
    with pytest.raises(TypeError, match="AsyncVoximplant"):
        await acreate_conference("voximplant", name="standup", client=client, rule_id=1)


def test_another_providers_client_is_refused(scripted_client: Callable[..., Any]) -> None:
    client, _ = scripted_client("voximplant", SENT_NOTHING)
    with pytest.raises(TypeError, match=re.escape("needs a confgen_telnyx.Telnyx, got Voximplant")):
        create_conference("telnyx", name="standup", client=client, call_control_id="v3:x")


def test_credentials_next_to_a_client_are_refused(scripted_client: Callable[..., Any]) -> None:
    client, _ = scripted_client("telnyx", SENT_NOTHING)
    with pytest.raises(TypeError, match="configure credentials and base_url on the client"):
        create_conference(
            "telnyx", name="s", client=client, credentials="KEY", call_control_id="v3:x"
        )


def test_an_unknown_provider_suggests_the_closest() -> None:
    with pytest.raises(UnknownProviderError, match="did you mean 'telnyx'") as caught:
        create_conference("telnix", name="standup")
    assert isinstance(caught.value, ConferencingError)
    assert not isinstance(caught.value, ValueError)
    assert caught.value.provider == "telnix"
    assert "telnyx" in caught.value.known
