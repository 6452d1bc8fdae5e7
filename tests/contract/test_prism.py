"""Contract tests: the generated clients call Prism, which validates every request
against the committed spec (``--errors``) and answers from the spec's examples or
schemas; the client must send a valid request and parse the answer."""

from __future__ import annotations

import importlib
import itertools
from collections import Counter
from typing import Any, cast

import httpx
import pytest

from tests.contract.conftest import (
    Case,
    ClientFactory,
    PrismServer,
    all_cases,
    call,
    inline_refs,
    minimal_arguments,
    require_spec,
)

CASES = all_cases()
VARIANTS = ["required-only", "all-fields"]


def assert_accepted(exchanges: list[httpx.Response], case: Case) -> None:
    """Exactly one request went out, and Prism found nothing wrong with it."""
    assert len(exchanges) == 1, [str(r.request.url) for r in exchanges]
    response = exchanges[0]
    violations = response.headers.get("sl-violations")
    assert violations is None, f"Prism: {case.method} {case.path} violates the spec: {violations}"
    assert response.status_code < 300, (
        f"Prism answered {response.status_code} to {case.method} {response.request.url}: "
        f"{response.text[:500]}"
    )
    assert response.request.method == case.method


def answers_with_a_body(case: Case) -> bool:
    """Whether the operation's success response has content (a 204 has none: None)."""
    operation = inline_refs(case.document["paths"][case.path][case.method.lower()], case.document)
    return any(
        str(code).startswith("2") and (response or {}).get("content")
        for code, response in operation.get("responses", {}).items()
    )


def assert_result(result: Any, case: Case) -> None:
    """The typed model the spec's example or schema gave; None for a body-less answer."""
    if answers_with_a_body(case):
        assert result is not None
    else:
        assert result is None


def explain(error: Exception, case: Case) -> None:
    """Fail with Prism's validation problem when the client raised on its answer."""
    response = getattr(error, "response", None)
    if isinstance(response, httpx.Response):
        pytest.fail(
            f"Prism refused {case.method} {response.request.url} "
            f"({response.status_code}): {response.text[:800]}"
        )


def call_or_explain(client: Any, case: Case, arguments: dict[str, Any]) -> Any:
    try:
        return call(client, case, arguments)
    except Exception as error:
        explain(error, case)
        raise


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_operation_is_accepted_by_prism_and_its_answer_parses(
    case: Case,
    variant: str,
    prism: Any,
    make_client: ClientFactory,
) -> None:
    require_spec(case)
    server: PrismServer = prism(case.provider)
    exchanges: list[httpx.Response] = []
    with httpx.Client(event_hooks={"response": [exchanges.append]}) as http_client:
        client = make_client(case.provider, server.url, http_client=http_client)
        arguments = minimal_arguments(case, all_optional=variant == "all-fields")
        result = call_or_explain(client, case, arguments)
    assert_accepted(exchanges, case)
    assert_result(result, case)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_async_operation_is_accepted_by_prism_and_its_answer_parses(
    case: Case,
    prism: Any,
    make_client: ClientFactory,
) -> None:
    require_spec(case)
    server: PrismServer = prism(case.provider)
    exchanges: list[httpx.Response] = []

    async def record(response: httpx.Response) -> None:
        exchanges.append(response)

    async with httpx.AsyncClient(event_hooks={"response": [record]}) as http_client:
        client = make_client(case.provider, server.url, asynchronous=True, http_client=http_client)
        try:
            result = await call(client, case, minimal_arguments(case, all_optional=True))
        except Exception as error:
            explain(error, case)
            raise
    assert_accepted(exchanges, case)
    assert_result(result, case)


@pytest.mark.parametrize("provider", ["voximplant", "signalwire", "telnyx"])
def test_prism_refuses_a_request_without_credentials(provider: str, prism: Any) -> None:
    """The mock really checks credentials, so the accepted calls above prove ours are sent."""
    case = next(case for case in CASES if case.provider == provider)
    require_spec(case)
    server: PrismServer = prism(provider)
    response = httpx.request(case.method, server.url + case.path, json={})
    assert response.status_code in (401, 422), response.text


# --- two pages of every list operation ---------------------------------------------

#: The list URL the specs' examples link to. Prism answers with the examples as they
#: are, so every SignalWire list's ``links.next`` is this one URL (``/rooms?page=3``);
#: a real server links to the list it answered, on its own host. `_Rebased` makes the
#: examples say that: this prefix becomes Prism's origin and the requested list's path.
EXAMPLE_LIST_URLS = {"signalwire": "https://example.signalwire.com/api/video/rooms"}


def pagination_of(case: Case) -> str | None:
    """The list scheme the package's public index gives the operation (None: no list)."""
    if not case.path:  # the placeholder of a missing spec: the tests above fail for it
        return None
    index = importlib.import_module(f"confgen_{case.provider}.operations")
    return cast(str | None, index.operation(case.operation_id).pagination)


