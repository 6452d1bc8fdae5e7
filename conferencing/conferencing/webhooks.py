"""`parse`: a provider's webhook delivery, verified where its docs define a signature, as
the facade's one `Event`.

    from conferencing import webhooks

    event = webhooks.parse("telnyx", raw_body, request_headers)  # key: TELNYX_PUBLIC_KEY
    event.kind, event.conference_id, event.participant_id, event.occurred_at, event.raw

- Telnyx: Ed25519 over ``"{telnyx-timestamp}|{raw body}"`` (``telnyx-signature-ed25519``,
  300 s tolerance), checked by the generated package; ``event.verified`` is true.
- SignalWire: its docs define no signature for video events (see
  ``conferencing/conferencing/providers/signalwire_webhooks.py``): parsed, not verified
  (``event.verified`` is false); authenticate the sender some other way.

A provider with webhooks is one module (``conferencing/conferencing/providers/<name>_webhooks.py``,
defining ``parse``) plus one line in `WEBHOOK_PROVIDERS`. Importing this module loads no
generated package.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Final

from ._events import Event, EventKind, unknown_provider_error
from .errors import ConferencingError

__all__ = [
    "WEBHOOK_PROVIDERS",
    "Event",
    "EventKind",
    "Headers",
    "WebhookVerificationError",
    "parse",
]

Headers = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]
"""Request headers: a mapping or ``(name, value)`` pairs (any case)."""

WEBHOOK_PROVIDERS: Final[dict[str, str]] = {
    "signalwire": "conferencing.providers.signalwire_webhooks",
    "telnyx": "conferencing.providers.telnyx_webhooks",
}
"""The providers whose webhooks `parse` understands, and the module that does it."""


class WebhookVerificationError(ConferencingError):
    """A delivery that must not be trusted or cannot be read; ``reason`` says why.

    Reasons are the generated package's (``missing-header``, ``bad-timestamp``,
    ``stale-timestamp``, ``future-timestamp``, ``malformed-signature``, ``missing-key``,
    ``bad-key``, ``signature-mismatch``) plus ``malformed-body`` (not an event of the
    provider's). The provider's exception is chained.
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
) -> Event:
    """Verify a delivery (where the provider signs it), parse it, and return it normalised.

    Args:
        provider: A provider in `WEBHOOK_PROVIDERS` (``telnyx``, ``signalwire``).
        body: The raw request body, byte for byte.
        headers: The request headers (any case): a mapping or ``(name, value)`` pairs.
        public_key: Telnyx's webhook public key; default: ``TELNYX_PUBLIC_KEY``.
            SignalWire takes none (its video events are not signed).
        tolerance_seconds: How old (or ahead) a Telnyx signature may be; default 300.

    Raises:
        WebhookVerificationError: not to be trusted, or not an event (``error.reason``).
        UnknownProviderError: ``provider`` has no webhook support here.
    """
    module = WEBHOOK_PROVIDERS.get(provider)
    if module is None:
        raise unknown_provider_error(provider, WEBHOOK_PROVIDERS, "no webhook support")
    event: Event = importlib.import_module(module).parse(
        body, headers, public_key, tolerance_seconds=tolerance_seconds
    )
    return event
