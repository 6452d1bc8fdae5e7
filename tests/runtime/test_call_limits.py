"""The limits of one call, over mock transports: body size (decompressed included),
the whole-call deadline, redirects, and httpx errors kept inside the error tree.

Real sockets and real faults are in tests/faults/."""

from __future__ import annotations

import asyncio
import gzip
import time
import zlib
from collections.abc import Iterator

import httpx
import pytest

from confgen.codegen.http.runtime import (
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_RESPONSE_SIZE,
    APIConnectionError,
    APITimeoutError,
    BearerAuth,
    Operation,
    RateLimitError,
    RedirectError,
    ResponseTooLargeError,
)
from confgen.codegen.http.runtime import _client as client_module
from tests.runtime.runtime_support import (
    BASE_URL,
    AsyncTestClient,
    ConferenceResponse,
    Recorder,
    TestClient,
    async_client,
    sync_client,
)

GET = Operation(method="GET", path="/items")
POST = Operation(method="POST", path="/items")
PUT = Operation(method="PUT", path="/items")
SAFE_POST = Operation(method="POST", path="/sessions", retry="idempotent")
BODY = b'{"data": {"id": "c-1", "name": "standup"}}'


class CountingStream(httpx.SyncByteStream):
    """A response body served in chunks, counting how many were pulled."""

    def __init__(self, chunk: bytes, count: int) -> None:
        self.chunk = chunk
        self.count = count
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.count):
            self.pulled += 1
            yield self.chunk


def streamed(body: bytes | httpx.SyncByteStream, **headers: str) -> Recorder:
    def reply(request: httpx.Request) -> httpx.Response:
        stream = body if isinstance(body, httpx.SyncByteStream) else httpx.ByteStream(body)
        return httpx.Response(200, headers=headers, stream=stream, request=request)

    return Recorder(reply)


# ----------------------------------------------------------------------- body size


def test_the_default_limit_and_per_client_settings() -> None:
    client = sync_client(Recorder())
    assert client.max_response_size == DEFAULT_MAX_RESPONSE_SIZE == 16 * 1024 * 1024
    assert client.with_options(max_response_size=10).max_response_size == 10
    assert TestClient(base_url=BASE_URL, max_response_size=5).max_response_size == 5
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="max_response_size"):
            TestClient(base_url=BASE_URL, max_response_size=bad)  # type: ignore[arg-type]


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    stream = CountingStream(b"x" * 1000, 10)
    client = sync_client(streamed(stream, **{"content-length": "10000"}), max_response_size=9999)
    with pytest.raises(ResponseTooLargeError) as caught:
        client.request(GET, cast_to=None)
    assert stream.pulled == 0
    assert caught.value.limit == 9999 and caught.value.status_code == 200


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit() -> None:
    stream = CountingStream(b"x" * 1000, 100)
    client = sync_client(streamed(stream), max_response_size=2500)
    with pytest.raises(ResponseTooLargeError):
        client.request(GET, cast_to=None)
    assert stream.pulled == 3


def test_a_body_exactly_at_the_limit_is_read() -> None:
    client = sync_client(streamed(BODY), max_response_size=len(BODY))
    assert client.request(GET, cast_to=None) is None
    raw = client.with_options(max_response_size=len(BODY)).request
    assert raw(GET, cast_to=None) is None


@pytest.mark.parametrize(
    ("encoding", "encoded"),
    [
        ("gzip", gzip.compress(BODY, mtime=0)),
        ("deflate", zlib.compress(BODY)),
        ("deflate", zlib.compress(BODY, wbits=-zlib.MAX_WBITS)),  # raw deflate, as some send
        ("gzip, gzip", gzip.compress(gzip.compress(BODY, mtime=0), mtime=0)),
        ("identity", BODY),
    ],
)
def test_compressed_bodies_are_decoded(encoding: str, encoded: bytes) -> None:
    recorder = streamed(encoded, **{"content-encoding": encoding})
    response = sync_client(recorder).request(GET, cast_to=ConferenceResponse)
    assert response.data.id == "c-1"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "gzip, gzip"])
def test_decompressed_size_counts_against_the_limit(encoding: str) -> None:
    big = b"0" * 100_000
    encoded = zlib.compress(big) if encoding == "deflate" else gzip.compress(big)
    if encoding == "gzip, gzip":
        encoded = gzip.compress(encoded)
    assert len(encoded) < 1000
    client = sync_client(
        streamed(encoded, **{"content-encoding": encoding}), max_response_size=50_000
    )
    with pytest.raises(ResponseTooLargeError):
        client.request(GET, cast_to=None)


