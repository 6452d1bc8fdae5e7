"""What a signature tells the user: nested objects typed as ``TypedDict``s (never
``Mapping[str, Any]`` where the spec gives properties), readOnly never an argument and
writeOnly never in a response model, deprecated operations and parameters warn at the
caller, and operations without an operationId named from their route; sync and async."""

from __future__ import annotations

import asyncio
import importlib
import json
import subprocess
import sys
import typing
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from confgen.cli import main
from confgen.codegen.http.load import load_api

from .conftest import Wire, reply

ADDRESS = {
    "type": "object",
    "required": ["street"],
    "properties": {
        "street": {"type": "string", "description": "The street and number."},
        "zip": {"type": "string"},
        "id": {"type": "string", "readOnly": True},
    },
}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Sig", "version": "1"},
    "servers": [{"url": "https://api.sig.test"}],
    "paths": {
        "/people": {
            "get": {
                "operationId": "listPeople",
                "tags": ["people"],
                "deprecated": True,
                "parameters": [
                    {
                        "name": "filter",
                        "in": "query",
                        "style": "deepObject",
                        "schema": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                # readOnly on the component (a response field), yet a filter
                                "status": {"$ref": "#/components/schemas/Status"},
                            },
                        },
                    },
                    {
                        "name": "old",
                        "in": "query",
                        "deprecated": True,
                        "description": "Use filter.",
                        "schema": {"type": "integer"},
                    },
                ],
                "responses": {"200": {"description": "ok"}},
            },
            "post": {
                "operationId": "createPerson",
                "tags": ["people"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name", "id"],
                                "properties": {
                                    "id": {"type": "string", "readOnly": True},
                                    "name": {"type": "string"},
                                    "password": {"type": "string", "writeOnly": True},
                                    "address": {"$ref": "#/components/schemas/Address"},
                                    "tags": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {"key": {"type": "string"}},
                                        },
                                    },
                                    "tree": {"$ref": "#/components/schemas/Node"},
                                    "nickname": {"type": "string", "deprecated": True},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Person"}}
                        },
                    }
                },
            },
        },
        "/things/{thing_id}": {
            "get": {
                "tags": ["things"],
                "parameters": [
                    {
                        "name": "thing_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {"204": {"description": "ok"}},
            }
        },
        "/a-b": {"get": {"tags": ["things"], "responses": {"204": {"description": "ok"}}}},
        "/a_b": {"get": {"tags": ["things"], "responses": {"204": {"description": "ok"}}}},
        "/c": {"get": {"tags": ["things"], "responses": {"204": {"description": "ok"}}}},
        "/c/explicit": {
            "get": {
                "operationId": "get_c",
                "tags": ["things"],
                "responses": {"204": {"description": "ok"}},
            }
        },
    },
    "components": {
        "schemas": {
            "Address": ADDRESS,
            "Status": {"type": "string", "enum": ["active", "gone"], "readOnly": True},
            "Node": {
                "type": "object",
                "properties": {
                    "label": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                },
            },
            "Person": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "name": {"type": "string"},
                    "password": {"type": "string", "writeOnly": True},
                },
            },
        }
    },
}


@pytest.fixture(scope="module")
def sig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("sig")
    spec = folder / "sig.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "sig"]) == 0
    sys.path.insert(0, str(out / "sig"))
    try:
        yield importlib.import_module("sig")
    finally:
        sys.path.remove(str(out / "sig"))
        for name in [m for m in sys.modules if m == "sig" or m.startswith("sig.")]:
            del sys.modules[name]


def _api() -> Any:
    return load_api(SPEC, source="sig.json", package="sig", client_class="Sig")


def _parameters(operation_id: str) -> dict[str, Any]:
    op = next(op for op in _api().operations if op.operation_id == operation_id)
    return {p.name: p for p in op.parameters}


def test_nested_objects_are_typed_dicts_not_mappings() -> None:
    body = _parameters("createPerson")
    assert body["address"].annotation == "_params.AddressParam"
    assert body["tags"].annotation == "Sequence[_params.CreatePersonBodyTagsItemParam]"
    assert body["tree"].annotation == "_params.NodeParam"
    assert _parameters("listPeople")["filter"].annotation == "_params.ListPeopleFilterParam"
    every = [p.annotation for op in _api().operations for p in op.parameters]
    assert not [a for a in every if "Mapping[str, Any]" in a]


def test_typed_dicts_mark_required_keys_and_leave_read_only_ones_out(sig: Any) -> None:
    params = importlib.import_module("sig.params")
    # The module's annotations are strings (``from __future__``): resolved, as a checker does.
    hints = typing.get_type_hints(params.AddressParam, include_extras=True)
    assert hints == {"street": typing.Required[str], "zip": str}  # no readOnly "id"
    node = typing.get_type_hints(params.NodeParam, include_extras=True)
    assert node == {"label": str, "children": Sequence[params.NodeParam]}  # recursive


