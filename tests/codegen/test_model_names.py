"""Model class names a method names are the schemas' own (issue 14: the whole-API Prism
run). Two ways datamodel-code-generator lost them, each in a small spec here:

- a nested inline object named like a component (Telnyx's ``filter[notification_channel]``
  beside the ``NotificationChannel`` schema) took the component's name, so the PATCH body
  was validated against the filter's class; the inline class now takes the suffix;
- a union schema that another schema refers to (GitHub's copilot-space-collaborator) was
  written into that field and lost its own class, which the method's ``cast_to`` names.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from confgen.cli import main
from confgen.codegen.models import unmark_class_names

CHANNEL = {
    "type": "object",
    "properties": {
        "channel_destination": {"type": "string"},
        "channel_type_id": {"type": "string"},
    },
}
COLLABORATOR = {
    "title": "Space Collaborator",
    "type": "object",
    "anyOf": [
        {
            "allOf": [
                {"$ref": "#/components/schemas/simple-user"},
                {
                    "type": "object",
                    "properties": {"actor_type": {"type": "string", "enum": ["User"]}},
                    "required": ["actor_type"],
                },
            ]
        },
        {
            "type": "object",
            "properties": {
                "actor_type": {"type": "string", "enum": ["Team"]},
                "slug": {"type": "string"},
            },
            "required": ["actor_type", "slug"],
        },
    ],
}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Names", "version": "1"},
    "servers": [{"url": "https://api.example.test"}],
    "components": {
        "schemas": {
            "NotificationChannel": CHANNEL,
            "simple-user": {
                "type": "object",
                "properties": {"login": {"type": "string"}},
                "required": ["login"],
            },
            "space-collaborator": COLLABORATOR,
            "collaborator-list": {
                "type": "object",
                "properties": {
                    "collaborators": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/space-collaborator"},
                    }
                },
                "required": ["collaborators"],
            },
        }
    },
    "paths": {
        "/channels": {
            "get": {
                "operationId": "listChannels",
                "tags": ["channels"],
                "parameters": [
                    {
                        "name": "filter",
                        "in": "query",
                        "style": "deepObject",
                        "explode": True,
                        "schema": {
                            "type": "object",
                            "properties": {
                                "notification_channel": {
                                    "type": "object",
                                    "properties": {"eq": {"type": "string"}},
                                }
                            },
                        },
                    }
                ],
                "responses": {
                    "200": {"description": "ok", "content": _json("NotificationChannel")}
                },
            }
        },
        "/channels/{id}": {
            "patch": {
                "operationId": "updateChannel",
                "tags": ["channels"],
                "parameters": [ID],
                "requestBody": {"required": True, "content": _json("NotificationChannel")},
                "responses": {
                    "200": {"description": "ok", "content": _json("NotificationChannel")}
                },
            }
        },
        "/spaces/{id}/collaborators": {
            "get": {
                "operationId": "listCollaborators",
                "tags": ["spaces"],
                "parameters": [ID],
                "responses": {"200": {"description": "ok", "content": _json("collaborator-list")}},
            },
            "post": {
                "operationId": "addCollaborator",
                "tags": ["spaces"],
                "parameters": [ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"slug": {"type": "string"}},
                                "required": ["slug"],
                            }
                        }
                    },
                },
                "responses": {"201": {"description": "ok", "content": _json("space-collaborator")}},
            },
        },
    },
}


@pytest.fixture(scope="module")
def names(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("names")
    spec = folder / "names.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "names"]) == 0
    sys.path.insert(0, str(out / "names"))
    try:
        yield importlib.import_module("names")
    finally:
        sys.path.remove(str(out / "names"))
        for name in [m for m in sys.modules if m == "names" or m.startswith("names.")]:
            del sys.modules[name]


def _client(package: Any, seen: list[httpx.Request], answer: Any) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200 if request.method != "POST" else 201, json=answer)

    http = httpx.Client(transport=httpx.MockTransport(handle))
    return package.Names(base_url="https://api.example.test", http_client=http)


def test_a_component_keeps_its_name_beside_an_inline_object_named_so(names: Any) -> None:
    requests = importlib.import_module("names._request_models")
    assert set(requests.NotificationChannel.model_fields) == {
        "channel_destination",
        "channel_type_id",
    }
    # The filter's inline object is the one with the suffix.
    filter_field = requests.Filter.model_fields["notification_channel"].annotation
    assert requests.NotificationChannel1 in getattr(filter_field, "__args__", (filter_field,))
    assert set(requests.NotificationChannel1.model_fields) == {"eq"}


def test_the_body_is_validated_against_its_own_schema(names: Any) -> None:
    seen: list[httpx.Request] = []
    client = _client(names, seen, {"channel_destination": "+1"})
    channel = client.channels.update_channel(id="c1", channel_destination="+13125550000")
    assert json.loads(seen[0].content) == {"channel_destination": "+13125550000"}
    assert channel.channel_destination == "+1"
    client.channels.list_channels(filter={"notification_channel": {"eq": "c1"}})
    assert seen[1].url.params["filter[notification_channel][eq]"] == "c1"


def test_a_union_another_schema_refers_to_keeps_its_class(names: Any) -> None:
    models = names.models
    assert {"SpaceCollaborator", "SpaceCollaborator1", "SpaceCollaborator2"} <= set(dir(models))
    seen: list[httpx.Request] = []
    client = _client(names, seen, {"actor_type": "Team", "slug": "core"})
    added = client.spaces.add_collaborator(id="s1", slug="core")
    assert isinstance(added, models.SpaceCollaborator)
    assert isinstance(added.root, models.SpaceCollaborator2)
    assert added.root.slug == "core"
    # The field referring to the union is written as before: the union of its branches.
    listed = models.CollaboratorList.model_validate(
        {"collaborators": [{"login": "octocat", "actor_type": "User"}]}
    )
    assert isinstance(listed.collaborators[0], models.SpaceCollaborator1)


def test_unmarking_numbers_an_inline_class_after_the_schemas() -> None:
    mark = "Zconfgenschema"
    source = (
        f"class Item(BaseModel):\n    '''An Item.'''\n    x: int\n\n\n"
        f"class Item{mark}(BaseModel):\n    y: Item\n\n\n"
        f"class Item1{mark}(BaseModel):\n    z: Item{mark}\n"
    )
    out = unmark_class_names(source, ["Item", "Item1"])
    assert "class Item2(BaseModel):\n    '''An Item.'''" in out
    assert "class Item(BaseModel):\n    y: Item2\n" in out
    assert "class Item1(BaseModel):\n    z: Item\n" in out
    assert mark not in out


def test_unmarking_renames_classes_not_fields_named_like_them() -> None:
    mark = "Zconfgenschema"
    source = (
        "class Url(BaseModel):\n    x: int\n\n\n"
        f"class Call{mark}(BaseModel):\n    Url: Url | None = None\n"
        '    """The Url, é."""\n    kind: Literal["Url"] = "Url"\n\n\n'
        f"class Url{mark}(RootModel[str]):\n    root: str\n"
    )
    out = unmark_class_names(source, ["Call", "Url"])
    assert "class Url1(BaseModel):\n    x: int\n" in out
    assert 'class Call(BaseModel):\n    Url: Url1 | None = None\n    """The Url, é."""\n' in out
    assert 'kind: Literal["Url"] = "Url"' in out
    assert "class Url(RootModel[str]):" in out


def test_a_schema_class_is_not_named_like_a_field_that_refers_to_it(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `Ebs: Ebs | None = None` in a class body: the default shadows the class where pydantic
    # evaluates the annotation, and importing the module fails (AWS elasticmapreduce).
    mark = "Zconfgenschema"
    source = (
        f"class Ebs{mark}(BaseModel):\n    size: int\n\n\n"
        f"class Fleet{mark}(BaseModel):\n    Ebs: Ebs{mark} | None = None\n"
    )
    out = unmark_class_names(source, ["Ebs", "Fleet"])
    assert "class Ebs1(BaseModel):\n    size: int\n" in out
    assert "class Fleet(BaseModel):\n    Ebs: Ebs1 | None = None\n" in out
    module = tmp_path / "ebs_models.py"
    module.write_text("from __future__ import annotations\nfrom pydantic import BaseModel\n" + out)
    monkeypatch.syspath_prepend(str(tmp_path))
    models = importlib.import_module("ebs_models")  # the module now imports and validates
    assert models.Fleet(Ebs={"size": 1}).Ebs.size == 1
