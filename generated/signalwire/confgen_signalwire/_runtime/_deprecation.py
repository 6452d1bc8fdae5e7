"""`DeprecationWarning` for deprecated operations, parameters and keys inside nested
request objects (``TypedDict`` arguments), at the caller's line."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Mapping
from typing import Final

__all__ = ["KeyTable", "warn_deprecated", "warn_deprecated_keys"]

KeyTable = Mapping[str, Mapping[str, tuple[bool, str]]]
"""A resource module's nodes (a ``TypedDict``, or a union of them) -> each key worth
looking at -> ``(deprecated, the node of its value or "")``."""

_MAX_DEPTH: Final = 64
"""How deep a value is searched (a self-containing dict must not recurse forever)."""

# The generated package's folder: frames in it (resource methods, the raw-response and
# streaming wrappers) are ours, and the warning belongs to the first frame outside it.
_PACKAGE: Final = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def warn_deprecated(message: str) -> None:
    """Warn ``message`` as a `DeprecationWarning` attributed to the user's call, however
    many of the package's own frames (``with_raw_response``, async wrappers) are between."""
    level, frame = 2, sys._getframe(1)
    while frame.f_back is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        _PACKAGE
    ):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, DeprecationWarning, stacklevel=level)


def warn_deprecated_keys(
    operation: str, arguments: Mapping[str, tuple[object, str]], table: KeyTable
) -> None:
    """One `DeprecationWarning` per call naming every deprecated key given inside the
    ``arguments`` (name -> ``(value, node)``): ``create_room: settings.audio.codec is
    deprecated`` (``[]`` stands for the items of a list). A value may be a dict or a
    request model (its fields given, by wire name)."""
    found: list[str] = []
    for name, (value, node) in arguments.items():
        _find(value, node, name, table, found, 0)
    if found:
        verb = "is" if len(found) == 1 else "are"
        warn_deprecated(f"{operation}: {', '.join(found)} {verb} deprecated")


def _find(
    value: object, node: str, path: str, table: KeyTable, found: list[str], depth: int
) -> None:
    if depth > _MAX_DEPTH:
        return
    dump = getattr(value, "model_dump", None)
    if callable(dump) and hasattr(value, "model_fields_set"):
        # A request model given for the TypedDict: the fields it was given, by wire name
        # (serialised, not read: reading a deprecated field would warn once more).
        value = dump(by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        keys = table.get(node, {})
        for key, item in value.items():
            entry = keys.get(key) if isinstance(key, str) else None
            if entry is None:
                continue
            deprecated, child = entry
            where = f"{path}.{key}"
            if deprecated:
                if where not in found:
                    found.append(where)
            elif child:
                _find(item, child, where, table, found, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            _find(item, node, f"{path}[]", table, found, depth + 1)
