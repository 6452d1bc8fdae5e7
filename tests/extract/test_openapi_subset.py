"""The published-OpenAPI subset extractor and its merge with the seed pages."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import pytest

from confgen.cli import main
from confgen.errors import ExtractError
from confgen.extract.merge import merge_openapi
from confgen.extract.openapi_subset import (
    HTTP_METHODS,
    extract_openapi_subset,
    iter_refs,
    load_published_openapi,
)
from confgen.extract.page import Page
from confgen.extract.validate import validate_openapi
from confgen.manifest import load_manifest
from confgen.yamlio import load_yaml
from tests.conftest import ROOT

VIDEO_ROOMS = [
    "Rooms",
    "Room Sessions",
    "Room Participants",
    "Room Recordings",
    "Room Compositions",
    "Rooms Client Tokens",
]


@functools.cache
def published(name: str) -> dict[str, Any]:
    path = {
        "telnyx": "specs/sources/telnyx-openapi-3.1.yml",
        "signalwire": "specs/sources/signalwire-rest.openapi.yaml",
    }[name]
    return load_published_openapi(Page(path, (ROOT / path).read_text(encoding="utf-8")))


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def resolves(document: dict[str, Any], ref: str) -> bool:
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_telnyx_conference_commands_are_the_23_operations() -> None:
    subset = extract_openapi_subset(published("telnyx"), tags=["Conference Commands"])
    ids = sorted(op["operationId"] for _, _, op in operations(subset))
    assert len(ids) == 23
    assert {"ListConferences", "EndConference", "ConferenceGatherUsingAudio"} <= set(ids)
    assert "webhooks" not in subset


def test_telnyx_surface_operations_webhooks_and_a_closed_ref_closure() -> None:
    document = published("telnyx")
    subset = extract_openapi_subset(
        document, tags=["Conference Commands", *VIDEO_ROOMS], webhooks=["conference[A-Z].*"]
    )
    assert len(list(operations(subset))) == 23 + 25
    assert sorted(subset["webhooks"]) == sorted(
        name for name in document["webhooks"] if name.startswith("conference")
    )
    refs = set(iter_refs(subset))
    assert refs and all(resolves(subset, ref) for ref in refs)
    # Only what is reachable is copied: far fewer schemas than the whole API's.
    assert len(subset["components"]["schemas"]) < len(document["components"]["schemas"]) / 10
    assert list(subset["components"]["securitySchemes"]) == ["bearerAuth"]


def test_subset_is_a_pure_function_of_the_document() -> None:
    document = published("signalwire")
    tags = ["Rooms", "Streams"]
    first = extract_openapi_subset(document, tags=tags)
    assert extract_openapi_subset(document, tags=tags) == first
    assert published("signalwire") == document  # the input is not modified
    assert {tag for _, _, op in operations(first) for tag in op["tags"]} == set(tags)


def test_unknown_tag_is_a_located_error() -> None:
    with pytest.raises(ExtractError, match="no operation is tagged 'Nope'") as error:
        extract_openapi_subset(published("signalwire"), tags=["Nope"], source="x.yaml")
    assert error.value.source == "x.yaml"


def test_dangling_ref_is_refused() -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "tags": ["A"],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Missing"}
                                }
                            },
                        }
                    },
                }
            }
        },
    }
    with pytest.raises(ExtractError, match="names nothing"):
        extract_openapi_subset(document, tags=["A"])


def test_merge_keeps_the_page_operation_and_reports_each_difference() -> None:
    seed = {
        "openapi": "3.1.0",
        "info": {"title": "page", "version": "1"},
        "servers": [{"url": "https://{your_space_name}.example.com/api/video"}],
        "paths": {
            "/rooms": {
                "post": {
                    "operationId": "create-room",
                    "tags": ["rooms"],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"size": {"type": "integer", "maximum": 10}},
                                    "required": ["size"],
                                }
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "spec", "version": "1"},
        "servers": [{"url": "https://{space_name}.example.com"}],
        "paths": {
            "/api/video/rooms": {
                "post": {
                    "operationId": "create_room",
                    "tags": ["Rooms"],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"size": {"type": "integer", "maximum": 20}},
                                }
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                },
                "get": {
                    "operationId": "list_rooms",
                    "tags": ["Rooms"],
                    "responses": {"200": {"description": "ok"}},
                },
            }
        },
    }
    page = Page("page.txt", "title\nsize: integer, maximum 10\n")
    merged, report = merge_openapi(seed, spec, pages=[page], published_source="spec.yaml")
    item = merged["paths"]["/api/video/rooms"]
    assert item["post"]["operationId"] == "create-room"  # the page's operation
    assert item["get"]["tags"] == ["rooms"]  # the published tag takes the page's name
    assert merged["servers"] == spec["servers"]
    rows = {row.what: row for row in report}
    assert rows["server URL"].rule.endswith(
        "moved under /api/video so every request reaches the same URL"
    )
    maximum = rows["POST /api/video/rooms: body field size: maximum"]
    assert (maximum.page, maximum.page_value, maximum.published_value) == ("page.txt:2", "10", "20")
    assert maximum.published == (
        "spec.yaml#/paths/~1api~1video~1rooms/post/requestBody/content/application~1json"
        "/schema/properties/size/maximum"
    )
    required = rows["POST /api/video/rooms: body field size: required"]
    assert (required.page_value, required.published_value) == ("true", "false")
    assert "tag 'Rooms'" in rows


def test_shipped_specs_hold_every_selected_operation() -> None:
    for provider in load_manifest(ROOT / "specs/providers.toml"):
        if provider.published_extractor != "openapi-subset":
            continue
        spec = load_yaml(provider.spec.read_text(encoding="utf-8"))
        validate_openapi(spec, source=str(provider.spec))
        wanted = {
            (path, method)
            for path, method, op in operations(published(provider.name))
            if set(op.get("tags") or []) & set(provider.select["tags"])
        }
        assert wanted <= {(path, method) for path, method, _ in operations(spec)}
        assert len(wanted) == {"telnyx": 48, "signalwire": 31}[provider.name]


def test_report_and_specs_are_what_the_sources_give() -> None:
    assert main(["--manifest", str(ROOT / "specs/providers.toml"), "extract", "--check"]) == 0
    report = (ROOT / "specs/REPORT.md").read_text(encoding="utf-8")
    assert "| server URL | specs/sources/signalwire-create-video-conference.txt:1 |" in report
    assert "specs/sources/telnyx-create-conference.txt:69" in report  # max_participants