LIST_CASES = [case for case in CASES if pagination_of(case) is not None]


def test_every_http_package_with_lists_has_its_lists_here() -> None:
    """The two-page tests below cover every paginated operation of the shipped packages."""
    counted = Counter(case.provider for case in LIST_CASES)
    assert counted == {"telnyx": 9, "signalwire": 11}, counted


class _Rebased:
    """Prism's answer with the examples' list URL replaced by the requested list's URL
    on Prism (the query the example gives, ``?page=3``, kept)."""

    def __init__(self, provider: str, server_url: str) -> None:
        self.example = EXAMPLE_LIST_URLS.get(provider, "").encode()
        self.here = server_url.rstrip("/").encode()

    def answer(self, response: httpx.Response, request: httpx.Request) -> httpx.Response:
        headers = [
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in ("content-length", "content-encoding", "transfer-encoding")
        ]
        body = response.content
        if self.example:
            body = body.replace(self.example, self.here + request.url.raw_path.split(b"?")[0])
        return httpx.Response(response.status_code, headers=headers, content=body, request=request)


class RebasingTransport(_Rebased, httpx.BaseTransport):
    def __init__(self, provider: str, server_url: str) -> None:
        super().__init__(provider, server_url)
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        try:
            response.read()
        finally:
            response.close()
        return self.answer(response, request)

    def close(self) -> None:
        self.inner.close()


class AsyncRebasingTransport(_Rebased, httpx.AsyncBaseTransport):
    def __init__(self, provider: str, server_url: str) -> None:
        super().__init__(provider, server_url)
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        try:
            await response.aread()
        finally:
            await response.aclose()
        return self.answer(response, request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def assert_two_pages(
    case: Case, server: PrismServer, pages: list[Any], exchanges: list[httpx.Response]
) -> None:
    """Two pages, each answered by Prism without a violation; the second request asks
    for the page the first one named: ``page[number]=2`` (Telnyx ``meta.total_pages``)
    or the ``links.next`` URL (SignalWire). Prism answers every page with the same
    example, so the repeat ends the iteration there."""
    assert len(pages) == 2, [str(r.request.url) for r in exchanges]
    assert [len(page.data) > 0 for page in pages] == [True, True]
    assert len(exchanges) == 2, [str(r.request.url) for r in exchanges]
    for response in exchanges:
        assert response.headers.get("sl-violations") is None, response.headers["sl-violations"]
        assert response.status_code < 300, (response.request.url, response.text[:500])
    first, second = (response.request for response in exchanges)
    kind = pagination_of(case)
    if kind == "page-number":
        assert first.url.params.get("page[number]") is None
        assert second.url.params.get("page[number]") == "2"
        others = [(k, v) for k, v in second.url.params.multi_items() if k != "page[number]"]
        assert others == list(first.url.params.multi_items())
        assert pages[0].meta.total_pages > 1
    else:
        assert kind == "next-link"
        next_url = pages[0].model.links.next
        assert next_url == f"{server.url}{first.url.path}?page=3"  # the example's, rebased
        assert str(second.url) == next_url


@pytest.mark.parametrize("case", LIST_CASES, ids=lambda case: case.id)
def test_list_operation_iterates_two_pages_of_prisms_examples(
    case: Case, prism: Any, make_client: ClientFactory
) -> None:
    server: PrismServer = prism(case.provider)
    exchanges: list[httpx.Response] = []
    transport = RebasingTransport(case.provider, server.url)
    with httpx.Client(transport=transport, event_hooks={"response": [exchanges.append]}) as http:
        client = make_client(case.provider, server.url, http_client=http)
        first = call_or_explain(client, case, minimal_arguments(case))
        pages = list(itertools.islice(first.iter_pages(), 3))
    assert_two_pages(case, server, pages, exchanges)


@pytest.mark.parametrize("case", LIST_CASES, ids=lambda case: case.id)
async def test_async_list_operation_iterates_two_pages_of_prisms_examples(
    case: Case, prism: Any, make_client: ClientFactory
) -> None:
    server: PrismServer = prism(case.provider)
    exchanges: list[httpx.Response] = []

    async def record(response: httpx.Response) -> None:
        exchanges.append(response)

    transport = AsyncRebasingTransport(case.provider, server.url)
    async with httpx.AsyncClient(transport=transport, event_hooks={"response": [record]}) as http:
        client = make_client(case.provider, server.url, asynchronous=True, http_client=http)
        try:
            first = await call(client, case, minimal_arguments(case))
        except Exception as error:
            explain(error, case)
            raise
        pages = []
        async for page in first.iter_pages():
            pages.append(page)
            if len(pages) == 3:
                break
    assert_two_pages(case, server, pages, exchanges)
