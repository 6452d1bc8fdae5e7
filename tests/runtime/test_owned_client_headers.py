"""A client that creates its own httpx client puts its fixed headers there (they are not
re-sent per call); what reaches the wire is the same as with a caller's httpx client."""

from __future__ import annotations

import functools
import platform

import httpx
import pytest

from confgen.codegen.http.runtime import BearerAuth, Operation
from tests.runtime.runtime_support import BASE_URL, SECRET, Recorder, TestClient

GET = Operation(method="GET", path="/conferences")
POST_WITH_HEADER_KEY = Operation(
    method="POST",
    path="/conferences",
    retry="idempotency-key",
    idempotency_key=("header", "Idempotency-Key"),
)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Every httpx.Client created in the test talks to this recorder."""
    recorder = Recorder()
    transport = httpx.MockTransport(recorder)
    monkeypatch.setattr(httpx, "Client", functools.partial(httpx.Client, transport=transport))
    return recorder


def owned_client(**options: object) -> TestClient:
    client = TestClient(base_url=BASE_URL, auth=BearerAuth(SECRET), max_retries=0, **options)  # type: ignore[arg-type]
    assert client._owns_http
    return client


def test_owned_client_sends_its_headers_once_each(recorder: Recorder) -> None:
    owned_client(default_headers={"X-Team": "a"}).request(GET, cast_to=None)
    headers = recorder.requests[0].headers
    assert headers.get_list("user-agent") == [
        f"testpkg/1.2.3 python/{platform.python_version()} httpx/{httpx.__version__}"
    ]
    assert headers.get_list("accept") == ["application/json"]
    assert headers.get_list("x-team") == ["a"]
    assert headers.get_list("authorization") == [f"Bearer {SECRET}"]


def test_with_options_headers_override_the_baked_ones(recorder: Recorder) -> None:
    client = owned_client(default_headers={"X-Team": "a"})
    copy = client.with_options(default_headers={"x-team": "b", "X-New": "n"})
    copy.request(GET, cast_to=None, extra_headers={"Accept": "text/csv"})
    client.request(GET, cast_to=None)
    changed, original = (request.headers for request in recorder.requests)
    assert changed.get_list("x-team") == ["b"]
    assert changed.get_list("x-new") == ["n"]
    assert changed.get_list("accept") == ["text/csv"]
    assert original.get_list("x-team") == ["a"]
    assert original.get_list("x-new") == []
    assert original.get_list("accept") == ["application/json"]


def test_idempotency_key_in_default_headers_is_not_replaced(recorder: Recorder) -> None:
    client = owned_client(default_headers={"Idempotency-Key": "fixed-1"})
    client.request(POST_WITH_HEADER_KEY, cast_to=None, json={})
    owned_client().request(POST_WITH_HEADER_KEY, cast_to=None, json={})
    mine, fresh = (request.headers for request in recorder.requests)
    assert mine.get_list("idempotency-key") == ["fixed-1"]
    [key] = fresh.get_list("idempotency-key")
    assert len(key) == 36 and key[14] == "4"
