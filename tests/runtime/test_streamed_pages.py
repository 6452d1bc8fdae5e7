"""``with_streaming_response`` on a list method: the first page's response with its body
unread; ``parse()`` reads it and gives the page, which iterates on from there."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from confgen_telnyx import AsyncTelnyx, NotFoundError, Telnyx
from confgen_telnyx._runtime import AsyncStreamedAPIResponse, StreamedAPIResponse
from confgen_telnyx._runtime._pagination import AsyncPage, SyncPage


class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A JSON body in two chunks, counting what was pulled."""

    def __init__(self, data: Any) -> None:
        text = json.dumps(data).encode()
        self.chunks = [text[:10], text[10:]]
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.pulled += 1
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.pulled += 1
            yield chunk


def rooms_page(number: int) -> dict[str, Any]:
    return {
        "data": [{"id": f"room-{number}", "record_type": "room"}],
        "meta": {"page_number": number, "page_size": 1, "total_pages": 2, "total_results": 2},
    }


class Server:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.bodies: list[Body] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        number = int(request.url.params.get("page[number]", "1"))
        if number == 9:
            return httpx.Response(404, json={"errors": [{"code": "10005", "title": "gone"}]})
        body = Body(rooms_page(number))
        self.bodies.append(body)
        return httpx.Response(200, headers={"Content-Type": "application/json"}, stream=body)


def test_the_first_page_streams_unread_and_parses_to_the_page() -> None:
    server = Server()
    client = Telnyx(api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(server)))
    with client.rooms.with_streaming_response.list_rooms() as response:
        assert isinstance(response, StreamedAPIResponse)
        assert response.status_code == 200
        assert server.bodies[0].pulled == 0  # nothing read yet
        page = response.parse()
        assert server.bodies[0].pulled == 2
    assert response.is_closed
    assert isinstance(page, SyncPage)
    assert [room.id for room in page.data] == ["room-1"]
    assert [room.id for room in page] == ["room-1", "room-2"]  # iterates on past page one
    assert [r.url.params.get("page[number]") for r in server.requests] == [None, "2"]


def test_the_first_page_as_bytes() -> None:
    server = Server()
    client = Telnyx(api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(server)))
    with client.rooms.with_streaming_response.list_rooms(page={"number": 2}) as response:
        assert json.loads(b"".join(response.iter_bytes())) == rooms_page(2)
    assert len(server.requests) == 1


def test_an_error_status_raises_on_entry() -> None:
    server = Server()
    client = Telnyx(api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(server)))
    with (
        pytest.raises(NotFoundError),
        client.rooms.with_streaming_response.list_rooms(page={"number": 9}),
    ):
        pass


def test_async_first_page_streams_and_parses_to_the_page() -> None:
    server = Server()

    async def run() -> list[str]:
        http = httpx.AsyncClient(transport=httpx.MockTransport(server))
        async with AsyncTelnyx(api_key="k", http_client=http) as client:
            resource = client.rooms.with_streaming_response
            async with resource.list_rooms() as response:
                assert isinstance(response, AsyncStreamedAPIResponse)
                assert server.bodies[0].pulled == 0
                page = await response.parse()
            assert response.is_closed
            assert isinstance(page, AsyncPage)
            return [room.id async for room in page]

    assert asyncio.run(run()) == ["room-1", "room-2"]
