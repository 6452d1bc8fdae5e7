"""The example receiver (examples/telnyx_webhooks), served on loopback and posted to."""

from __future__ import annotations

import asyncio
import json

import httpx

from conferencing.webhooks import ConferenceEvent
from examples.telnyx_webhooks.app import Receiver
from tests.webhooks.asgi_server import serve
from tests.webhooks.conftest import CONFERENCE_ID, Signer, event

PATH = "/webhooks/telnyx"


def receiver(
    signer: Signer, processed: list[ConferenceEvent], gate: asyncio.Event | None = None
) -> Receiver:
    async def handle(item: ConferenceEvent) -> None:
        if gate is not None:
            await gate.wait()  # processing is slow: the response must not wait for it
        processed.append(item)

    return Receiver(handle, path=PATH, public_key=signer.public_key)


async def test_signed_events_are_answered_200_then_processed(signer: Signer) -> None:
    processed: list[ConferenceEvent] = []
    gate = asyncio.Event()
    app = receiver(signer, processed, gate)
    async with serve(app) as url, httpx.AsyncClient(base_url=url) as client:
        for number, event_type in enumerate(
            ["conference.created", "conference.participant.joined"]
        ):
            body, headers = signer.sign(event(event_type, event_id=f"id-{number}"))
            response = await client.post(PATH, content=body, headers=headers)
            assert response.status_code == 200
            assert response.json() == {"ok": True, "repeated": False}
        assert processed == []  # answered before processing
        gate.set()
        await app.drain()
    assert [(e.kind, e.event_id, e.conference_id) for e in processed] == [
        ("conference_started", "id-0", CONFERENCE_ID),
        ("participant_joined", "id-1", CONFERENCE_ID),
    ]


async def test_a_repeated_delivery_is_processed_once(signer: Signer) -> None:
    processed: list[ConferenceEvent] = []
    app = receiver(signer, processed)
    first = event("conference.ended", event_id="same-id")
    again = json.loads(json.dumps(first))
    again["meta"]["attempt"] = 2  # a redelivery: same data.id, newly signed
    async with serve(app) as url, httpx.AsyncClient(base_url=url) as client:
        answers = []
        for body_json in (first, again, first):
            body, headers = signer.sign(body_json)
            answers.append((await client.post(PATH, content=body, headers=headers)).json())
        await app.drain()
    assert answers == [
        {"ok": True, "repeated": False},
        {"ok": True, "repeated": True},
        {"ok": True, "repeated": True},
    ]
    assert [e.event_id for e in processed] == ["same-id"]
    assert app.duplicates == 2


async def test_unverified_deliveries_are_refused_and_not_processed(signer: Signer) -> None:
    processed: list[ConferenceEvent] = []
    app = receiver(signer, processed)
    body, headers = signer.sign(event("conference.created"))
    forged, forged_headers = Signer.new().sign(event("conference.created", event_id="forged"))
    async with serve(app) as url, httpx.AsyncClient(base_url=url) as client:
        tampered = await client.post(PATH, content=body + b" ", headers=headers)
        other_key = await client.post(PATH, content=forged, headers=forged_headers)
        unsigned = await client.post(PATH, content=body)
        wrong_path = await client.post("/elsewhere", content=body, headers=headers)
        not_json = b"not json"
        garbage = await client.post(PATH, content=not_json, headers=signer.headers(not_json))
        await app.drain()
    assert (tampered.status_code, tampered.json()) == (401, {"error": "signature-mismatch"})
    assert (other_key.status_code, other_key.json()) == (401, {"error": "signature-mismatch"})
    assert (unsigned.status_code, unsigned.json()) == (401, {"error": "missing-header"})
    assert wrong_path.status_code == 404
    assert (garbage.status_code, garbage.json()) == (400, {"error": "malformed-body"})
    assert processed == []
