"""`parse`: a provider's webhook delivery, verified and normalised the same for every provider.

    from conferencing import webhooks

    event = webhooks.parse("telnyx", raw_body, request_headers)  # key: TELNYX_PUBLIC_KEY
    event.kind, event.conference_id, event.call_control_id, event.event_id, event.raw

A provider with webhooks is one module (``conferencing/providers/<name>_webhooks.py``,
defining ``parse``) plus one line in `WEBHOOK_PROVIDERS`. Importing this module loads no
generated package.
"""

from __future__ import annotations

import datetime
import difflib
import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from .errors import ConferencingError

__all__ = ["WEBHOOK_PROVIDERS", "ConferenceEvent", "EventKind", "WebhookVerificationError", "parse"]

EventKind = Literal[
    "conference_started",
    "conference_ended",
    "participant_joined",
    "participant_left",
    "recording_saved",
    "floor_changed",
    "unknown",
]
"""What happened, whatever the provider calls it (``unknown``: an event type not mapped)."""

Headers = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]

WEBHOOK_PROVIDERS: Final[dict[str, str]] = {
    "telnyx": "conferencing.providers.telnyx_webhooks",
}
"""The providers whose webhooks `parse` understands, and the module that does it."""


@dataclass(frozen=True, slots=True)
class ConferenceEvent:
    """One webhook delivery, normalised: what happened to a conference, the same shape for
    every provider (the provider's own typed event is ``raw``).

    Attributes:
        provider: The provider's registry name.
        kind: What happened (`EventKind`).
        event_type: The provider's own name for it (``conference.created``).
        event_id: The provider's event id: the same on every delivery of one event, so a
            repeated delivery can be recognised by it.
        conference_id: The conference the event is about, when the provider says.
        call_control_id: The call leg it is about (Telnyx), when the provider says.
        occurred_at: When it happened, when the provider says.
        raw: The provider's typed event (the generated package's model).
    """

    provider: str
    kind: EventKind
    event_type: str | None
    event_id: str | None
    conference_id: str | None
    call_control_id: str | None
    occurred_at: datetime.datetime | None
    raw: Any


class WebhookVerificationError(ConferencingError):
    """A delivery that must not be trusted or cannot be read; ``reason`` says why.

    Reasons are the generated package's (``missing-header``, ``bad-timestamp``,
    ``stale-timestamp``, ``future-timestamp``, ``malformed-signature``, ``missing-key``,
    ``bad-key``, ``signature-mismatch``) plus ``malformed-body`` (signed, but not an
    event). The provider's exception is chained.
    """

    def __init__(self, message: str, *, provider: str, reason: str) -> None:
        super().__init__(message, provider=provider)
        self.reason = reason


def parse(
    provider: str,
    /,
    body: bytes | str,
    headers: Headers,
    public_key: str | bytes | None = None,
    *,
    tolerance_seconds: float | None = None,
) -> ConferenceEvent:
    """Verify a delivery's signature, parse it, and return it normalised.

    Args:
        provider: A provider in `WEBHOOK_PROVIDERS` (``telnyx``).
        body: The raw request body, byte for byte.
        headers: The request headers (any case): a mapping or ``(name, value)`` pairs.
        public_key: The provider's webhook public key; default: its environment variable
            (``TELNYX_PUBLIC_KEY``).
        tolerance_seconds: How old (or ahead) a signature may be; default: the provider's.

    Raises:
        WebhookVerificationError: not to be trusted, or not an event (``error.reason``).
        ValueError: ``provider`` has no webhook support here.
    """
    module = WEBHOOK_PROVIDERS.get(provider)
    if module is None:
        close = difflib.get_close_matches(provider, WEBHOOK_PROVIDERS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"no webhook support for provider {provider!r}{hint}; "
            f"known: {', '.join(sorted(WEBHOOK_PROVIDERS))}"
        )
    event: ConferenceEvent = importlib.import_module(module).parse(
        body, headers, public_key, tolerance_seconds=tolerance_seconds
    )
    return event
