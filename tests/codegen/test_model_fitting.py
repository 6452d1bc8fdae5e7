"""Constructs of whole real APIs that the generated code must type and parse correctly:
nullable required response fields, defaults that do not fit their field, allOf parts
that disagree, and a body property named like the method's local variables."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from confgen.cli import main

_NULLABLE_STRING = {"type": ["string", "null"]}
_NOTE_ID = {"name": "note_id", "in": "path", "required": True, "schema": {"type": "string"}}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Notes", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/notes": {
            "post": {
                "operationId": "createNote",
                "tags": ["Notes"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["body"],
                                "properties": {
                                    # The same name as the method's validated body.
                                    "body": {"type": "string"},
                                    "params": {"type": "string"},
                                    "hook": {"type": "string", "format": "uri", "default": ""},
                                    "kinds": {"items": {"type": "string"}, "default": ""},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Note"}}
                        },
                    }
                },
            }
        },
        "/notes/{note_id}/text": {
            "put": {
                "operationId": "putNoteText",
                "tags": ["Notes"],
                "parameters": [_NOTE_ID],
                "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}},
                "responses": {"204": {"description": "done"}},
            }
        },
        "/notes/{note_id}/tags": {
            "put": {
                "operationId": "putNoteTags",
                "tags": ["Notes"],
                "parameters": [_NOTE_ID],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"type": "array", "items": {"type": "string"}}
                        }
                    }
                },
                "responses": {"204": {"description": "done"}},
            }
        },
    },
    "components": {
        "schemas": {
            "Note": {
                "type": "object",
                "required": ["id", "title", "owner", "score", "state"],
                "properties": {
                    "id": {"type": "string"},
                    "title": _NULLABLE_STRING,
                    "owner": {"oneOf": [{"$ref": "#/components/schemas/Owner"}, {"type": "null"}]},
                    "score": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                    "state": {"type": ["string", "null"], "enum": ["open", "closed", None]},
                },
            },
            "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Region": {"type": "object", "properties": {"code": {"type": "string"}}},
            "RegionRequired": {
                "type": "object",
                "required": ["code"],
                "properties": {"code": {"type": "string"}},
            },
            # allOf parts that declare `code` differently: two bases that disagree.
            "Site": {
                "allOf": [
                    {"$ref": "#/components/schemas/Region"},
                    {"$ref": "#/components/schemas/RegionRequired"},
                ]
            },
        }
    },
}


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    """The package generated from SPEC (imported) and the folder it is in."""
    folder = tmp_path_factory.mktemp("notes")
    spec = folder / "notes.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "notes"]) == 0
    sys.path.insert(0, str(out / "notes"))  # the project folder holds the package
    try:
        yield importlib.import_module("notes"), out
    finally:
        sys.path.remove(str(out / "notes"))
        for name in [m for m in sys.modules if m == "notes" or m.startswith("notes.")]:
            del sys.modules[name]


def _client(notes: Any, answer: httpx.Response, seen: list[httpx.Request], **options: Any) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    transport = httpx.MockTransport(handler)
    return notes.Notes(http_client=httpx.Client(transport=transport), max_retries=0, **options)


def test_required_nullable_response_fields_default_to_none(notes: tuple[Any, Path]) -> None:
    package, _ = notes
    client = _client(package, httpx.Response(200, json={"id": "n1"}), [])
    note = client.notes.create_note(body="hello")
    assert note.id == "n1"
    assert [note.title, note.owner, note.score, note.state] == [None] * 4


def test_required_non_nullable_response_field_stays_required(notes: tuple[Any, Path]) -> None:
    package, _ = notes
    answer = httpx.Response(200, json={"title": "t"})
    strict = _client(package, answer, [], strict_responses=True)
    with pytest.raises(package.APIResponseValidationError):
        strict.notes.create_note(body="hello")
    # Lenient (the default): the call the server answered with success still returns.
    note = _client(package, answer, []).notes.create_note(body="hello")
    assert note.title == "t"
    assert note.id is None


def test_only_the_non_nullable_required_response_field_is_required(
    notes: tuple[Any, Path],
) -> None:
    package, _ = notes
    fields = package.models.Note.model_fields
    assert [name for name, field in fields.items() if field.is_required()] == ["id"]


def test_a_body_property_named_body_is_sent(notes: tuple[Any, Path]) -> None:
    package, _ = notes
    seen: list[httpx.Request] = []
    client = _client(package, httpx.Response(200, json={"id": "n1"}), seen)
    client.notes.create_note(body="hello", params="p")
    assert json.loads(seen[0].content) == {"body": "hello", "params": "p"}


def test_optional_bodies_left_out_send_nothing(notes: tuple[Any, Path]) -> None:
    package, _ = notes
    seen: list[httpx.Request] = []
    client = _client(package, httpx.Response(204), seen)
    client.notes.put_note_text(note_id="n1")
    client.notes.put_note_tags(note_id="n1")
    client.notes.put_note_text(note_id="n1", body="text")
    client.notes.put_note_tags(note_id="n1", body=["a"])
    assert [(r.content, r.headers.get("Content-Type")) for r in seen] == [
        (b"", None),
        (b"", None),
        (b"text", "text/plain"),
        (b'["a"]', "application/json"),
    ]


def test_allof_parts_that_disagree_inherit_the_required_field(notes: tuple[Any, Path]) -> None:
    package, _ = notes
    assert package.models.Site.model_fields["code"].is_required()


def test_defaults_that_do_not_fit_their_field_are_left_out(notes: tuple[Any, Path]) -> None:
    package, _ = notes
    model = package._request_models.CreateNoteBody
    assert (model(body="b").hook, model(body="b").kinds) == (None, None)


def test_a_uri_argument_goes_out_as_the_caller_wrote_it(notes: tuple[Any, Path]) -> None:
    package, _ = notes
    model = package._request_models.CreateNoteBody
    # A URL type would send https://a.ai/ (lower-cased, slash added).
    assert model(body="b", hook="https://A.AI").model_dump(mode="json")["hook"] == "https://A.AI"
    with pytest.raises(ValueError, match="hook"):
        model(body="b", hook="no scheme")


def test_mypy_strict_passes_on_the_package(notes: tuple[Any, Path]) -> None:
    _, out = notes
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "notes"],
        cwd=out / "notes",  # the project folder: the package is notes/ in it
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MYPY_FORCE_COLOR": "0"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
