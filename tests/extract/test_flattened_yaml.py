"""The SignalWire "flattened YAML" extractor: structure recovered from the grammar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from confgen.errors import ExtractError
from confgen.extract.flattened_yaml import (
    extract_flattened_yaml,
    flatten_yaml,
    recover_yaml_text,
    yaml_block_span,
)
from confgen.extract.page import Page
from confgen.yamlio import load_yaml

SOURCE = (
    Path(__file__).resolve().parents[2]
    / "specs"
    / "sources"
    / "signalwire-create-video-conference.txt"
)
PAGE_TEXT = SOURCE.read_text(encoding="utf-8")


def page(text: str = PAGE_TEXT) -> Page:
    return Page("signalwire.txt", text)


def edited(old: str, new: str, text: str = PAGE_TEXT) -> str:
    """The page with ``old`` (which must occur exactly once) replaced by ``new``."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def schemas(document: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = document["components"]["schemas"]
    return result


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return extract_flattened_yaml([page()])


# --------------------------------------------------------------------------- real page


def test_real_page_validates_as_openapi_31(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert list(document) == ["openapi", "info", "paths", "servers", "components"]


def test_operation_and_parameter(document: dict[str, Any]) -> None:
    operation = document["paths"]["/conferences"]["post"]
    assert operation["operationId"] == "create-video-conference"
    assert list(operation["responses"]) == ["200", "400", "401", "422", "500"]
    (parameter,) = operation["parameters"]
    assert parameter["required"] is True
    assert parameter["schema"] == {"type": "string"}
    # `Example:` and `Authorization:` inside the text are not keys; the fences stay.
    assert parameter["description"].endswith(
        "Example: ``` Authorization: Basic base64(project_id:token) ```"
    )


def test_schema_level_required_lists(document: dict[str, Any]) -> None:
    request = schemas(document)["CreateConferenceRequest"]
    assert request["required"] == ["display_name"]
    assert "required" not in request["properties"]["light_negative"]
    assert request["properties"]["description"]["type"] == "string"  # a property named so
    conference = schemas(document)["Conference"]
    assert len(conference["required"]) == 28
    assert set(conference["required"]) == set(conference["properties"]) - {"active_session"}
    assert conference["properties"]["light_negative"] == {
        "type": ["string", "null"],
        "description": "Error indication color (light theme).",
    }
    assert "required" not in conference["properties"]["active_session"]
    assert conference["description"] == "Video conference response object."


def test_descriptions_after_nested_schemas_stay_with_the_property(
    document: dict[str, Any],
) -> None:
    size = schemas(document)["Conference"]["properties"]["size"]
    assert size["oneOf"][1] == {"type": "null"}
    assert size["description"] == "The size of the video conference."
    errors = schemas(document)["VideoStatusCode422"]["properties"]["errors"]
    assert errors["items"] == {"$ref": "#/components/schemas/Types.StatusCodes.RestApiErrorItem"}
    assert errors["description"] == "List of validation errors."


def test_scalar_types_follow_yaml(document: dict[str, Any]) -> None:
    assert schemas(document)["VideoFps"]["enum"] == ["20", "30"]
    assert schemas(document)["VideoQuality"]["enum"] == ["720p", "1080p"]
    assert "1x1" in schemas(document)["VideoLayout"]["enum"]
    properties = schemas(document)["CreateConferenceRequest"]["properties"]
    assert properties["enable_chat"]["default"] is True
    assert properties["dark_primary"]["default"] == "#044EF4"
    join_from = properties["join_from"]
    assert join_from["format"] == "date-time"
    assert "datetime: `2022-01-01T23:59:60Z`. Date only: `2022-01-01`" in join_from["description"]


def test_server_variable_decoded(document: dict[str, Any]) -> None:
    (server,) = document["servers"]
    assert server["url"] == "https://{your_space_name}.signalwire.com/api/video"
    variable = server["variables"]["your_space_name"]
    assert variable["default"] == "your_space_name"
    assert "placeholder" in variable["description"]


def test_block_ends_at_the_fence_before_the_code_examples(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]["SignalWireBasicAuth"]
    assert scheme["type"] == "http"
    assert scheme["description"].endswith("Basic base64(project_id:token) ```")
    start, end = yaml_block_span(page())
    assert PAGE_TEXT[end:].split()[:4] == ["```", "##", "SDK", "Code"]
    assert PAGE_TEXT[start:end].split()[0] == "openapi:"


def test_round_trip_token_for_token() -> None:
    start, end = yaml_block_span(page())
    recovered = recover_yaml_text(page())
    assert "\n" in recovered.strip()
    assert flatten_yaml(recovered).split() == PAGE_TEXT[start:end].split()


def test_flatten_yaml_collapses_lines_and_indentation() -> None:
    assert flatten_yaml("a:\n  b: >-\n    x y\n\n    z\n  c:\n  - 1\n") == "a: b: >- x y z c: - 1"


# --------------------------------------------------------------------------- altered pages


def test_added_property_is_recovered() -> None:
    text = edited(
        "CreateConferenceRequest: type: object properties: ",
        "CreateConferenceRequest: type: object properties: nickname: type: string "
        "description: >- A short name. Note: shown to others. ",
    )
    properties = schemas(extract_flattened_yaml([page(text)]))["CreateConferenceRequest"][
        "properties"
    ]
    assert list(properties)[:2] == ["nickname", "name"]
    assert properties["nickname"] == {
        "type": "string",
        "description": "A short name. Note: shown to others.",
    }


def test_removed_enum_value_is_gone() -> None:
    text = edited("- 2x2 - 5up - 3x3", "- 2x2 - 3x3")
    layout = schemas(extract_flattened_yaml([page(text)]))["VideoLayout"]
    assert "5up" not in layout["enum"]
    assert len(layout["enum"]) == 12
    assert layout["description"] == "Video room layout options."


def test_key_name_inside_a_description_stays_text() -> None:
    # A Security Scheme has no `title`, and a scheme named `title` would need a mapping.
    text = edited(
        "password. Example: ``` Authorization: Basic base64(project_id:token) ``` ```",
        "password. title: foo Example: ``` Authorization: Basic base64(project_id:token) ``` ```",
    )
    document = extract_flattened_yaml([page(text)])
    schemes = document["components"]["securitySchemes"]
    assert list(schemes) == ["SignalWireBasicAuth"]
    assert "password. title: foo Example:" in schemes["SignalWireBasicAuth"]["description"]
    validate(document)


def test_repeated_key_inside_a_description_stays_text() -> None:
    # room_id already has `type`: a second one cannot be its key, nor a property schema.
    text = edited(
        "description: >- Unique ID of the Room if",
        "description: >- Unique ID (type: integer) of the Room if",
    )
    room_id = schemas(extract_flattened_yaml([page(text)]))["ActiveSession"]["properties"][
        "room_id"
    ]
    assert room_id["type"] == "string"
    assert room_id["description"].startswith("Unique ID (type: integer) of the Room")


def test_truncated_block_names_the_column() -> None:
    cut = PAGE_TEXT.index("VideoFps: type: string enum:") + len("VideoFps: type: string enum:")
    text = PAGE_TEXT[:cut] + " ``` ## SDK Code Examples"
    with pytest.raises(ExtractError) as raised:
        extract_flattened_yaml([page(text)])
    error = raised.value
    assert (error.source, error.line) == ("signalwire.txt", 1)
    assert error.column == cut - len("enum:") + 1
    assert "'enum'" in error.message
    assert error.expected


def test_block_without_closing_fence() -> None:
    text = PAGE_TEXT[: PAGE_TEXT.index("tags: - subpackage_conferences")]
    with pytest.raises(ExtractError, match="never closes") as raised:
        extract_flattened_yaml([page(text)])
    assert raised.value.column == PAGE_TEXT.index("```yaml") + 1


def test_page_without_fence() -> None:
    text = edited("```yaml", "yaml")
    with pytest.raises(ExtractError, match="no fenced YAML block") as raised:
        extract_flattened_yaml([page(text)])
    assert str(raised.value).startswith("signalwire.txt:1:1: ")


def test_unknown_key_where_only_known_keys_are_allowed() -> None:
    text = edited("operationId:", "operationIdentifier:")
    with pytest.raises(ExtractError) as raised:
        extract_flattened_yaml([page(text)])
    assert raised.value.column == PAGE_TEXT.index("operationId:") + 1
    assert "operationIdentifier" in raised.value.message
    assert "Operation Object" in (raised.value.expected or "")


def test_ambiguous_text_is_an_error_not_a_guess() -> None:
    # `required` after the inner object's last property fits the inner object and the
    # outer one (both declare `a`); only the lost indentation could tell.
    text = (
        "Intro ```yaml openapi: 3.1.0 info: title: t version: '1' components: schemas: "
        "Outer: type: object properties: a: type: string inner: type: object "
        "properties: a: type: string required: - a ``` Outro"
    )
    with pytest.raises(ExtractError, match="ambiguous") as raised:
        extract_flattened_yaml([page(text)])
    assert raised.value.column == text.index("required:") + 1


def test_exactly_one_page() -> None:
    with pytest.raises(ExtractError, match="exactly one page"):
        extract_flattened_yaml([page(), page()])


# --------------------------------------------------------------------------- property test

# Key-like words that may appear inside a description: never a key where they stand
# (unknown keys, or keys whose value must be a list or a mapping, and each is followed
# by a plain word). A key valid where it stands with a scalar after it (`title: x` in a
# schema without a title) ends a description by the issue's rule, so it is not drawn.
_TEXT_KEYS = ["Example:", "Note:", "required:", "properties:", "enum:", "oneOf:", "items:"]
_WORDS = ["alpha", "beta", "gamma", "the", "of", "id", "(see", "docs)", "`x`", "a-b", "10"]
_NAMES = [
    "id",
    "name",
    "description",
    "required",
    "title",
    "type",
    "items",
    "properties",
    "enum",
    "status",
]


@st.composite
def _description(draw: st.DrawFn) -> str:
    # Each key-like word is followed by a plain one, as in "Example: ``` ...".
    word = st.sampled_from(_WORDS)
    pair = st.tuples(st.sampled_from(_TEXT_KEYS), word).map(" ".join)
    words = draw(st.lists(st.one_of(word, word, pair), min_size=1, max_size=12))
    return " ".join(["Text", *words])


@st.composite
def _property(draw: st.DrawFn) -> dict[str, Any]:
    shape = draw(st.sampled_from(["string", "enum", "ref", "array", "nullable", "object"]))
    ref = {"$ref": "#/components/schemas/Base"}
    schema: dict[str, Any]
    if shape == "string":
        schema = {"type": "string"}
    elif shape == "enum":
        values = st.sampled_from(["20", "30", "720p", "1x1", "on", "small", "null"])
        schema = {"type": "string", "enum": draw(st.lists(values, min_size=1, unique=True))}
    elif shape == "ref":
        schema = dict(ref)
    elif shape == "array":
        schema = {"type": "array", "items": draw(st.sampled_from([ref, {"type": "string"}]))}
    elif shape == "nullable":
        schema = {"oneOf": [ref, {"type": "null"}]}
    else:
        names = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=3, unique=True))
        schema = {
            "type": "object",
            "properties": {
                n: {"type": "string", "description": draw(_description())} for n in names
            },
        }
        if draw(st.booleans()):
            schema["required"] = names[:1]
    schema["description"] = draw(_description())
    return schema


