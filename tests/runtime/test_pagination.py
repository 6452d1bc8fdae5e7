"""Pages (`_pagination`): every scheme, sync and async, and every way iteration stops."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, RootModel

from confgen.codegen.http.runtime import (
    APIResponse,
    APIResponseValidationError,
    Operation,
    async_to_raw_response_wrapper,
    to_raw_response_wrapper,
)
from confgen.codegen.http.runtime._pagination import AsyncPage, Pagination, SyncPage
from confgen.codegen.http.runtime._params import ParamStyle

from .runtime_support import BASE_URL, Recorder, async_client, sync_client

LIST = Operation(method="GET", path="/rooms", query_styles={"page": ParamStyle("deepObject", True)})


class Item(BaseModel):
    id: int


class Meta(BaseModel):
    total_pages: int | None = None
    next_cursor: str | None = None


class Links(BaseModel):
    next: str | None = None


class ListResponse(BaseModel):
    data: list[Item]
    meta: Meta | None = None
    links: Links | None = None


PAGE_NUMBER = Pagination(
    "page-number", items=("data",), param=("page", "number"), total_pages=("meta", "total_pages")
)


def numbered(total_pages: int, per_page: int = 2) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page[number]", "1"))
        data = [{"id": (number - 1) * per_page + i} for i in range(per_page)]
        return httpx.Response(
            200, json={"data": data, "meta": {"total_pages": total_pages, "page_number": number}}
        )

    return answer


def test_page_number_iterates_every_item_and_stops_at_total_pages() -> None:
    recorder = Recorder(numbered(total_pages=3))
    client = sync_client(recorder)
    page: SyncPage[Item] = SyncPage.fetch(
        client, LIST, ListResponse, PAGE_NUMBER, query={"page": {"size": 2}, "q": "x"}
    )
    assert [item.id for item in page.data] == [0, 1]
    assert page.meta.total_pages == 3 and isinstance(page.model, ListResponse)
    assert page.has_next_page() and len(recorder.requests) == 1  # peeking fetches nothing
    assert [item.id for item in page] == [0, 1, 2, 3, 4, 5]
    assert [r.url.query for r in recorder.requests] == [
        b"page[size]=2&q=x",
        b"page[size]=2&page[number]=2&q=x",
        b"page[size]=2&page[number]=3&q=x",
    ]
    assert [len(p.data) for p in page.iter_pages()] == [2, 2, 2]


def test_an_empty_page_ends_iteration() -> None:
    replies = [
        httpx.Response(200, json={"data": [{"id": 1}]}),
        httpx.Response(200, json={"data": []}),
        httpx.Response(500),  # never asked for
    ]
    recorder = Recorder(*replies)
    page: SyncPage[Item] = SyncPage.fetch(sync_client(recorder), LIST, ListResponse, PAGE_NUMBER)
    assert [item.id for item in page] == [1]
    assert len(recorder.requests) == 2


def test_a_server_ignoring_the_page_parameter_cannot_loop_forever() -> None:
    recorder = Recorder(httpx.Response(200, json={"data": [{"id": 1}]}))  # same page forever
    page: SyncPage[Item] = SyncPage.fetch(sync_client(recorder), LIST, ListResponse, PAGE_NUMBER)
    assert [item.id for item in page] == [1, 1]
    assert len(recorder.requests) == 2


def test_offset_advances_by_the_items_received() -> None:
    recorder = Recorder(
        httpx.Response(200, json={"data": [{"id": 1}, {"id": 2}]}),
        httpx.Response(200, json={"data": [{"id": 3}]}),
        httpx.Response(200, json={"data": []}),
    )
    scheme = Pagination("offset", param=("offset",))
    page: SyncPage[Item] = SyncPage.fetch(sync_client(recorder), LIST, ListResponse, scheme)
    assert [item.id for item in page] == [1, 2, 3]
    assert [r.url.query for r in recorder.requests] == [b"", b"offset=2", b"offset=3"]


def test_cursor_follows_the_body_and_stops_on_a_repeated_cursor() -> None:
    recorder = Recorder(
        httpx.Response(200, json={"data": [{"id": 1}], "meta": {"next_cursor": "c1"}}),
        httpx.Response(200, json={"data": [{"id": 2}], "meta": {"next_cursor": "c2"}}),
        httpx.Response(200, json={"data": [{"id": 3}], "meta": {"next_cursor": "c1"}}),
    )
    scheme = Pagination("cursor", param=("page", "after"), cursor=("meta", "next_cursor"))
    page: SyncPage[Item] = SyncPage.fetch(sync_client(recorder), LIST, ListResponse, scheme)
    assert [item.id for item in page] == [1, 2, 3]
    assert [r.url.query for r in recorder.requests] == [b"", b"page[after]=c1", b"page[after]=c2"]


def test_next_link_and_link_header_follow_urls_under_the_base_url() -> None:
    recorder = Recorder(
        httpx.Response(200, json={"data": [{"id": 1}], "links": {"next": "/v2/rooms?cursor=b"}}),
        httpx.Response(
            200, json={"data": [{"id": 2}], "links": {"next": f"{BASE_URL}/rooms?cursor=c"}}
        ),
        httpx.Response(200, json={"data": [{"id": 3}], "links": {"next": None}}),
    )
    scheme = Pagination("next-link", next=("links", "next"))
    page: SyncPage[Item] = SyncPage.fetch(sync_client(recorder), LIST, ListResponse, scheme)
    assert [item.id for item in page] == [1, 2, 3]
    assert [str(r.url) for r in recorder.requests[1:]] == [
        f"{BASE_URL}/rooms?cursor=b",
        f"{BASE_URL}/rooms?cursor=c",
    ]

    link = f'<{BASE_URL}/rooms?page=2>; rel="next", <{BASE_URL}/rooms?page=9>; rel="last"'
    recorder = Recorder(
        httpx.Response(200, json=[{"id": 1}], headers={"Link": link}),
        httpx.Response(200, json=[{"id": 2}]),
    )

    scheme = Pagination("link-header", items=())
    page2: SyncPage[Item] = SyncPage.fetch(
        sync_client(recorder), LIST, RootModel[list[Item]], scheme
    )
    assert [item.id for item in page2] == [1, 2]
    assert str(recorder.requests[1].url) == f"{BASE_URL}/rooms?page=2"


def test_a_next_url_on_another_origin_is_refused() -> None:
    recorder = Recorder(
        httpx.Response(
            200, json={"data": [{"id": 1}], "links": {"next": "https://evil.test/v2/rooms"}}
        )
    )
    scheme = Pagination("next-link", next=("links", "next"))
    page: SyncPage[Item] = SyncPage.fetch(sync_client(recorder), LIST, ListResponse, scheme)
    # Inside the package's error tree, like every failure of a call.
    with pytest.raises(APIResponseValidationError, match="not under the client's base URL"):
        list(page)
    assert len(recorder.requests) == 1


def test_async_pages_iterate_the_same_way() -> None:
    recorder = Recorder(numbered(total_pages=2))

    async def run() -> tuple[list[int], int]:
        client = async_client(recorder)
        page: AsyncPage[Item] = await AsyncPage.fetch(client, LIST, ListResponse, PAGE_NUMBER)
        ids = [item.id async for item in page]
        pages = [p async for p in page.iter_pages()]
        return ids, len(pages)

    ids, pages = asyncio.run(run())
    assert ids == [0, 1, 2, 3] and pages == 2
    # iter_pages() starts from the page it is called on: only page 2 is fetched again.
    assert [r.url.query for r in recorder.requests] == [
        b"",
        b"page[number]=2",
        b"page[number]=2",
    ]


def test_a_next_link_keeps_the_clients_default_query() -> None:
    recorder = Recorder(
        httpx.Response(200, json={"data": [{"id": 1}], "links": {"next": "/v2/rooms?cursor=b"}}),
        httpx.Response(200, json={"data": [{"id": 2}]}),
    )
    scheme = Pagination("next-link", next=("links", "next"))
    client = sync_client(recorder, default_query={"tenant": "t1"})
    page: SyncPage[Item] = SyncPage.fetch(client, LIST, ListResponse, scheme)
    assert [item.id for item in page] == [1, 2]
    assert [str(r.url) for r in recorder.requests] == [
        f"{BASE_URL}/rooms?tenant=t1",
        f"{BASE_URL}/rooms?cursor=b&tenant=t1",
    ]


def test_with_raw_response_on_a_list_method_returns_the_response_of_its_page() -> None:
    recorder = Recorder(numbered(total_pages=2))
    client = sync_client(recorder)

    def list_rooms() -> SyncPage[Item]:
        return SyncPage.fetch(client, LIST, ListResponse, PAGE_NUMBER)

    raw = to_raw_response_wrapper(list_rooms)()
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200 and raw.json()["meta"]["total_pages"] == 2
    page = raw.parse()
    assert isinstance(page, SyncPage) and [item.id for item in page.data] == [0, 1]
    assert raw.parse() is page
    assert [item.id for item in page] == [0, 1, 2, 3]  # the page still iterates on
    assert len(recorder.requests) == 2


def test_async_with_raw_response_on_a_list_method() -> None:
    recorder = Recorder(numbered(total_pages=2))

    async def run() -> tuple[int, list[int]]:
        client = async_client(recorder)

        async def list_rooms() -> AsyncPage[Item]:
            return await AsyncPage.fetch(client, LIST, ListResponse, PAGE_NUMBER)

        raw = await async_to_raw_response_wrapper(list_rooms)()
        page = raw.parse()
        assert isinstance(page, AsyncPage)
        return raw.status_code, [item.id async for item in page]

    assert asyncio.run(run()) == (200, [0, 1, 2, 3])
