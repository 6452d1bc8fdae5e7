"""Client construction, copies, closing, and what reprs show."""

from __future__ import annotations

import subprocess
import sys
from functools import cached_property
from pathlib import Path

import httpx
import pytest

from confgen.codegen.http.runtime import (
    DEFAULT_TIMEOUT,
    BasicAuth,
    BearerAuth,
    Operation,
    SyncResource,
)
from tests.runtime.runtime_support import BASE_URL, SECRET, Recorder, TestClient, sync_client

GET = Operation(method="GET", path="/conferences")


def test_defaults_are_a_finite_timeout_and_two_retries() -> None:
    client = TestClient(base_url=BASE_URL + "/")
    assert client.timeout == DEFAULT_TIMEOUT == httpx.Timeout(60.0, connect=5.0)
    assert client.max_retries == 2
    assert client.base_url == BASE_URL
    client.close()


def test_with_options_shares_the_http_client_and_changes_only_what_is_given() -> None:
    recorder = Recorder()
    client = sync_client(recorder, default_headers={"X-Team": "a"})
    copy = client.with_options(max_retries=0, timeout=3.0, default_headers={"X-Extra": "1"})

    assert copy._http is client._http
    assert (copy.max_retries, client.max_retries) == (0, 2)
    assert copy.timeout == httpx.Timeout(3.0) and client.timeout == DEFAULT_TIMEOUT
    copy.request(GET, cast_to=None)
    client.request(GET, cast_to=None)
    with_extra, without = recorder.requests
    assert with_extra.headers["X-Team"] == "a" and with_extra.headers["X-Extra"] == "1"
    assert "X-Extra" not in without.headers


def test_with_options_auth_and_base_url() -> None:
    recorder = Recorder()
    copy = sync_client(recorder).with_options(
        base_url="https://eu.example.test/", auth=BearerAuth("other")
    )
    copy.request(GET, cast_to=None)
    [sent] = recorder.requests
    assert str(sent.url) == "https://eu.example.test/conferences"
    assert sent.headers["Authorization"] == "Bearer other"


def test_with_options_rebuilds_cached_resources_for_the_copy() -> None:
    class Client(TestClient):
        @cached_property
        def conferences(self) -> SyncResource:
            return SyncResource(self)

    client = Client(base_url=BASE_URL)
    original = client.conferences
    copy = client.with_options(max_retries=0)
    assert copy.conferences._client is copy
    assert client.conferences is original
    client.close()


def test_users_http_client_is_used_and_not_closed() -> None:
    recorder = Recorder()
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    with TestClient(base_url=BASE_URL, http_client=http) as client:
        client.request(GET, cast_to=None)
    assert len(recorder.requests) == 1
    assert not http.is_closed
    http.close()


def test_users_http_client_keeps_its_own_auth_when_none_is_given() -> None:
    recorder = Recorder()
    http = httpx.Client(transport=httpx.MockTransport(recorder), auth=("u", "p"))
    TestClient(base_url=BASE_URL, http_client=http).request(GET, cast_to=None)
    assert recorder.requests[0].headers["Authorization"].startswith("Basic ")


def test_owned_http_client_is_closed_with_the_client_but_not_by_copies() -> None:
    client = TestClient(base_url=BASE_URL)
    client.with_options(max_retries=1).close()
    assert not client.is_closed
    with client:
        pass
    assert client.is_closed


def test_credentials_are_absent_from_client_and_auth_reprs() -> None:
    for auth in (BearerAuth(SECRET), BasicAuth("project-1", SECRET)):
        client = TestClient(base_url=f"https://user:{SECRET}@api.example.test", auth=auth)
        for text in (repr(client), str(client), repr(auth), str(auth)):
            assert SECRET not in text
        client.close()
    assert repr(BasicAuth("project-1", SECRET)) == "BasicAuth(username='project-1', password='***')"


def test_empty_credentials_are_refused() -> None:
    with pytest.raises(ValueError):
        BearerAuth("")
    with pytest.raises(ValueError):
        BasicAuth("project", "")


def test_importing_the_runtime_and_its_errors_does_not_import_httpx() -> None:
    code = (
        "import sys\n"
        "import confgen.codegen.http.runtime as rt\n"
        "from confgen.codegen.http.runtime import Operation, NOT_GIVEN, validate_request, NotFoundError\n"
        "from confgen.codegen.http.runtime.errors import APIError\n"
        "assert 'httpx' not in sys.modules, 'httpx imported'\n"
        "assert 'jwt' not in sys.modules, 'jwt imported'\n"
        "rt.SyncAPIClient\n"
        "assert 'httpx' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_every_public_name_resolves() -> None:
    import confgen.codegen.http.runtime as runtime

    for name in runtime.__all__:
        assert getattr(runtime, name) is not None, name
    with pytest.raises(AttributeError):
        runtime.NoSuchName  # noqa: B018
