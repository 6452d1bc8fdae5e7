"""The handwritten facade over the generated clients: one call, every provider.

    from conferencing import create_conference

    conf = create_conference("telnyx", name="standup", call_control_id="v3:...")
    conf.provider, conf.id, conf.name, conf.status, conf.join_url, conf.raw
    for participant in list_participants("telnyx", conf.id):
        mute_participant("telnyx", conf.id, participant.id)
    end_conference("telnyx", conf.id)

Every verb has an ``a``-prefixed async twin and takes ``client=`` (a configured
generated client, not closed for you) or ``credentials=`` / ``base_url=``; a verb the
provider cannot do raises `UnsupportedOperationError` before any I/O
(``capabilities(provider)`` and ``confgen providers`` list what each can do).

Errors are one tree (`conferencing.errors`). Importing this package loads no generated
package, httpx or pydantic: each provider's client loads on first use.
"""

from __future__ import annotations

from ._events import Event, EventKind, events
from ._facade import acreate_conference, create_conference
from ._registry import PROVIDERS
from ._result import (
    CONFERENCE_STATUSES,
    RECORDING_STATUSES,
    Conference,
    ConferenceStatus,
    JoinInfo,
    Participant,
    Recording,
    RecordingStatus,
)
from ._verbs import (
    aend_conference,
    aget_conference,
    ajoin_info,
    alist_conferences,
    alist_participants,
    alist_recordings,
    amute_participant,
    aremove_participant,
    capabilities,
    end_conference,
    get_conference,
    join_info,
    list_conferences,
    list_participants,
    list_recordings,
    mute_participant,
    remove_participant,
)
from .errors import (
    AuthenticationError,
    ConferencingError,
    ConflictError,
    InvalidOptionsError,
    MissingCredentialsError,
    NotFoundError,
    ProviderError,
    RateLimitedError,
    UnavailableError,
    UnknownProviderError,
    UnsupportedOperationError,
    ValidationError,
)

__all__ = [
    "CONFERENCE_STATUSES",
    "PROVIDERS",
    "RECORDING_STATUSES",
    "AuthenticationError",
    "Conference",
    "ConferenceStatus",
    "ConferencingError",
    "ConflictError",
    "Event",
    "EventKind",
    "InvalidOptionsError",
    "JoinInfo",
    "MissingCredentialsError",
    "NotFoundError",
    "Participant",
    "ProviderError",
    "RateLimitedError",
    "Recording",
    "RecordingStatus",
    "UnavailableError",
    "UnknownProviderError",
    "UnsupportedOperationError",
    "ValidationError",
    "acreate_conference",
    "aend_conference",
    "aget_conference",
    "ajoin_info",
    "alist_conferences",
    "alist_participants",
    "alist_recordings",
    "amute_participant",
    "aremove_participant",
    "capabilities",
    "create_conference",
    "end_conference",
    "events",
    "get_conference",
    "join_info",
    "list_conferences",
    "list_participants",
    "list_recordings",
    "mute_participant",
    "remove_participant",
]
