"""`conferencing.events("trueconf", ...)`: the Room's notifications as `Event`s, against
the loopback Room (tests/trueconf_server.py); the connection it opens closes on exit."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

import conferencing
from conferencing import Event, events
from conferencing.errors import (
    AuthenticationError,
    ConferencingError,
    UnavailableError,
    UnknownProviderError,
)
from confgen_trueconf import AsyncTrueConfRoom, TrueConfRoom
from confgen_trueconf.events import UnknownEvent
from confgen_trueconf.models import ConferenceCreatedEvent, ParticipantLeftConferenceEvent
from tests.trueconf_server import RoomServer, participant_joins

PIN = "1234"


@pytest.fixture(autouse=True)
def _no_room_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TRUECONF_ROOM_URL", "TRUECONF_HOST", "TRUECONF_PIN", "TRUECONF_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("TRUECONF_TOKEN", raising=False)


@pytest.fixture
async def server() -> AsyncIterator[RoomServer]:
    async with RoomServer(pin=PIN) as room:
        yield room


async def next_event(stream: Any, kind: str | None = None) -> Event:
    """The next event (of ``kind``), within 5 s."""
    while True:
        event: Event = await asyncio.wait_for(stream.__anext__(), 5)
        if kind is None or event.kind == kind:
            return event


async def until_disconnected(server: RoomServer) -> None:
    async def wait() -> None:
        while server.sessions:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(wait(), 5)


async def test_a_whole_conference_arrives_as_events(server: RoomServer) -> None:
    async with AsyncTrueConfRoom(url=server.url, pin=PIN) as room:
        async with events("trueconf", client=room) as stream:
            conf = await room.create_conference(
                title="Review", conf_type="symmetric", auto_accept=False, invite_list=["a@s"]
            )
            started = await next_event(stream, "conference_started")
            assert (started.conference_id, started.event_type) == (
                conf.conf_id,
                "conferenceCreated",
            )
            assert isinstance(started.raw, ConferenceCreatedEvent)
            assert started.participant_id is None and started.occurred_at is None

            await participant_joins(server, "b@s")
            joined = await next_event(stream, "participant_joined")
            assert (joined.participant_id, joined.conference_id) == ("b@s", conf.conf_id)
            assert joined.event_type == "newParticipantInConference"

            await room.kick_peer(peer_id="b@s")
            left = await next_event(stream, "participant_left")
            # participantLeftConference carries no confId: the one this stream saw created.
            assert (left.participant_id, left.conference_id) == ("b@s", conf.conf_id)
            assert isinstance(left.raw, ParticipantLeftConferenceEvent)

            await room.hang_up(for_all=True)
            ended = await next_event(stream, "conference_ended")
            assert (ended.conference_id, ended.event_type) == (conf.conf_id, "conferenceDeleted")
            assert ended.provider == "trueconf" and ended.verified is False
        # The caller's client stays open and usable after the stream.
        listed = await room.get_conferences()
        assert listed is not None
    assert server.commands("getConferences")


async def test_unmapped_notifications_are_other_with_raw_kept(server: RoomServer) -> None:
    async with events("trueconf", credentials={"pin": PIN}, base_url=server.url) as stream:
        state = await next_event(stream)  # the appStateChanged that follows auth
        assert (state.kind, state.event_type) == ("other", "appStateChanged")
        assert state.raw.app_state == 3
        await server.push({"method": "event", "event": "brandNewThing", "value": 7})
        other = await next_event(stream)
        assert (other.kind, other.event_type) == ("other", "brandNewThing")
        assert isinstance(other.raw, UnknownEvent) and other.raw.model_extra == {"value": 7}
        assert other.conference_id is None and other.participant_id is None


async def test_the_connection_it_opened_closes_on_exit(server: RoomServer) -> None:
    async with events("trueconf", credentials=PIN, base_url=server.url) as stream:
        await next_event(stream)
        assert len(server.sessions) == 1 and server.auth_attempts == [("secured", PIN)]
    await until_disconnected(server)


async def test_breaking_out_of_the_loop_inside_the_block_closes_it(server: RoomServer) -> None:
    async with events("trueconf", credentials=PIN, base_url=server.url) as stream:
        async for _ in stream:
            break
    await until_disconnected(server)
    with pytest.raises(StopAsyncIteration):
        await stream.__anext__()  # closed stays closed; nothing reconnects


async def test_a_plain_async_for_connects_on_first_read_and_aclose_ends_it(
    server: RoomServer,
) -> None:
    stream = events("trueconf", credentials=PIN, base_url=server.url)
    assert server.sessions == []  # nothing connects until the first read
    event = await next_event(stream)
    assert event.event_type == "appStateChanged"
    await stream.aclose()
    await until_disconnected(server)


async def test_a_read_that_times_out_leaves_the_stream_open(server: RoomServer) -> None:
    async with events("trueconf", credentials=PIN, base_url=server.url) as stream:
        await next_event(stream)  # appStateChanged
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(stream.__anext__(), 0.05)  # nothing to read yet
        await server.push({"method": "event", "event": "conferenceDeleted", "confId": "c-7"})
        ended = await next_event(stream)
        assert (ended.kind, ended.conference_id) == ("conference_ended", "c-7")
        assert len(server.sessions) == 1


async def test_a_refused_pin_is_an_authentication_error_and_closes(server: RoomServer) -> None:
    stream = events("trueconf", credentials="0000", base_url=server.url)
    with pytest.raises(AuthenticationError) as caught:
        async with stream:
            pass
    assert "0000" not in str(caught.value)
    await until_disconnected(server)


async def test_a_dropped_connection_ends_the_stream_as_unavailable(server: RoomServer) -> None:
    async with events("trueconf", credentials=PIN, base_url=server.url) as stream:
        await next_event(stream)
        for session in list(server.sessions):
            session.socket.transport.abort()
        with pytest.raises(UnavailableError) as caught:
            await next_event(stream)
        assert caught.value.retryable and caught.value.provider == "trueconf"


async def test_no_room_listening_is_unavailable() -> None:
    async with RoomServer(pin=PIN) as gone:
        url = gone.url
    with pytest.raises(UnavailableError):
        async with events("trueconf", credentials=PIN, base_url=url):
            pass


def test_an_unknown_provider_is_refused_before_any_io() -> None:
    with pytest.raises(UnknownProviderError, match="did you mean 'trueconf'") as caught:
        events("trueconff")
    assert isinstance(caught.value, ConferencingError)
    with pytest.raises(UnknownProviderError, match="known: trueconf"):
        events("telnyx")  # webhooks, not a stream: see conferencing.webhooks.parse


def test_a_sync_client_is_refused_with_a_type_error() -> None:
    room = TrueConfRoom(url="ws://127.0.0.1:9", pin=PIN)
    try:
        with pytest.raises(
            TypeError, match=r"needs a confgen_trueconf\.AsyncTrueConfRoom, got TrueConfRoom"
        ):
            events("trueconf", client=room)
    finally:
        room.close()


def test_events_is_exported_from_the_package() -> None:
    assert conferencing.events is events and conferencing.Event is Event


def test_importing_events_loads_no_generated_package_nor_websockets() -> None:
    code = (
        "import sys, conferencing\n"
        "conferencing.events, conferencing.Event\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('generated', 'websockets', 'pydantic', 'httpx'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
