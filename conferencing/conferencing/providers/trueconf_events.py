"""TrueConf Room notifications as the facade's `Event`s (``conferencing.events``).

The stream is the generated client's ``AsyncTrueConfRoom.events()`` (typed
notifications, `UnknownEvent` for the rest), subscribed before the connection
authenticates so nothing after it is missed. What maps to a kind (names and fields from
the official wrapper, ``specs/sources/trueconf/consts.py``):

- ``conferenceCreated`` (``confId``) -> ``conference_started``
- ``conferenceDeleted`` (``confId``) -> ``conference_ended``
- ``newParticipantInConference`` (``peerId``, ``confId``) -> ``participant_joined``
- ``participantLeftConference`` (``peerId``) -> ``participant_left``
- anything else (``appStateChanged``, ``inviteSent``...) -> ``other``

A Room is in one conference at a time, so a participant notification without ``confId``
gets the conference this stream saw created (none when it started mid-conference). The
Room sends no timestamps (``occurred_at`` is ``None``) and no recording notification
the sources document (no ``recording_saved``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

from .._events import Event, EventKind
from .trueconf import ADAPTER

__all__ = ["KINDS", "opener", "to_event"]

PROVIDER: Final = "trueconf"

KINDS: Final[dict[str, EventKind]] = {
    "conferenceCreated": "conference_started",
    "conferenceDeleted": "conference_ended",
    "newParticipantInConference": "participant_joined",
    "participantLeftConference": "participant_left",
}
"""TrueConf notification name -> the facade's kind; anything else is ``other``."""


def _field(raw: Any, attribute: str, alias: str) -> str | None:
    """A field of a typed notification, declared (``attribute``) or extra (``alias``)."""
    value = getattr(raw, attribute, None)
    if value is None:
        value = (getattr(raw, "model_extra", None) or {}).get(alias)
    return None if value is None or value == "" else str(value)


def to_event(raw: Any, current_conference: str | None = None) -> Event:
    """A typed notification as an `Event`; ``current_conference`` fills the conference
    of participant notifications that carry no ``confId``."""
    name = str(getattr(raw, "event", "") or "")
    kind = KINDS.get(name, "other")
    conference_id = _field(raw, "conf_id", "confId")
    if conference_id is None and kind in ("participant_joined", "participant_left"):
        conference_id = current_conference
    return Event(
        provider=PROVIDER,
        kind=kind,
        event_type=name or None,
        conference_id=conference_id,
        participant_id=_field(raw, "peer_id", "peerId"),
        occurred_at=None,
        raw=raw,
    )


class _RoomSource:
    """One subscription on a Room connection, mapped to `Event`s."""

    def __init__(self, room: Any, owned: bool) -> None:
        self._room = room
        self._owned = owned
        self._stream: Any = room.events()  # subscribe first: nothing after auth is missed
        self._conference: str | None = None

    async def start(self) -> None:
        with ADAPTER.normalised_errors():
            await self._room.connect()

    async def next(self) -> Event:
        with ADAPTER.normalised_errors():
            raw = await self._stream.__anext__()
        event = to_event(raw, self._conference)
        if event.kind == "conference_started":
            self._conference = event.conference_id
        elif event.kind == "conference_ended" and event.conference_id == self._conference:
            self._conference = None
        return event

    async def close(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._owned:
                await self._room.close()


def opener(
    *, credentials: Any = None, client: Any = None, base_url: str | None = None
) -> Callable[[], Awaitable[_RoomSource]]:
    """What `conferencing.events` calls to open the stream: checks the arguments now
    (before any I/O), connects when called."""
    if client is not None:
        if credentials is not None or base_url is not None:
            raise TypeError(
                "events('trueconf', client=...): configure credentials and base_url on the "
                "client, not here"
            )
        async_class = ADAPTER.client_classes()[1]
        if not isinstance(client, async_class):
            # The stream is async only: a sync TrueConfRoom runs its own loop thread.
            raise TypeError(
                f"events('trueconf', client=...) needs a confgen_trueconf."
                f"{async_class.__name__}, got {type(client).__name__}"
            )
        room, owned = client, False
    else:
        settings, _ = ADAPTER.settings(credentials, base_url)
        room, owned = None, True

    async def open_source() -> _RoomSource:
        nonlocal room
        if room is None:
            room = ADAPTER.new_client(settings, asynchronous=True)
        source = _RoomSource(room, owned)
        try:
            await source.start()
        except BaseException:
            await source.close()
            raise
        return source

    return open_source
