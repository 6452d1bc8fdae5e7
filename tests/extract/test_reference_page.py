"""The rendered-reference-page extractor, on the vendored Telnyx page and altered copies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from confgen.errors import ExtractError
from confgen.extract.page import Page
from confgen.extract.reference_page import extract_reference_page
from confgen.yamlio import dump_yaml, load_yaml

PATH = "specs/sources/telnyx-create-conference.txt"
REAL = (Path(__file__).resolve().parents[2] / PATH).read_text(encoding="utf-8")

WEBHOOKS = [
    "conference.created",
    "conference.participant.joined",
    "conference.participant.left",
    "conference.ended",
    "conference.recording.saved",
    "conference.floor.changed",
]

#: Every body field as the page states it (descriptions are checked separately).
FIELDS: dict[str, dict[str, Any]] = {
    "call_control_id": {"type": "string"},
    "name": {"type": "string"},
    "beep_enabled": {
        "type": "string",
        "enum": ["always", "never", "on_enter", "on_exit"],
        "default": "never",
    },
    "client_state": {"type": "string"},
    "comfort_noise": {"type": "boolean", "default": True},
    "command_id": {"type": "string"},
    "duration_minutes": {"type": "integer"},
    "hold_audio_url": {"type": "string"},
    "hold_media_name": {"type": "string"},
    "max_participants": {"type": "integer", "minimum": 2, "maximum": 800, "default": 250},
    "start_conference_on_create": {"type": "boolean", "default": True},
}


def extract(text: str = REAL) -> dict[str, Any]:
    return extract_reference_page([Page(PATH, text)])


def altered(old: str, new: str, text: str = REAL) -> str:
    """``text`` with its single occurrence of ``old`` replaced (so edits cannot miss)."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """1-based line of the single occurrence of ``needle``."""
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


def failure(text: str) -> ExtractError:
    with pytest.raises(ExtractError) as caught:
        extract(text)
    assert caught.value.source == PATH
    assert caught.value.expected
    return caught.value


def request_schema(document: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"]["CreateConferenceRequest"]
    return schema


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return extract()


# --------------------------------------------------------------------------- real page


def test_document_head(doc: dict[str, Any]) -> None:
    assert doc["openapi"] == "3.1.0"
    assert doc["info"] == {"title": "Telnyx API", "version": "2"}
    assert doc["servers"] == [{"url": "https://api.telnyx.com/v2"}]
    assert doc["security"] == [{"bearerAuth": []}]
    assert doc["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer"}
    }
    assert list(doc["paths"]) == ["/conferences"]
    assert list(doc["paths"]["/conferences"]) == ["post"]


def test_operation(doc: dict[str, Any]) -> None:
    operation = doc["paths"]["/conferences"]["post"]
    assert operation["operationId"] == "create-conference"
    assert operation["summary"] == "Create conference"
    assert operation["tags"] == ["conferences"]
    assert operation["description"].startswith("Create a conference from an existing call leg")
    assert operation["description"].endswith("regardless of the number of active participants.")
    body = operation["requestBody"]
    assert body["required"] is True
    media = body["content"]["application/json"]
    assert media["schema"] == {"$ref": "#/components/schemas/CreateConferenceRequest"}
    assert media["example"] == {
        "call_control_id": "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg",
        "name": "Business",
        "beep_enabled": "always",
        "client_state": "aGF2ZSBhIG5pY2UgZGF5ID1d",
        "command_id": "891510ac-f3e4-11e8-af5b-de00688a4901",
        "duration_minutes": 5,
        "hold_audio_url": "http://www.example.com/audio.wav",
        "start_conference_on_create": False,
        "max_participants": 250,
    }


def test_body_fields_as_the_page_states_them(doc: dict[str, Any]) -> None:
    schema = request_schema(doc)
    assert schema["type"] == "object"
    assert schema["description"] == "Create a conference"
    assert schema["required"] == ["call_control_id", "name"]
    properties = schema["properties"]
    assert list(properties) == list(FIELDS)  # page order
    for name, expected in FIELDS.items():
        stated = {key: value for key, value in properties[name].items() if key != "description"}
        assert stated == expected, name
    # 1 == True in Python: check the defaults' JSON types too.
    assert properties["comfort_noise"]["default"] is True
    assert properties["start_conference_on_create"]["default"] is True
    assert type(properties["max_participants"]["default"]) is int


def test_field_descriptions_are_verbatim(doc: dict[str, Any]) -> None:
    properties = request_schema(doc)["properties"]
    assert properties["call_control_id"]["description"] == (
        "Unique identifier and token for controlling the call"
    )
    assert properties["max_participants"]["description"] == (
        "The maximum number of active conference participants to allow. "
        "Must be between 2 and 800. Defaults to 250"
    )
    assert properties["start_conference_on_create"]["description"].endswith(
        'put on hold. Defaults to "true".'
    )
    assert all("description" in p for p in properties.values())


def test_responses(doc: dict[str, Any]) -> None:
    responses = doc["paths"]["/conferences"]["post"]["responses"]
    assert list(responses) == ["200", "401", "422"]
    assert responses["401"] == {"description": "Unauthorized"}
    assert responses["422"] == {"description": "Unprocessable entity"}
    ok = responses["200"]
    assert ok["description"] == "Successful response with details about a conference."
    media = ok["content"]["application/json"]
    assert media["schema"] == {"$ref": "#/components/schemas/ConferenceResponse"}
    assert media["example"]["data"]["id"] == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert media["example"]["data"]["ended_by"]["call_session_id"] == (
        "428c31b6-abf3-3bc1-b7f4-5013ef9657c1"
    )


def test_success_schema_inferred_from_the_sample(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    assert list(schemas) == [
        "CreateConferenceRequest",
        "ConferenceResponse",
        "Conference",
        "ConferenceEndedBy",
    ]
    assert schemas["ConferenceResponse"] == {
        "type": "object",
        "properties": {"data": {"$ref": "#/components/schemas/Conference"}},
    }
    conference = schemas["Conference"]["properties"]
    assert conference["id"] == {"type": "string", "format": "uuid"}
    assert conference["created_at"] == {"type": "string", "format": "date-time"}
    assert conference["updated_at"] == {"type": "string", "format": "date-time"}
    assert conference["name"] == {"type": "string"}
    assert conference["ended_by"] == {"$ref": "#/components/schemas/ConferenceEndedBy"}
    ended_by = schemas["ConferenceEndedBy"]["properties"]
    assert ended_by["call_session_id"] == {"type": "string", "format": "uuid"}
    assert ended_by["call_control_id"] == {"type": "string"}  # "v2:..." is no UUID
    for name in ("ConferenceResponse", "Conference", "ConferenceEndedBy"):
        assert "required" not in schemas[name]  # a sample does not say what is required


def test_webhooks_in_page_order(doc: dict[str, Any]) -> None:
    assert list(doc["webhooks"]) == WEBHOOKS
    assert doc["webhooks"]["conference.participant.joined"] == {
        "post": {
            "operationId": "conference-participant-joined",
            "summary": "conference.participant.joined",
        }
    }


def test_validates_as_openapi_31(doc: dict[str, Any]) -> None:
    validate(doc)
    validate(load_yaml(dump_yaml(doc)))  # and survives its own YAML round trip


def test_deterministic() -> None:
    assert dump_yaml(extract()) == dump_yaml(extract(str(REAL)))


def test_crlf_page_gives_the_same_document(doc: dict[str, Any]) -> None:
    assert extract(REAL.replace("\n", "\r\n")) == doc


# --------------------------------------------------------------------------- altered pages


def test_added_fields_appear_with_their_types() -> None:
    addition = (
        "    language stringrequired\n\n    Spoken language.\n\n"
        "    regions integer[]\n\n    Possible values: [1, 2]\n\n    Regions to use.\n\n"
    )
    schema = request_schema(extract(altered("Responses\n", addition + "Responses\n")))
    assert list(schema["properties"])[-2:] == ["language", "regions"]
    assert schema["properties"]["language"] == {"type": "string", "description": "Spoken language."}
    assert schema["properties"]["regions"] == {
        "type": "array",
        "items": {"type": "integer", "enum": [1, 2]},
        "description": "Regions to use.",
    }
    assert schema["required"] == ["call_control_id", "name", "language"]


def test_removed_enum_value_is_gone() -> None:
    text = altered("[always, never, on_enter, on_exit]", "[always, never, on_exit]")
    beep = request_schema(extract(text))["properties"]["beep_enabled"]
    assert beep["enum"] == ["always", "never", "on_exit"]


def test_key_like_line_inside_a_paragraph_is_prose() -> None:
    # A header is a one-line paragraph; inside a longer paragraph the words are prose.
    text = altered(
        "    Name of the conference\n",
        "    Name of the conference, known as its\n    name string\n",
    )
    properties = request_schema(extract(text))["properties"]
    assert list(properties) == list(FIELDS)
    assert properties["name"]["description"] == "Name of the conference, known as its\nname string"


def test_default_value_inside_prose_is_not_an_attribute() -> None:
    prose = "    Whether a beep sound should be played"
    text = altered(prose, prose + " (older pages said Default value: always)")
    beep = request_schema(extract(text))["properties"]["beep_enabled"]
    assert beep["default"] == "never"
    assert "(older pages said Default value: always)" in beep["description"]


def test_one_line_paragraph_shaped_like_a_header_is_a_header() -> None:
    # The documented limit of the rendered text: such a paragraph opens a field, so a
    # second "name" is an error rather than a silently merged description.
    anchor = "related to the created conference.\n"
    text = altered(anchor, anchor + "\n    name string\n")
    error = failure(text)
    assert error.line == line_of(REAL, anchor) + 2
    assert "'name' is described twice" in error.message


def test_header_that_lost_its_blank_line_is_an_error() -> None:
    text = altered(
        "    comfort_noise boolean\n\n    Default value: true",
        "    comfort_noise boolean\n    Default value: true",
    )
    error = failure(text)
    assert error.line == line_of(text, "Default value: true")
    assert "does not stand alone" in error.message


def test_second_default_value_paragraph_is_an_error() -> None:
    anchor = "join and/or leave the conference.\n"
    text = altered(anchor, anchor + "\n    Default value: always\n")
    error = failure(text)
    assert error.line == line_of(REAL, anchor) + 2


def test_truncated_response_sample_names_the_line() -> None:
    text = REAL[: REAL.index('"connection_id"')]
    error = failure(text)
    assert error.line == text.count("\n") + 1
    assert "response sample is not valid JSON" in error.message


def test_response_sample_syntax_error_names_line_and_column() -> None:
    text = altered('"name": "All hands meeting",', '"name": "All hands meeting"')
    error = failure(text)
    assert (error.line, error.column) == (line_of(REAL, '"created_at"'), 1)


def test_unknown_type_names_the_line_and_the_known_types() -> None:
    error = failure(altered("    name stringrequired", "    name strngrequired"))
    assert (error.line, error.column) == (line_of(REAL, "    name stringrequired"), 10)
    assert "'strng'" in error.message
    for known in ("array", "boolean", "integer", "number", "object", "string"):
        assert known in str(error.expected)


# --------------------------------------------------------------------------- bad pages


def test_no_method_line() -> None:
    text = altered("POST \n/conferences\n", "")
    error = failure(text)
    assert error.line == line_of(text, "Expected Webhooks:")
    assert "method" in error.message


def test_possible_values_not_a_bracketed_list() -> None:
    text = altered("[always, never, on_enter, on_exit]", "always, never")
    error = failure(text)
    assert (error.line, error.column) == (line_of(REAL, "Possible values:"), 22)


def test_default_value_not_of_the_field_type() -> None:
    error = failure(altered("Default value: true", "Default value: yes"))
    assert error.line == line_of(REAL, "Default value: true")
    assert "boolean" in error.message


def test_prose_default_not_of_the_field_type() -> None:
    error = failure(altered("Defaults to 250", "Defaults to many"))
    assert error.line == line_of(REAL, "Defaults to 250")
    assert "integer" in error.message


def test_default_outside_the_stated_range() -> None:
    error = failure(altered("between 2 and 800", "between 2 and 80"))
    assert error.line == line_of(REAL, "Defaults to 250")


def test_default_not_among_possible_values() -> None:
    error = failure(altered("Default value: never", "Default value: sometimes"))
    assert error.line == line_of(REAL, "Default value: never")


def test_malformed_request_sample_json() -> None:
    error = failure(altered('"name": "Business",', '"name": "Business"'))
    assert error.line == line_of(REAL, '"beep_enabled": "always"')
    assert "curl request body" in error.message


def test_no_curl_sample() -> None:
    start, end = REAL.index("curl -L"), REAL.index("}'\n") + 3
    error = failure(REAL[:start] + REAL[end:])
    assert error.line == line_of(REAL, "Request samples")
    assert "auth" in error.message


def test_no_bearer_header() -> None:
    error = failure(altered("-H 'Authorization: Bearer <TOKEN>' \\\n", ""))
    assert error.line == line_of(REAL, "curl -L")
    assert "Authorization: Bearer" in error.message


def test_non_bearer_authorization() -> None:
    error = failure(altered("Bearer <TOKEN>", "Basic dXNlcjpwYXNz"))
    assert error.line == line_of(REAL, "Authorization:")


def test_text_after_the_curl_sample_is_an_error() -> None:
    # e.g. a lost "Response samples" heading: the sample must not vanish unread.
    text = altered("Response samples\n", "")
    error = failure(text)
    assert error.line == line_of(text, '"data": {') - 1  # the sample's opening brace


def test_curl_url_must_end_with_the_operation_path() -> None:
    error = failure(altered("/v2/conferences'", "/v2/calls'"))
    assert error.line == line_of(REAL, "curl -L")


def test_malformed_response_line() -> None:
    error = failure(altered("401: Unauthorized", "401 Unauthorized"))
    assert error.line == line_of(REAL, "401: Unauthorized")


@pytest.mark.parametrize("count", [0, 2])
def test_exactly_one_page(count: int) -> None:
    with pytest.raises(ExtractError, match="exactly one page"):
        extract_reference_page([Page(PATH, REAL)] * count)


def test_damaged_pages_give_a_document_or_a_located_error() -> None:
    """Every prefix and every one-line deletion: a valid document or an ExtractError."""
    lines = REAL.splitlines(keepends=True)
    variants = ["".join(lines[:n]) for n in range(len(lines))]
    variants += ["".join(lines[:n] + lines[n + 1 :]) for n in range(len(lines))]
    for text in variants:
        try:
            document = extract(text)
        except ExtractError as error:
            assert error.source == PATH
            assert error.line is not None
        else:
            validate(document)
