"""The "not given" sentinel that tells an omitted argument from ``None``.

Nothing here imports httpx at run time: the package's public names must import fast.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Final, Literal, TypeVar

__all__ = ["NOT_GIVEN", "NotGiven", "new_uuid4", "strip_not_given"]

_V = TypeVar("_V")


class NotGiven:
    """The type of ``NOT_GIVEN``: tells "the caller did not pass this" from ``None``.

    ``None`` is a value a caller may mean (a nullable field, "no timeout" is refused
    separately); ``NOT_GIVEN`` means "use the default / leave the field out".
    """

    __slots__ = ()
    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        # A singleton, so `value is NOT_GIVEN` is a safe (and the fastest) test.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __copy__(self) -> NotGiven:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> NotGiven:
        return self

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()
"""The sentinel default of every optional keyword in generated methods."""


def strip_not_given(mapping: Mapping[str, _V | NotGiven]) -> dict[str, _V]:
    """Return ``mapping`` without its ``NOT_GIVEN`` entries (``None`` entries are kept)."""
    # Identity, not isinstance: NotGiven is a singleton, and this runs on every call.
    return {key: value for key, value in mapping.items() if value is not NOT_GIVEN}  # type: ignore[misc]


def new_uuid4() -> str:
    """A random (version 4) UUID as text, as ``str(uuid.uuid4())`` spells it.

    The idempotency key of every such call: built from ``os.urandom`` directly, about
    a third of the cost of going through a `uuid.UUID` object.
    """
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # the RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
