"""Pages of a list operation, iterated across pages (sync and async).

A list operation returns a `SyncPage` / `AsyncPage`: the first page, already fetched.
It has the page's own data (``.data``: its items, ``.meta``, ``.model``: the whole
response model, ``.http_response``); iterating it yields the items of every page,
fetching the next one when needed; ``iter_pages()`` yields the pages.

How the next page is asked for is a `Pagination` scheme (from the overlay key
``x-confgen-pagination``, or detected by the generator):

- ``page-number``: set a page number parameter (``page[number]``) to the current plus
  one; the last page is known from ``total_pages`` (``meta.total_pages``).
- ``offset``: set an offset parameter to the current offset plus the items received.
- ``cursor``: set a cursor parameter to the value at ``cursor`` in the body.
- ``next-link``: GET the URL at ``next`` in the body (``links.next``).
- ``link-header``: GET the ``rel="next"`` URL of the ``Link`` header (GitHub).

Iteration stops on an empty page, on the last page (no next link or cursor, or page
number ``total_pages`` reached), and when a cursor or URL repeats: never an endless
loop. A next URL on another origin than the client's base URL is refused (the
client's credentials would go with it).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, cast
from urllib.parse import urlsplit

from ._operation import Operation, Pagination
from ._response import STREAM, APIResponse, raw_response, response_mode
from .errors import APIResponseValidationError

if TYPE_CHECKING:
    import httpx
    from pydantic import BaseModel

__all__ = ["AsyncPage", "Pagination", "SyncPage"]

_ItemT = TypeVar("_ItemT")
_PageT = TypeVar("_PageT", bound="SyncPage[Any] | AsyncPage[Any]")


@dataclass(slots=True)
class _Call:
    """What a page needs to fetch the next one: the operation and its arguments."""

    operation: Operation
    cast_to: type[BaseModel] | None
    kwargs: dict[str, Any]
    pagination: Pagination
    seen: frozenset[str] = frozenset()
    """Bodies, cursors and URLs of the pages before this one (a repeat ends the chain)."""


def _dig(data: Any, path: Sequence[str]) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _attr(model: Any, path: Sequence[str]) -> Any:
    """Follow wire names through a parsed model (by field alias or name)."""
    for key in path:
        if model is None:
            return None
        if isinstance(model, Mapping):
            model = model.get(key)
            continue
        fields = getattr(type(model), "model_fields", {})
        name = next(
            (n for n, info in fields.items() if info.alias == key or n == key),
            None,
        )
        if name is None:
            extra = getattr(model, "model_extra", None) or {}
            model = extra.get(key)
        else:
            model = getattr(model, name)
    if not path and hasattr(model, "root"):
        return model.root
    return model


def _set(
    query: Mapping[str, object] | None, path: tuple[str, ...], value: object
) -> dict[str, object]:
    out = dict(query or {})
    if len(path) == 1:
        out[path[0]] = value
        return out
    head, *rest = path
    inner = out.get(head)
    out[head] = _set(inner if isinstance(inner, Mapping) else None, tuple(rest), value)
    return out


def _get(query: Mapping[str, object] | None, path: tuple[str, ...]) -> object:
    value: object = query
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


class _BasePage(Generic[_ItemT]):
    """The page's own data and the decision of what the next request is."""

    __slots__ = ("_body", "_call", "_response", "data", "model")

    model: Any
    """The whole response, as the operation's response model."""
    data: list[_ItemT]
    """This page's items."""

    def __init__(self, call: _Call, response: APIResponse[Any]) -> None:
        self._call = call
        self._response = response
        self.model = response.parse()
        items = _attr(self.model, call.pagination.items)
        self.data = list(items) if isinstance(items, list | tuple) else []
        self._body: Any = _UNREAD

    @property
    def http_response(self) -> httpx.Response:
        """This page's HTTP response."""
        return self._response.http_response

    def to_api_response(self) -> APIResponse[Self]:
        """This page as the `APIResponse` of its request, whose ``parse()`` gives the page
        (what ``with_raw_response`` returns for a list method)."""
        response: APIResponse[Self] = APIResponse(self._response.http_response, None)
        response.set_parsed(self)
        return response

    @property
    def meta(self) -> Any:
        """The response's ``meta`` member, if it has one."""
        return _attr(self.model, ("meta",))

    def _value(self, path: tuple[str, ...]) -> Any:
        """The value at ``path``: from the parsed model (no second JSON parse), else
        from the raw body (a member the model does not declare)."""
        value = _attr(self.model, path) if path else None
        return _dig(self._json(), path) if value is None else value

    def _json(self) -> Any:
        if self._body is _UNREAD:
            try:
                self._body = json.loads(self._response.content)
            except ValueError:
                self._body = None
        return self._body

    def _next_call(self) -> _Call | None:
        """The next page's call, or ``None`` when this is the last page."""
        # A server that ignores the page parameter sends the same page again: stop.
        digest = "body:" + hashlib.blake2b(self._response.content, digest_size=16).hexdigest()
        if digest in self._call.seen:
            return None
        found = self._next_kwargs()
        if found is None:
            return None
        kwargs, key = found
        if key is not None and key in self._call.seen:
            return None
        call = self._call
        seen = call.seen | {digest} | ({key} if key else set())
        return _Call(call.operation, call.cast_to, kwargs, call.pagination, seen)

    def _next_kwargs(self) -> tuple[dict[str, Any], str | None] | None:
        """The next request's arguments and the cursor or URL they follow (``None``:
        this is the last page)."""
        if not self.data:
            return None
        call = self._call
        scheme = call.pagination
        kwargs = call.kwargs
        query = kwargs.get("query")
        if scheme.kind == "page-number":
            current = _get(query, scheme.param)
            number = (
                int(current)
                if isinstance(current, int | str) and str(current).isdigit()
                else scheme.start
            )
            total = self._value(scheme.total_pages) if scheme.total_pages else None
            if isinstance(total, int) and number >= total:
                return None
            return {**kwargs, "query": _set(query, scheme.param, number + 1)}, None
        if scheme.kind == "offset":
            current = _get(query, scheme.param)
            offset = int(current) if isinstance(current, int) else 0
            return {**kwargs, "query": _set(query, scheme.param, offset + len(self.data))}, None
        if scheme.kind == "cursor":
            cursor = self._value(scheme.cursor or ())
            if cursor in (None, ""):
                return None
            return {**kwargs, "query": _set(query, scheme.param, cursor)}, f"cursor:{cursor}"
        if scheme.kind == "next-link":
            url = self._value(scheme.next or ())
        else:
            url = self.http_response.links.get("next", {}).get("url")
        if not isinstance(url, str) or not url:
            return None
        return self._follow(url), f"url:{url}"

    def _follow(self, url: str) -> dict[str, Any]:
        """The arguments that GET ``url``: a path under the client's base URL."""
        base = self._client_base_url()
        request_url = str(self.http_response.request.url)
        if url.startswith("/"):
            parts = urlsplit(request_url)
            url = f"{parts.scheme}://{parts.netloc}{url}"
        elif not urlsplit(url).scheme:
            url = request_url.rsplit("/", 1)[0] + "/" + url
        if not url.startswith(base + "/") and url != base:
            # Inside the package's error tree (a response the client cannot use as declared).
            raise APIResponseValidationError(
                response=self.http_response,
                body=None,
                message=f"the next page's URL is not under the client's base URL {base!r}; "
                "not following it (the client's credentials would go with it)",
            )
        path = url[len(base) :]
        operation = replace_path(self._call.operation, path)
        return {**self._call.kwargs, "operation": operation, "path_params": None, "query": None}

    def _client_base_url(self) -> str:
        raise NotImplementedError


