"""Telnyx: Call Control conferences (``client.conferences.*``).

What each verb maps to, and why:

- create_conference: ``create-conference`` (POST /conferences), from an existing call
  leg (``call_control_id`` is required): a Call Control conference starts with a call.
- get_conference: ``RetrieveConference``; list_conferences: ``ListConferences``, every
  page (the generated page object follows ``meta``'s page numbers).
- end_conference: the ``EndConference`` conference action; the generated client fills
  its ``command_id`` once and reuses it on retries, so Telnyx runs it once.
- list_participants: ``ListConferenceParticipants``. Participants are call legs: a
  `Participant`'s id is the leg's ``call_control_id``, which the actions take (the
  participant record's own ``id`` stays on ``raw``).
- remove_participant: the ``LeaveConference`` action for that call leg (the call goes
  on, outside the conference; it carries a generated ``command_id``).
- mute_participant: the ``MuteConferenceParticipants`` / ``UnmuteConferenceParticipants``
  actions with ``call_control_ids=[id]``.
- join_info: unsupported. Nobody joins a Call Control conference by link or token: a
  call leg is joined into it (``JoinConference`` with the leg's ``call_control_id``).
- list_recordings: unsupported. The spec records conferences (``record_start``...) and
  reports the file in the ``conference.recording.saved`` webhook, but lists recordings
  only for Video Rooms (``room_recordings``), which are not Call Control conferences.

Statuses: ``init`` -> starting, ``in_progress`` -> active, ``completed`` -> ended.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar, Final

from .._plan import Call, EachItem, Plan
from .._result import Conference, ConferenceStatus, Participant
from ..errors import ConferencingError, NotFoundError, ProviderError, RateLimitedError
from ._base import HttpAdapter

__all__ = ["ADAPTER", "TelnyxAdapter"]

RATE_LIMITED_CODE = "10011"
"""Telnyx's error code for rate limiting (DESIGN.md), whatever the status says."""

STATUSES: Final[Mapping[str, ConferenceStatus]] = {
    "init": "starting",
    "in_progress": "active",
    "completed": "ended",
}


class TelnyxAdapter(HttpAdapter):
    """Creates a conference from an existing call leg (``call_control_id`` is required)."""

    name = "telnyx"
    operation_id = "create-conference"
    name_option = "name"
    dummies: ClassVar[Mapping[str, Callable[[], Any]]] = {"api_key": lambda: "KEY-dry-run"}
    package = "confgen_telnyx"
    client_class = "Telnyx"

    list_operation_id = "ListConferences"
    mappings: ClassVar[Mapping[str, str]] = {
        "create_conference": "create-conference (from a call leg: call_control_id)",
        "get_conference": "RetrieveConference",
        "list_conferences": "ListConferences, every page",
        "end_conference": "EndConference action (command_id)",
        "list_participants": "ListConferenceParticipants: call legs (id = call_control_id)",
        "remove_participant": "LeaveConference action for the call leg (command_id)",
        "mute_participant": "MuteConferenceParticipants / UnmuteConferenceParticipants",
    }
    unsupported: ClassVar[Mapping[str, str]] = {
        "join_info": (
            "a Call Control conference has no join link or token: a call leg is joined "
            "into it (JoinConference with the leg's call_control_id)"
        ),
        "list_recordings": (
            "the API lists recordings only for Video Rooms (room_recordings); a "
            "conference recording is reported by the conference.recording.saved webhook"
        ),
    }

    def conference(self, raw: Any, arguments: Mapping[str, Any]) -> Conference:
        data = raw.data
        if data is None:
            raise ProviderError("Telnyx answered without a conference", provider=self.name)
        return self._conference(data, raw)

    def _conference(self, data: Any, raw: Any) -> Conference:
        """A `Conference` from Telnyx's conference record (``raw``: what to keep)."""
        return Conference(
            provider=self.name,
            id=data.id,
            name=data.name,
            status=STATUSES.get(data.status or "", "unknown"),
            provider_status=data.status,
            created_at=data.created_at,
            join_url=None,  # joined by call legs, not by link
            raw=raw,
        )

    def get_conference(self, conference_id: str) -> Plan[Conference]:
        raw = yield Call("RetrieveConference", {"id": conference_id})
        if raw.data is None:
            raise NotFoundError(f"no conference {conference_id!r}", provider=self.name)
        return self._conference(raw.data, raw)

    def list_conferences(self, filters: Mapping[str, Any]) -> Plan[None]:
        yield EachItem(Call("ListConferences", filters), lambda data: self._conference(data, data))

    def end_conference(self, conference_id: str) -> Plan[None]:
        yield Call("EndConference", {"id": conference_id})

    def list_participants(self, conference_id: str) -> Plan[None]:
        yield EachItem(
            Call("ListConferenceParticipants", {"conference_id": conference_id}),
            self._participant,
        )

    def _participant(self, data: Any) -> Participant:
        return Participant(
            id=data.call_control_id,
            name=None,  # a call leg has no display name in the API
            muted=data.muted,
            joined_at=_timestamp(data.created_at),
            raw=data,
        )

    def remove_participant(self, conference_id: str, participant_id: str) -> Plan[None]:
        yield Call("LeaveConference", {"id": conference_id, "call_control_id": participant_id})

    def mute_participant(
        self, conference_id: str, participant_id: str, *, muted: bool
    ) -> Plan[None]:
        action = "MuteConferenceParticipants" if muted else "UnmuteConferenceParticipants"
        yield Call(action, {"id": conference_id, "call_control_ids": [participant_id]})

    def status_error_class(self, status: int, code: int | str | None) -> type[ConferencingError]:
        if str(code) == RATE_LIMITED_CODE:
            return RateLimitedError
        return super().status_error_class(status, code)


def _timestamp(text: str | None) -> datetime | None:
    """An ISO 8601 timestamp the spec types as a string (``2019-01-23T18:10:02.574Z``)."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


ADAPTER = TelnyxAdapter()
