"""The handwritten facade over the generated clients: one call, every provider.

    from conferencing import create_conference

    conf = create_conference("telnyx", name="standup", call_control_id="v3:...")
    conf.provider, conf.id, conf.name, conf.join_url, conf.raw

Errors are one tree (`conferencing.errors`). Importing this package loads no generated
package, httpx or pydantic: each provider's client loads on first use.
"""

from __future__ import annotations

from ._events import Event, EventKind, events
from ._facade import acreate_conference, create_conference
from ._registry import PROVIDERS
from ._result import Conference
from .errors import (
    AuthenticationError,
    ConferencingError,
    ConflictError,
    InvalidOptionsError,
    MissingCredentialsError,
    ProviderError,
    RateLimitedError,
    UnavailableError,
    ValidationError,
)

__all__ = [
    "PROVIDERS",
    "AuthenticationError",
    "Conference",
    "ConferencingError",
    "ConflictError",
    "Event",
    "EventKind",
    "InvalidOptionsError",
    "MissingCredentialsError",
    "ProviderError",
    "RateLimitedError",
    "UnavailableError",
    "ValidationError",
    "acreate_conference",
    "create_conference",
    "events",
]
