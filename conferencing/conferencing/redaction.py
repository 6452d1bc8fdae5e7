"""Redaction: the one place that decides what of a recorded call may be shown.

Three rules, applied by `conferencing.dry_run` to everything an adapter recorded:

- credential headers (``Authorization``, ``Cookie``, API-key headers, any header named
  like a token or secret) lose their value; an ``Authorization`` keeps its scheme;
- message fields an adapter declares secret (TrueConf's ``auth`` ``credentials``) are
  replaced;
- every known secret value (the credentials given or found in the environment) is
  replaced wherever it still appears: URLs, bodies, nested fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

__all__ = [
    "REDACTED",
    "SECRET_HEADERS",
    "is_secret_header",
    "redact_header",
    "redact_message_fields",
    "scrub",
    "secret_values",
]

REDACTED: Final = "<redacted>"
SECRET_HEADERS: Final = frozenset(
    {"authorization", "proxy-authorization", "cookie", "x-api-key", "api-key"}
)


def is_secret_header(name: str) -> bool:
    """Whether a header of this name carries a credential."""
    lowered = name.lower()
    return lowered in SECRET_HEADERS or "token" in lowered or "secret" in lowered


def redact_header(name: str, value: str) -> str:
    """The value to show for header ``name``: redacted when it carries a credential (an
    ``Authorization`` header keeps its scheme, ``Bearer <redacted>``)."""
    if not is_secret_header(name):
        return value
    scheme, _, rest = value.partition(" ")
    return f"{scheme} {REDACTED}" if rest and name.lower().endswith("authorization") else REDACTED


def redact_message_fields(
    message: Mapping[str, Any], secret_fields: Mapping[str, frozenset[str]]
) -> dict[str, Any]:
    """``message`` with the fields ``secret_fields[message["method"]]`` names redacted."""
    fields = secret_fields.get(str(message.get("method")), frozenset())
    return {key: REDACTED if key in fields else value for key, value in message.items()}


def secret_values(values: Iterable[object]) -> list[str]:
    """The strings worth scrubbing, longest first: each secret of at least 4 characters,
    and the long (16+) string values of a secret mapping (a service-account key)."""
    found: set[str] = set()
    for value in values:
        if isinstance(value, str) and len(value) >= 4:
            found.add(value)
        elif isinstance(value, Mapping):
            found |= {item for item in value.values() if isinstance(item, str) and len(item) >= 16}
    return sorted(found, key=len, reverse=True)


def scrub(value: Any, secrets: list[str]) -> Any:
    """``value`` with every secret string replaced, however deep."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, REDACTED)
        return value
    if isinstance(value, Mapping):
        return {key: scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item, secrets) for item in value]
    return value
