"""`diff_specs`: one test per classification rule (see the table in generator/confgen/drift/compare.py)."""

from __future__ import annotations

import copy
from typing import Any

from confgen.drift import Change, diff_specs


def openapi() -> dict[str, Any]:
    """A small OpenAPI 3.1 document: one operation, a $ref'd body, a $ref'd response."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://api.example.com/v2"}],
        "security": [{"Bearer": []}],
        "paths": {
            "/conferences": {
                "post": {
                    "operationId": "create_conference",
                    "parameters": [
                        {"name": "dry_run", "in": "query", "schema": {"type": "boolean"}}
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/CreateRequest"}
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Conference"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "CreateRequest": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "maxLength": 100},
                        "beep": {"type": "string", "enum": ["always", "never"]},
                        "max_participants": {"type": "integer"},
                    },
                },
                "Conference": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "string"},
                        "status": {"type": "string", "enum": ["init", "in_progress"]},
                        "region": {"type": "string"},
                    },
                },
            },
            "securitySchemes": {"Bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def changed(edit: Any) -> list[Change]:
    old = openapi()
    new = copy.deepcopy(old)
    edit(new)
    return diff_specs(old, new)


def only(changes: list[Change]) -> Change:
    assert len(changes) == 1, changes
    return changes[0]


def request(spec: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"]["CreateRequest"]
    return schema


def response(spec: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"]["Conference"]
    return schema


def operation(spec: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = spec["paths"]["/conferences"]["post"]
    return found


def test_identical_specs_have_no_changes() -> None:
    assert diff_specs(openapi(), openapi()) == []


def test_descriptions_are_not_semantic() -> None:
    assert changed(lambda s: response(s)["properties"]["id"].update(description="new")) == []


def test_new_required_request_field_is_breaking() -> None:
    def edit(spec: dict[str, Any]) -> None:
        request(spec)["properties"]["region"] = {"type": "string"}
        request(spec)["required"].append("region")

    change = only(changed(edit))
    assert (change.kind, change.where, change.breaking) == (
        "field-added",
        "POST /conferences body.region",
        True,
    )
    assert "new required request field" in change.detail


def test_new_optional_request_field_is_not_breaking() -> None:
    change = only(changed(lambda s: request(s)["properties"].update(region={"type": "string"})))
    assert (change.kind, change.breaking) == ("field-added", False)


def test_new_response_field_is_not_breaking() -> None:
    change = only(changed(lambda s: response(s)["properties"].update(x={"type": "integer"})))
    assert (change.kind, change.where, change.breaking) == (
        "field-added",
        "POST /conferences response 200 body.x",
        False,
    )


def test_removed_response_field_is_breaking() -> None:
    change = only(changed(lambda s: response(s)["properties"].pop("region")))
    assert (change.kind, change.breaking) == ("field-removed", True)


def test_removed_request_field_is_breaking() -> None:
    change = only(changed(lambda s: request(s)["properties"].pop("max_participants")))
    assert (change.kind, change.where, change.breaking) == (
        "field-removed",
        "POST /conferences body.max_participants",
        True,
    )


def test_enum_value_removed_from_request_is_breaking() -> None:
    change = only(changed(lambda s: request(s)["properties"]["beep"]["enum"].remove("never")))
    assert (change.kind, change.breaking) == ("enum-value-removed", True)
    assert "'never'" in change.detail


def test_enum_value_removed_from_response_is_not_breaking() -> None:
    change = only(changed(lambda s: response(s)["properties"]["status"]["enum"].remove("init")))
    assert (change.kind, change.breaking) == ("enum-value-removed", False)


def test_enum_value_added_to_request_is_not_breaking() -> None:
    change = only(changed(lambda s: request(s)["properties"]["beep"]["enum"].append("on_exit")))
    assert (change.kind, change.breaking) == ("enum-value-added", False)


def test_enum_value_added_to_response_is_breaking_for_exhaustive_matchers() -> None:
    change = only(changed(lambda s: response(s)["properties"]["status"]["enum"].append("ended")))
    assert (change.kind, change.breaking) == ("enum-value-added", True)
    assert "exhaustive match" in change.detail


def test_type_change_is_breaking() -> None:
    change = only(
        changed(lambda s: request(s)["properties"]["max_participants"].update(type="string"))
    )
    assert (change.kind, change.breaking) == ("type-changed", True)
    assert "integer -> string" in change.detail


def test_type_change_in_response_is_breaking() -> None:
    change = only(changed(lambda s: response(s)["properties"]["id"].update(type="integer")))
    assert (change.kind, change.breaking) == ("type-changed", True)


def test_request_type_widened_is_not_breaking() -> None:
    change = only(
        changed(lambda s: request(s)["properties"]["max_participants"].update(type="number"))
    )
    assert (change.kind, change.breaking) == ("type-changed", False)


def test_optional_request_field_made_required_is_breaking() -> None:
    change = only(changed(lambda s: request(s)["required"].append("beep")))
    assert (change.kind, change.breaking) == ("required-changed", True)


def test_response_field_made_optional_is_breaking() -> None:
    change = only(changed(lambda s: response(s)["required"].remove("id")))
    assert (change.kind, change.breaking) == ("required-changed", True)


def test_request_constraint_tightened_is_breaking_and_loosened_is_not() -> None:
    tight = only(changed(lambda s: request(s)["properties"]["name"].update(maxLength=50)))
    loose = only(changed(lambda s: request(s)["properties"]["name"].update(maxLength=200)))
    assert (tight.kind, tight.breaking, loose.breaking) == ("constraint-changed", True, False)


def test_operation_removed_is_breaking_and_added_is_not() -> None:
    removed = only(changed(lambda s: s["paths"].pop("/conferences")))
    assert (removed.kind, removed.where, removed.breaking) == (
        "operation-removed",
        "POST /conferences",
        True,
    )

    def add(spec: dict[str, Any]) -> None:
        spec["paths"]["/conferences"]["get"] = {
            "operationId": "list_conferences",
            "responses": {"200": {"description": "ok"}},
        }

    added = only(changed(add))
    assert (added.kind, added.where, added.breaking) == (
        "operation-added",
        "GET /conferences",
        False,
    )


def test_operation_matched_by_operation_id_when_its_path_moves() -> None:
    def move(spec: dict[str, Any]) -> None:
        spec["paths"]["/v3/conferences"] = spec["paths"].pop("/conferences")

    change = only(changed(move))
    assert (change.kind, change.where, change.breaking) == (
        "operation-moved",
        "POST /v3/conferences",
        True,
    )


def test_parameter_removed_is_breaking_and_new_required_parameter_too() -> None:
    removed = only(changed(lambda s: operation(s).pop("parameters")))
    assert (removed.kind, removed.where, removed.breaking) == (
        "parameter-removed",
        "POST /conferences query.dry_run",
        True,
    )
    added = only(
        changed(
            lambda s: operation(s)["parameters"].append(
                {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}}
            )
        )
    )
    assert (added.kind, added.breaking) == ("parameter-added", True)


def test_auth_changes_are_breaking() -> None:
    scheme = only(
        changed(lambda s: s["components"]["securitySchemes"]["Bearer"].update(scheme="basic"))
    )
    assert (scheme.kind, scheme.breaking) == ("security-scheme-changed", True)
    requirement = only(changed(lambda s: operation(s).update(security=[])))
    assert (requirement.kind, requirement.breaking) == ("security-changed", True)


def test_server_changes_are_breaking() -> None:
    changes = changed(lambda s: s["servers"][0].update(url="https://api.example.com/v3"))
    assert {change.kind for change in changes} == {"server-added", "server-removed"}
    assert all(change.breaking for change in changes)


def test_response_status_removed_is_breaking_for_success_only() -> None:
    def add_error(spec: dict[str, Any]) -> None:
        operation(spec)["responses"]["422"] = {"description": "bad"}

    added = only(changed(add_error))
    assert (added.kind, added.breaking) == ("response-added", False)
    removed = only(changed(lambda s: operation(s)["responses"].pop("200")))
    assert (removed.kind, removed.breaking) == ("response-removed", True)


def test_nested_new_field_reported_once_at_its_parent() -> None:
    def edit(spec: dict[str, Any]) -> None:
        request(spec)["properties"]["recording"] = {
            "type": "object",
            "required": ["format"],
            "properties": {"format": {"type": "string"}, "channels": {"type": "integer"}},
        }

    change = only(changed(edit))
    assert change.where == "POST /conferences body.recording"
    assert not change.breaking  # the new parent is optional


def asyncapi() -> dict[str, Any]:
    """A small AsyncAPI 3.0 document: a command the client sends, its reply, an event."""
    message = "#/components/messages/"
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "channels": {
            "room": {
                "address": "/",
                "messages": {
                    name: {"$ref": message + name} for name in ("create", "createReply", "created")
                },
            }
        },
        "operations": {
            "create": {
                "action": "send",
                "channel": {"$ref": "#/channels/room"},
                "messages": [{"$ref": "#/channels/room/messages/create"}],
                "reply": {"messages": [{"$ref": "#/channels/room/messages/createReply"}]},
            },
            "onCreated": {
                "action": "receive",
                "channel": {"$ref": "#/channels/room"},
                "messages": [{"$ref": "#/channels/room/messages/created"}],
            },
        },
        "components": {
            "messages": {
                "create": {"payload": {"$ref": "#/components/schemas/Create"}},
                "createReply": {
                    "payload": {
                        "type": "object",
                        "required": ["result"],
                        "properties": {"result": {"type": "boolean"}},
                    }
                },
                "created": {
                    "payload": {
                        "type": "object",
                        "properties": {
                            "confType": {"type": "integer", "enum": [0, 1, 3]},
                            "joinUrl": {"type": "string"},
                        },
                    }
                },
            },
            "schemas": {
                "Create": {
                    "type": "object",
                    "required": ["method"],
                    "properties": {
                        "method": {"type": "string", "const": "createConference"},
                        "title": {"type": "string"},
                    },
                }
            },
        },
    }


def changed_async(edit: Any) -> list[Change]:
    old = asyncapi()
    new = copy.deepcopy(old)
    edit(new)
    return diff_specs(old, new)


def test_asyncapi_new_required_field_in_a_sent_message_is_breaking() -> None:
    def edit(spec: dict[str, Any]) -> None:
        schema = spec["components"]["schemas"]["Create"]
        schema["properties"]["confType"] = {"type": "integer"}
        schema["required"].append("confType")

    change = only(changed_async(edit))
    assert (change.kind, change.where, change.breaking) == (
        "field-added",
        "message create payload.confType",
        True,
    )


def test_asyncapi_received_message_field_removed_is_breaking_and_enum_added_too() -> None:
    removed = only(
        changed_async(
            lambda s: s["components"]["messages"]["created"]["payload"]["properties"].pop("joinUrl")
        )
    )
    assert (removed.where, removed.breaking) == ("message created payload.joinUrl", True)
    enum = only(
        changed_async(
            lambda s: s["components"]["messages"]["created"]["payload"]["properties"]["confType"][
                "enum"
            ].append(4)
        )
    )
    assert (enum.kind, enum.breaking) == ("enum-value-added", True)


def test_asyncapi_message_and_operation_removed_are_breaking() -> None:
    def edit(spec: dict[str, Any]) -> None:
        del spec["operations"]["onCreated"]
        del spec["channels"]["room"]["messages"]["created"]
        del spec["components"]["messages"]["created"]

    changes = changed_async(edit)
    assert {(c.kind, c.where, c.breaking) for c in changes} == {
        ("operation-removed", "operation onCreated", True),
        ("message-removed", "message created", True),
    }


def test_the_committed_specs_compare_equal_to_themselves(root: Any) -> None:
    from confgen.yamlio import load_yaml

    for path in sorted((root / "specs").glob("*.yaml")):
        document = load_yaml(path.read_text(encoding="utf-8"))
        assert diff_specs(document, copy.deepcopy(document)) == [], path
