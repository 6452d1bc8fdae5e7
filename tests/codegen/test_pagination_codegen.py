"""Generated list methods return pages: the scheme detected for the common shapes (Telnyx
``page[number]`` + ``meta.total_pages``, SignalWire ``links.next``, GitHub ``Link``) or
taken from ``x-confgen-pagination``; sync and async, on a spec written for the purpose."""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from confgen.cli import main
from confgen.codegen.http.load import load_api
from confgen.errors import ConfgenError

from .conftest import Wire

ROOM = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}
ROOMS = {"type": "array", "items": {"$ref": "#/components/schemas/Room"}}


def _list(operation_id: str, params: list[Any], body: Any, **more: Any) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "tags": ["rooms"],
            "parameters": params,
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": body}}}
            },
            **more,
        }
    }


PAGE = {
    "name": "page",
    "in": "query",
    "style": "deepObject",
    "explode": True,
    "schema": {
        "type": "object",
        "properties": {"number": {"type": "integer"}, "size": {"type": "integer"}},
    },
}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Pages", "version": "1"},
    "servers": [{"url": "https://api.example.test/v2"}],
    "paths": {
        "/telnyx": _list(
            "listTelnyx",
            [PAGE],
            {
                "type": "object",
                "properties": {
                    "data": ROOMS,
                    "meta": {"type": "object", "properties": {"total_pages": {"type": "integer"}}},
                },
            },
        ),
        "/signalwire": _list(
            "listSignalwire",
            [],
            {
                "type": "object",
                "properties": {
                    "data": ROOMS,
                    "links": {"type": "object", "properties": {"next": {"type": "string"}}},
                },
            },
        ),
        "/github": _list(
            "listGithub", [{"name": "page", "in": "query", "schema": {"type": "integer"}}], ROOMS
        ),
        "/cursor": _list(
            "listCursor",
            [{"name": "after", "in": "query", "schema": {"type": "string"}}],
            {
                "type": "object",
                "properties": {"items": ROOMS, "next": {"type": "string"}},
            },
            **{
                "x-confgen-pagination": {
                    "kind": "cursor",
                    "items": "items",
                    "param": "after",
                    "cursor": "next",
                }
            },
        ),
        "/single": _list("getSingle", [], {"$ref": "#/components/schemas/Room"}),
    },
    "components": {"schemas": {"Room": ROOM}},
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("pages")
    spec = folder / "pages.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "pages"]) == 0
    sys.path.insert(0, str(out / "pages"))  # the project folder holds the package
    try:
        yield importlib.import_module("pages")
    finally:
        sys.path.remove(str(out / "pages"))
        for name in [m for m in sys.modules if m == "pages" or m.startswith("pages.")]:
            del sys.modules[name]


def test_schemes_are_detected_or_read_from_the_overlay() -> None:
    api = load_api(SPEC, source="pages.json", package="pages", client_class="Pages")
    got = {op.operation_id: (op.pagination, op.item_model) for op in api.operations}
    telnyx, room = got["listTelnyx"]
    assert telnyx is not None and room == "Room"
    assert (telnyx.kind, telnyx.items, telnyx.param, telnyx.total_pages) == (
        "page-number",
        ("data",),
        ("page", "number"),
        ("meta", "total_pages"),
    )
    signalwire = got["listSignalwire"][0]
    assert signalwire is not None and (signalwire.kind, signalwire.next) == (
        "next-link",
        ("links", "next"),
    )
    github = got["listGithub"][0]
    assert github is not None and (github.kind, github.items) == ("link-header", ())
    cursor = got["listCursor"][0]
    assert cursor is not None
    assert (cursor.kind, cursor.items, cursor.param, cursor.cursor) == (
        "cursor",
        ("items",),
        ("after",),
        ("next",),
    )
    assert got["getSingle"] == (None, None)


def test_an_overlay_without_what_its_kind_needs_is_a_located_error() -> None:
    spec = json.loads(json.dumps(SPEC))
    spec["paths"]["/cursor"]["get"]["x-confgen-pagination"] = {"kind": "cursor", "param": "after"}
    with pytest.raises(ConfgenError, match="kind cursor needs cursor") as info:
        load_api(spec, source="pages.json", package="pages", client_class="Pages")
    assert info.value.pointer == "/paths/~1cursor/get/x-confgen-pagination"


def _server(request: httpx.Request) -> httpx.Response:
    path, params = request.url.path, request.url.params
    if path == "/v2/telnyx":
        number = int(params.get("page[number]", "1"))
        return httpx.Response(200, json={"data": [{"id": number}], "meta": {"total_pages": 3}})
    if path == "/v2/signalwire":
        step = int(params.get("step", "1"))
        following = f"https://api.example.test/v2/signalwire?step={step + 1}" if step < 2 else None
        return httpx.Response(200, json={"data": [{"id": step}], "links": {"next": following}})
    if path == "/v2/github":
        number = int(params.get("page", "1"))
        link = {"Link": f'<https://api.example.test/v2/github?page={number + 1}>; rel="next"'}
        return httpx.Response(200, json=[{"id": number}], headers=link if number < 2 else {})
    if path == "/v2/cursor":
        after = params.get("after", "")
        return httpx.Response(
            200, json={"items": [{"id": len(after)}], "next": after + "x" if len(after) < 2 else ""}
        )
    return httpx.Response(200, json={"id": 7})


def test_sync_list_methods_iterate_every_page(pages: Any) -> None:
    wire = Wire([_server])
    rooms = pages.Pages(http_client=wire.client()).rooms
    first = rooms.list_telnyx(page={"size": 1})
    assert [room.id for room in first.data] == [1] and first.meta.total_pages == 3
    assert [room.id for room in first] == [1, 2, 3]
    assert [room.id for room in rooms.list_signalwire()] == [1, 2]
    assert [room.id for room in rooms.list_github()] == [1, 2]
    assert [room.id for room in rooms.list_cursor()] == [0, 1, 2]
    assert rooms.get_single().id == 7
    assert [str(r.url) for r in wire.requests[:3]] == [
        "https://api.example.test/v2/telnyx?page[size]=1",
        "https://api.example.test/v2/telnyx?page[size]=1&page[number]=2",
        "https://api.example.test/v2/telnyx?page[size]=1&page[number]=3",
    ]


def test_async_list_methods_iterate_every_page(pages: Any) -> None:
    wire = Wire([_server])

    async def run() -> list[list[int]]:
        rooms = pages.AsyncPages(http_client=wire.async_client()).rooms
        out = []
        for method in (
            rooms.list_telnyx,
            rooms.list_signalwire,
            rooms.list_github,
            rooms.list_cursor,
        ):
            page = await method()
            out.append([room.id async for room in page])
        out.append([len(p.data) async for p in (await rooms.list_telnyx()).iter_pages()])
        return out

    assert asyncio.run(run()) == [[1, 2, 3], [1, 2], [1, 2], [0, 1, 2], [1, 1, 1]]


def test_the_index_says_how_each_operation_pages(pages: Any) -> None:
    index = importlib.import_module("pages.operations")
    assert {info.operation_id: info.pagination for info in index.OPERATIONS} == {
        "listTelnyx": "page-number",
        "listSignalwire": "next-link",
        "listGithub": "link-header",
        "listCursor": "cursor",
        "getSingle": None,
    }