@st.composite
def _documents(draw: st.DrawFn) -> dict[str, Any]:
    components: dict[str, Any] = {
        "Base": {"type": "string", "description": draw(_description()), "title": "Base"}
    }
    for index in range(draw(st.integers(1, 3))):
        names = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=5, unique=True))
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {name: draw(_property()) for name in names},
        }
        if draw(st.booleans()):
            schema["required"] = draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
        schema["description"] = draw(_description())
        schema["title"] = f"C{index}"
        components[f"C{index}"] = schema
    response = {"schema": {"$ref": "#/components/schemas/C0"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1.0.0"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "list-things",
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": response}}
                    },
                }
            }
        },
        "components": {"schemas": components},
    }


class _FoldingDumper(yaml.SafeDumper):
    """Writes long strings as ``>-`` blocks, the way the SignalWire page does."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 40 and " " in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FoldingDumper.add_representer(str, _represent_str)


@settings(max_examples=100, deadline=None)
@given(_documents())
def test_recovers_random_documents(original: dict[str, Any]) -> None:
    text = yaml.dump(original, Dumper=_FoldingDumper, sort_keys=False, width=60)
    assert load_yaml(text) == original
    flat = flatten_yaml(text)
    assert "\n" not in flat
    try:
        recovered = extract_flattened_yaml([page(f"# Page ```yaml {flat} ``` ## After")])
    except ExtractError as error:
        # Some documents are ambiguous without their indentation: never a wrong parse.
        assert "ambiguous" in str(error)
        return
    assert recovered == original
