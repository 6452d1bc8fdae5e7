"""Every verb on Telnyx against Prism, sync and async: the request each sends (recorded
by an httpx event hook on the client the facade is given) and the normalised result."""

from __future__ import annotations

import json
from typing import Any

import pytest

import conferencing
from conferencing import (
    Conference,
    Participant,
    UnsupportedOperationError,
)
from tests.facade.verbs_support import Sent, VerbClient

CONF_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
LEG = "v3:leg-1"


def test_get_conference_sends_retrieve_and_normalises(telnyx: VerbClient) -> None:
    conf = conferencing.get_conference("telnyx", CONF_ID, client=telnyx.sync)
    assert telnyx.sent == [Sent("GET", f"/conferences/{CONF_ID}", None)]
    assert isinstance(conf, Conference)
    assert conf.provider == "telnyx" and conf.id and conf.name
    assert conf.status in conferencing.CONFERENCE_STATUSES
    assert conf.provider_status == conf.raw.data.status
    assert conf.created_at is not None
    assert type(conf.raw).__name__ == "RetrieveConferenceResponse"


async def test_aget_conference(telnyx: VerbClient) -> None:
    conf = await conferencing.aget_conference("telnyx", CONF_ID, client=telnyx.asynchronous)
    assert telnyx.sent == [Sent("GET", f"/conferences/{CONF_ID}", None)]
    assert conf.id == conf.raw.data.id


def test_list_conferences_iterates_the_generated_pages(telnyx: VerbClient) -> None:
    listed = list(
        conferencing.list_conferences(
            "telnyx", client=telnyx.sync, filter={"status": "in_progress"}
        )
    )
    assert listed and all(isinstance(c, Conference) for c in listed)
    assert telnyx.sent[0].method == "GET" and telnyx.sent[0].path == "/conferences"
    assert telnyx.sent[0].query == {"filter[status]": "in_progress"}
    assert all(type(c.raw).__name__ == "Conference" for c in listed)


async def test_alist_conferences(telnyx: VerbClient) -> None:
    listed = [c async for c in conferencing.alist_conferences("telnyx", client=telnyx.asynchronous)]
    assert listed and listed[0].provider == "telnyx"
    assert telnyx.sent[0].path == "/conferences"


def test_end_conference_is_the_end_action_with_a_command_id(telnyx: VerbClient) -> None:
    assert conferencing.end_conference("telnyx", CONF_ID, client=telnyx.sync) is None
    (sent,) = telnyx.sent
    assert (sent.method, sent.path) == ("POST", f"/conferences/{CONF_ID}/actions/end")
    assert isinstance(sent.body, dict) and sent.body.get("command_id")


async def test_aend_conference(telnyx: VerbClient) -> None:
    await conferencing.aend_conference("telnyx", CONF_ID, client=telnyx.asynchronous)
    assert telnyx.sent[0].path == f"/conferences/{CONF_ID}/actions/end"


def test_list_participants_are_call_legs(telnyx: VerbClient) -> None:
    people = list(conferencing.list_participants("telnyx", CONF_ID, client=telnyx.sync))
    assert telnyx.sent[0] == Sent("GET", f"/conferences/{CONF_ID}/participants", None)
    assert people and all(isinstance(p, Participant) for p in people)
    first = people[0]
    assert first.id == first.raw.call_control_id  # what the actions take
    assert first.muted is first.raw.muted
    assert first.joined_at is not None


async def test_alist_participants(telnyx: VerbClient) -> None:
    people = [
        p
        async for p in conferencing.alist_participants(
            "telnyx", CONF_ID, client=telnyx.asynchronous
        )
    ]
    assert people and people[0].id == people[0].raw.call_control_id


def test_remove_participant_is_the_leave_action(telnyx: VerbClient) -> None:
    conferencing.remove_participant("telnyx", CONF_ID, LEG, client=telnyx.sync)
    (sent,) = telnyx.sent
    assert (sent.method, sent.path) == ("POST", f"/conferences/{CONF_ID}/actions/leave")
    assert isinstance(sent.body, dict) and sent.body["call_control_id"] == LEG
    assert sent.body.get("command_id")  # the generated client's, reused on retries


async def test_aremove_participant(telnyx: VerbClient) -> None:
    await conferencing.aremove_participant("telnyx", CONF_ID, LEG, client=telnyx.asynchronous)
    assert telnyx.sent[0].path == f"/conferences/{CONF_ID}/actions/leave"


@pytest.mark.parametrize(("muted", "action"), [(True, "mute"), (False, "unmute")])
def test_mute_participant_is_the_mute_or_unmute_action(
    telnyx: VerbClient, muted: bool, action: str
) -> None:
    conferencing.mute_participant("telnyx", CONF_ID, LEG, muted=muted, client=telnyx.sync)
    (sent,) = telnyx.sent
    assert (sent.method, sent.path) == ("POST", f"/conferences/{CONF_ID}/actions/{action}")
    assert sent.body == {"call_control_ids": [LEG]}


@pytest.mark.parametrize(("muted", "action"), [(True, "mute"), (False, "unmute")])
async def test_amute_participant(telnyx: VerbClient, muted: bool, action: str) -> None:
    await conferencing.amute_participant(
        "telnyx", CONF_ID, LEG, muted=muted, client=telnyx.asynchronous
    )
    assert telnyx.sent[0].path == f"/conferences/{CONF_ID}/actions/{action}"