@pytest.mark.parametrize(
    ("encoded", "words"),
    [
        (b"not gzip", "not valid gzip"),
        (gzip.compress(BODY, mtime=0)[:-12], "ends before its end marker"),
    ],
)
def test_a_broken_compressed_body_is_a_connection_error(encoded: bytes, words: str) -> None:
    client = sync_client(streamed(encoded, **{"content-encoding": "gzip"}))
    with pytest.raises(APIConnectionError, match=words):
        client.request(GET, cast_to=None)


def test_an_empty_body_may_carry_a_content_encoding() -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            204, headers={"content-encoding": "gzip"}, stream=httpx.ByteStream(b"")
        )

    assert sync_client(Recorder(reply)).request(GET, cast_to=None) is None


def test_a_body_the_transport_read_whole_is_checked_too() -> None:
    client = sync_client(Recorder(httpx.Response(200, content=b"x" * 101)), max_response_size=100)
    with pytest.raises(ResponseTooLargeError):
        client.request(GET, cast_to=None)


# ----------------------------------------------------------------------- deadline


def test_an_httpx_timeout_sets_phases_and_its_longest_phase_is_the_deadline() -> None:
    assert client_module._deadline_seconds(httpx.Timeout(60.0, connect=5.0)) == 60.0
    assert client_module._deadline_seconds(httpx.Timeout(2.0, connect=10.0)) == 10.0
    assert client_module._deadline_seconds(3) == 3.0


def test_retries_get_only_the_time_left() -> None:
    limits: list[dict[str, float]] = []

    def slow_failure(request: httpx.Request) -> httpx.Response:
        limits.append(dict(request.extensions["timeout"]))
        time.sleep(0.3)
        return httpx.Response(500)

    def success(request: httpx.Request) -> httpx.Response:
        limits.append(dict(request.extensions["timeout"]))
        return httpx.Response(200, json={})

    client = sync_client(Recorder(slow_failure, success), timeout=3.0)
    client.request(GET, cast_to=None)
    first, second = limits
    assert set(first.values()) == {3.0}
    assert all(limit <= 2.7 for limit in second.values())


def test_a_retry_after_past_the_deadline_is_not_waited() -> None:
    sleeps: list[float] = []
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200))
    client = sync_client(recorder, sleeps, timeout=5.0)
    with pytest.raises(RateLimitError) as caught:
        client.request(GET, cast_to=None)
    assert sleeps == [] and len(recorder.requests) == 1
    assert caught.value.retry_after == 7.0


def test_a_retry_after_inside_the_deadline_is_waited() -> None:
    sleeps: list[float] = []
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200))
    sync_client(recorder, sleeps, timeout=5.0).request(GET, cast_to=None)
    assert sleeps == [3.0] and len(recorder.requests) == 2


