"""Every schema's class is named after the schema, whatever the model generator meets
first: an inline object whose field is named like a schema never takes the schema's
class name, and a union (or array, or alias) schema an operation returns keeps its class
even where fields inline it. Both were whole-API failures against Prism (Telnyx
``PATCH /notification_channels/{id}``, GitHub's copilot-space collaborators); sync and
async, and the generator's own account (`render_models`)."""

from __future__ import annotations

import ast
import asyncio
import importlib
import json
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest

from confgen.cli import main
from confgen.codegen.models import render_models
from confgen.errors import ConfgenError

from .conftest import Wire, reply

#: An inline ``{eq}`` filter object under a field named like the component
#: ``NotificationChannel``, met before the component (two operations' filters of the same
#: content, one of another), and a union component that a field inlines and an operation
#: returns.
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Names", "version": "1"},
    "servers": [{"url": "https://api.names.test"}],
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
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ChannelList"}
                            }
                        },
                    }
                },
            }
        },
        "/settings": {
            "get": {
                "operationId": "listSettings",
                "tags": ["channels"],
                "parameters": [
                    {
                        "name": "filter",
                        "in": "query",
                        "style": "deepObject",
                        "schema": {
                            "type": "object",
                            "properties": {
                                "notification_channel": {
                                    "type": "object",
                                    "properties": {"in": {"type": "string"}},
                                },
                                "kind": {"type": "string"},
                            },
                        },
                    }
                ],
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/channels/{id}": {
            "patch": {
                "operationId": "updateChannel",
                "tags": ["channels"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/NotificationChannel"}
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Collaborator"}
                            }
                        },
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "NotificationChannel": {
                "type": "object",
                "properties": {
                    "channel_destination": {"type": "string"},
                    "id": {"type": "string", "readOnly": True},
                },
            },
            "ChannelList": {
                "type": "object",
                "properties": {
                    "collaborators": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Collaborator"},
                    }
                },
            },
            # GitHub's copilot-space-collaborator: an object-typed anyOf of an allOf and an object.
            "Collaborator": {
                "title": "Collaborator",
                "type": "object",
                "anyOf": [
                    {
                        "allOf": [
                            {"$ref": "#/components/schemas/User"},
                            {
                                "type": "object",
                                "required": ["actor_type"],
                                "properties": {"actor_type": {"enum": ["User"]}},
                            },
                        ]
                    },
                    {
                        "type": "object",
                        "required": ["actor_type", "slug"],
                        "properties": {
                            "actor_type": {"enum": ["Team"]},
                            "slug": {"type": "string"},
                        },
                    },
                ],
            },
            "User": {"type": "object", "properties": {"login": {"type": "string"}}},
        }
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


def _classes(source: str) -> dict[str, ast.ClassDef]:
    return {node.name: node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)}


def test_the_body_is_checked_against_its_component_not_a_filter_named_alike(names: Any) -> None:
    wire = Wire([reply(200, {"actor_type": "Team", "slug": "core"})])
    client = names.Names(http_client=wire.client())
    client.channels.update_channel(id="c1", channel_destination="+13125550000")
    assert wire.json() == {"channel_destination": "+13125550000"}
    request_models = importlib.import_module("names._request_models")
    assert set(request_models.NotificationChannel.model_fields) == {"channel_destination"}
    assert not hasattr(request_models, "NotificationChannel1")


def test_the_filters_keep_their_own_classes_and_wire(names: Any) -> None:
    wire = Wire([reply(200, {"collaborators": []}), reply(200, {})])
    client = names.Names(http_client=wire.client())
    client.channels.list_channels(filter={"notification_channel": {"eq": "c1"}})
    client.channels.list_settings(filter={"notification_channel": {"in": "c2"}, "kind": "sms"})
    assert wire.requests[0].url.params["filter[notification_channel][eq]"] == "c1"
    assert wire.requests[1].url.params["filter[notification_channel][in]"] == "c2"
    with pytest.raises(names.RequestValidationError):  # each filter is still its own shape
        client.channels.list_channels(filter={"notification_channel": {"in": "c1"}})  # type: ignore[typeddict-unknown-key]
    assert len(wire.requests) == 2


def test_a_union_an_operation_returns_keeps_its_class(names: Any) -> None:
    wire = Wire([reply(200, {"actor_type": "Team", "slug": "core", "new": 1})])
    client = names.Names(http_client=wire.client())
    got = client.channels.update_channel(id="c1", channel_destination="x")
    assert isinstance(got, names.models.Collaborator)
    assert type(got.root).__name__ == "Collaborator2"
    assert got.root.slug == "core"
    listing = names.models.ChannelList.model_validate(
        {"collaborators": [{"actor_type": "User", "login": "ann"}]}
    )
    # The field inlines the same variant classes the root is made of.
    assert type(listing.collaborators[0]).__name__ == "Collaborator1"


def test_the_same_in_the_async_client(names: Any) -> None:
    wire = Wire([reply(200, {"actor_type": "User", "login": "ann"})])

    async def run() -> Any:
        client = names.AsyncNames(http_client=wire.async_client())
        return await client.channels.update_channel(id="c1", channel_destination="x")

    got = asyncio.run(run())
    assert isinstance(got, names.models.Collaborator)
    assert got.root.login == "ann"
    assert wire.json() == {"channel_destination": "x"}


