"""The parameter census counts typed arguments and names why the others are not."""

from __future__ import annotations

from typing import Any

from confgen.codegen.http.load import load_api
from confgen.codegen.spec import Spec
from tests.scale.census import census

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Census", "version": "1"},
    "servers": [{"url": "https://census.test"}],
    "paths": {
        "/things": {
            "post": {
                "operationId": "createThing",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {
                        "name": "filter",
                        "in": "query",
                        "style": "deepObject",
                        "schema": {"type": "object", "properties": {"q": {"type": "string"}}},
                    },
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "meta": {"type": "object", "additionalProperties": True},
                                    "anything": {},
                                    "tags": {"type": "array", "items": {}},
                                    "id": {"type": "string", "readOnly": True},
                                },
                            }
                        }
                    }
                },
                "responses": {"204": {"description": "ok"}},
            }
        }
    },
}


def test_census_counts_typed_and_names_each_reason() -> None:
    api = load_api(SPEC, source="census.json", package="census", client_class="Census")
    typed, untyped = census(api, Spec(SPEC, "census.json"))
    assert typed == 2  # page, filter (a TypedDict); the readOnly id is no argument
    assert dict(untyped) == {
        "a free-form object (no properties in the spec)": 1,
        "no type in the spec (any JSON value)": 1,
        "items or branches with no type in the spec": 1,
    }
