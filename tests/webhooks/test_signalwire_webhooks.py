"""`conferencing.webhooks.parse("signalwire", ...)`: the docs' room-session event, parsed
and never claimed verified (the docs define no signature for video events)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from conferencing.webhooks import WebhookVerificationError, parse
from confgen_signalwire.models import VideoRoomSessionEvent

SPEC = Path(__file__).resolve().parents[2] / "specs/sources/signalwire-rest.openapi.yaml"
SESSION_ID = "c22d24f6-5a47-4597-9a23-c7d01e696b92"
MEMBER_ID = "e44f68a9-7c69-6153-b56d-ef3456789012"


def room_event(name: str, **extra: Any) -> dict[str, Any]:
    """A ``Video.RoomSessionEvent`` as the spec's examples fill it."""
    return {
        "id": "e44f56a8-7c69-6153-b45c-ab3456789012",
        "project_id": "a1b2c3d4-5e6f-7890-abcd-ef1234567890",
        "room_id": "b2c3d4e5-6f70-8901-bcde-f12345678901",
        "room_session_id": SESSION_ID,
        "level": "info",
        "name": name,
        "payload": {},
        "created_at": "2022-01-01T10:00:00Z",
        **extra,
    }


@pytest.mark.parametrize(
    ("name", "kind", "participant"),
    [
        ("room.started", "conference_started", None),
        ("room.ended", "conference_ended", None),
        ("member.joined", "participant_joined", MEMBER_ID),
        ("member.left", "participant_left", MEMBER_ID),
    ],
)
def test_each_room_event_is_normalised(name: str, kind: str, participant: str | None) -> None:
    extra = {"room_participant_id": participant} if participant else {}
    parsed = parse("signalwire", json.dumps(room_event(name, **extra)).encode(), {})
    assert (parsed.provider, parsed.kind, parsed.event_type) == ("signalwire", kind, name)
    assert parsed.participant_id == participant
    assert parsed.session_id == SESSION_ID and parsed.conference_id is None
    assert parsed.event_id == "e44f56a8-7c69-6153-b45c-ab3456789012"
    assert parsed.occurred_at == datetime.datetime(2022, 1, 1, 10, 0, tzinfo=datetime.UTC)
    assert isinstance(parsed.raw, VideoRoomSessionEvent)


def test_a_video_event_is_never_reported_verified() -> None:
    # Whatever headers come with it: the docs define no signature to check.
    body = json.dumps(room_event("room.started")).encode()
    parsed = parse("signalwire", body, {"X-SignalWire-Signature": "anything"})
    assert parsed.verified is False


@pytest.mark.parametrize("name", ["recording.ended", "layout.changed", "room.brand_new"])
def test_other_names_are_other_with_the_raw_event_kept(name: str) -> None:
    body = room_event(name, room_recording_id="d33e35f7", payload={"state": "completed"})
    parsed = parse("signalwire", json.dumps(body), {})
    assert parsed.kind == "other" and parsed.event_type == name
    assert parsed.raw.room_recording_id == "d33e35f7"
    assert parsed.raw.payload == {"state": "completed"}


def test_a_key_is_refused_since_there_is_no_signature_to_check() -> None:
    with pytest.raises(TypeError, match="not signed"):
        parse("signalwire", json.dumps(room_event("room.started")), {}, "a-key")


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", json.dumps({"name": "room.started"}).encode()],
    ids=["not-json", "not-an-object", "missing-fields"],
)
def test_a_body_that_is_not_a_room_event_is_malformed(body: bytes) -> None:
    with pytest.raises(WebhookVerificationError) as caught:
        parse("signalwire", body, {})
    assert caught.value.reason == "malformed-body" and caught.value.provider == "signalwire"


def test_the_vendored_docs_still_define_no_video_webhook_nor_its_signature() -> None:
    # What conferencing/conferencing/providers/signalwire_webhooks.py relies on, read from the
    # vendored spec: if SignalWire documents video webhooks or how to verify them, this
    # fails, and parse must verify what the docs then define.
    lines = SPEC.read_text(encoding="utf-8").splitlines()
    start = lines.index("webhooks:")
    names = []
    for line in lines[start + 1 :]:
        if line and not line.startswith(" "):
            break
        if line.startswith("  ") and not line.startswith("   ") and line.endswith(":"):
            names.append(line.strip().rstrip(":"))
    assert len(names) == 14 and not [
        n for n in names if "video" in n.lower() or "room" in n.lower()
    ]
    signed = [n for n, line in enumerate(lines, 1) if "X-SignalWire-Signature" in line]
    assert signed == [54831]  # the SWAIG function signature request, with no algorithm
    assert "swaigSignatureRequest:" in lines[54805]
    assert lines[48910].strip() == "Video.RoomSessionEvent:"
