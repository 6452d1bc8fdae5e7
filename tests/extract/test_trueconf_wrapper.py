"""TrueConf's official wrapper read with `ast`: commands, parameters, notifications."""

from __future__ import annotations

import pytest

from confgen.errors import ExtractError
from confgen.extract.page import Page
from confgen.extract.trueconf_wrapper import (
    extract_trueconf_wrapper,
    read_commands,
    read_consts,
)
from tests.conftest import ROOT

METHODS = (ROOT / "specs/sources/trueconf/methods.py").read_text(encoding="utf-8")
CONSTS = (ROOT / "specs/sources/trueconf/consts.py").read_text(encoding="utf-8")
SELECT = {"commands": ["hangUp", "kickPeer"], "notifications": ["participantLeftConference"]}


def pages(methods: str = METHODS, consts: str = CONSTS) -> dict[str, Page]:
    return {"methods": Page("methods.py", methods), "consts": Page("consts.py", consts)}


def test_commands_parameters_and_defaults() -> None:
    commands = read_commands(Page("methods.py", METHODS))
    assert len(commands) > 200
    assert commands["hangUp"]["params"] == {
        "forAll": {"required": False, "type": "boolean", "default": False}
    }
    assert commands["turnRemoteMic"]["params"] == {
        "peerId": {"required": True, "type": "string"},
        "on": {"required": True, "type": "boolean"},
    }
    # The wrapper lags the page: createConference without the newer parameters.
    assert set(commands["createConference"]["params"]) == {
        "title", "confType", "autoAccept", "inviteList",
    }  # fmt: skip


def test_consts_give_notification_and_reply_fields_and_the_typo() -> None:
    events, replies, constants = read_consts(Page("consts.py", CONSTS))
    assert events["participantLeftConference"] == ["peerId"]
    assert replies["getConferenceParticipants"] == ["confId", "participants", "result"]
    assert constants["CONFTYPE_asymmetric"] == "assymetric"


def test_the_wrapper_is_parsed_never_run() -> None:
    trap = "raise SystemExit('executed')\n" + METHODS.lstrip("\ufeff")
    assert "hangUp" in read_commands(Page("methods.py", trap))


def test_selected_parts_are_asyncapi_pieces() -> None:
    document = extract_trueconf_wrapper(pages(), SELECT)
    schemas = document["components"]["schemas"]
    assert schemas["HangUpRequest"]["properties"]["forAll"] == {"type": "boolean", "default": False}
    assert schemas["HangUpRequest"]["required"] == ["method", "requestId"]
    assert schemas["KickPeerRequest"]["required"] == ["method", "requestId", "peerId"]
    assert document["operations"]["kickPeer"]["reply"]["messages"] == [
        {"$ref": "#/channels/room/messages/kickPeerReply"}
    ]
    assert document["components"]["messages"]["participantLeftConference"]["x-confgen-kind"] == (
        "notification"
    )


def test_a_parameter_added_to_the_wrapper_shows_up() -> None:
    changed = METHODS.replace(
        'command = {"method": "kickPeer", "peerId": peerId}',
        'command = {"method": "kickPeer", "peerId": peerId, "reason": reason}',
    ).replace("def kickPeer(self, peerId: str):", "def kickPeer(self, peerId: str, reason: str):")
    assert changed != METHODS
    schema = extract_trueconf_wrapper(pages(changed), SELECT)["components"]["schemas"]
    assert schema["KickPeerRequest"]["properties"]["reason"] == {"type": "string"}


def test_a_command_the_wrapper_lacks_is_a_located_error() -> None:
    with pytest.raises(ExtractError, match="no command 'setWaitingRoomState'") as error:
        extract_trueconf_wrapper(pages(), {"commands": ["setWaitingRoomState"]})
    assert error.value.source == "methods.py"
