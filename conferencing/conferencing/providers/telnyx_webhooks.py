"""Telnyx webhooks: ``confgen_telnyx.webhooks.unwrap`` (verified), then the facade's
`Event`. Participants are call legs: ``participant_id`` is the payload's
``call_control_id``."""

from __future__ import annotations

from typing import Any, Final

from .._events import Event, EventKind
from ..webhooks import Headers, WebhookVerificationError

__all__ = ["KINDS", "parse"]

PROVIDER: Final = "telnyx"

KINDS: Final[dict[str, EventKind]] = {
    "conference.created": "conference_started",
    "conference.ended": "conference_ended",
    "conference.participant.joined": "participant_joined",
    "conference.participant.left": "participant_left",
    "conference.recording.saved": "recording_saved",
}
"""Telnyx event type -> the facade's kind; anything else (``conference.floor.changed``,
``conference.speak.started``, unknown types) is ``other``."""


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def parse(
    body: bytes | str,
    headers: Headers,
    public_key: str | bytes | None = None,
    *,
    tolerance_seconds: float | None = None,
) -> Event:
    """A verified Telnyx delivery as an `Event` (see `conferencing.webhooks.parse`)."""
    # Imported here: `import conferencing` loads no generated package (nor cryptography).
    from pydantic import ValidationError

    from confgen_telnyx.errors import WebhookVerificationError as TelnyxVerificationError
    from confgen_telnyx.webhooks import unwrap

    try:
        event = unwrap(
            body, headers=headers, public_key=public_key, tolerance_seconds=tolerance_seconds
        )
    except TelnyxVerificationError as error:
        raise WebhookVerificationError(
            error.message, provider=PROVIDER, reason=error.reason
        ) from error
    except ValidationError as error:
        raise WebhookVerificationError(
            f"signed, but not a Telnyx event: {error.error_count()} problem(s)",
            provider=PROVIDER,
            reason="malformed-body",
        ) from error
    payload = getattr(event.data, "payload", None)
    return Event(
        provider=PROVIDER,
        kind=KINDS.get(event.event_type or "", "other"),
        event_type=event.event_type,
        event_id=event.event_id,
        conference_id=_text(_field(payload, "conference_id")),
        participant_id=_text(_field(payload, "call_control_id")),
        occurred_at=event.occurred_at,
        raw=event,
        verified=True,
    )


def _field(payload: Any, name: str) -> Any:
    # Unknown events keep their payload as a dict; known ones as a model.
    if isinstance(payload, dict):
        return payload.get(name)
    return getattr(payload, name, None)
