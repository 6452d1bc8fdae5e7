"""The "not given" sentinel that tells an omitted argument from ``None``.

Nothing here imports httpx at run time: the package's public names must import fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal, TypeVar

__all__ = ["NOT_GIVEN", "NotGiven", "strip_not_given"]

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
    return {key: value for key, value in mapping.items() if not isinstance(value, NotGiven)}
