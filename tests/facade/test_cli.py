"""``confgen conference create`` and ``confgen providers``: output and exit codes
(0 success, 2 usage error, 1 provider or network error; errors on stderr, no traceback)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from confgen.cli import main
from tests.contract.conftest import free_port
from tests.facade.conftest import SECRETS


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's own usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_create_against_prism_prints_the_conference_as_json(
    capsys: pytest.CaptureFixture[str], prism: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", SECRETS["telnyx"])
    code, out, err = run(
        capsys, "conference", "create", "--provider", "telnyx", "--name", "standup",
        "--option", "call_control_id=v3:abc", "--base-url", prism("telnyx").url, "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    printed = json.loads(out)
    assert printed["provider"] == "telnyx" and printed["id"] and printed["join_url"] is None
    assert printed["raw"]["data"]["id"] == printed["id"]


def test_unsecured_auth_refused_by_the_room_exits_1(
    capsys: pytest.CaptureFixture[str], threaded_room: Any
) -> None:
    code, out, _ = run(
        capsys, "conference", "create", "--provider", "trueconf", "--name", "Code review",
        "--option", 'invite_list=["user1@some.server"]', "--option", "casters_count=2",
        "--base-url", threaded_room.url,
    )  # fmt: skip
    # No PIN given: the client authenticates unsecured, which this Room (PIN 1234) refuses.
    assert code == 1
    assert out == ""


def test_trueconf_create_with_the_pin_from_the_environment(
    capsys: pytest.CaptureFixture[str], threaded_room: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUECONF_PIN", "1234")
    code, out, err = run(
        capsys, "conference", "create", "--provider", "trueconf", "--name", "Code review",
        "--option", 'invite_list=["user1@some.server"]', "--option", "casters_count=2",
        "--base-url", threaded_room.url,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "created trueconf conference" in out and "id:       conf-1" in out
    sent = threaded_room.commands("createConference")[0]
    assert sent["inviteList"] == ["user1@some.server"] and sent["castersCount"] == 2


def test_a_refused_pin_exits_1_with_the_error_on_stderr(
    capsys: pytest.CaptureFixture[str], threaded_room: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUECONF_PIN", "0000")
    code, out, err = run(
        capsys, "conference", "create", "--provider", "trueconf", "--name", "Review",
        "--base-url", threaded_room.url,
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert err.startswith("confgen: error: AuthenticationError: trueconf:")
    assert "0000" not in err


def test_an_unreachable_server_exits_1_and_says_retryable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", "KEY")
    code, _, err = run(
        capsys, "conference", "create", "--provider", "telnyx", "--name", "standup",
        "--option", "call_control_id=v3:abc", "--base-url", f"http://127.0.0.1:{free_port()}",
    )  # fmt: skip
    assert code == 1
    assert "UnavailableError (retryable)" in err


def test_an_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "conference", "create", "--provider", "voximplant", "--name", "s",
        "--option", "rule_di=42",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert "did you mean 'rule_id'?" in err


def test_missing_credentials_exit_2_naming_the_variable(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "conference", "create", "--provider", "telnyx", "--name", "s",
        "--option", "call_control_id=v3:x",
    )  # fmt: skip
    assert code == 2 and "TELNYX_API_KEY" in err


@pytest.mark.parametrize(
    "argv",
    [
        ("conference", "create", "--provider", "nope", "--name", "s"),
        ("conference", "create", "--provider", "telnyx"),
        ("conference", "create", "--provider", "telnyx", "--name", "s", "--option", "novalue"),
    ],
    ids=["unknown-provider", "no-name", "option-without-equals"],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err


def test_dry_run_parses_json_option_values_and_sends_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "conference", "create", "--provider", "voximplant", "--name", "standup",
        "--option", "rule_id=42", "--option", "script_custom_data=hello world",
        "--base-url", f"http://127.0.0.1:{free_port()}", "--dry-run", "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    preview = json.loads(out)
    assert preview["dry_run"] is True and preview["sent"] is False
    assert preview["dummy_credentials"] == [
        {"argument": "credentials", "env": "VOXIMPLANT_CREDENTIALS"}
    ]
    # Query values are percent-encoded as OpenAPI's form style (RFC 6570) says: %20.
    assert preview["messages"][0]["url"].endswith(
        "/StartConference?conference_name=standup&rule_id=42&script_custom_data=hello%20world"
    )


@pytest.mark.parametrize(
    ("provider", "options", "expected"),
    [
        ("telnyx", ["call_control_id=v3:x"], "POST https://api.telnyx.com/v2/conferences"),
        ("voximplant", ["rule_id=42"], "StartConference?conference_name=standup&rule_id=42"),
        ("signalwire", [], "POST https://example.signalwire.com/api/video/conferences"),
        ("trueconf", ['invite_list=["a@b"]'], '"inviteList": ["a@b"]'),
    ],
)
def test_dry_run_text_for_each_provider_says_dummy_credentials(
    capsys: pytest.CaptureFixture[str], provider: str, options: list[str], expected: str
) -> None:
    if provider == "signalwire":
        from tests.facade.conftest import package

        package("signalwire")
    argv = ["conference", "create", "--provider", provider, "--name", "standup", "--dry-run"]
    for option in options:
        argv += ["--option", option]
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    assert out.startswith("DRY RUN: nothing was sent")
    assert expected in out
    if provider != "trueconf":  # TrueConf needs no credentials: it falls back to unsecured
        assert "dummy credentials used for" in out


def test_providers_lists_operations_and_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "providers")
    assert code == 0
    for needle in (
        "telnyx: Telnyx Call Control API",
        "conferences.create_conference",
        "$TELNYX_API_KEY",
        "$SIGNALWIRE_PROJECT_ID",
        "$SIGNALWIRE_API_TOKEN",
        "$SIGNALWIRE_SPACE",
        "$VOXIMPLANT_CREDENTIALS",
        "scenarios.start_conference (name -> conference_name)",
        "$TRUECONF_PIN",
        "rule_id (required)",
    ):
        assert needle in out


def test_providers_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "providers", "--json")
    listed = {entry["provider"]: entry for entry in json.loads(out)}
    assert code == 0 and set(listed) == {"signalwire", "telnyx", "trueconf", "voximplant"}
    assert listed["trueconf"]["transport"] == "websocket"
    assert {"name": "conf_type", "required": False, "default": "symmetric"} in listed["trueconf"][
        "options"
    ]
