"""The TrueConf WebSocket method-page extractor, on the real page and on altered copies."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from confgen.errors import ExtractError
from confgen.extract.overlay import apply_overlay
from confgen.extract.page import Page
from confgen.extract.ws_method_page import extract_ws_method_page, join_lines
from confgen.yamlio import dump_yaml, load_yaml

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "specs/sources/trueconf-createConference.txt"
OVERLAY = "specs/overlays/trueconf.overlay.yaml"
SCHEMA = "generator/confgen/schemas/asyncapi-3.0.0.schema.json"
TEXT = (ROOT / SOURCE).read_text(encoding="utf-8")

NOTIFICATIONS = [
    "appStateChanged",
    "conferenceCreated",
    "tariffRestrictionsChanged",
    "conferenceDeleted",
    "participantLeftConference",
    "newParticipantInConference",
    "smartMeetingModeChanged",
    "participantPresenceInWaitingRoomChanged",
    "waitingRoomStateChanged",
    "myStateInWaitingRoomChanged",
]
COMMANDS = [
    "getTariffRestrictions",
    "getSessionLink",
    "setWaitingRoomState",
    "setParticipantPresenceInWaitingRoom",
    "hangUp",
    "getConferenceParticipants",
    "inviteToConference",
    "changeConferenceMode",
]


@cache
def _asyncapi_validator() -> Draft7Validator:
    return Draft7Validator(json.loads((ROOT / SCHEMA).read_text(encoding="utf-8")))


def _extract(text: str = TEXT) -> dict[str, Any]:
    return extract_ws_method_page([Page(SOURCE, text)])


def _altered(old: str, new: str) -> str:
    """The real page with one exact, unique fragment replaced."""
    assert TEXT.count(old) == 1, old
    return TEXT.replace(old, new)


def _error(text: str) -> ExtractError:
    with pytest.raises(ExtractError) as caught:
        _extract(text)
    assert caught.value.source == SOURCE
    return caught.value


def _line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def _request(document: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"]["CreateConferenceRequest"]
    return schema


def _assert_valid_asyncapi(document: dict[str, Any]) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in _asyncapi_validator().iter_errors(document)
    ]
    assert errors == []


# --------------------------------------------------------------------------- real page


def test_real_page_is_valid_asyncapi() -> None:
    document = _extract()
    assert document["asyncapi"] == "3.0.0"
    assert document["info"]["title"] == "TrueConf Room API"
    assert document["info"]["version"] == "1.0.0"
    assert document["defaultContentType"] == "application/json"
    _assert_valid_asyncapi(document)


def test_messages_and_schemas_are_named_for_code_generation() -> None:
    document = _extract()
    messages = document["components"]["messages"]
    assert list(messages) == ["createConference", "createConferenceReply", *NOTIFICATIONS]
    assert messages["createConference"]["x-confgen-kind"] == "command"
    assert messages["createConferenceReply"]["x-confgen-kind"] == "reply"
    assert messages["createConference"]["payload"] == {
        "$ref": "#/components/schemas/CreateConferenceRequest"
    }
    assert messages["createConferenceReply"]["payload"] == {
        "$ref": "#/components/schemas/CreateConferenceReply"
    }
    assert messages["conferenceCreated"]["payload"] == {
        "$ref": "#/components/schemas/ConferenceCreatedEvent"
    }
    for name in NOTIFICATIONS:
        assert messages[name]["x-confgen-kind"] == "notification"
    assert list(document["components"]["schemas"]) == [
        "CreateConferenceRequest",
        "CreateConferenceReply",
        *[name[0].upper() + name[1:] + "Event" for name in NOTIFICATIONS],
    ]
    channel = document["channels"]["room"]
    assert channel["messages"] == {
        name: {"$ref": f"#/components/messages/{name}"} for name in messages
    }
    assert "address" not in channel  # the page gives none; the overlay adds it


def test_operations_send_with_reply_and_receive_notifications() -> None:
    operations = _extract()["operations"]
    assert list(operations) == [
        "createConference",
        *["on" + name[0].upper() + name[1:] for name in NOTIFICATIONS],
    ]
    create = operations["createConference"]
    assert create["action"] == "send"
    assert create["channel"] == {"$ref": "#/channels/room"}
    assert create["messages"] == [{"$ref": "#/channels/room/messages/createConference"}]
    assert create["reply"] == {
        "channel": {"$ref": "#/channels/room"},
        "messages": [{"$ref": "#/channels/room/messages/createConferenceReply"}],
    }
    assert operations["onConferenceCreated"] == {
        "action": "receive",
        "channel": {"$ref": "#/channels/room"},
        "messages": [{"$ref": "#/channels/room/messages/conferenceCreated"}],
    }


def test_request_fields_types_and_required() -> None:
    request = _request(_extract())
    properties = request["properties"]
    assert list(properties) == [
        "method",
        "requestId",
        "title",
        "confType",
        "autoAccept",
        "useWaitingRoom",
        "muteCamOnJoin",
        "muteMicOnJoin",
        "castersCount",
        "inviteList",
        "smartMeeting",
    ]
    assert properties["method"] == {"type": "string", "const": "createConference"}
    types = {name: schema["type"] for name, schema in properties.items()}
    assert types == {
        "method": "string",
        "requestId": "string",
        "title": "string",
        "confType": "string",
        "autoAccept": "boolean",
        "useWaitingRoom": "boolean",
        "muteCamOnJoin": "boolean",
        "muteMicOnJoin": "boolean",
        "castersCount": "integer",
        "inviteList": "array",
        "smartMeeting": "boolean",  # not in the example: "a flag" in the prose
    }
    assert properties["inviteList"]["items"] == {"type": "string"}
    # Optional ("optional"/default in the prose) vs. required (no such statement).
    assert request["required"] == [
        "method",
        "requestId",
        "title",
        "confType",
        "autoAccept",
        "castersCount",
        "inviteList",
    ]


def test_defaults_from_the_prose() -> None:
    properties = _request(_extract())["properties"]
    defaults = {
        name: schema["default"] for name, schema in properties.items() if "default" in schema
    }
    assert defaults == {
        "useWaitingRoom": False,
        "muteCamOnJoin": False,
        "muteMicOnJoin": False,
        "smartMeeting": False,
    }


def test_conf_type_enum_with_meanings() -> None:
    conf_type = _request(_extract())["properties"]["confType"]
    assert conf_type["enum"] == ["symmetric", "asymmetric", "role"]
    assert conf_type["x-enum-descriptions"] == ["All on screen", "Video lecture", "Role-based"]
    assert conf_type["description"] == (
        "Conference type. It can be as follows:\n"
        "symmetric — All on screen\n"
        "asymmetric — Video lecture\n"
        "role — Role-based"
    )


def test_descriptions_are_the_page_text_with_lines_joined() -> None:
    document = _extract()
    properties = _request(document)["properties"]
    assert properties["title"]["description"] == "Conference name"
    assert properties["autoAccept"]["description"] == (
        "Flag allowing participants to automatically join conference"
    )
    assert properties["castersCount"]["description"] == (
        "the number of participants in thevideo layout that can be on the podium "
        "simultaneously (can be obtained from the getTariffRestrictions command or the "
        "tariffRestrictionsChanged notification)"
    )
    assert properties["smartMeeting"]["description"].endswith(
        "This parameter is optional and if not present, defaults tofalse."
    )
    assert properties["requestId"]["description"] == (
        "a unique request identifier. You can learn more about it here."
    )
    # The closing note is about the command, not part of requestId.
    description = document["components"]["messages"]["createConference"]["description"]
    assert description.startswith(
        'Create a group conference. Receiving a positive response ("result" : true) indicates'
    )
    assert "status to 5, in the appStateChanged notification" in description
    assert description.endswith(
        "in the inviteList; it will automatically be added as the first participant with "
        "the owner role."
    )


def test_examples_are_the_page_examples_and_match_their_schemas() -> None:
    document = _extract()
    messages = document["components"]["messages"]
    schemas = document["components"]["schemas"]
    request = messages["createConference"]["examples"][0]["payload"]
    reply = messages["createConferenceReply"]["examples"][0]["payload"]
    assert request["confType"] == "role"
    assert request["inviteList"] == ["user1@some.server", "user2@some.server", "user3@some.server"]
    assert reply == {"method": "createConference", "requestId": "1", "result": True}
    Draft7Validator(schemas["CreateConferenceRequest"]).validate(request)
    Draft7Validator(schemas["CreateConferenceReply"]).validate(reply)
    assert schemas["CreateConferenceReply"] == {
        "type": "object",
        "properties": {
            "method": {"type": "string", "const": "createConference"},
            "requestId": {"type": "string"},
            "result": {"type": "boolean"},
        },
        "required": ["method", "requestId", "result"],
    }


def test_notification_payload_is_the_envelope_only() -> None:
    schema = _extract()["components"]["schemas"]["ConferenceCreatedEvent"]
    assert schema == {
        "type": "object",
        "properties": {
            "method": {"type": "string", "const": "event"},
            "event": {"type": "string", "const": "conferenceCreated"},
        },
        "required": ["method", "event"],
        "additionalProperties": True,
    }


def test_see_also_classification() -> None:
    see_also = _extract()["x-confgen-see-also"]
    assert see_also == {
        "commands": COMMANDS,
        "notifications": NOTIFICATIONS,
        "topics": ["Waiting room"],
    }


def test_deterministic() -> None:
    first, second = _extract(), _extract()
    assert first == second
    assert dump_yaml(first) == dump_yaml(second)
    assert json.dumps(first) == json.dumps(second)


def test_join_lines_keeps_punctuation_attached() -> None:
    assert join_lines(['response ("result" : true', ") indicates"]) == (
        'response ("result" : true) indicates'
    )
    assert join_lines(["status to", "5", ", in the"]) == "status to 5, in the"


# --------------------------------------------------------------------------- altered pages


def test_parameter_added_to_example_and_prose_appears() -> None:
    text = _altered('"castersCount" : 4,\n', '"castersCount" : 4,\n"recordOnStart" : true,\n')
    text = text.replace(
        "-Role-based\ninviteList\n",
        "-Role-based\nrecordOnStart\n- a flag that starts recording. Optional parameter.inviteList\n",
    )
    properties = _request(_extract(text))["properties"]
    assert properties["recordOnStart"] == {
        "type": "boolean",
        "description": "a flag that starts recording. Optional parameter.",
    }
    assert "recordOnStart" not in _request(_extract(text))["required"]
    # The enum before it is untouched: a known example key is never taken as a value.
    assert properties["confType"]["enum"] == ["symmetric", "asymmetric", "role"]


def test_prose_only_parameter_takes_its_stated_type() -> None:
    text = _altered(
        "Parameter description:\ntitle\n",
        "Parameter description:\npinCode\n- a string with the conference PIN.\ntitle\n",
    )
    request = _request(_extract(text))
    assert request["properties"]["pinCode"] == {
        "type": "string",
        "description": "a string with the conference PIN.",
    }
    assert "pinCode" in request["required"]


def test_enum_value_removed_from_the_prose_is_gone() -> None:
    conf_type = _request(_extract(_altered("asymmetric\n—Video lecture\n", "")))["properties"][
        "confType"
    ]
    assert conf_type["enum"] == ["symmetric", "role"]
    assert conf_type["x-enum-descriptions"] == ["All on screen", "Role-based"]


def test_example_value_outside_the_listed_values_is_an_error() -> None:
    text = _altered("role\n-Role-based\n", "")
    error = _error(text)
    assert error.line == _line_of(text, "conferenceconfType")  # where the name is
    assert "'role'" in error.message


def test_truncated_request_example_names_the_line() -> None:
    text = _altered('"castersCount" : 4,\n"inviteList" : [\n', '"castersCount" : 4,\n').replace(
        '"user1@some.server",\n"user2@some.server",\n"user3@some.server"\n]\n}\n', ""
    )
    error = _error(text)
    assert "request example is not valid JSON" in error.message
    assert error.line == _line_of(text, '"castersCount" : 4,')


def test_json_syntax_error_names_the_line_and_column() -> None:
    text = _altered('"autoAccept" : false,', '"autoAccept" : nope,')
    error = _error(text)
    assert (error.line, error.column) == (_line_of(text, '"autoAccept" : nope'), 16)
    assert f"{SOURCE}:{error.line}:16" in str(error)


def test_parameter_name_inside_a_description_is_not_a_parameter() -> None:
    text = _altered(
        "- the number of participants in thevideo layout\n",
        "- the number of participants (see muteMicOnJoin\n) in thevideo layout\n",
    ).replace(
        "Flag allowing participants to automatically join conference",
        "Flag allowing participants in the inviteList to automatically join conference",
    )
    real = _request(_extract())
    properties = _request(_extract(text))["properties"]
    assert list(properties) == list(real["properties"])
    assert properties["castersCount"]["description"].startswith(
        "the number of participants (see muteMicOnJoin) in thevideo layout"
    )
    assert properties["muteMicOnJoin"] == real["properties"]["muteMicOnJoin"]
    # On the real page "inviteList" ends a line of the closing note, too.
    assert "There is no need" not in real["properties"]["inviteList"]["description"]


def test_page_without_method_heading() -> None:
    error = _error(TEXT.replace("# createConference\n", "createConference\n", 1))
    assert error.line == 1
    assert error.expected == "a first line '# <methodName>'"


def test_heading_and_example_disagree() -> None:
    error = _error(_altered("# createConference\n", "# deleteConference\n"))
    assert "'createConference'" in error.message
    assert error.line == _line_of(TEXT, "{")


def test_missing_section_marker() -> None:
    error = _error(_altered("Response example:\n", ""))
    assert error.expected == "a 'Response example:' line"


def test_undescribed_type_for_prose_only_parameter() -> None:
    text = _altered(
        "Parameter description:\ntitle\n",
        "Parameter description:\npinCode\n- the conference PIN. Optional parameter.\ntitle\n",
    )
    error = _error(text)
    assert "'pinCode'" in error.message
    assert error.line == _line_of(text, "pinCode")


def test_example_and_prose_type_disagree() -> None:
    error = _error(_altered('"castersCount" : 4,', '"castersCount" : "4",'))
    assert "'castersCount'" in error.message
    assert error.line == _line_of(TEXT, "namecastersCount")


def test_unclassifiable_see_also_name() -> None:
    text = TEXT.rstrip("\n") + "\n- conferenceRecording\n"
    error = _error(text)
    assert "'conferenceRecording'" in error.message
    assert error.line == _line_of(text, "- conferenceRecording")


def test_one_page_only() -> None:
    with pytest.raises(ExtractError):
        extract_ws_method_page([])


# --------------------------------------------------------------------------- overlay


def _overlaid() -> dict[str, Any]:
    """The page's extraction merged with the wrapper's commands (as `confgen extract`
    does), then the overlay, which also describes the wrapper's commands."""
    from confgen.extract.pipeline import read_published
    from confgen.extract.trueconf_wrapper import extract_trueconf_wrapper, merge_asyncapi
    from confgen.manifest import load_manifest

    [provider] = [p for p in load_manifest(ROOT / "specs/providers.toml") if p.name == "trueconf"]
    wrapper = extract_trueconf_wrapper(read_published(provider), provider.select)
    merged, _ = merge_asyncapi(
        _extract(), wrapper, pages=[], methods_source="methods.py", consts_source="consts.py"
    )
    overlay = load_yaml((ROOT / OVERLAY).read_text(encoding="utf-8"))
    return apply_overlay(merged, overlay, source=OVERLAY)


