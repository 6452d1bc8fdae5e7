"""Fixtures: a protocol-true Room stand-in (tests/trueconf_server.py) on loopback."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.trueconf_server import RoomServer


@pytest.fixture
async def server() -> AsyncIterator[RoomServer]:
    """A running Room with PIN 1234, logged in (appState 3)."""
    async with RoomServer(pin="1234") as room_server:
        yield room_server


LIMIT = 10.0


@pytest.fixture
def server_thread() -> Any:
    """A RoomServer on its own loop in a thread, for the synchronous client."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Any] = {}

    async def main() -> None:
        async with RoomServer(pin="1234") as room_server:
            holder["server"], holder["stop"] = room_server, asyncio.Event()
            ready.set()
            await holder["stop"].wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(LIMIT)
    yield holder["server"]
    loop.call_soon_threadsafe(holder["stop"].set)
    thread.join(LIMIT)
