"""Every verb on SignalWire against Prism, sync and async, plus a scripted two-page list
(Prism cannot page): the requests each verb sends and the normalised results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

import conferencing
from conferencing import Conference, JoinInfo, Participant, Recording, UnsupportedOperationError
from tests.facade.verbs_support import Sent, VerbClient

CONF_ID = "c22d24f6-5a47-4597-9a23-c7d01e696b92"
CONFERENCE_PATH = f"/api/video/conferences/{CONF_ID}"
SESSION_ID = "a1b2c3d4-5e6f-7890-abcd-ef1234567890"


def test_get_conference_asks_for_the_active_session(signalwire: VerbClient) -> None:
    conf = conferencing.get_conference("signalwire", CONF_ID, client=signalwire.sync)
    (sent,) = signalwire.sent
    assert (sent.method, sent.path) == ("GET", CONFERENCE_PATH)
    assert sent.query == {"include_active_session": "true"}
    assert isinstance(conf, Conference)
    assert conf.id == conf.raw.id and conf.name == conf.raw.name
    assert conf.created_at == conf.raw.created_at
    assert conf.status == ("active" if conf.raw.active_session else "idle")
    assert type(conf.raw).__name__ == "VideoConference"


async def test_aget_conference(signalwire: VerbClient) -> None:
    conf = await conferencing.aget_conference("signalwire", CONF_ID, client=signalwire.asynchronous)
    assert signalwire.sent[0].path == CONFERENCE_PATH
    assert conf.provider == "signalwire"


def test_list_conferences(signalwire: VerbClient) -> None:
    listed = list(conferencing.list_conferences("signalwire", client=signalwire.sync, page_size=5))
    assert listed and all(isinstance(c, Conference) for c in listed)
    assert signalwire.sent[0].path == "/api/video/conferences"
    assert signalwire.sent[0].query == {"include_active_session": "true", "page_size": "5"}


async def test_alist_conferences(signalwire: VerbClient) -> None:
    listed = [
        c
        async for c in conferencing.alist_conferences("signalwire", client=signalwire.asynchronous)
    ]
    assert listed and listed[0].provider == "signalwire"


def test_list_participants_are_the_active_session_members(signalwire: VerbClient) -> None:
    people = list(conferencing.list_participants("signalwire", CONF_ID, client=signalwire.sync))
    paths = [sent.path for sent in signalwire.sent]
    assert paths[0] == CONFERENCE_PATH
    # Prism's example conference has an active session: its members are listed.
    session = conferencing.get_conference("signalwire", CONF_ID, client=signalwire.sync)
    session_id = session.raw.active_session.id
    assert paths[1] == f"/api/video/room_sessions/{session_id}/members"
    assert all(isinstance(p, Participant) for p in people)
    for person in people:
        assert person.id == person.raw.id and person.muted is None
        assert person.raw.leave_time is None  # those who left are not in it


async def test_alist_participants(signalwire: VerbClient) -> None:
    people = [
        p
        async for p in conferencing.alist_participants(
            "signalwire", CONF_ID, client=signalwire.asynchronous
        )
    ]
    assert signalwire.sent[-1].path.endswith("/members")
    assert all(isinstance(p, Participant) for p in people)


def test_join_info_is_the_least_privileged_conference_token(signalwire: VerbClient) -> None:
    info = conferencing.join_info(
        "signalwire", CONF_ID, participant_name="Ann", client=signalwire.sync
    )
    assert signalwire.sent == [Sent("GET", f"{CONFERENCE_PATH}/conference_tokens", None)]
    assert isinstance(info, JoinInfo)
    assert info.token and info.token == info.raw.token
    assert info.url is None and info.expires_at is None


async def test_ajoin_info(signalwire: VerbClient) -> None:
    info = await conferencing.ajoin_info("signalwire", CONF_ID, client=signalwire.asynchronous)
    assert info.token


def test_list_recordings_of_the_active_session(signalwire: VerbClient) -> None:
    recordings = list(conferencing.list_recordings("signalwire", CONF_ID, client=signalwire.sync))
    assert signalwire.sent[-1].path.endswith("/recordings")
    assert recordings and all(isinstance(r, Recording) for r in recordings)
    first = recordings[0]
    assert first.status in conferencing.RECORDING_STATUSES
    assert first.provider_status == first.raw.status
    assert first.download_url == first.raw.uri


async def test_alist_recordings(signalwire: VerbClient) -> None:
    recordings = [
        r
        async for r in conferencing.alist_recordings(
            "signalwire", CONF_ID, client=signalwire.asynchronous
        )
    ]
    assert recordings


@pytest.mark.parametrize(
    ("verb", "arguments"),
    [
        ("end_conference", (CONF_ID,)),
        ("remove_participant", (CONF_ID, "member")),
        ("mute_participant", (CONF_ID, "member")),
    ],
)
async def test_session_control_is_refused_before_credentials(
    verb: str, arguments: tuple[str, ...]
) -> None:
    # No credentials anywhere (clean_env), no server: the refusal comes first.
    with pytest.raises(UnsupportedOperationError) as caught:
        getattr(conferencing, verb)("signalwire", *arguments)
    assert caught.value.operation == verb
    assert "Video REST API" in caught.value.reason
    with pytest.raises(UnsupportedOperationError, match=f"signalwire cannot {verb}"):
        await getattr(conferencing, "a" + verb)("signalwire", *arguments)
    assert verb not in conferencing.capabilities("signalwire")


def _conference(number: int) -> dict[str, Any]:
    return {
        "id": f"conf-{number}",
        "name": f"c{number}",
        "quality": "720p",
        "layout": "grid-responsive",
        "record_on_start": False,
        "tone_on_entry_and_exit": True,
        "user_join_video_off": False,
        "room_join_video_off": False,
        "enable_chat": True,
        "created_at": "2022-01-01T10:00:00Z",
        "updated_at": "2022-01-01T10:00:00Z",
    }


def _links(next_url: str | None) -> dict[str, Any]:
    base = "https://example.signalwire.com/api/video/conferences"
    return {"self": base, "first": base, "next": next_url, "prev": None}


def _paged_client(asynchronous: bool) -> tuple[Any, list[httpx.Request]]:
    from confgen_signalwire import AsyncSignalWire, SignalWire

    requests: list[httpx.Request] = []
    next_url = "https://api.test/api/video/conferences?page_number=1&page_size=1&page_token=PA2"

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.params.get("page_token") == "PA2":
            return httpx.Response(200, json={"links": _links(None), "data": [_conference(2)]})
        return httpx.Response(200, json={"links": _links(next_url), "data": [_conference(1)]})

    transport = httpx.MockTransport(handle)
    settings: dict[str, Any] = {"project_id": "p", "api_token": "t", "space": "example"}
    if asynchronous:
        http: Any = httpx.AsyncClient(transport=transport)
        return AsyncSignalWire(base_url="https://api.test", http_client=http, **settings), requests
    http = httpx.Client(transport=transport)
    return SignalWire(base_url="https://api.test", http_client=http, **settings), requests


def test_list_conferences_follows_links_next_across_pages() -> None:
    client, requests = _paged_client(asynchronous=False)
    ids = [c.id for c in conferencing.list_conferences("signalwire", client=client, page_size=1)]
    assert ids == ["conf-1", "conf-2"]
    second = requests[1].url.params
    assert (second["page_token"], second["page_number"], second["page_size"]) == ("PA2", "1", "1")


async def test_alist_conferences_follows_links_next_across_pages() -> None:
    client, requests = _paged_client(asynchronous=True)
    ids = [c.id async for c in conferencing.alist_conferences("signalwire", client=client)]
    assert ids == ["conf-1", "conf-2"] and len(requests) == 2
    await client.close()


def test_pages_are_fetched_only_as_the_iteration_reaches_them() -> None:
    client, requests = _paged_client(asynchronous=False)
    listing = conferencing.list_conferences("signalwire", client=client)
    assert requests == []  # nothing sent until iterated
    assert next(listing).id == "conf-1" and len(requests) == 1
    listing.close()


def test_a_missing_conference_is_not_found(scripted_client: Callable[..., Any]) -> None:
    client, _ = scripted_client("signalwire", httpx.Response(404, json={"error": "not found"}))
    with pytest.raises(conferencing.NotFoundError) as caught:
        conferencing.get_conference("signalwire", CONF_ID, client=client)
    assert isinstance(caught.value, conferencing.ProviderError)
    assert caught.value.status_code == 404


def _member(number: int, *, left: bool) -> dict[str, Any]:
    return {
        "id": f"member-{number}",
        "room_session_id": SESSION_ID,
        "name": f"M{number}",
        "join_time": "2022-01-01T10:00:00Z",
        "leave_time": "2022-01-01T10:30:00Z" if left else None,
        "cost_in_dollars": 0.0,
    }


def test_participants_are_the_members_still_in_the_active_session() -> None:
    from confgen_signalwire import SignalWire

    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path.endswith("/members"):
            members = [_member(1, left=True), _member(2, left=False)]
            return httpx.Response(200, json={"links": _links(None), "data": members})
        session = {"id": SESSION_ID, "status": "in-progress"}
        return httpx.Response(200, json={**_conference(1), "active_session": session})

    http = httpx.Client(transport=httpx.MockTransport(handle))
    client = SignalWire(base_url="https://api.test", http_client=http, project_id="p",
                        api_token="t", space="example")  # fmt: skip
    people = list(conferencing.list_participants("signalwire", CONF_ID, client=client))
    assert [(p.id, p.name) for p in people] == [("member-2", "M2")]
    assert people[0].joined_at is not None and people[0].joined_at.year == 2022
    assert [r.url.path for r in requests] == [
        CONFERENCE_PATH,
        f"/api/video/room_sessions/{SESSION_ID}/members",
    ]


def test_no_active_session_means_no_participants_and_idle() -> None:
    from confgen_signalwire import SignalWire

    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=_conference(1))

    http = httpx.Client(transport=httpx.MockTransport(handle))
    client = SignalWire(base_url="https://api.test", http_client=http, project_id="p",
                        api_token="t", space="example")  # fmt: skip
    assert list(conferencing.list_participants("signalwire", CONF_ID, client=client)) == []
    assert list(conferencing.list_recordings("signalwire", CONF_ID, client=client)) == []
    assert conferencing.get_conference("signalwire", CONF_ID, client=client).status == "idle"
    assert len(requests) == 3  # one look-up each, no session listing