def test_overlay_applies_and_stays_valid_asyncapi() -> None:
    overlay = load_yaml((ROOT / OVERLAY).read_text(encoding="utf-8"))
    assert overlay["overlay"] == "1.0.0"
    assert all(action.get("x-source") for action in overlay["actions"])
    document = _overlaid()
    _assert_valid_asyncapi(document)
    # Page facts are not overwritten by the overlay, except the one recorded decision:
    # castersCount is optional (see the overlay's x-source).
    page_request = _request(_extract())
    overlaid_request = _request(document)
    assert overlaid_request["required"] == [
        name for name in page_request["required"] if name != "castersCount"
    ]
    assert "castersCount" in page_request["required"]
    assert {**overlaid_request, "required": page_request["required"]} == page_request


def test_overlay_server_and_channel() -> None:
    document = _overlaid()
    server = document["servers"]["room"]
    assert (server["host"], server["protocol"]) == ("{host}:{port}", "ws")
    assert server["variables"]["port"]["default"] == "8765"
    assert server["variables"]["host"]["x-confgen-argument"] == "host"
    assert server["x-confgen-port-discovery"]["url"] == (
        "http://{host}:{http_port}/public/default/config.json"
    )
    assert document["channels"]["room"]["address"] == "/"
    assert document["x-confgen-envelope"]["notification-method"] == "event"


