"""The generated TrueConf Room client against a Room that plays the documented protocol."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from confgen_trueconf import (
    AsyncTrueConfRoom,
    AuthenticationError,
    CommandRejectedError,
    CommandTimeoutError,
    ConnectionLostError,
    NotLoggedInError,
    RequestValidationError,
    TrueConfRoom,
    UnknownEvent,
    models,
)
from tests.trueconf_server import RoomServer

LIMIT = 10.0  # no test may run longer than this

CONFERENCE: dict[str, Any] = {
    "title": "Code review",
    "conf_type": "role",
    "auto_accept": False,
    "casters_count": 4,
    "invite_list": ["user1@some.server"],
    "use_waiting_room": True,
}


def room(server: RoomServer, **options: Any) -> AsyncTrueConfRoom:
    options.setdefault("pin", "1234")
    options.setdefault("timeout", 2.0)
    return AsyncTrueConfRoom(host="127.0.0.1", port=server.port, **options)


async def test_create_conference_end_to_end(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT), room(server) as client:
        conf = await client.create_conference(**CONFERENCE)
    assert isinstance(conf, models.ConferenceCreatedEvent)
    assert conf.conf_id == "conf-1"
    assert conf.conf_title == "Code review"
    assert conf.conf_type == 3
    assert conf.join_url and conf.join_url.startswith("https://")
    sent = server.commands("createConference")[0]
    assert sent["confType"] == "role" and sent["inviteList"] == ["user1@some.server"]
    assert sent["useWaitingRoom"] is True and "muteCamOnJoin" not in sent
    assert server.auth_attempts == [("secured", "1234")]


async def test_port_discovered_from_config_json(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT):
        client = AsyncTrueConfRoom(host="127.0.0.1", http_port=server.http_port, pin="1234")
        async with client:
            assert client.url == server.url
            conf = await client.create_conference(**CONFERENCE)
    assert conf.conf_id == "conf-1"


def test_sync_client_creates_a_conference(server_thread: RoomServer) -> None:
    with TrueConfRoom(url=server_thread.url, pin="1234", timeout=2.0) as client:
        events = client.events(timeout=0.5)
        conf = client.create_conference(**CONFERENCE)
        received = list(events)  # stops 0.5 s after the last notification
    assert conf.conf_title == "Code review"
    # The appStateChanged 3 that follows auth may come first; then the create's two.
    created, state = received[-2:]
    assert isinstance(created, models.ConferenceCreatedEvent) and created.conf_id == "conf-1"
    assert isinstance(state, models.AppStateChangedEvent) and state.app_state == 5


async def test_wrong_pin_raises_authentication_error(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT):
        client = room(server, pin="0000")
        with pytest.raises(AuthenticationError) as caught:
            await client.connect()
        await client.close()
    assert caught.value.result_code == 1
    assert "0000" not in str(caught.value) and "0000" not in repr(client)


async def test_pin_from_environment(server: RoomServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUECONF_ROOM_URL", server.url)
    monkeypatch.setenv("TRUECONF_PIN", "1234")
    async with asyncio.timeout(LIMIT), AsyncTrueConfRoom() as client:
        assert client.connected
    assert server.auth_attempts == [("secured", "1234")]


async def test_ack_without_notification_times_out_naming_what_was_awaited(
    server: RoomServer,
) -> None:
    server.faults.notify = "none"
    async with asyncio.timeout(LIMIT), room(server) as client:
        with pytest.raises(CommandTimeoutError) as caught:
            await client.create_conference(**CONFERENCE, timeout=0.3)
    assert "conferenceCreated" in caught.value.awaited
    assert "appStateChanged with appState=5" in caught.value.awaited
    assert "createConference was accepted" in str(caught.value)


async def test_success_signalled_only_by_app_state_5(server: RoomServer) -> None:
    server.faults.notify = "appState"
    async with asyncio.timeout(LIMIT), room(server) as client:
        conf = await client.create_conference(**CONFERENCE)
    assert isinstance(conf, models.ConferenceCreatedEvent)
    assert conf.conf_id is None and conf.join_url is None


async def test_concurrent_commands_matched_to_their_replies(server: RoomServer) -> None:
    server.faults.hold_replies = 2  # the server answers the second command first
    async with asyncio.timeout(LIMIT), room(server) as client:
        first, second = await asyncio.gather(
            client.request("createConference", _wire("First")),
            client.request("createConference", _wire("Second")),
        )
    sent = server.commands("createConference")
    assert [frame["title"] for frame in sent] == ["First", "Second"]
    assert first["requestId"] == sent[0]["requestId"]
    assert second["requestId"] == sent[1]["requestId"]
    assert first["requestId"] != second["requestId"]


def _wire(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "confType": "role",
        "autoAccept": False,
        "castersCount": 4,
        "inviteList": [],
    }


@pytest.mark.parametrize("when", ["before_ack", "after_ack"])
async def test_dropped_connection_fails_pending_call_then_reauthenticates_with_token(
    server: RoomServer, when: str
) -> None:
    server.faults.drop = when  # type: ignore[assignment]
    async with asyncio.timeout(LIMIT), room(server) as client:
        with pytest.raises(ConnectionLostError, match="lost"):
            await client.create_conference(**CONFERENCE)
        assert not client.connected
        if when == "after_ack":
            await server.set_app_state(3)  # the first create went through on the Room
        conf = await client.create_conference(**CONFERENCE)
    assert conf.conf_title == "Code review"
    first_token = server.tokens_issued[0]
    assert server.auth_attempts == [("secured", "1234"), ("secured", first_token)]


async def test_garbage_frames_are_skipped_and_the_reader_keeps_working(
    server: RoomServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.faults.garbage_after_auth = [
        "not json {",
        b"\xff\xfe binary",
        "[1, 2, 3]",
        '{"method": "noSuchMethod", "requestId": "999"}',
        '{"method": "event"}',
        '{"method": "event", "event": "appStateChanged"}',
        '{"requestId": "12345"}',
    ]
    caplog.set_level(logging.WARNING)
    async with asyncio.timeout(LIMIT), room(server) as client:
        conf = await client.create_conference(**CONFERENCE)
    assert conf.conf_id == "conf-1"
    assert sum("skipped" in record.getMessage() for record in caplog.records) >= 6


async def test_not_logged_in_is_refused_before_sending(server: RoomServer) -> None:
    server.app_state = 2
    async with asyncio.timeout(LIMIT), room(server) as client:
        with pytest.raises(NotLoggedInError, match="not logged in") as caught:
            await client.create_conference(**CONFERENCE)
    assert caught.value.app_state == 2 and caught.value.required == 3
    assert server.commands("createConference") == []


async def test_rejected_create_raises_with_the_reply(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT), room(server) as client:
        await client.connect()
        server.app_state = 4  # the Room changes state without telling us first
        with pytest.raises(CommandRejectedError) as caught:
            await client.create_conference(**CONFERENCE)
    assert isinstance(caught.value.reply, models.CreateConferenceReply)
    assert caught.value.reply.result is False


async def test_invalid_argument_raises_naming_the_field_and_sends_nothing(
    server: RoomServer,
) -> None:
    async with asyncio.timeout(LIMIT), room(server) as client:
        with pytest.raises(RequestValidationError) as caught:
            await client.create_conference(**{**CONFERENCE, "conf_type": "party"})
    assert "'confType' (Python name 'conf_type')" in str(caught.value)
    assert "party" not in str(caught.value)
    assert server.commands("createConference") == []


async def test_events_are_typed_and_unknown_ones_kept(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT), room(server) as client:
        stream = client.events()
        await client.create_conference(**CONFERENCE)
        await server.push({"method": "event", "event": "somethingNew", "answer": 42})
        received = [await anext(stream) for _ in range(3)]
        await stream.aclose()
    created, state, unknown = received
    assert isinstance(created, models.ConferenceCreatedEvent) and created.conf_id == "conf-1"
    assert isinstance(state, models.AppStateChangedEvent) and state.app_state == 5
    assert isinstance(unknown, UnknownEvent) and unknown.event == "somethingNew"
    assert unknown.model_extra == {"answer": 42}


async def test_unknown_enum_values_and_extra_fields_are_kept(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT), room(server) as client:
        stream = client.events()
        await server.push({"method": "event", "event": "appStateChanged", "appState": 9, "x": 1})
        event = await anext(stream)
    assert isinstance(event, models.AppStateChangedEvent)
    assert event.app_state == 9 and event.model_extra == {"x": 1}


async def test_events_end_with_connection_lost(server: RoomServer) -> None:
    server.faults.drop = "before_ack"
    async with asyncio.timeout(LIMIT), room(server) as client:
        stream = client.events()
        with pytest.raises(ConnectionLostError):
            await client.create_conference(**CONFERENCE)
        with pytest.raises(ConnectionLostError):
            await anext(stream)


async def test_secrets_never_in_reprs_logs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with asyncio.timeout(LIMIT), RoomServer(pin="s3cret-pin") as server:
        server.faults.drop = "before_ack"
        async with room(server, pin="s3cret-pin") as client:
            with pytest.raises(ConnectionLostError) as lost:
                await client.create_conference(**CONFERENCE)
            await client.create_conference(**CONFERENCE)  # re-auth with the token
            connection = client._connection
            text = repr(client) + repr(connection) + repr(connection._credentials) + str(lost.value)
        with pytest.raises(AuthenticationError) as refused:
            await room(server, pin="wrong-pin").connect()
    client_logs = [r.getMessage() for r in caplog.records if not r.name.startswith("websockets.")]
    text += "\n".join(client_logs) + str(refused.value)
    for secret in ("s3cret-pin", "wrong-pin", *server.tokens_issued):
        assert secret not in text


class _InProcessRoom:
    """A socket given through ``open_socket``: it answers ``auth`` and createConference
    the way a logged-in Room does, with no network at all."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.sent: list[dict[str, Any]] = []
        self.closed = False
        self._incoming: asyncio.Queue[str | None] = asyncio.Queue()

    async def open(self, url: str) -> _InProcessRoom:
        self.urls.append(url)
        return self

    async def send(self, message: str, /) -> None:
        frame = json.loads(message)
        self.sent.append(frame)
        reply = {"method": frame["method"], "requestId": frame["requestId"], "result": True}
        self._incoming.put_nowait(json.dumps({**reply, "resultCode": 0}))
        if frame["method"] == "auth":
            event = {"method": "event", "event": "appStateChanged", "appState": 3}
        else:
            event = {
                "method": "event",
                "event": "conferenceCreated",
                "confId": "conf-9",
                "confTitle": frame["title"],
            }
        self._incoming.put_nowait(json.dumps(event))

    async def close(self) -> None:
        self.closed = True
        self._incoming.put_nowait(None)

    def __aiter__(self) -> _InProcessRoom:
        return self

    async def __anext__(self) -> str:
        item = await self._incoming.get()
        if item is None:
            raise StopAsyncIteration
        return item


