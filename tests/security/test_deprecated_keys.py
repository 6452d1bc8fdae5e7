"""Deprecated properties inside nested request objects (``TypedDict`` arguments): one
`DeprecationWarning` per call naming the operation and every key path given, at the
caller's line; nothing when none is given; said in the TypedDict's and method's docs."""

from __future__ import annotations

import importlib
import json
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .conftest import _generated

_ROOM = {"type": "object", "properties": {"id": {"type": "string"}}}
_OK = {"200": {"description": "ok", "content": {"application/json": {"schema": _ROOM}}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Rooms", "version": "1"},
    "servers": [{"url": "https://rooms.example.com"}],
    "paths": {
        "/rooms": {
            "get": {
                "operationId": "listRooms",
                "tags": ["Rooms"],
                "parameters": [
                    {
                        "name": "filter",
                        "in": "query",
                        "style": "deepObject",
                        "explode": True,
                        "schema": {
                            "type": "object",
                            "properties": {
                                "status": {"type": "string"},
                                "old_status": {"type": "string", "deprecated": True},
                            },
                        },
                    }
                ],
                "responses": _OK,
            },
            "post": {
                "operationId": "createRoom",
                "tags": ["Rooms"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "settings": _ref("RoomSettings"),
                                    "participants": {
                                        "type": "array",
                                        "items": _ref("Participant"),
                                    },
                                    "tree": _ref("Node"),
                                    "target": {"oneOf": [_ref("ByUser"), _ref("ByGroup")]},
                                },
                            }
                        }
                    },
                },
                "responses": _OK,
            },
        }
    },
    "components": {
        "schemas": {
            "RoomSettings": {
                "type": "object",
                "properties": {
                    "audio": _ref("Audio"),
                    "layout": {"type": "string", "deprecated": True},
                },
            },
            "Audio": {
                "type": "object",
                "properties": {
                    "codec": {"type": "string"},
                    "legacy_codec": {"type": "string", "deprecated": True},
                },
            },
            "Participant": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "old_role": {"type": "string", "deprecated": True},
                },
            },
            # Recursive: a deprecated key at any depth is found.
            "Node": {
                "type": "object",
                "properties": {
                    "label": {"type": "string"},
                    "old_label": {"type": "string", "deprecated": True},
                    "children": {"type": "array", "items": _ref("Node")},
                },
            },
            # A union: "mode" is deprecated in one member only, so it cannot be told.
            "ByUser": {
                "type": "object",
                "properties": {
                    "user": {"type": "string"},
                    "mode": {"type": "string", "deprecated": True},
                    "legacy": {"type": "integer", "deprecated": True},
                },
            },
            "ByGroup": {
                "type": "object",
                "properties": {"group": {"type": "string"}, "mode": {"type": "string"}},
            },
        }
    },
}


@pytest.fixture(scope="module")
def rooms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from _generated(tmp_path_factory, "roomkeys", SPEC)


class Wire:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={"id": "r1"})


def make(rooms: Any, wire: Wire) -> Any:
    return rooms.Roomkeys(http_client=httpx.Client(transport=httpx.MockTransport(wire)))


def deprecations(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]


def test_one_warning_per_call_names_every_key_path(rooms: Any) -> None:
    wire = Wire()
    client = make(rooms, wire)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client.rooms.create_room(
            name="standup",
            settings={"audio": {"codec": "opus", "legacy_codec": "g711"}, "layout": "grid"},
            participants=[{"name": "a", "old_role": "host"}, {"name": "b", "old_role": "x"}],
        )
    assert deprecations(caught) == [
        "create_room: settings.audio.legacy_codec, settings.layout, participants[].old_role "
        "are deprecated"
    ]
    assert caught[0].filename == __file__  # the caller's line, not the package's
    # Still sent as given: a warning, not a refusal.
    assert json.loads(wire.requests[0].content)["settings"]["audio"]["legacy_codec"] == "g711"


def test_no_warning_without_a_deprecated_key(rooms: Any) -> None:
    client = make(rooms, Wire())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.rooms.create_room(
            name="standup",
            settings={"audio": {"codec": "opus"}},
            participants=[{"name": "a"}],
            tree={"label": "root", "children": [{"label": "leaf"}]},
        )
        client.rooms.list_rooms(filter={"status": "active"})


def test_a_key_deep_in_a_recursive_object(rooms: Any) -> None:
    client = make(rooms, Wire())
    with pytest.warns(DeprecationWarning) as caught:
        client.rooms.create_room(name="n", tree={"children": [{"children": [{"old_label": "x"}]}]})
    assert deprecations(list(caught)) == [
        "create_room: tree.children[].children[].old_label is deprecated"
    ]


def test_a_union_warns_only_for_keys_every_member_deprecates(rooms: Any) -> None:
    client = make(rooms, Wire())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.rooms.create_room(name="n", target={"group": "g", "mode": "m"})
    with pytest.warns(DeprecationWarning, match=r"^create_room: target\.legacy is deprecated$"):
        client.rooms.create_room(name="n", target={"user": "u", "legacy": 1})


def test_a_deprecated_key_of_a_query_object(rooms: Any) -> None:
    wire = Wire()
    client = make(rooms, wire)
    with pytest.warns(DeprecationWarning, match=r"^list_rooms: filter\.old_status is deprecated$"):
        client.rooms.list_rooms(filter={"old_status": "active"})
    assert wire.requests[0].url.params["filter[old_status]"] == "active"


def test_a_request_model_given_for_the_typed_dict(rooms: Any) -> None:
    wire = Wire()
    client = make(rooms, wire)
    models = importlib.import_module("roomkeys._request_models")
    settings = models.RoomSettings(audio=models.Audio(codec="opus"), layout="grid")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client.rooms.create_room(name="n", settings=settings)
    assert deprecations(caught) == ["create_room: settings.layout is deprecated"]
    assert json.loads(wire.requests[0].content)["settings"] == {
        "audio": {"codec": "opus"},
        "layout": "grid",
    }


async def test_async_warns_the_same(rooms: Any) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "r1"})

    client = rooms.AsyncRoomkeys(
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler))
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await client.rooms.create_room(name="n", participants=[{"old_role": "x"}])
        await client.rooms.with_raw_response.create_room(name="n", settings={"layout": "x"})
    assert deprecations(caught) == [
        "create_room: participants[].old_role is deprecated",
        "create_room: settings.layout is deprecated",
    ]
    assert {w.filename for w in caught} == {__file__}


def test_docs_say_deprecated(rooms: Any) -> None:
    params = importlib.import_module("roomkeys.params")
    assert params.AudioParam.__doc__ == (
        "The Audio object. Deprecated key (giving one warns): ``legacy_codec``."
    )
    # Per TypedDict: "mode" is deprecated in ByUser, though not in the union's other member.
    assert "Deprecated keys (giving one warns): ``mode``, ``legacy``." in (
        params.ByUserParam.__doc__ or ""
    )
    assert params.ByGroupParam.__doc__ == "The ByGroup object."
    resource = importlib.import_module("roomkeys.resources.rooms").RoomsResource
    doc = resource.create_room.__doc__ or ""
    assert (
        "settings: Deprecated keys (giving one warns): ``audio.legacy_codec``, ``layout``." in doc
    )
    assert "participants: Deprecated key (giving one warns): ``old_role``." in doc
    assert "target: Deprecated key (giving one warns): ``legacy``." in doc
    assert "name: (no description)" in doc  # nothing deprecated: nothing said