def test_overlay_auth_command() -> None:
    document = _overlaid()
    schemas, messages = document["components"]["schemas"], document["components"]["messages"]
    assert messages["auth"]["x-confgen-kind"] == "command"
    assert messages["authReply"]["x-confgen-kind"] == "reply"
    assert document["operations"]["auth"]["reply"]["messages"] == [
        {"$ref": "#/channels/room/messages/authReply"}
    ]
    request = Draft7Validator(schemas["AuthRequest"])
    assert request.is_valid({"method": "auth", "requestId": "1", "type": "unsecured"})
    assert request.is_valid(
        {"method": "auth", "requestId": "1", "type": "secured", "credentials": "1234"}
    )
    assert not request.is_valid({"method": "auth", "requestId": "1", "type": "secured"})
    Draft7Validator(schemas["AuthReply"]).validate(
        {"method": "auth", "requestId": "1", "result": True, "resultCode": 0, "token": "t"}
    )


def test_overlay_notification_fields() -> None:
    schemas = _overlaid()["components"]["schemas"]
    app_state = schemas["AppStateChangedEvent"]
    assert app_state["properties"]["appState"]["enum"] == list(range(7))
    assert app_state["properties"]["appState"]["x-enum-names"][5] == "in conference"
    assert app_state["required"] == ["method", "event", "appState"]
    created = schemas["ConferenceCreatedEvent"]["properties"]
    assert created["confType"]["type"] == "integer"
    assert {"confId", "confTitle", "joinUrl"} <= set(created)
    Draft7Validator(schemas["ConferenceCreatedEvent"]).validate(
        {"method": "event", "event": "conferenceCreated", "confId": "c1", "confType": 0}
    )