def test_credentials_and_base_url_build_a_client_for_the_call(prism: Any) -> None:
    conf = conferencing.get_conference(
        "telnyx", CONF_ID, credentials="KEYdummy", base_url=prism("telnyx").url
    )
    assert conf.provider == "telnyx"


@pytest.mark.parametrize("verb", ["join_info", "list_recordings"])
def test_telnyx_gaps_are_refused_before_credentials(verb: str) -> None:
    # No credentials anywhere (clean_env): the refusal comes first, nothing is sent.
    call = getattr(conferencing, verb)
    with pytest.raises(UnsupportedOperationError) as caught:
        result = call("telnyx", CONF_ID)
        next(iter(result))
    assert caught.value.provider == "telnyx" and caught.value.operation == verb
    assert caught.value.reason in str(caught.value)
    assert verb not in conferencing.capabilities("telnyx")


def test_request_bodies_are_json(telnyx: VerbClient) -> None:
    conferencing.mute_participant("telnyx", CONF_ID, LEG, client=telnyx.sync)
    assert json.loads(json.dumps(telnyx.sent[0].body)) == {"call_control_ids": [LEG]}


def _page(number: int, total: int) -> dict[str, Any]:
    conference = {
        "record_type": "conference",
        "id": f"conf-{number}",
        "name": f"c{number}",
        "created_at": "2019-01-23T18:10:02.574Z",
        "expires_at": "2019-01-23T22:10:02.574Z",
        "status": "in_progress",
    }
    meta = {"page_number": number, "total_pages": total, "page_size": 1, "total_results": total}
    return {"data": [conference], "meta": meta}


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_list_conferences_reads_every_page(asynchronous: bool) -> None:
    import httpx

    from confgen_telnyx import AsyncTelnyx, Telnyx

    pages: list[str | None] = []

    def handle(request: httpx.Request) -> httpx.Response:
        number = request.url.params.get("page[number]")
        pages.append(number)
        return httpx.Response(200, json=_page(int(number or 1), 3))

    transport = httpx.MockTransport(handle)
    if asynchronous:
        aclient = AsyncTelnyx(api_key="K", base_url="https://api.test",
                              http_client=httpx.AsyncClient(transport=transport))  # fmt: skip
        listed = [c async for c in conferencing.alist_conferences("telnyx", client=aclient)]
        await aclient.close()
    else:
        client = Telnyx(api_key="K", base_url="https://api.test",
                        http_client=httpx.Client(transport=transport))  # fmt: skip
        listed = list(conferencing.list_conferences("telnyx", client=client))
    assert [c.id for c in listed] == ["conf-1", "conf-2", "conf-3"]
    assert pages == [None, "2", "3"]
    assert {c.status for c in listed} == {"active"}
    assert {c.provider_status for c in listed} == {"in_progress"}


def test_create_conference_normalises_the_status(telnyx: VerbClient) -> None:
    from conferencing.providers.telnyx import STATUSES

    conf = conferencing.create_conference(
        "telnyx", name="standup", call_control_id=LEG, client=telnyx.sync
    )
    assert telnyx.sent[0].path == "/conferences"
    assert conf.provider_status == conf.raw.data.status
    assert conf.status == STATUSES.get(conf.raw.data.status or "", "unknown")
    assert conf.created_at == conf.raw.data.created_at


@pytest.mark.parametrize(
    ("word", "status"),
    [("init", "starting"), ("in_progress", "active"), ("completed", "ended"), ("new", "unknown")],
)
def test_status_words(word: str, status: str, scripted_client: Any) -> None:
    import httpx

    body = _page(1, 1)["data"][0] | {"status": word}
    client, _ = scripted_client("telnyx", httpx.Response(200, json={"data": body}))
    conf = conferencing.get_conference("telnyx", CONF_ID, client=client)
    assert (conf.status, conf.provider_status) == (status, word)


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_an_error_on_a_later_page_is_a_facade_error(asynchronous: bool) -> None:
    import httpx

    from confgen_telnyx import AsyncTelnyx, Telnyx

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page[number]") == "2":
            return httpx.Response(503, json={"errors": [{"detail": "try later"}]})
        return httpx.Response(200, json=_page(1, 2))

    transport = httpx.MockTransport(handle)
    seen: list[str | None] = []
    with pytest.raises(conferencing.UnavailableError, match="try later") as caught:
        if asynchronous:
            aclient = AsyncTelnyx(api_key="K", base_url="https://api.test", max_retries=0,
                                  http_client=httpx.AsyncClient(transport=transport))  # fmt: skip
            try:
                async for conf in conferencing.alist_conferences("telnyx", client=aclient):
                    seen.append(conf.id)
            finally:
                await aclient.close()
        else:
            client = Telnyx(api_key="K", base_url="https://api.test", max_retries=0,
                            http_client=httpx.Client(transport=transport))  # fmt: skip
            for conf in conferencing.list_conferences("telnyx", client=client):
                seen.append(conf.id)
    assert seen == ["conf-1"]  # the first page's items came before the failure
    assert caught.value.status_code == 503 and caught.value.retryable
