"""Signing webhook deliveries as Telnyx does, with a key pair made for the test."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

CONFERENCE_ID = "428c31b6-abf3-3bc1-b7f4-5013ef9657c1"
CALL_CONTROL_ID = "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg"
_PAYLOAD = {
    "call_control_id": CALL_CONTROL_ID,
    "call_leg_id": "428c31b6-7af4-4bcb-b7f5-5013ef9657c1",
    "call_session_id": "428c31b6-7af4-4bcb-b7f5-5013ef9657c1",
    "client_state": "aGF2ZSBhIG5pY2UgZGF5ID1d",
    "conference_id": CONFERENCE_ID,
    "connection_id": "7267xxxxxxxxxxxxxx",
}
_AT = "2018-02-02T22:25:27.521Z"
# The whole Telnyx spec's examples (shared/corpus), one per event: occurred_at at event
# level for participant.joined/left, inside the payload for the others.
EVENTS: dict[str, dict[str, Any]] = {
    "conference.created": {"payload": {**_PAYLOAD, "occurred_at": _AT}},
    "conference.participant.joined": {"occurred_at": _AT, "payload": dict(_PAYLOAD)},
    "conference.participant.left": {"occurred_at": _AT, "payload": dict(_PAYLOAD)},
    "conference.ended": {"payload": {**_PAYLOAD, "occurred_at": _AT, "reason": "host_left"}},
    "conference.recording.saved": {
        "payload": {
            "call_control_id": CALL_CONTROL_ID,
            "conference_id": CONFERENCE_ID,
            "channels": "single",
            "format": "mp3",
            "recording_id": "4577f9a2-cf0e-44f3-ac57-9f95fb03fa47",
            "recording_urls": {"mp3": "http://example.com/recording.mp3", "wav": None},
            "recording_started_at": "2021-05-11T10:17:03.692107Z",
            "recording_ended_at": "2021-05-11T10:20:27.521992Z",
        }
    },
    "conference.floor.changed": {"payload": {**_PAYLOAD, "occurred_at": _AT}},
}


def event(
    event_type: str, event_id: str = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0", **extra: Any
) -> dict[str, Any]:
    """A delivery body ``{"data": event, "meta": ...}``."""
    data = {"record_type": "event", "event_type": event_type, "id": event_id}
    data.update(json.loads(json.dumps(EVENTS.get(event_type, {"payload": {}}))))
    data.update(extra)
    return {"data": data, "meta": {"attempt": 1, "delivered_to": "https://example.com/hook"}}


@dataclass
class Signer:
    """An Ed25519 key pair; signs ``"{timestamp}|{body}"`` into Telnyx's headers."""

    private: Ed25519PrivateKey
    public_key: str
    """Base64 of the raw 32-byte public key (as Telnyx shows it)."""

    @classmethod
    def new(cls) -> Signer:
        private = Ed25519PrivateKey.generate()
        raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return cls(private, base64.b64encode(raw).decode())

    def headers(self, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = self.private.sign(stamp.encode() + b"|" + body)
        return {
            "telnyx-signature-ed25519": base64.b64encode(signature).decode(),
            "telnyx-timestamp": stamp,
        }

    def sign(self, body: dict[str, Any], **options: Any) -> tuple[bytes, dict[str, str]]:
        raw = json.dumps(body).encode()
        return raw, self.headers(raw, **options)


@pytest.fixture
def signer() -> Signer:
    return Signer.new()


@pytest.fixture(autouse=True)
def _no_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELNYX_PUBLIC_KEY", raising=False)
