"""``with_streaming_response``: the call runs through the one request flow (retries,
redirects, errors decided before a success body is read), and the success body is
left unread for the caller, still under the size limit and the call's deadline."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from confgen.codegen.http.runtime import (
    APIConnectionError,
    APITimeoutError,
    AsyncStreamedAPIResponse,
    NotFoundError,
    Operation,
    ResponseTooLargeError,
    StreamedAPIResponse,
    async_to_streamed_response_wrapper,
    to_streamed_response_wrapper,
)
from confgen.codegen.http.runtime._streaming import _LineSplitter
from tests.runtime.runtime_support import (
    AsyncTestClient,
    ConferenceResponse,
    Recorder,
    TestClient,
    async_client,
    conference_json,
    sync_client,
)

GET = Operation(method="GET", path="/items")
DOWNLOAD = Operation(method="GET", path="/recordings/r-1", response_kind="binary")


class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body served in the given chunks, recording how many were pulled and closes."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks
        self.pulled = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.pulled += 1
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.pulled += 1
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def serving(stream: Chunks, status: int = 200, **headers: str) -> Recorder:
    def reply(request: httpx.Request) -> httpx.Response:
        named = {name.replace("_", "-"): value for name, value in headers.items()}
        return httpx.Response(status, headers=named, stream=stream, request=request)

    return Recorder(reply)


def get(client: TestClient) -> ConferenceResponse:
    return client.request(GET, cast_to=ConferenceResponse)


async def aget(client: AsyncTestClient) -> ConferenceResponse:
    return await client.request(GET, cast_to=ConferenceResponse)


def test_the_body_is_not_read_before_the_caller_reads_it() -> None:
    body = Chunks(b"one\n", b"two\n", b"three")
    client = sync_client(serving(body))
    with to_streamed_response_wrapper(get)(client) as response:
        assert isinstance(response, StreamedAPIResponse)
        assert response.status_code == 200
        assert body.pulled == 0
        pieces = response.iter_bytes()
        assert next(pieces) == b"one\n"
        assert body.pulled == 1
        assert list(pieces) == [b"two\n", b"three"]
    assert response.is_closed and body.closed


def test_the_response_is_closed_on_exit_even_unread() -> None:
    body = Chunks(b"x" * 10, b"y" * 10)
    client = sync_client(serving(body))
    with to_streamed_response_wrapper(get)(client) as response:
        pass
    assert body.pulled == 0
    assert response.is_closed and body.closed


def test_lines_and_text_across_chunk_boundaries() -> None:
    # A "\r\n" and a two-byte UTF-8 character each split across chunks.
    chunks = (b"alpha\r", b"\nbe", b"ta\n\xc3", b"\xa9gamma\rdelta")
    client = sync_client(serving(Chunks(*chunks)))
    with to_streamed_response_wrapper(get)(client) as response:
        assert list(response.iter_lines()) == ["alpha", "beta", "\u00e9gamma", "delta"]
    client = sync_client(serving(Chunks(*chunks)))
    with to_streamed_response_wrapper(get)(client) as response:
        assert "".join(response.iter_text()) == b"".join(chunks).decode()


def test_line_splitter_keeps_empty_lines_and_a_last_line_without_ending() -> None:
    splitter = _LineSplitter()
    assert splitter.feed("a\n\nb") == ["a", ""]
    assert splitter.feed("\r") == []
    assert splitter.feed("\r\nc") == ["b", ""]
    assert splitter.flush() == ["c"]
    assert splitter.flush() == []


def test_parse_gives_what_the_plain_method_returns() -> None:
    client = sync_client(serving(Chunks(b'{"data": {"id": "c-1", ', b'"name": "standup"}}')))
    with to_streamed_response_wrapper(get)(client) as response:
        parsed = response.parse()
        assert parsed == ConferenceResponse.model_validate(conference_json())
        assert response.parse() is parsed  # cached
        assert response.read() == b'{"data": {"id": "c-1", "name": "standup"}}'


def test_a_binary_operation_parses_to_its_binary_response() -> None:
    client = sync_client(serving(Chunks(b"%PDF", b"-1.7"), content_type="application/pdf"))

    def download(client: TestClient) -> object:
        return client.request(DOWNLOAD, cast_to=None)

    with to_streamed_response_wrapper(download)(client) as response:
        assert response.parse().content == b"%PDF-1.7"  # type: ignore[attr-defined]


def test_retries_happen_before_any_success_body_is_read() -> None:
    body = Chunks(b'{"data": {"id": "c-1", "name": "standup"}}')
    recorder = Recorder(httpx.Response(503, json={"error": "busy"}), serving(body))
    sleeps: list[float] = []
    client = sync_client(recorder, sleeps)
    with to_streamed_response_wrapper(get)(client) as response:
        assert len(recorder.requests) == 2 and len(sleeps) == 1
        assert body.pulled == 0
        assert response.parse().data.name == "standup"


def test_an_error_status_raises_with_its_body_read() -> None:
    client = sync_client(serving(Chunks(b'{"error": {"message": "no such item"}}'), status=404))
    with (
        pytest.raises(NotFoundError, match="no such item") as caught,
        to_streamed_response_wrapper(get)(client),
    ):
        pytest.fail("an error status must not enter the block")
    assert caught.value.response.is_closed


def test_a_get_follows_a_redirect_in_streaming_mode() -> None:
    body = Chunks(b"moved here")
    recorder = Recorder(httpx.Response(302, headers={"location": "/elsewhere"}), serving(body))
    client = sync_client(recorder)
    with to_streamed_response_wrapper(get)(client) as response:
        assert str(response.http_request.url).endswith("/elsewhere")
        assert response.read() == b"moved here"


def test_the_size_limit_applies_to_what_is_read() -> None:
    body = Chunks(*[b"x" * 100] * 10)
    client = sync_client(serving(body), max_response_size=250)
    with to_streamed_response_wrapper(get)(client) as response:
        pieces = response.iter_bytes()
        assert next(pieces) == b"x" * 100
        assert next(pieces) == b"x" * 100
        with pytest.raises(ResponseTooLargeError):
            next(pieces)
    assert body.pulled == 3  # refused as soon as the limit passed, not at the end
    assert response.is_closed


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    body = Chunks(b"x" * 300)
    client = sync_client(serving(body, content_length="300"), max_response_size=250)
    with (
        to_streamed_response_wrapper(get)(client) as response,
        pytest.raises(ResponseTooLargeError),
    ):
        response.read()
    assert body.pulled == 0


def test_compressed_bodies_are_decoded_and_counted_decompressed() -> None:
    packed = gzip.compress(b"line\n" * 1000)
    client = sync_client(serving(Chunks(packed[:20], packed[20:]), content_encoding="gzip"))
    with to_streamed_response_wrapper(get)(client) as response:
        assert list(response.iter_lines()) == ["line"] * 1000
    client = sync_client(serving(Chunks(packed), content_encoding="gzip"), max_response_size=4000)
    with (
        to_streamed_response_wrapper(get)(client) as response,
        pytest.raises(ResponseTooLargeError),
    ):
        response.read()


def test_the_calls_deadline_applies_to_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    client = sync_client(serving(Chunks(b"a", b"b", b"c")))
    with to_streamed_response_wrapper(get)(client) as response:
        pieces = response.iter_bytes()
        assert next(pieces) == b"a"
        response._deadline = 0.0  # as if the call's time ran out while reading
        with pytest.raises(APITimeoutError):
            list(pieces)


def test_a_broken_body_is_an_error_of_the_package() -> None:
    client = sync_client(serving(Chunks(b"not gzip at all"), content_encoding="gzip"))
    with (
        to_streamed_response_wrapper(get)(client) as response,
        pytest.raises(APIConnectionError, match="could not be decoded"),
    ):
        response.read()


def test_a_method_that_cannot_stream_is_refused() -> None:
    def not_a_call(client: TestClient) -> int:
        return 1

    with (
        pytest.raises(TypeError, match="cannot stream"),
        to_streamed_response_wrapper(not_a_call)(sync_client(Recorder())),
    ):
        pass


# ----------------------------------------------------------------------------- async


async def test_async_streaming_reads_lazily_and_closes_on_exit() -> None:
    body = Chunks(b"one\n", b"tw", b"o\nthree")
    client = async_client(serving(body))
    async with async_to_streamed_response_wrapper(aget)(client) as response:
        assert isinstance(response, AsyncStreamedAPIResponse)
        assert body.pulled == 0
        assert [line async for line in response.iter_lines()] == ["one", "two", "three"]
    assert response.is_closed and body.closed


async def test_async_parse_retries_and_limit() -> None:
    body = Chunks(b'{"data": {"id": "c-1", "name": "standup"}}')
    recorder = Recorder(httpx.Response(503, json={}), serving(body))
    client = async_client(recorder)
    async with async_to_streamed_response_wrapper(aget)(client) as response:
        assert len(recorder.requests) == 2 and body.pulled == 0
        assert (await response.parse()).data.name == "standup"
    client = async_client(serving(Chunks(*[b"x" * 100] * 10)), max_response_size=250)
    async with async_to_streamed_response_wrapper(aget)(client) as response:
        with pytest.raises(ResponseTooLargeError):
            await response.read()


async def test_async_error_status_raises() -> None:
    client = async_client(serving(Chunks(b'{"error": "gone"}'), status=404))
    with pytest.raises(NotFoundError):
        async with async_to_streamed_response_wrapper(aget)(client):
            pytest.fail("an error status must not enter the block")


class Stalling(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"first"
        await asyncio.sleep(5)
        yield b"never"


async def test_async_body_is_cut_at_the_calls_deadline() -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Stalling(), request=request)

    client = async_client(Recorder(reply))

    async def call(client: AsyncTestClient) -> ConferenceResponse:
        return await client.request(GET, cast_to=ConferenceResponse, timeout=0.3)

    loop = asyncio.get_running_loop()
    started = loop.time()
    async with async_to_streamed_response_wrapper(call)(client) as response:
        pieces = response.iter_bytes()
        assert await anext(pieces) == b"first"
        with pytest.raises(APITimeoutError):
            await anext(pieces)
    assert loop.time() - started < 2.0
