"""Regex ``pattern``s the generated code cannot check, found before anything is rendered.

A JSON Schema pattern is ECMA-262; the generated request models check it with
pydantic-core's Rust ``regex`` and the runtime's Python ``re``. A pattern either engine
refuses (``\\p{L}`` in ``re``, a look-around in Rust) would make a module fail to build or
import, so it is left out of the schema, kept in its description for the reader, and
reported with a ``note:``.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Mapping
from typing import Any

from confgen.codegen.diagnostics import Diagnostic
from confgen.errors import json_pointer

__all__ = ["compiles", "drop_uncompilable_patterns", "pattern_notes"]

# Where a mapping is data or names, not a schema: a "pattern" key there is not a keyword.
_NOT_SCHEMA_KEYS = frozenset({"example", "examples", "default", "enum", "const", "properties"})


@functools.cache
def compiles(pattern: str) -> bool:
    """Whether both run-time engines compile ``pattern``."""
    from pydantic_core import SchemaError, SchemaValidator, core_schema

    try:
        with warnings.catch_warnings():  # "possible nested set" and friends: still compiles
            warnings.simplefilter("ignore")
            re.compile(pattern)
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except (re.error, SchemaError, OverflowError, RecursionError):
        return False
    return True


def _described(node: Mapping[str, Any], pattern: str) -> str:
    text = str(node.get("description") or "").rstrip()
    kept = f"Pattern (not checked by this client: its regex engines cannot compile it): `{pattern}`"
    return f"{text}\n\n{kept}" if text else kept


def drop_uncompilable_patterns(
    node: Any, where: tuple[Any, ...] = ()
) -> tuple[Any, list[tuple[tuple[Any, ...], str]]]:
    """``node`` with each pattern `compiles` refuses moved into its schema's description
    (and its parameter's), and the ``(pointer, pattern)`` of each. Unchanged parts are
    shared, not copied: most specs have none."""
    found: list[tuple[tuple[Any, ...], str]] = []

    def walk(value: Any, at: tuple[Any, ...], schema: bool) -> Any:
        if isinstance(value, list):
            items = [walk(item, (*at, index), schema) for index, item in enumerate(value)]
            return value if all(a is b for a, b in zip(items, value, strict=True)) else items
        if not isinstance(value, Mapping):
            return value
        changed: dict[str, Any] = {}
        for key, child in value.items():
            if isinstance(key, str) and key.startswith("x-"):
                continue
            if key == "properties" and isinstance(child, Mapping):
                new: Any = {k: walk(v, (*at, key, k), True) for k, v in child.items()}
                if any(new[k] is not child[k] for k in child):
                    changed[key] = new
                continue
            if key in _NOT_SCHEMA_KEYS:
                continue
            new = walk(child, (*at, key), True)
            if new is not child:
                changed[key] = new
        pattern = value.get("pattern")
        out = {**value, **changed} if changed else value
        if schema and isinstance(pattern, str) and not compiles(pattern):
            found.append(((*at, "pattern"), pattern))
            out = {k: v for k, v in out.items() if k != "pattern"}
            out["description"] = _described(value, pattern)
        elif "in" in value and isinstance(out.get("schema"), Mapping):
            # A parameter whose schema lost its pattern: its own description says so too.
            before = value.get("schema")
            if isinstance(before, Mapping) and out["schema"] is not before:
                lost = before.get("pattern")
                if isinstance(lost, str) and "pattern" not in out["schema"]:
                    out = {**out, "description": _described(value, lost)}
        return out

    return walk(node, where, False), found


def pattern_notes(patterns: list[tuple[tuple[Any, ...], str]]) -> list[Diagnostic]:
    """The ``note:`` of each pattern `drop_uncompilable_patterns` left out."""
    return [
        Diagnostic(
            "note",
            json_pointer(list(where)),
            f"pattern {pattern!r} is not checked (Python re or pydantic-core cannot "
            "compile it); kept in the description",
        )
        for where, pattern in patterns
    ]