def test_read_only_properties_are_never_arguments(sig: Any) -> None:
    body = _parameters("createPerson")
    assert "id" not in body  # required, but set by the server
    assert "password" in body  # writeOnly: sent, never received
    wire = Wire([reply(200, {"id": "p1", "name": "Ann", "password": "leak"})])
    client = sig.Sig(http_client=wire.client())
    person = client.people.create_person(name="Ann", address={"street": "Main 1"})
    assert wire.json() == {"name": "Ann", "address": {"street": "Main 1"}}
    assert person.id == "p1"
    assert "password" not in type(person).model_fields  # writeOnly: not a response field
    with pytest.raises(TypeError):
        client.people.create_person(name="Ann", id="x")  # type: ignore[call-arg]


def test_a_parameter_object_keeps_its_read_only_properties(sig: Any) -> None:
    # readOnly says a body must not send the field; a filter on it is how one asks for it
    # (Telnyx ListNetworkInterfaces: filter[status] refs the readOnly InterfaceStatus).
    wire = Wire([reply(200, {}), reply(200, {})])
    client = sig.Sig(http_client=wire.client())
    with pytest.warns(DeprecationWarning):
        client.people.list_people(filter={"name": "Ann", "status": "gone"})
    query = wire.requests[0].url.params
    assert (query["filter[name]"], query["filter[status]"]) == ("Ann", "gone")
    with pytest.warns(DeprecationWarning), pytest.raises(sig.RequestValidationError):
        client.people.list_people(filter={"status": "unknown"})  # still checked: the enum
    assert len(wire.requests) == 1
    hints = typing.get_type_hints(importlib.import_module("sig.params").ListPeopleFilterParam)
    assert set(hints) == {"name", "status"}


def test_a_read_only_nested_key_is_refused_before_sending(sig: Any) -> None:
    wire = Wire([reply(200, {"id": "p1", "name": "Ann"})])
    client = sig.Sig(http_client=wire.client())
    with pytest.raises(sig.RequestValidationError) as caught:
        client.people.create_person(name="Ann", address={"street": "Main 1", "id": "a1"})  # type: ignore[typeddict-unknown-key]
    assert "id" in str(caught.value)
    assert wire.requests == []


def test_a_type_checker_sees_the_shapes(sig: Any, tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text(
        "from sig import Sig\n"
        "client = Sig()\n"
        "client.people.create_person(name='a', address={'street': 's', 'zip': '1'},"
        " tags=[{'key': 'k'}], tree={'label': 'x', 'children': [{'label': 'y'}]})\n"
    )
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from sig import Sig\n"
        "client = Sig()\n"
        "client.people.create_person(name='a', address={'zip': '1'})\n"
        "client.people.create_person(name='a', address={'street': 's', 'id': 'x'})\n"
        "client.people.create_person(name='a', tags=[{'key': 1}])\n"
    )
    root = Path(sys.modules["sig"].__file__ or "").parent.parent
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(good), str(bad)],
        capture_output=True,
        text=True,
        cwd=root,
        env={"MYPYPATH": str(root), "PATH": ""},
        check=False,
    )
    errors = [line for line in run.stdout.splitlines() if ": error:" in line]
    assert [e for e in errors if "good.py" in e] == []
    assert [e.split(":")[1] for e in errors if "bad.py" in e] == ["3", "4", "5"], run.stdout
    assert all("AddressParam" in e for e in errors[:2]) and '"key" has type "str"' in errors[2]


def test_a_deprecated_operation_warns_at_the_caller(sig: Any) -> None:
    wire = Wire([reply(200, {})])
    client = sig.Sig(http_client=wire.client())
    with pytest.warns(DeprecationWarning, match="list_people is deprecated") as caught:
        client.people.list_people()
    assert caught[0].filename == __file__
    assert "Deprecated" in (type(client.people).list_people.__doc__ or "")
    with pytest.warns(DeprecationWarning) as raw:  # through the wrapper: still the caller
        client.people.with_raw_response.list_people()
    assert [w.filename for w in raw] == [__file__]


def test_a_deprecated_operation_warns_at_the_caller_async(sig: Any) -> None:
    wire = Wire([reply(200, {})])

    async def call() -> list[warnings.WarningMessage]:
        client = sig.AsyncSig(http_client=wire.async_client())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            await client.people.list_people()
            await client.people.with_raw_response.list_people()
        return caught

    caught = asyncio.run(call())
    assert [(w.category, w.filename) for w in caught] == [(DeprecationWarning, __file__)] * 2


def test_a_deprecated_parameter_warns_only_when_given(sig: Any) -> None:
    wire = Wire([reply(200, {"id": "p1", "name": "Ann"})])
    client = sig.Sig(http_client=wire.client())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.people.create_person(name="Ann")
    with pytest.warns(DeprecationWarning, match=r"create_person\(nickname=...\)") as caught:
        client.people.create_person(name="Ann", nickname="A")
    assert caught[0].filename == __file__
    doc = type(client.people).list_people.__doc__ or ""
    assert "Deprecated. Use filter." in doc


def test_operations_without_an_operation_id_are_named_from_their_route(sig: Any) -> None:
    names = sorted(op.name for op in _api().operations if op.resource == "things")
    assert names == ["get_a_b", "get_a_b_2", "get_c", "get_c_2", "get_things_by_thing_id"]
    assert names == sorted(op.name for op in _api().operations if op.resource == "things")
    wire = Wire([reply(204)])
    client = sig.Sig(http_client=wire.client())
    client.things.get_things_by_thing_id(thing_id="t 1")
    assert wire.last.url.raw_path == b"/things/t%201"