_UNREAD = object()


def replace_path(operation: Operation, path: str) -> Operation:
    """``operation`` sent to ``path`` (a next-page URL's path and query, taken as is)."""
    # "{" cannot be a placeholder here: the path is a URL the server sent.
    safe = path.replace("{", "%7B").replace("}", "%7D")
    return replace(operation, path=safe)


class SyncPage(_BasePage[_ItemT]):
    """One page of a list operation; iterate it for the items of every page."""

    __slots__ = ("_client",)

    def __init__(self, client: Any, call: _Call, response: APIResponse[Any]) -> None:
        super().__init__(call, response)
        self._client = client

    def _client_base_url(self) -> str:
        return str(self._client.base_url)

    @classmethod
    def fetch(
        cls,
        client: Any,
        operation: Operation,
        cast_to: type[BaseModel] | None,
        pagination: Pagination | None = None,
        **kwargs: Any,
    ) -> SyncPage[_ItemT]:
        """The first page (generated list methods call this); ``pagination`` defaults
        to the operation's."""
        call = _Call(operation, cast_to, kwargs, _scheme(operation, pagination))
        if response_mode() == STREAM:  # with_streaming_response: the first page, unread
            streamed = client.request(operation, cast_to=cast_to, **kwargs)
            streamed.set_parser(functools.partial(_page_of, cls, client, call, streamed))
            return cast("SyncPage[_ItemT]", streamed)
        return cls(client, call, _send(client, call, kwargs))

    def has_next_page(self) -> bool:
        """Whether another page follows (without fetching it)."""
        return self._next_call() is not None

    def get_next_page(self) -> SyncPage[_ItemT] | None:
        """The next page, fetched now; ``None`` after the last one."""
        call = self._next_call()
        if call is None:
            return None
        return SyncPage(self._client, call, _send(self._client, call, call.kwargs))

    def iter_pages(self) -> Iterator[SyncPage[_ItemT]]:
        """This page, then each following page."""
        page: SyncPage[_ItemT] | None = self
        while page is not None:
            yield page
            page = page.get_next_page()

    def __iter__(self) -> Iterator[_ItemT]:
        for page in self.iter_pages():
            yield from page.data

    def __repr__(self) -> str:
        return f"<SyncPage of {len(self.data)} items>"


