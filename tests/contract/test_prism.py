"""Contract tests: the generated clients call Prism, which validates every request
against the committed spec (``--errors``) and answers from the spec's examples or
schemas; the client must send a valid request and parse the answer."""

from __future__ import annotations

from typing import Any

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
