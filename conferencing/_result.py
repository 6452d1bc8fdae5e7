"""`Conference`: what `create_conference` returns, the same for every provider."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Conference"]


@dataclass(frozen=True, slots=True)
class Conference:
    """A created conference.

    Attributes:
        provider: The provider's registry name.
        id: The provider's identifier for it (Telnyx/SignalWire conference id, Voximplant
            ``call_session_history_id``, TrueConf ``confId``); ``None`` if it gave none.
        name: The conference name as the provider reports it.
        join_url: A link participants can join with; ``None`` when the provider gives none.
        raw: The provider's typed response (the generated package's model).
    """

    provider: str
    id: str | None
    name: str
    join_url: str | None
    raw: Any
