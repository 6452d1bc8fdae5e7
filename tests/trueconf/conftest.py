"""Fixtures: a protocol-true Room stand-in (tests/trueconf_server.py) on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.trueconf_server import RoomServer


@pytest.fixture
async def server() -> AsyncIterator[RoomServer]:
    """A running Room with PIN 1234, logged in (appState 3)."""
    async with RoomServer(pin="1234") as room_server:
        yield room_server
