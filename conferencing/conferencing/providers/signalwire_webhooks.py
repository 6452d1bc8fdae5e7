"""SignalWire video events: the documented room-session event, parsed, **not verified**.

What the vendored docs define (``specs/sources/signalwire-rest.openapi.yaml``, the
published REST spec, byte-identical to ``../shared/sources/signalwire/``):

- No video webhook. The spec's ``webhooks`` section has 14 entries (AI, SWML calling and
  messaging, message / stream / transcript / 10DLC status callbacks); none is a video
  event, and the Video tags' operations take no callback URL.
- The one video event shape is ``Video.RoomSessionEvent`` (line 48911 on: ``id``,
  ``project_id``, ``room_id``, ``room_session_id``, ``room_participant_id`` "only
  present for participant-related events", ``room_recording_id``, ``level``, ``name``
  (example ``room.started``, line 48968), ``payload``, ``created_at``), what
  ``GET /api/video/room_sessions/{id}/events`` lists. A delivery of a video event is
  read as that object.
- Signing: ``X-SignalWire-Signature`` is named once, for the SWAIG function signature
  request ("When your project has a signing key, the request carries an
  `X-SignalWire-Signature` header you can verify", lines 54830-54831), with no
  algorithm, and never for video. The HMAC-SHA1 scheme over URL + parameters belongs to
  the compatibility (cXML) API's form posts, which these docs do not describe for video.
  So nothing is verified: ``Event.verified`` is false, and a receiver must authenticate
  the sender otherwise (a secret path, TLS client checks, an allow-list).

Event names beyond ``room.started`` are the ones SignalWire's video SDK reports for a
room session (``room.ended``, ``member.joined``, ``member.left``:
https://developer.signalwire.com/sdks/realtime-sdk/video); any other name, recording
events included (the docs say nothing of a recording being saved), is ``other``.
``conference_id`` is ``None``: the event names the room session (``session_id``), not
the video conference.
"""

from __future__ import annotations

import json
from typing import Any, Final

from .._events import Event, EventKind
from ..webhooks import Headers, WebhookVerificationError

__all__ = ["KINDS", "parse"]

PROVIDER: Final = "signalwire"

KINDS: Final[dict[str, EventKind]] = {
    "room.started": "conference_started",
    "room.ended": "conference_ended",
    "member.joined": "participant_joined",
    "member.left": "participant_left",
}
"""SignalWire event name -> the facade's kind; anything else is ``other``."""


def parse(
    body: bytes | str,
    headers: Headers,
    public_key: str | bytes | None = None,
    *,
    tolerance_seconds: float | None = None,
) -> Event:
    """A SignalWire video event as an `Event`, unverified (see the module docstring).

    Raises:
        WebhookVerificationError: ``malformed-body``: not JSON, or not a room-session
            event.
        TypeError: a ``public_key`` or ``tolerance_seconds`` was given: there is no
            signature to check them against.
    """
    del headers  # no header is defined for video events
    if public_key is not None or tolerance_seconds is not None:
        raise TypeError(
            "signalwire: video events are not signed (its docs define no signature for "
            "them): public_key and tolerance_seconds do not apply"
        )
    from pydantic import ValidationError

    from confgen_signalwire.models import VideoRoomSessionEvent

    try:
        data: Any = json.loads(body)
    except ValueError as error:
        raise WebhookVerificationError(
            "not a SignalWire video event: the body is not JSON",
            provider=PROVIDER,
            reason="malformed-body",
        ) from error
    try:
        event = VideoRoomSessionEvent.model_validate(data)
    except ValidationError as error:
        raise WebhookVerificationError(
            f"not a SignalWire video event: {error.error_count()} problem(s)",
            provider=PROVIDER,
            reason="malformed-body",
        ) from error
    return Event(
        provider=PROVIDER,
        kind=KINDS.get(event.name, "other"),
        event_type=event.name,
        event_id=event.id,
        conference_id=None,
        participant_id=event.room_participant_id,
        session_id=event.room_session_id,
        occurred_at=event.created_at,
        raw=event,
        verified=False,
    )