FILTER_FIRST = {
    # met first: its inline field wants the name of the schema after it
    "Params": {
        "type": "object",
        "properties": {
            "a": {"type": "object", "properties": {"thing": {"$ref": "#/components/schemas/X"}}},
            "thing": {"type": "object", "properties": {"eq": {"type": "string"}}},
        },
    },
    "Other": {
        "type": "object",
        "properties": {"thing": {"type": "object", "properties": {"eq": {"type": "string"}}}},
    },
    "Thing": {"type": "object", "properties": {"size": {"type": "integer"}}},
    "X": {"type": "object", "properties": {"x": {"type": "string"}}},
}


@pytest.mark.parametrize("strict", [True, False])
def test_render_models_names_each_schema_after_itself(strict: bool) -> None:
    source = render_models(FILTER_FIRST, header="", strict=strict, source="t.json")
    classes = _classes(source)
    fields = {
        node.target.id
        for node in classes["Thing"].body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }
    assert fields == {"size"}
    assert not [name for name in classes if name.startswith("Thing") and name[5:].isdigit()]
    # the two inline objects of one content share one class, named for where it sits
    assert "ParamsThing" in classes
    assert source.count("thing: ParamsThing") == 2


def test_render_models_is_deterministic_through_the_repair() -> None:
    once = render_models(FILTER_FIRST, header="", strict=False, source="t.json")
    assert once == render_models(FILTER_FIRST, header="", strict=False, source="t.json")


def test_a_folded_alias_root_keeps_its_class() -> None:
    schemas = {
        "Alias": {"type": "string", "enum": ["a", "b"]},
        "Holder": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/Alias"}}},
    }
    folded = _classes(render_models(schemas, header="", strict=False, source="t.json"))
    assert "Alias" not in folded  # not a root: inlined into the field, as everywhere
    kept = _classes(
        render_models(schemas, header="", strict=False, source="t.json", roots={"Alias"})
    )
    assert "Alias" in kept and "Holder" in kept


def test_a_root_the_model_generator_will_not_name_so_is_refused_at_generation() -> None:
    # datamodel-code-generator names a schema ``BaseModel`` ``BaseModelModel`` (the name is
    # its import): no pass can mend that, so generation fails naming the spec and the
    # schema, rather than the call that would use the class.
    schemas = {"BaseModel": {"type": "object", "properties": {"a": {"type": "string"}}}}
    with pytest.raises(ConfgenError) as caught:
        render_models(schemas, header="", strict=False, source="t.json", roots={"BaseModel"})
    assert "t.json#/components/schemas/BaseModel" in str(caught.value)
    assert "BaseModelModel" in str(caught.value)


CHECKS = {
    # influxdata's Check: an allOf of one discriminated union, which fields also use.
    "Check": {"allOf": [{"$ref": "#/components/schemas/CheckUnion"}]},
    "CheckUnion": {
        "oneOf": [
            {"$ref": "#/components/schemas/Deadman"},
            {"$ref": "#/components/schemas/Custom"},
        ],
        "discriminator": {"propertyName": "type"},
    },
    "Deadman": {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": ["deadman"]}, "every": {"type": "string"}},
    },
    "Custom": {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": ["custom"]}, "query": {"type": "string"}},
    },
    "Checks": {
        "type": "object",
        "properties": {
            "checks": {"type": "array", "items": {"$ref": "#/components/schemas/Check"}}
        },
    },
}


def _module(source: str, name: str) -> Any:
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    finally:
        del sys.modules[name]
    return module


def test_an_all_of_union_root_keeps_its_class_and_parses_each_variant() -> None:
    before = _classes(render_models(CHECKS, header="", strict=False, source="t.json"))
    assert "Check" not in before  # folded into Checks.checks, as the model generator does
    source = render_models(CHECKS, header="", strict=False, source="t.json", roots={"Check"})
    module = _module(source, "checks_models")
    got = module.Check.model_validate({"type": "custom", "query": "q"})
    assert got.root.query == "q"
    assert module.Check.model_validate({"type": "deadman", "every": "1m"}).root.every == "1m"
    listing = module.Checks.model_validate({"checks": [{"type": "deadman", "every": "5m"}]})
    assert listing.checks[0].every == "5m"


def test_a_collision_not_foreseen_is_mended_by_a_second_pass() -> None:
    # The items of a top-level array are named for its singular (``Things`` -> ``Thing``):
    # not foreseen before the first pass (only properties and their items are), so the
    # library's own account shows it and the second pass moves it.
    schemas = {
        "Things": {
            "type": "array",
            "items": {"type": "object", "properties": {"label": {"type": "string"}}},
        },
        "Thing": {"type": "object", "properties": {"size": {"type": "integer"}}},
    }
    classes = _classes(render_models(schemas, header="", strict=False, source="t.json"))
    fields = {
        node.target.id
        for node in classes["Thing"].body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }
    assert fields == {"size"}
    assert "ThingsThing" in classes and "Thing1" not in classes
