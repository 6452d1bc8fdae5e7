"""Facade fixtures: the contract tests' Prism servers (reused, not copied), the TrueConf
loopback Room, and generated clients over scripted httpx transports for error bodies
Prism cannot produce."""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.contract.conftest import prism, voximplant_credentials  # noqa: F401  (fixtures)
from tests.trueconf_server import RoomServer

SECRETS = {
    "telnyx": "KEYsecret-telnyx-0123456789",
    "signalwire": "PTsecret-signalwire-0123456789",
    "trueconf": "pin-secret-24680",
}
CLIENT_CLASSES = {"telnyx": "Telnyx", "signalwire": "SignalWire", "voximplant": "Voximplant"}
ENV_VARS = (
    "TELNYX_API_KEY",
    "TELNYX_CLIENT_ID",
    "TELNYX_CLIENT_SECRET",
    "TELNYX_ACCESS_TOKEN",
    "SIGNALWIRE_PROJECT_ID",
    "SIGNALWIRE_API_TOKEN",
    "SIGNALWIRE_SPACE",
    "VOXIMPLANT_CREDENTIALS",
    "TRUECONF_ROOM_URL",
    "TRUECONF_HOST",
    "TRUECONF_PIN",
    "TRUECONF_PASSWORD",
    "TRUECONF_TOKEN",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No provider credentials leak in from the machine running the tests."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


def package(provider: str) -> Any:
    """The generated package (a missing one fails the test: run `make generate`)."""
    return importlib.import_module(f"confgen_{provider}")


@pytest.fixture
def credentials(voximplant_credentials: dict[str, str]) -> Callable[[str], Any]:  # noqa: F811
    """``credentials(provider)``: dummy credentials in the facade's ``credentials=`` form."""

    def get(provider: str) -> Any:
        return {
            "telnyx": {"api_key": SECRETS["telnyx"]},
            "signalwire": {
                "project_id": "00000000-0000-4000-8000-00000000aaaa",
                "api_token": SECRETS["signalwire"],
                "space": "example",
            },
            "voximplant": voximplant_credentials,
            "trueconf": {"pin": "1234"},
        }[provider]

    return get


Reply = httpx.Response | Exception


@pytest.fixture
def scripted_client(credentials: Callable[[str], Any]) -> Callable[..., tuple[Any, list[Any]]]:
    """``scripted_client(provider, reply, asynchronous=False)``: the generated client (no
    retries) over a transport answering every request with ``reply``; returns it and
    the list the transport records requests into."""

    def make(provider: str, reply: Reply, *, asynchronous: bool = False) -> tuple[Any, list[Any]]:
        pkg = package(provider)
        requests: list[httpx.Request] = []

        def handle(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            if isinstance(reply, Exception):
                raise reply
            return httpx.Response(
                reply.status_code, headers=reply.headers, content=reply.content, request=request
            )

        transport = httpx.MockTransport(handle)
        http: httpx.Client | httpx.AsyncClient = (
            httpx.AsyncClient(transport=transport)
            if asynchronous
            else httpx.Client(transport=transport)
        )
        cls = getattr(pkg, ("Async" if asynchronous else "") + CLIENT_CLASSES[provider])
        extra = credentials(provider)
        settings = extra if provider != "voximplant" else {"credentials": extra}
        client = cls(base_url="https://api.test", max_retries=0, http_client=http, **settings)
        return client, requests

    return make


@pytest.fixture
async def room() -> Any:
    """A TrueConf Room stand-in (PIN 1234, logged in) on the test's event loop."""
    async with RoomServer(pin="1234") as server:
        yield server


@pytest.fixture
def threaded_room() -> Iterator[RoomServer]:
    """The same Room, run on its own loop in a thread, for synchronous callers."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Any] = {}

    async def run() -> None:
        async with RoomServer(pin="1234") as server:
            holder["server"], holder["stop"] = server, asyncio.Event()
            ready.set()
            await holder["stop"].wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield holder["server"]
    loop.call_soon_threadsafe(holder["stop"].set)
    thread.join(10)
    loop.close()


@pytest.fixture
async def telnyx(prism: Any) -> AsyncIterator[Any]:  # noqa: F811
    """Telnyx sync and async clients against Prism, recording what they send."""
    from tests.facade.verbs_support import verb_client

    client = verb_client("telnyx", prism("telnyx").url, {"api_key": SECRETS["telnyx"]})
    yield client
    client.sync.close()
    await client.asynchronous.close()


@pytest.fixture
async def signalwire(prism: Any) -> AsyncIterator[Any]:  # noqa: F811
    """SignalWire sync and async clients against Prism, recording what they send."""
    from tests.facade.verbs_support import verb_client

    settings = {"project_id": "p", "api_token": SECRETS["signalwire"], "space": "example"}
    client = verb_client("signalwire", prism("signalwire").url, settings)
    yield client
    client.sync.close()
    await client.asynchronous.close()
