"""Each provider's documented error bodies become the one normalised error tree, with
the provider's status, code and message, ``retryable``, and the original chained."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from conferencing import (
    AuthenticationError,
    ConferencingError,
    ProviderError,
    RateLimitedError,
    UnavailableError,
    ValidationError,
    acreate_conference,
    create_conference,
)

OPTIONS: dict[str, dict[str, Any]] = {
    "telnyx": {"call_control_id": "v3:abc"},
    "signalwire": {},
    "voximplant": {"rule_id": 42},
}


def telnyx_errors(code: str, title: str, detail: str) -> dict[str, Any]:
    return {"errors": [{"code": code, "title": title, "detail": detail}]}


# (provider, status, body, expected class, retryable, code, message)
DOCUMENTED = [
    pytest.param(
        "telnyx", 401, telnyx_errors("10009", "Authentication failed", "Bad API key"),
        AuthenticationError, False, "10009", "Bad API key", id="telnyx-401",
    ),
    pytest.param(
        "telnyx", 422, telnyx_errors("10015", "Invalid value", "name is too long"),
        ValidationError, False, "10015", "name is too long", id="telnyx-422",
    ),
    pytest.param(
        "telnyx", 429, telnyx_errors("10011", "Too many requests", "Slow down"),
        RateLimitedError, True, "10011", "Slow down", id="telnyx-429-10011",
    ),
    pytest.param(
        "signalwire", 422,
        {"errors": [{"type": "validation_error", "code": "invalid_parameter",
                     "message": "Name is invalid", "attribute": "name", "url": "https://x"}]},
        ValidationError, False, "invalid_parameter", "Name is invalid", id="signalwire-422",
    ),
    pytest.param(
        "signalwire", 400, {"error": "Bad request body"},
        ValidationError, False, None, "Bad request body", id="signalwire-400",
    ),
    pytest.param(
        "signalwire", 401, {"error": "Unauthorized"},
        AuthenticationError, False, None, "Unauthorized", id="signalwire-401",
    ),
    pytest.param(
        "signalwire", 500, {"error": "Internal server error"},
        UnavailableError, True, None, "Internal server error", id="signalwire-500",
    ),
    pytest.param(
        "voximplant", 200, {"error": {"code": 100, "msg": "Authorization failed"}},
        ProviderError, False, 100, "Authorization failed", id="voximplant-200-error",
    ),
    pytest.param(
        "voximplant", 200, {"errors": [{"code": 330, "msg": "Rule not found"}]},
        ProviderError, False, 330, "Rule not found", id="voximplant-200-errors-list",
    ),
    pytest.param(
        "voximplant", 429, {"error": {"code": 429, "msg": "Too many requests"}},
        RateLimitedError, True, 429, "Too many requests", id="voximplant-429",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("provider", "status", "body", "error_class", "retryable", "code", "message"), DOCUMENTED
)
def test_documented_error_bodies_are_normalised(
    scripted_client: Callable[..., Any],
    provider: str,
    status: int,
    body: dict[str, Any],
    error_class: type[ConferencingError],
    retryable: bool,
    code: int | str | None,
    message: str,
) -> None:
    client, _ = scripted_client(provider, httpx.Response(status, json=body))
    with pytest.raises(error_class) as caught:
        create_conference(provider, name="standup", client=client, **OPTIONS[provider])
    error = caught.value
    assert type(error) is error_class
    assert error.provider == provider
    assert error.status_code == status
    assert error.code == code
    assert error.message == message
    assert error.retryable is retryable
    pkg_errors = __import__(f"confgen_{provider}.errors", fromlist=["APIStatusError"])
    assert isinstance(error.__cause__, pkg_errors.APIStatusError)


@pytest.mark.parametrize("provider", ["telnyx", "voximplant", "signalwire"])
async def test_async_errors_are_normalised_the_same_way(
    scripted_client: Callable[..., Any], provider: str
) -> None:
    client, _ = scripted_client(
        provider, httpx.Response(503, json={"error": "down"}), asynchronous=True
    )
    with pytest.raises(UnavailableError) as caught:
        await acreate_conference(provider, name="standup", client=client, **OPTIONS[provider])
    assert caught.value.retryable and caught.value.status_code == 503


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")],
    ids=["connect", "timeout"],
)
def test_connection_failures_are_unavailable_and_retryable(
    scripted_client: Callable[..., Any], failure: Exception
) -> None:
    client, _ = scripted_client("telnyx", failure)
    with pytest.raises(UnavailableError) as caught:
        create_conference("telnyx", name="standup", client=client, call_control_id="v3:abc")
    assert caught.value.retryable is True
    assert caught.value.status_code is None
    assert caught.value.__cause__ is not None


def test_error_text_carries_no_credential(scripted_client: Callable[..., Any]) -> None:
    from tests.facade.conftest import SECRETS

    client, _ = scripted_client(
        "telnyx", httpx.Response(401, json=telnyx_errors("10009", "Auth", "Bad key"))
    )
    with pytest.raises(AuthenticationError) as caught:
        create_conference("telnyx", name="standup", client=client, call_control_id="v3:abc")
    assert SECRETS["telnyx"] not in f"{caught.value} {caught.value!r}"
    assert str(caught.value) == "telnyx: Bad key (HTTP 401, code 10009)"


# --- TrueConf -----------------------------------------------------------------------


async def test_trueconf_wrong_pin_is_an_authentication_error(room: Any) -> None:
    with pytest.raises(AuthenticationError) as caught:
        await acreate_conference(
            "trueconf", name="Review", credentials={"pin": "0000"}, base_url=room.url
        )
    assert caught.value.retryable is False
    assert caught.value.code == 1  # the Room's resultCode
    assert not room.commands("createConference")


async def test_trueconf_room_not_logged_in_is_a_provider_error(room: Any) -> None:
    room.app_state = 2
    with pytest.raises(ProviderError) as caught:
        await acreate_conference(
            "trueconf", name="Review", credentials={"pin": "1234"}, base_url=room.url
        )
    assert "not logged in" in caught.value.message
    assert caught.value.retryable is False


async def test_trueconf_dropped_connection_is_unavailable_and_retryable(room: Any) -> None:
    room.faults.drop = "before_ack"
    with pytest.raises(UnavailableError) as caught:
        await acreate_conference(
            "trueconf", name="Review", credentials={"pin": "1234"}, base_url=room.url
        )
    assert caught.value.retryable is True


async def test_trueconf_unreachable_room_is_unavailable() -> None:
    from tests.contract.conftest import free_port

    with pytest.raises(UnavailableError):
        await acreate_conference(
            "trueconf", name="Review", base_url=f"ws://127.0.0.1:{free_port()}"
        )