async def test_open_socket_replaces_the_websocket_connect() -> None:
    # Nothing listens on room.invalid: every frame goes through the given socket.
    fake = _InProcessRoom()
    async with asyncio.timeout(LIMIT):
        client = AsyncTrueConfRoom(url="ws://room.invalid:9", pin="1234", open_socket=fake.open)
        async with client:
            conf = await client.create_conference(**CONFERENCE)
    assert conf.conf_id == "conf-9" and conf.conf_title == "Code review"
    assert fake.urls == ["ws://room.invalid:9"]
    assert [frame["method"] for frame in fake.sent] == ["auth", "createConference"]
    assert fake.sent[0]["credentials"] == "1234"
    assert fake.closed


async def test_distinct_notification_names_keep_bounded_state(server: RoomServer) -> None:
    from confgen_trueconf._runtime._connection import LATEST_NOTIFICATIONS

    names = 50_000
    async with asyncio.timeout(LIMIT * 3), room(server) as client:
        await client.create_conference(**CONFERENCE)  # connected, appState seen
        connection = client._connection
        # Straight into the reader's handler: 50,000 frames over the socket would take
        # most of the time limit; the wire path is the same call (checked just below).
        for number in range(names):
            connection._on_notification({"method": "event", "event": f"spam{number}"})
        await server.push({"method": "event", "event": "lastSpam"})
        stream = client.events()
        await server.push({"method": "event", "event": "marker"})
        await anext(stream)
        await stream.aclose()
        assert len(connection._latest) == LATEST_NOTIFICATIONS
        assert connection.latest("lastSpam") is not None
        assert connection.latest("spam0") is None
        # A state notification the client needs again is simply received again.
        await server.set_app_state(3)
        stream = client.events()
        await server.push({"method": "event", "event": "marker"})
        await anext(stream)
        await stream.aclose()
        conf = await client.create_conference(**CONFERENCE)
    assert conf.conf_id == "conf-2"
    assert len(connection._waiters) == 0


