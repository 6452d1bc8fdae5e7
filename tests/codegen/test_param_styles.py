"""Generated code sends each parameter in the style its spec declares (IR -> template ->
runtime), on a spec written for the purpose."""

from __future__ import annotations

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

from .conftest import Wire, reply


def _param(name: str, where: str, schema: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "schema": schema, **more}


OBJ = {"type": "object", "properties": {"status": {"type": "string"}, "muted": {"type": "boolean"}}}
ARR = {"type": "array", "items": {"type": "string"}}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Styles", "version": "1.2.3"},
    "servers": [{"url": "https://api.example.test"}],
    "paths": {
        "/rooms/{coords}/{ids}": {
            "get": {
                "operationId": "listRooms",
                "tags": ["rooms"],
                "parameters": [
                    _param("coords", "path", OBJ, required=True, style="matrix", explode=True),
                    _param("ids", "path", ARR, required=True, style="label"),
                    _param("filter", "query", OBJ, style="deepObject", explode=True),
                    _param("tags", "query", ARR, style="pipeDelimited", explode=False),
                    _param("plain", "query", ARR),
                    _param("next", "query", {"type": "string"}, allowReserved=True),
                    _param("X-Tags", "header", ARR),
                    _param("session", "cookie", {"type": "string"}),
                    _param("prefs", "cookie", ARR, explode=False),
                ],
                "responses": {"204": {"description": "none"}},
            }
        }
    },
}


@pytest.fixture(scope="module")
def styles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("styles")
    spec = folder / "styles.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "styles"]) == 0
    sys.path.insert(0, str(out / "styles"))  # the project folder holds the package
    try:
        yield importlib.import_module("styles")
    finally:
        sys.path.remove(str(out / "styles"))
        for name in [m for m in sys.modules if m == "styles" or m.startswith("styles.")]:
            del sys.modules[name]


def test_the_ir_carries_style_explode_and_allow_reserved() -> None:
    api = load_api(SPEC, source="styles.json", package="styles", client_class="Styles")
    (op,) = api.operations
    got = {p.wire_name: (p.location, p.style, p.explode, p.allow_reserved) for p in op.parameters}
    assert got == {
        "coords": ("path", "matrix", True, False),
        "ids": ("path", "label", False, False),
        "filter": ("query", "deepObject", True, False),
        "tags": ("query", "pipeDelimited", False, False),
        "plain": ("query", "form", True, False),
        "next": ("query", "form", True, True),
        "X-Tags": ("header", "simple", False, False),
        "session": ("cookie", "form", True, False),
        "prefs": ("cookie", "form", False, False),
    }


def test_a_style_not_allowed_in_its_location_is_a_located_error() -> None:
    spec = json.loads(json.dumps(SPEC))
    spec["paths"]["/rooms/{coords}/{ids}"]["get"]["parameters"][2]["style"] = "matrix"
    with pytest.raises(ConfgenError, match="style 'matrix' is not allowed in query") as info:
        load_api(spec, source="styles.json", package="styles", client_class="Styles")
    assert info.value.pointer == "/paths/~1rooms~1{coords}~1{ids}/get/parameters/2/style"


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_every_location_is_sent_in_its_declared_style(styles: Any, flavour: str) -> None:
    wire = Wire([reply(204)])
    arguments: dict[str, Any] = {
        "coords": {"status": "on air", "muted": False},
        "ids": ["a.b", "c"],
        "filter": {"status": "live", "muted": True},
        "tags": ["x|y", "z"],
        "plain": ["p", "q"],
        "next": "/after?c=1",
        "x_tags": ["t1", "t2"],
        "session": "s;1",
        "prefs": ["dark", "wide"],
    }
    if flavour == "sync":
        client = styles.Styles(http_client=wire.client())
        client.rooms.list_rooms(**arguments)
    else:
        import asyncio

        async def run() -> None:
            client = styles.AsyncStyles(http_client=wire.async_client())
            await client.rooms.list_rooms(**arguments)

        asyncio.run(run())
    request: httpx.Request = wire.last
    assert request.url.raw_path == (
        b"/rooms/;status=on%20air;muted=false/.a%2Eb,c"
        b"?filter[status]=live&filter[muted]=true&tags=x%7Cy|z&plain=p&plain=q&next=/after?c=1"
    )
    assert request.headers["X-Tags"] == "t1,t2"
    assert request.headers["Cookie"] == "session=s%3B1; prefs=dark,wide"


def test_generated_methods_take_the_per_call_options_and_the_client_its_env(
    styles: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STYLES_BASE_URL", "https://env.example.test/base")
    wire = Wire([reply(503), reply(204)])
    client = styles.Styles(http_client=wire.client(), default_query={"tenant": "t1"})
    client._sleep = lambda seconds: None
    assert client.base_url == "https://env.example.test/base"
    client.rooms.list_rooms(coords={}, ids=["a"], extra_query={"debug": "1"}, max_retries=1)
    assert len(wire.requests) == 2  # retried once, as max_retries=1 allows
    request = wire.last
    assert str(request.url) == "https://env.example.test/base/rooms//.a?tenant=t1&debug=1"
    # The distribution and its version exactly as the generated pyproject.toml gives them.
    assert request.headers["User-Agent"].startswith("styles/1.2.3+confgen.0.1.0 python/")
    assert styles.Styles(base_url="https://arg.example.test").base_url == "https://arg.example.test"
