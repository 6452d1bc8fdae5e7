"""A path parameter refuses ``""`` before any I/O (issue 14: the whole Telnyx client sent
``/storage/buckets//usage/api``, an empty segment, so another resource or none).

Decided: a string path parameter whose schema says nothing of ``""`` gets ``minLength: 1``
in its operation's request model, so ``""`` is a `RequestValidationError` naming the
parameter, raised before a request is built. The spec allows an empty segment only
explicitly: a ``minLength`` of its own (``0``), or ``""`` in its ``enum``/``const``.
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


def _get(path: str, operation_id: str, schema: dict[str, Any]) -> dict[str, Any]:
    name = path.split("{")[1].split("}")[0]
    return {
        "get": {
            "operationId": operation_id,
            "tags": ["storage"],
            "parameters": [{"name": name, "in": "path", "required": True, "schema": schema}],
            "responses": {"204": {"description": "done"}},
        }
    }


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Storage", "version": "1"},
    "servers": [{"url": "https://api.example.test"}],
    "paths": {
        "/storage/buckets/{bucketName}/usage/api": _get(
            "/storage/buckets/{bucketName}/usage/api", "getBucketUsage", {"type": "string"}
        ),
        "/prefixes/{prefix}/objects": _get(
            "/prefixes/{prefix}/objects", "listObjects", {"type": "string", "minLength": 0}
        ),
        "/views/{view}": _get("/views/{view}", "getView", {"type": "string", "enum": ["", "all"]}),
        "/numbers/{n}": _get("/numbers/{n}", "getNumber", {"type": "integer"}),
    },
}


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("storage")
    spec = folder / "storage.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "storage"]) == 0
    sys.path.insert(0, str(out / "storage"))
    try:
        yield importlib.import_module("storage")
    finally:
        sys.path.remove(str(out / "storage"))
        for name in [m for m in sys.modules if m == "storage" or m.startswith("storage.")]:
            del sys.modules[name]


@pytest.fixture
def wire(storage: Any) -> tuple[Any, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    http = httpx.Client(transport=httpx.MockTransport(handle))
    return storage.Storage(base_url="https://api.example.test", http_client=http), seen


def test_an_empty_path_parameter_is_refused_before_any_io(
    storage: Any, wire: tuple[Any, list[httpx.Request]]
) -> None:
    client, seen = wire
    with pytest.raises(storage.errors.RequestValidationError) as raised:
        client.storage.get_bucket_usage(bucket_name="")
    assert "bucketName" in str(raised.value)
    assert seen == []
    client.storage.get_bucket_usage(bucket_name="b1")
    assert seen[0].url.raw_path == b"/storage/buckets/b1/usage/api"


async def test_the_async_client_refuses_it_too(storage: Any) -> None:
    seen: list[httpx.Request] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handle))
    client = storage.AsyncStorage(base_url="https://api.example.test", http_client=http)
    with pytest.raises(storage.errors.RequestValidationError, match="bucketName"):
        await client.storage.get_bucket_usage(bucket_name="")
    assert seen == []
    await http.aclose()


def test_a_spec_that_allows_an_empty_segment_explicitly_gets_it_sent(
    wire: tuple[Any, list[httpx.Request]],
) -> None:
    client, seen = wire
    client.storage.list_objects(prefix="")
    client.storage.get_view(view="")
    assert [r.url.raw_path for r in seen] == [b"/prefixes//objects", b"/views/"]


def test_a_non_string_path_parameter_is_unchanged(wire: tuple[Any, list[httpx.Request]]) -> None:
    client, seen = wire
    client.storage.get_number(n=0)
    assert seen[0].url.raw_path == b"/numbers/0"