async def test_an_unread_event_stream_holds_a_bounded_backlog(server: RoomServer) -> None:
    from confgen_trueconf import APIError, EventStreamOverflowError
    from confgen_trueconf._runtime._connection import EVENT_BACKLOG

    async with asyncio.timeout(LIMIT * 3), room(server) as client:
        await client.create_conference(**CONFERENCE)
        connection = client._connection
        unread = client.events()
        for number in range(EVENT_BACKLOG + 500):
            connection._on_notification({"method": "event", "event": f"flood{number}"})
        assert unread._queue.qsize() == EVENT_BACKLOG + 1  # the backlog and the overflow mark
        assert unread._queue not in connection._subscribers
        received = [await anext(unread) for _ in range(EVENT_BACKLOG)]
        with pytest.raises(EventStreamOverflowError) as caught:
            await anext(unread)
        # A stream that is read keeps working.
        fresh = client.events()
        await server.push({"method": "event", "event": "afterFlood"})
        after = await anext(fresh)
        await fresh.aclose()
    assert [event.event for event in received[:2]] == ["flood0", "flood1"]
    assert received[-1].event == f"flood{EVENT_BACKLOG - 1}"
    assert caught.value.backlog == EVENT_BACKLOG
    assert isinstance(caught.value, APIError)
    assert after.event == "afterFlood"