class AsyncPage(_BasePage[_ItemT]):
    """The async twin of `SyncPage`: ``async for item in page``."""

    __slots__ = ("_client",)

    def __init__(self, client: Any, call: _Call, response: APIResponse[Any]) -> None:
        super().__init__(call, response)
        self._client = client

    def _client_base_url(self) -> str:
        return str(self._client.base_url)

    @classmethod
    async def fetch(
        cls,
        client: Any,
        operation: Operation,
        cast_to: type[BaseModel] | None,
        pagination: Pagination | None = None,
        **kwargs: Any,
    ) -> AsyncPage[_ItemT]:
        """The first page (generated list methods call this); ``pagination`` defaults
        to the operation's."""
        call = _Call(operation, cast_to, kwargs, _scheme(operation, pagination))
        if response_mode() == STREAM:  # with_streaming_response: the first page, unread
            streamed = await client.request(operation, cast_to=cast_to, **kwargs)
            streamed.set_parser(functools.partial(_page_of, cls, client, call, streamed))
            return cast("AsyncPage[_ItemT]", streamed)
        return cls(client, call, await _send_async(client, call, kwargs))

    def has_next_page(self) -> bool:
        """Whether another page follows (without fetching it)."""
        return self._next_call() is not None

    async def get_next_page(self) -> AsyncPage[_ItemT] | None:
        """The next page, fetched now; ``None`` after the last one."""
        call = self._next_call()
        if call is None:
            return None
        return AsyncPage(self._client, call, await _send_async(self._client, call, call.kwargs))

    async def iter_pages(self) -> AsyncIterator[AsyncPage[_ItemT]]:
        """This page, then each following page."""
        page: AsyncPage[_ItemT] | None = self
        while page is not None:
            yield page
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[_ItemT]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item

    def __repr__(self) -> str:
        return f"<AsyncPage of {len(self.data)} items>"


def _page_of(cls: type[_PageT], client: Any, call: _Call, streamed: Any) -> _PageT:
    """The page a streamed first page parses to, once its body is read."""
    return cls(client, call, APIResponse(streamed.http_response, call.cast_to))


def _scheme(operation: Operation, pagination: Pagination | None) -> Pagination:
    scheme = pagination or operation.pagination
    if scheme is None:
        raise ValueError(f"{operation.method} {operation.path} declares no pagination")
    return scheme


def _split(kwargs: Mapping[str, Any]) -> tuple[Operation | None, dict[str, Any]]:
    rest = dict(kwargs)
    return rest.pop("operation", None), rest


def _send(client: Any, call: _Call, kwargs: Mapping[str, Any]) -> APIResponse[Any]:
    operation, rest = _split(kwargs)
    with raw_response():  # the page needs the response (Link header), not only the model
        response = client.request(operation or call.operation, cast_to=call.cast_to, **rest)
    assert isinstance(response, APIResponse)
    return response


async def _send_async(client: Any, call: _Call, kwargs: Mapping[str, Any]) -> APIResponse[Any]:
    operation, rest = _split(kwargs)
    with raw_response():
        response = await client.request(operation or call.operation, cast_to=call.cast_to, **rest)
    assert isinstance(response, APIResponse)
    return response
