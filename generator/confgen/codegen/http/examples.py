"""README values for an operation's arguments: the spec's examples, else a placeholder of
the right type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from confgen.codegen.spec import Spec

__all__ = ["example_of", "placeholder"]


def example_of(node: Mapping[str, Any]) -> tuple[bool, Any]:
    """``(found, value)``: an ``example``, or the first of ``examples``, of a node."""
    if "example" in node:
        return True, node["example"]
    examples = node.get("examples")
    if isinstance(examples, list) and examples:
        return True, examples[0]
    if isinstance(examples, Mapping) and examples:
        first = next(iter(examples.values()))
        if isinstance(first, Mapping) and "value" in first:
            return True, first["value"]
    return False, None


def placeholder(spec: Spec, schema: Any, wire_name: str, where: tuple[Any, ...]) -> Any:
    """A value of the right type to show when the spec has no example."""
    schema = spec.deref(schema, where) if isinstance(schema, Mapping) else {}
    found, value = example_of(schema)
    if found:
        return value
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for combinator in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(combinator), list) and schema[combinator]:
            return placeholder(spec, schema[combinator][0], wire_name, where)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return {}
    if schema.get("format") == "date-time":
        return "2024-01-01T00:00:00Z"
    return wire_name
