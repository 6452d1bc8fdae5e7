"""What the facade's verbs return, the same for every provider.

Every result is a frozen dataclass. ``raw`` is the provider's typed model (from the
generated package) the result was read from, for whatever the normalised fields leave
out; statuses are normalised to a small set, with the provider's own word kept beside.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

__all__ = [
    "CONFERENCE_STATUSES",
    "RECORDING_STATUSES",
    "Conference",
    "ConferenceStatus",
    "JoinInfo",
    "Participant",
    "Recording",
    "RecordingStatus",
]

ConferenceStatus = Literal["starting", "active", "idle", "ended", "unknown"]
"""``starting``: created, not yet running (Telnyx ``init``); ``active``: running with
participants able to join or in it; ``idle``: exists, nothing running now (a SignalWire
conference without an active room session); ``ended``: over (Telnyx ``completed``);
``unknown``: the provider did not say, or said something else (see ``provider_status``)."""

CONFERENCE_STATUSES: Final[frozenset[str]] = frozenset(
    {"starting", "active", "idle", "ended", "unknown"}
)

RecordingStatus = Literal["recording", "paused", "processing", "completed", "unknown"]
"""``recording`` / ``paused``: still being made; ``processing``: made, file not ready;
``completed``: ready (``download_url`` set when the provider gives one); ``unknown``:
anything else (see ``provider_status``)."""

RECORDING_STATUSES: Final[frozenset[str]] = frozenset(
    {"recording", "paused", "processing", "completed", "unknown"}
)


@dataclass(frozen=True, slots=True)
class Conference:
    """A conference, as `create_conference`, `get_conference` and `list_conferences` give it.

    Attributes:
        provider: The provider's registry name.
        id: The provider's identifier for it (Telnyx/SignalWire conference id, Voximplant
            ``call_session_history_id``, TrueConf ``confId``); ``None`` if it gave none.
        name: The conference name as the provider reports it.
        status: The normalised status (`ConferenceStatus`).
        provider_status: The provider's own status word, when it gave one.
        created_at: When the provider created it, when it says.
        join_url: A link participants can join with; ``None`` when the provider gives none.
        raw: The provider's typed response (the generated package's model).
    """

    provider: str
    id: str | None
    name: str
    join_url: str | None
    raw: Any
    status: ConferenceStatus = "unknown"
    provider_status: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Participant:
    """Someone in a conference, as `list_participants` gives it.

    Attributes:
        id: What `remove_participant` and `mute_participant` take (Telnyx: the call
            leg's ``call_control_id``; SignalWire: the member id; TrueConf: the
            ``peerId``).
        name: The display name, when the provider gives one.
        muted: Whether their audio is muted; ``None`` when the provider does not say.
        joined_at: When they joined, when the provider says.
        raw: The provider's typed model (TrueConf: the participant entry as sent, which
            the Room API's schema leaves untyped).
    """

    id: str
    name: str | None
    muted: bool | None
    joined_at: datetime | None
    raw: Any


@dataclass(frozen=True, slots=True)
class Recording:
    """A recording of a conference, as `list_recordings` gives it.

    Attributes:
        id: The provider's recording id.
        status: The normalised status (`RecordingStatus`).
        duration: Length in seconds, when known.
        download_url: Where the file can be fetched, when the provider gives it.
        provider_status: The provider's own status word, when it gave one.
        raw: The provider's typed model.
    """

    id: str
    status: RecordingStatus
    duration: float | None
    download_url: str | None
    raw: Any
    provider_status: str | None = None


@dataclass(frozen=True, slots=True)
class JoinInfo:
    """What a participant needs to join, as `join_info` gives it: a URL, a token, or both.

    Attributes:
        url: A link that joins the conference (TrueConf's ``joinUrl``).
        token: A credential the provider's client SDK joins with (a SignalWire
            conference token).
        expires_at: When the token or link stops working; ``None``: the provider sets
            no expiry.
        raw: The provider's typed model it was read from.
    """

    url: str | None
    token: str | None
    expires_at: datetime | None
    raw: Any = None
