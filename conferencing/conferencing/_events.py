"""`Event`, the one normalised shape of what happens to a conference, and `events`, the
stream of a provider's live notifications (TrueConf) as `Event`s.

    async with conferencing.events("trueconf", base_url="ws://room:8765") as stream:
        async for event in stream:
            event.kind, event.conference_id, event.participant_id, event.raw

Webhook deliveries (Telnyx, SignalWire) become the same `Event` through
`conferencing.webhooks.parse`. Importing this module loads no generated package.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

from .errors import ConferencingError

if TYPE_CHECKING:
    from types import TracebackType

    from .providers._base import Credentials

__all__ = ["EVENT_KINDS", "EVENT_PROVIDERS", "Event", "EventKind", "EventStream", "events"]

EventKind = Literal[
    "conference_started",
    "conference_ended",
    "participant_joined",
    "participant_left",
    "recording_saved",
    "other",
]
"""What happened, whatever the provider calls it. ``other``: anything the provider module
does not map (its own name stays in ``event_type``, the whole event in ``raw``)."""

EVENT_KINDS: Final[tuple[EventKind, ...]] = (
    "conference_started",
    "conference_ended",
    "participant_joined",
    "participant_left",
    "recording_saved",
    "other",
)

EVENT_PROVIDERS: Final[dict[str, str]] = {
    "trueconf": "conferencing.providers.trueconf_events",
}
"""The providers `events` can stream, and the module that maps their notifications."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One thing that happened to a conference, the same shape for every provider.

    Attributes:
        provider: The provider's registry name.
        kind: What happened (`EventKind`); ``other`` for anything not mapped.
        event_type: The provider's own name for it (``conference.created``,
            ``member.joined``, ``newParticipantInConference``).
        conference_id: The conference it is about, when the event says (the same id
            ``Conference.id`` carries for that provider).
        participant_id: The participant it is about, when the event says (Telnyx: the
            call leg's ``call_control_id``; SignalWire: ``room_participant_id``; TrueConf:
            ``peerId``).
        occurred_at: When it happened, when the provider says (TrueConf never does).
        raw: The provider's typed event (the generated package's model).
        event_id: The provider's id of the event (the same on each delivery of one
            webhook, so repeats can be recognised), when it has one.
        session_id: The provider's session the event belongs to, when it names one that
            is not the conference (SignalWire's ``room_session_id``).
        verified: Whether the delivery's signature was checked (Telnyx webhooks); a
            SignalWire video event and a TrueConf notification carry none.
    """

    provider: str
    kind: EventKind
    event_type: str | None
    conference_id: str | None
    participant_id: str | None
    occurred_at: datetime.datetime | None
    raw: Any
    event_id: str | None = None
    session_id: str | None = None
    verified: bool = False


class _Source(Protocol):
    """What a provider's events module gives `EventStream` (``open_source``)."""

    async def next(self) -> Event:
        """The next notification as an `Event`; `StopAsyncIteration` at the end."""
        ...

    async def close(self) -> None:
        """Stop receiving and close the connection if the facade opened it."""
        ...


class EventStream:
    """A provider's notifications as `Event`s: an async iterator and an async context
    manager. The connection opens on entry (or at the first ``__anext__``) and closes on
    exit, on `aclose`, and when the stream ends or fails; a read cancelled by a timeout
    leaves it open. A ``client=`` given to `events` is left open."""

    def __init__(self, provider: str, open_source: Callable[[], Any]) -> None:
        self.provider = provider
        self._open_source = open_source
        self._source: _Source | None = None
        self._closed = False

    async def _ensure_open(self) -> _Source:
        if self._source is None:
            if self._closed:
                raise StopAsyncIteration
            self._source = await self._open_source()
        return self._source

    async def __aenter__(self) -> EventStream:
        if not self._closed:
            await self._ensure_open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncIterator[Event]:
        return self

    async def __anext__(self) -> Event:
        source = await self._ensure_open()
        try:
            return await source.next()
        except Exception:
            # The end or a failure (a lost connection): nothing more will come. A
            # cancelled read (a timeout around it) is not one: the stream stays open.
            await self.aclose()
            raise

    async def aclose(self) -> None:
        """Stop receiving and close the connection the stream opened (idempotent)."""
        self._closed = True
        source, self._source = self._source, None
        if source is not None:
            await source.close()


def events(
    provider: str,
    /,
    *,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> EventStream:
    """A provider's live notifications as `Event`s, from now on.

    Args:
        provider: A provider in `EVENT_PROVIDERS` (``trueconf``).
        credentials: The client's credential arguments (``{"pin": ...}``), or the main
            credential alone; default: the environment (``TRUECONF_PIN``...).
        client: A configured async generated client (``AsyncTrueConfRoom``) to listen on
            instead; it is connected if it is not, and never closed for you.
        base_url: The Room's URL (``ws://host:8765``); default: ``TRUECONF_ROOM_URL``.

    Nothing connects until the stream is entered or first read. Errors leave as
    `ConferencingError`s (a dropped connection: `UnavailableError`).

    Raises:
        UnknownProviderError: ``provider`` has no event stream here.
    """
    module = EVENT_PROVIDERS.get(provider)
    if module is None:
        raise unknown_provider_error(provider, EVENT_PROVIDERS, "no event stream")
    opener = importlib.import_module(module).opener(
        credentials=credentials, client=client, base_url=base_url
    )
    return EventStream(provider, opener)


def unknown_provider_error(provider: str, known: dict[str, str], what: str) -> ConferencingError:
    """The error for a provider a registry does not name (with the closest name)."""
    import difflib

    from .errors import UnknownProviderError

    close = difflib.get_close_matches(provider, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return UnknownProviderError(
        f"{what} for provider {provider!r}{hint}; known: {', '.join(sorted(known))}",
        provider=provider,
        known=sorted(known),
    )
