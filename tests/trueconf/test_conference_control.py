"""The wrapper's conference-control commands against the Room stand-in: each is acked,
then (where a source names it) its notification completes the call, as createConference."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from confgen_trueconf import AsyncTrueConfRoom, CommandRejectedError, TrueConfRoom, models
from tests.trueconf_server import RoomServer

LIMIT = 10.0
CONFERENCE: dict[str, Any] = {
    "title": "Standup",
    "conf_type": "role",
    "auto_accept": False,
    "invite_list": ["user1@some.server", "user2@some.server"],
}


def room(server: RoomServer) -> AsyncTrueConfRoom:
    return AsyncTrueConfRoom(host="127.0.0.1", port=server.port, pin="1234", timeout=2.0)


def sent(server: RoomServer, method: str) -> dict[str, Any]:
    """The one frame of ``method`` the client sent, without its request id."""
    [frame] = server.commands(method)
    assert isinstance(frame.pop("requestId"), str)
    return frame


async def test_get_conferences_waits_for_the_conference_list(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT), room(server) as client:
        created = await client.create_conference(**CONFERENCE)
        listed = await client.get_conferences()
    assert isinstance(listed, models.ConferenceListEvent)
    assert listed.cnt == 1 and listed.succeed is True
    assert listed.conferences == [{"confId": created.conf_id, "confTitle": "Standup"}]
    assert sent(server, "getConferences") == {"method": "getConferences"}


async def test_get_conference_participants_is_answered_in_the_reply(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT), room(server) as client:
        created = await client.create_conference(**CONFERENCE)
        reply = await client.get_conference_participants()
    assert isinstance(reply, models.GetConferenceParticipantsReply)
    assert reply.result is True and reply.conf_id == created.conf_id
    assert reply.participants == [{"peerId": "user1@some.server"}, {"peerId": "user2@some.server"}]


async def test_invite_then_kick(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT), room(server) as client:
        created = await client.create_conference(**CONFERENCE)
        invited = await client.invite_to_conference(peer_id="user3@some.server")
        left = await client.kick_peer(peer_id="user3@some.server")
    assert isinstance(invited, models.InviteSentEvent)
    assert (invited.peer_id, invited.conf_id) == ("user3@some.server", created.conf_id)
    assert isinstance(left, models.ParticipantLeftConferenceEvent)
    assert left.peer_id == "user3@some.server"
    assert sent(server, "inviteToConference") == {
        "method": "inviteToConference",
        "peerId": "user3@some.server",
    }
    assert sent(server, "kickPeer") == {"method": "kickPeer", "peerId": "user3@some.server"}
    assert server.conference is not None
    assert "user3@some.server" not in server.conference["participants"]


async def test_kick_of_someone_not_in_the_conference_is_rejected(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT), room(server) as client:
        await client.create_conference(**CONFERENCE)
        with pytest.raises(CommandRejectedError):
            await client.kick_peer(peer_id="stranger@some.server")


@pytest.mark.parametrize(
    ("method", "wire"),
    [("turn_remote_mic", "turnRemoteMic"), ("turn_remote_camera", "turnRemoteCamera")],
)
async def test_turn_remote_devices_are_acked(server: RoomServer, method: str, wire: str) -> None:
    async with asyncio.timeout(LIMIT), room(server) as client:
        await client.create_conference(**CONFERENCE)
        reply = await getattr(client, method)(peer_id="user1@some.server", on=False)
    assert reply.result is True
    assert sent(server, wire) == {"method": wire, "peerId": "user1@some.server", "on": False}
    assert server.remote_states == [(wire, "user1@some.server", False)]


async def test_hang_up_for_all_ends_the_conference(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT), room(server) as client:
        created = await client.create_conference(**CONFERENCE)
        ended = await client.hang_up(for_all=True)
    assert isinstance(ended, models.ConferenceDeletedEvent)
    assert ended.conf_id == created.conf_id
    assert sent(server, "hangUp") == {"method": "hangUp", "forAll": True}
    assert server.conference is None


async def test_hang_up_for_all_from_a_non_owner_is_refused(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT), room(server) as owner, room(server) as other:
        await owner.create_conference(**CONFERENCE)
        with pytest.raises(CommandRejectedError):
            await other.hang_up(for_all=True)
    assert server.conference is not None  # still running


async def test_plain_hang_up_leaves_without_for_all(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT), room(server) as client:
        await client.create_conference(**CONFERENCE)
        await client.hang_up()
    assert sent(server, "hangUp") == {"method": "hangUp"}  # forAll left to its default (false)
    assert server.conference is not None


def test_sync_client_runs_the_same_protocol(server_thread: RoomServer) -> None:
    with TrueConfRoom(url=server_thread.url, pin="1234", timeout=2.0) as client:
        client.create_conference(**CONFERENCE)
        listed = client.get_conferences()
        invited = client.invite_to_conference(peer_id="user9@some.server")
    assert listed.cnt == 1
    assert invited.peer_id == "user9@some.server"


class _Recorder:
    """The wrapper's ``videosdk``: records each command it would send."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def command(self, command: dict[str, Any]) -> None:
        self.sent.append(command)


def official_frames(*calls: tuple[str, tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The frames TrueConf's official wrapper (the vendored methods.py, BSD-3-Clause-Clear)
    sends for ``calls``. The test runs the wrapper's code; the extractor only parses it."""
    import importlib.util

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location(
        "trueconf_official_methods", ROOT / "specs/sources/trueconf/methods.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    recorder = _Recorder()
    methods = module.Methods(recorder)
    for name, args in calls:
        getattr(methods, name)(*args)
    return recorder.sent


async def test_frames_are_the_official_wrappers(server: RoomServer) -> None:
    async with asyncio.timeout(LIMIT), room(server) as client:
        await client.create_conference(**CONFERENCE)
        await client.get_conferences()
        await client.get_conference_participants()
        await client.invite_to_conference(peer_id="user3@some.server")
        await client.turn_remote_mic(peer_id="user3@some.server", on=True)
        await client.turn_remote_camera(peer_id="user3@some.server", on=False)
        await client.kick_peer(peer_id="user3@some.server")
        await client.hang_up(for_all=True)
    ours = [
        {k: v for k, v in frame.items() if k != "requestId"}
        for frame in server.received
        if frame["method"] not in ("auth", "createConference")
    ]
    theirs = official_frames(
        ("getConferences", ()),
        ("getConferenceParticipants", ()),
        ("inviteToConference", ("user3@some.server",)),
        ("turnRemoteMic", ("user3@some.server", True)),
        ("turnRemoteCamera", ("user3@some.server", False)),
        ("kickPeer", ("user3@some.server",)),
        ("hangUp", (True,)),
    )
    # The wrapper sends no requestId (its replies are matched by method); ours adds one,
    # which the protocol echoes. Everything else is the same frame.
    assert ours == theirs
