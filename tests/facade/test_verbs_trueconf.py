"""Every verb on TrueConf against the loopback Room (tests/trueconf_server.py), async
and sync: the frames each verb sends, the acks completed by their notifications, and
the normalised results."""

from __future__ import annotations

from typing import Any

import pytest

import conferencing
from conferencing import (
    Conference,
    JoinInfo,
    NotFoundError,
    Participant,
    ProviderError,
    UnsupportedOperationError,
)

PEERS = ["ann@some.server", "bob@some.server"]


async def _created(client: Any) -> Conference:
    return await conferencing.acreate_conference(
        "trueconf", name="Review", invite_list=PEERS, client=client
    )


async def test_a_whole_conference_over_one_connection(room: Any) -> None:
    from confgen_trueconf import AsyncTrueConfRoom

    async with AsyncTrueConfRoom(url=room.url, pin="1234") as client:
        conf = await _created(client)
        assert conf.status == "active" and conf.id == "conf-1"

        got = await conferencing.aget_conference("trueconf", "conf-1", client=client)
        assert (got.id, got.name, got.status) == ("conf-1", "Review", "active")
        listed = [c async for c in conferencing.alist_conferences("trueconf", client=client)]
        assert [c.id for c in listed] == ["conf-1"]
        assert len(room.commands("getConferences")) == 2

        people = [
            p async for p in conferencing.alist_participants("trueconf", "conf-1", client=client)
        ]
        assert [p.id for p in people] == PEERS
        assert all(isinstance(p, Participant) and p.muted is None for p in people)

        await conferencing.amute_participant("trueconf", "conf-1", PEERS[0], client=client)
        await conferencing.amute_participant(
            "trueconf", "conf-1", PEERS[0], muted=False, client=client
        )
        sent = room.commands("turnRemoteMic")
        assert [(f["peerId"], f["on"]) for f in sent] == [(PEERS[0], False), (PEERS[0], True)]
        assert room.remote_states == [
            ("turnRemoteMic", PEERS[0], False),
            ("turnRemoteMic", PEERS[0], True),
        ]

        info = await conferencing.ajoin_info("trueconf", "conf-1", client=client)
        assert isinstance(info, JoinInfo)
        assert info.url == conf.join_url and info.token is None and info.expires_at is None

        await conferencing.aremove_participant("trueconf", "conf-1", PEERS[1], client=client)
        assert room.commands("kickPeer")[0]["peerId"] == PEERS[1]
        assert room.conference is not None and room.conference["participants"] == [PEERS[0]]

        await conferencing.aend_conference("trueconf", "conf-1", client=client)
        (hang_up,) = room.commands("hangUp")
        assert hang_up["forAll"] is True
        assert room.conference is None
        assert client.connected  # a caller's client stays open


def test_the_same_conference_with_the_sync_client(threaded_room: Any) -> None:
    from confgen_trueconf import TrueConfRoom

    with TrueConfRoom(url=threaded_room.url, pin="1234") as client:
        conf = conferencing.create_conference(
            "trueconf", name="Daily", invite_list=PEERS, client=client
        )
        assert conferencing.get_conference("trueconf", conf.id or "", client=client).name == "Daily"
        assert [c.id for c in conferencing.list_conferences("trueconf", client=client)] == [conf.id]
        people = list(conferencing.list_participants("trueconf", "conf-1", client=client))
        assert [p.id for p in people] == PEERS
        conferencing.mute_participant("trueconf", "conf-1", PEERS[1], client=client)
        assert threaded_room.remote_states == [("turnRemoteMic", PEERS[1], False)]
        assert conferencing.join_info("trueconf", "conf-1", client=client).url == conf.join_url
        conferencing.remove_participant("trueconf", "conf-1", PEERS[0], client=client)
        conferencing.end_conference("trueconf", "conf-1", client=client)
    assert [f["method"] for f in threaded_room.received if f["method"] != "auth"] == [
        "createConference",
        "getConferences",
        "getConferences",
        "getConferenceParticipants",
        "getConferenceParticipants",
        "turnRemoteMic",
        "getConferenceParticipants",
        "kickPeer",
        "getConferences",
        "hangUp",
    ]


async def test_an_unknown_conference_is_not_found_and_nothing_acts_on_another(room: Any) -> None:
    from confgen_trueconf import AsyncTrueConfRoom

    async with AsyncTrueConfRoom(url=room.url, pin="1234") as client:
        await _created(client)
        with pytest.raises(NotFoundError, match="conf-9"):
            await conferencing.aget_conference("trueconf", "conf-9", client=client)
        with pytest.raises(NotFoundError):
            await conferencing.aend_conference("trueconf", "conf-9", client=client)
        with pytest.raises(NotFoundError):
            await conferencing.amute_participant("trueconf", "conf-9", PEERS[0], client=client)
        with pytest.raises(NotFoundError, match="carol"):
            await conferencing.aremove_participant(
                "trueconf", "conf-1", "carol@some.server", client=client
            )
    assert room.commands("hangUp") == [] and room.commands("turnRemoteMic") == []
    assert room.commands("kickPeer") == []


async def test_owner_commands_from_another_connection_are_refused_by_the_room(room: Any) -> None:
    from confgen_trueconf import AsyncTrueConfRoom

    async with AsyncTrueConfRoom(url=room.url, pin="1234") as client:
        await _created(client)
        # credentials=: the facade opens (and closes) its own connection, not the owner.
        with pytest.raises(ProviderError):
            await conferencing.aend_conference(
                "trueconf", "conf-1", credentials={"pin": "1234"}, base_url=room.url
            )
        assert room.conference is not None
        listed = [
            p
            async for p in conferencing.alist_participants(
                "trueconf", "conf-1", credentials={"pin": "1234"}, base_url=room.url
            )
        ]
        assert [p.id for p in listed] == PEERS  # reading needs no ownership


async def test_join_info_needs_the_connection_that_created_it(room: Any) -> None:
    from confgen_trueconf import AsyncTrueConfRoom

    async with AsyncTrueConfRoom(url=room.url, pin="1234") as creator:
        await _created(creator)
        async with AsyncTrueConfRoom(url=room.url, pin="1234") as other:
            with pytest.raises(ProviderError, match="conferenceCreated"):
                await conferencing.ajoin_info("trueconf", "conf-1", client=other)


async def test_list_conferences_takes_no_filters(room: Any) -> None:
    with pytest.raises(conferencing.InvalidOptionsError, match="it takes no filters"):
        conferencing.alist_conferences(
            "trueconf", credentials={"pin": "1234"}, base_url=room.url, status="x"
        )
    assert room.received == []  # refused before connecting


def test_recordings_are_refused_before_any_connection() -> None:
    with pytest.raises(UnsupportedOperationError, match="trueconf cannot list_recordings"):
        conferencing.list_recordings("trueconf", "conf-1")
    assert conferencing.capabilities("trueconf") == frozenset(
        {
            "create_conference",
            "get_conference",
            "list_conferences",
            "end_conference",
            "list_participants",
            "remove_participant",
            "mute_participant",
            "join_info",
        }
    )
