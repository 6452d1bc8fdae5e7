"""Apply an overlay (OpenAPI Overlay 1.0, a subset) to an extracted spec.

See ``specs/overlays/README.md`` for the format. Targets are JSONPath expressions of a
deliberately small subset (``$``, ``.name``, ``['name']``, ``[index]``, and the filter
``[?(@.key=='value')]`` or ``[?(@=='value')]`` that must match exactly one list item): one action names one
node, so a reader can find it in the spec by eye, and a reordered list cannot make an
action land on the wrong item.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from confgen.errors import OverlayError, json_pointer

_SEGMENT = re.compile(
    r"""\.(?P<name>[A-Za-z_$][\w$-]*)           # .name
      | \[\s*'(?P<single>(?:[^'\\]|\\.)*)'\s*\]  # ['name']
      | \[\s*"(?P<double>(?:[^"\\]|\\.)*)"\s*\]  # ["name"]
      | \[\s*(?P<index>-?\d+)\s*\]              # [0]
      | \[\?\(@(?:\.(?P<key>[\w-]+))?\s*==\s*'(?P<value>[^']*)'\)\]  # [?(@.name=='x')], [?(@=='x')]
    """,
    re.VERBOSE,
)


Segment = str | int | tuple[str, str]


def parse_target(target: str) -> list[Segment]:
    """Split a JSONPath of the supported subset into keys, list indexes and filters."""
    if not target.startswith("$"):
        raise ValueError("a target starts with '$'")
    parts: list[Segment] = []
    position = 1
    while position < len(target):
        match = _SEGMENT.match(target, position)
        if not match:
            raise ValueError(
                f"unsupported JSONPath at character {position + 1}: {target[position:]!r} "
                "(supported: .name, ['name'], [index]; no wildcards or filters)"
            )
        if match["index"] is not None:
            parts.append(int(match["index"]))
        elif match["value"] is not None:
            parts.append((match["key"] or "", match["value"]))
        else:
            raw = match["name"] or match["single"] or match["double"] or ""
            parts.append(re.sub(r"\\(.)", r"\1", raw))
        position = match.end()
    return parts


def apply_overlay(document: dict[str, Any], overlay: Any, *, source: str) -> dict[str, Any]:
    """Return a new document with every action of ``overlay`` applied in order.

    ``source`` names the overlay file in errors. The input document is not modified.
    """
    if not isinstance(overlay, dict) or "actions" not in overlay:
        raise OverlayError(
            "not an overlay document",
            source=source,
            expected="a mapping with 'overlay' and 'actions'",
        )
    result = copy.deepcopy(document)
    for number, action in enumerate(overlay["actions"]):
        pointer = f"/actions/{number}"
        if not isinstance(action, dict) or "target" not in action:
            raise OverlayError("action has no target", source=source, pointer=pointer)
        if not action.get("x-source"):
            raise OverlayError(
                "action does not say where its fact comes from",
                source=source,
                pointer=pointer,
                expected="an 'x-source' note",
            )
        try:
            path = parse_target(str(action["target"]))
        except ValueError as error:
            raise OverlayError(str(error), source=source, pointer=pointer + "/target") from None
        if action.get("remove") is True:
            _remove(result, path, source, pointer)
        elif "update" in action:
            parent, key = _resolve_parent(result, path, source, pointer)
            node = result if parent is None else parent[key]
            merged = _merge(node, copy.deepcopy(action["update"]))
            if parent is None:
                result = merged
            else:
                parent[key] = merged
        else:
            raise OverlayError(
                "action neither updates nor removes",
                source=source,
                pointer=pointer,
                expected="'update' or 'remove: true'",
            )
    return result


def _resolve_parent(
    document: Any, path: list[Segment], source: str, pointer: str
) -> tuple[Any, str | int]:
    """The container holding the target and the target's key (None for the root)."""
    if not path:
        return None, ""
    node = document
    resolved: list[str | int] = []
    for depth, segment in enumerate(path):
        container = node
        if isinstance(segment, tuple):
            key: str | int = _match_filter(container, segment, resolved, source, pointer)
        else:
            key = segment
        try:
            node = container[key]
        except (KeyError, IndexError, TypeError):
            raise OverlayError(
                f"target does not exist in the spec: {json_pointer([*resolved, key])}",
                source=source,
                pointer=pointer + "/target",
            ) from None
        resolved.append(key)
        if depth == len(path) - 1:
            return container, key
    raise AssertionError("unreachable")


def _match_filter(
    container: Any, segment: tuple[str, str], resolved: list[str | int], source: str, pointer: str
) -> int:
    """Index of the one list item whose ``key`` (or, with no key, the item) equals ``value``."""
    key, value = segment
    items = container if isinstance(container, list) else []
    matches = [
        index
        for index, item in enumerate(items)
        if (item.get(key) if key and isinstance(item, dict) else item) == value
    ]
    if len(matches) != 1:
        shown = f"@.{key}" if key else "@"
        raise OverlayError(
            f"filter [?({shown}=='{value}')] matches {len(matches)} items at "
            f"{json_pointer(resolved)}",
            source=source,
            pointer=pointer + "/target",
            expected="exactly one list item",
        )
    return matches[0]


def _remove(document: Any, path: list[Segment], source: str, pointer: str) -> None:
    if not path:
        raise OverlayError("cannot remove the whole document", source=source, pointer=pointer)
    parent, key = _resolve_parent(document, path, source, pointer)
    del parent[key]


def _merge(target: Any, update: Any) -> Any:
    """Overlay 1.0 merge: objects merge key by key, a list into a list appends."""
    if isinstance(target, dict) and isinstance(update, dict):
        for key, value in update.items():
            target[key] = _merge(target[key], value) if key in target else value
        return target
    if isinstance(target, list) and isinstance(update, list):
        return target + update
    return update