def test_a_deadline_passed_during_a_wait_fails_before_sending_again() -> None:
    recorder = Recorder(httpx.Response(503), httpx.Response(200))
    client = sync_client(recorder, timeout=0.6)
    client._sleep = lambda seconds: time.sleep(0.7)  # the wait overran the deadline
    with pytest.raises(APITimeoutError, match="deadline"):
        client.request(GET, cast_to=None)
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("asyncio_timeout", [True, False], ids=["asyncio", "anyio"])
async def test_async_calls_are_cancelled_at_the_deadline(
    asyncio_timeout: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not asyncio_timeout:  # the branch trio users take
        monkeypatch.setattr(client_module, "_cancel_after", client_module._anyio_fail_after)

    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    http = httpx.AsyncClient(transport=httpx.MockTransport(hang))
    client = AsyncTestClient(base_url=BASE_URL, http_client=http, timeout=0.5, max_retries=3)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        await client.request(GET, cast_to=None)
    assert time.monotonic() - started < 2.0
    recorder = Recorder(httpx.Response(200, json={}))
    await async_client(recorder).request(GET, cast_to=None)  # and a quick call still works
    assert len(recorder.requests) == 1


# ----------------------------------------------------------------------- redirects


def redirect(status: int, location: str = "/moved") -> httpx.Response:
    return httpx.Response(status, headers={"Location": location})


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_post_is_never_redirected(status: int) -> None:
    recorder = Recorder(redirect(status), httpx.Response(200))
    client = sync_client(recorder, max_retries=2)
    with pytest.raises(RedirectError) as caught:
        client.request(POST, cast_to=None, json={"name": "a"})
    assert len(recorder.requests) == 1
    assert caught.value.location == "/moved" and caught.value.status_code == status


def test_a_get_follows_at_most_the_limit() -> None:
    recorder = Recorder(redirect(302))
    with pytest.raises(RedirectError, match=f"more than {DEFAULT_MAX_REDIRECTS} redirects"):
        sync_client(recorder).request(GET, cast_to=None)
    assert len(recorder.requests) == DEFAULT_MAX_REDIRECTS + 1


def test_an_idempotent_post_follows_a_307_with_its_body() -> None:
    recorder = Recorder(redirect(307), httpx.Response(200))
    sync_client(recorder).request(SAFE_POST, cast_to=None, json={"name": "a"})
    first, second = recorder.requests
    assert second.method == "POST" and second.url == "https://api.example.test/moved"
    assert second.content == first.content == b'{"name":"a"}'


def test_a_303_turns_a_put_into_a_get_without_its_body() -> None:
    recorder = Recorder(redirect(303, "/result"), httpx.Response(200))
    sync_client(recorder).request(PUT, cast_to=None, json={"name": "a"})
    second = recorder.requests[1]
    assert second.method == "GET" and second.content == b""
    assert "content-type" not in second.headers and "content-length" not in second.headers


def test_a_redirect_from_https_to_http_is_refused() -> None:
    recorder = Recorder(redirect(302, "http://api.example.test/v2/items"))
    with pytest.raises(RedirectError, match="https to http"):
        sync_client(recorder).request(GET, cast_to=None)
    assert len(recorder.requests) == 1


def test_another_origin_gets_no_credentials_and_never_again() -> None:
    recorder = Recorder(
        redirect(302, "https://cdn.example.test/a"),
        redirect(302, "https://api.example.test/v2/back"),
        httpx.Response(200),
    )
    client = sync_client(recorder, auth=BearerAuth("SECRET"), default_headers={"X-Key": "k"})
    client.request(GET, cast_to=None, extra_headers={"X-Call": "c"})
    first, away, back = recorder.requests
    assert first.headers["authorization"] == "Bearer SECRET" and first.headers["x-call"] == "c"
    for later in (away, back):
        assert "authorization" not in later.headers
        assert "x-key" not in later.headers and "x-call" not in later.headers
        assert later.headers["user-agent"].startswith("testpkg/")
    assert away.headers["host"] == "cdn.example.test"


def test_a_same_origin_redirect_keeps_credentials() -> None:
    recorder = Recorder(redirect(301, "/v2/items2"), httpx.Response(200))
    sync_client(recorder, auth=BearerAuth("SECRET")).request(GET, cast_to=None)
    assert [r.headers["authorization"] for r in recorder.requests] == ["Bearer SECRET"] * 2


def test_a_users_http_client_that_follows_redirects_is_overridden() -> None:
    recorder = Recorder(redirect(307), httpx.Response(200))
    http = httpx.Client(transport=httpx.MockTransport(recorder), follow_redirects=True)
    client = TestClient(base_url=BASE_URL, http_client=http)
    with pytest.raises(RedirectError):
        client.request(POST, cast_to=None, json={})
    assert len(recorder.requests) == 1


# ----------------------------------------------------------------------- httpx errors


@pytest.mark.parametrize(
    "exc",
    [
        httpx.TooManyRedirects("loop"),
        httpx.DecodingError("bad"),
        httpx.LocalProtocolError("bad header"),
        httpx.RemoteProtocolError("cut"),
        httpx.StreamConsumed(),
        httpx.InvalidURL("bad"),
        httpx.UnsupportedProtocol("ftp"),
        httpx.ProxyError("proxy"),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_every_httpx_error_ends_in_the_tree(exc: Exception) -> None:
    recorder = Recorder(exc)
    with pytest.raises(APIConnectionError) as caught:
        sync_client(recorder, max_retries=2).request(POST, cast_to=None, json={})
    assert caught.value.__cause__ is exc
    assert len(recorder.requests) == 1


async def test_every_httpx_error_ends_in_the_tree_async() -> None:
    recorder = Recorder(httpx.DecodingError("bad"))
    with pytest.raises(APIConnectionError):
        await async_client(recorder).request(GET, cast_to=None)


def test_an_invalid_base_url_is_a_connection_error() -> None:
    with pytest.raises(APIConnectionError, match="Invalid URL") as caught:
        TestClient(base_url="http://[::1").request(GET, cast_to=None)
    assert caught.value.request is None


def test_a_head_answer_declaring_a_large_body_is_fine() -> None:
    head = Operation(method="HEAD", path="/items")

    def reply(request: httpx.Request) -> httpx.Response:
        headers = {"content-length": "999999999"}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(b""))

    recorder = Recorder(reply)
    sync_client(recorder, max_response_size=100).request(head, cast_to=None)
    assert [request.method for request in recorder.requests] == ["HEAD"]
