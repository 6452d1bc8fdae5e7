"""The example receiver (examples/telnyx_webhooks), served on loopback and posted to."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from conferencing.webhooks import Event
from examples.telnyx_webhooks.app import Receiver
from tests.webhooks.asgi_server import serve
from tests.webhooks.conftest import CONFERENCE_ID, Signer, event

PATH = "/webhooks/telnyx"


def receiver(signer: Signer, processed: list[Event], gate: asyncio.Event | None = None) -> Receiver:
    async def handle(item: Event) -> None:
        if gate is not None:
            await gate.wait()  # processing is slow: the response must not wait for it
        processed.append(item)

    return Receiver(handle, path=PATH, public_key=signer.public_key)


async def test_signed_events_are_answered_200_then_processed(signer: Signer) -> None:
    processed: list[Event] = []
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
    processed: list[Event] = []
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
    processed: list[Event] = []
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


class _Body:
    """An ASGI ``receive`` that plays body chunks and counts how many were pulled."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = list(chunks)
        self.pulled = 0

    async def __call__(self) -> dict[str, Any]:
        self.pulled += 1
        chunk = self.chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(self.chunks)}


async def _call(app: Receiver, receive: _Body, headers: list[tuple[bytes, bytes]]) -> list[Any]:
    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {"type": "http", "path": PATH, "method": "POST", "headers": headers}
    await app(scope, receive, send)
    return sent


async def test_a_declared_length_over_the_limit_is_refused_before_reading(signer: Signer) -> None:
    processed: list[Event] = []
    app = receiver(signer, processed)
    app.max_body = 1000
    receive = _Body(b"x" * 1001)
    sent = await _call(app, receive, [(b"content-length", b"1001")])
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"]) == {"error": "body-too-large"}
    assert receive.pulled == 0  # not one byte of the body was read
    bad = await _call(app, _Body(b"{}"), [(b"content-length", b"-5")])
    assert bad[0]["status"] == 400
    assert processed == []


async def test_a_chunked_body_is_refused_once_it_passes_the_limit(signer: Signer) -> None:
    app = Receiver(path=PATH, public_key=signer.public_key, max_body=1000)
    receive = _Body(*[b"x" * 400] * 10)  # 4,000 bytes, no Content-Length
    sent = await _call(app, receive, [])
    assert sent[0]["status"] == 413
    assert receive.pulled == 3  # 1,200 bytes read: the third chunk passed the limit
    # At the limit exactly, the body is read and verified as usual.
    body, headers = signer.sign(event("conference.created"))
    app = Receiver(path=PATH, public_key=signer.public_key, max_body=len(body))
    fitting = _Body(body[:10], body[10:])
    sent = await _call(app, fitting, [(k.lower().encode(), v.encode()) for k, v in headers.items()])
    assert sent[0]["status"] == 200
    await app.close()


async def test_an_oversized_post_over_the_wire_gets_413(signer: Signer) -> None:
    processed: list[Event] = []
    app = receiver(signer, processed)
    app.max_body = 2048
    body, headers = signer.sign({**event("conference.created", event_id="big"), "pad": "p" * 4096})
    async with serve(app) as url, httpx.AsyncClient(base_url=url) as client:
        response = await client.post(PATH, content=body, headers=headers)
        await app.drain()
    assert (response.status_code, response.json()) == (413, {"error": "body-too-large"})
    assert processed == []
