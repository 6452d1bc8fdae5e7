"""Field-level comparison for drift: schemas flattened to ``{path: FieldShape}``, then
compared field by field under the request/response rules of ``confgen.drift.compare``.

Pure: no I/O; ``$ref``s are resolved inside the one document being compared.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

#: Which way a schema travels: a request field the client sends, a response one it receives.
Side = Literal["request", "response"]

#: Constraints where a larger value accepts more.
_UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
#: Constraints where a smaller value accepts more.
_LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")
_OTHER_CONSTRAINTS = ("pattern", "multipleOf", "uniqueItems", "const")
#: JSON Schema types a value of the key type also satisfies (integer is a number).
_WIDER: dict[str, set[str]] = {"integer": {"number"}}


@dataclass(frozen=True)
class Change:
    """One semantic difference between two versions of a spec.

    ``kind`` names the rule (``field-added``, ``enum-value-removed``, ...), ``where``
    the place (``POST /conferences body.max_participants``), ``detail`` what happened.
    """

    kind: str
    where: str
    detail: str
    breaking: bool

    def __str__(self) -> str:
        label = "BREAKING" if self.breaking else "non-breaking"
        return f"{label:<13} {self.where}: {self.detail}"


# --- schema flattening ------------------------------------------------------------


@dataclass(frozen=True)
class FieldShape:
    """One field of a flattened schema: what a client's type for it depends on."""

    types: frozenset[str]
    format: str | None
    required: bool
    enum: tuple[Any, ...] | None
    constraints: tuple[tuple[str, Any], ...]
    default: Any = field(default=None)
    has_default: bool = False


class RefResolver:
    """Resolves local ``$ref``s (``#/...``) in one document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def resolve(self, node: Any, seen: frozenset[str] = frozenset()) -> tuple[Any, frozenset[str]]:
        """Follow ``$ref`` chains; returns the target and the refs followed (for cycles)."""
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#"):
                return {}, seen
            seen = seen | {ref}
            target: Any = self.document
            for part in ref[1:].split("/")[1:]:
                part = part.replace("~1", "/").replace("~0", "~")
                if isinstance(target, Mapping):
                    target = target.get(part, {})
                elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                    target = target[int(part)]
                else:
                    target = {}
            # Sibling keywords next to a $ref (OpenAPI 3.1) refine the target.
            siblings = {key: value for key, value in node.items() if key != "$ref"}
            node = {**target, **siblings} if siblings and isinstance(target, Mapping) else target
        return node, seen


def _types(schema: Mapping[str, Any]) -> frozenset[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        found = {declared}
    elif isinstance(declared, list):
        found = {str(item) for item in declared}
    elif "properties" in schema:
        found = {"object"}
    elif "items" in schema:
        found = {"array"}
    else:
        found = set()
    if schema.get("nullable") is True:
        found.add("null")
    return frozenset(found)


def _merge_composition(
    schema: Mapping[str, Any], resolver: RefResolver, seen: frozenset[str]
) -> dict[str, Any]:
    """``allOf``/``oneOf``/``anyOf`` folded into one schema: properties of every branch
    (required only when every ``oneOf``/``anyOf`` branch requires it)."""
    merged: dict[str, Any] = {
        key: value for key, value in schema.items() if key not in ("allOf", "oneOf", "anyOf")
    }
    properties: dict[str, Any] = dict(merged.get("properties", {}))
    required: set[str] = set(merged.get("required", []))
    for keyword in ("allOf", "oneOf", "anyOf"):
        branches = schema.get(keyword)
        if not isinstance(branches, list):
            continue
        branch_required: list[set[str]] = []
        branch_types: set[str] = set()
        for raw in branches:
            branch, branch_seen = resolver.resolve(raw, seen)
            if not isinstance(branch, Mapping):
                continue
            branch = _merge_composition(branch, resolver, branch_seen)
            properties.update(branch.get("properties", {}))
            branch_required.append(set(branch.get("required", [])))
            branch_types |= _types(branch)
            for key, value in branch.items():
                if key not in ("properties", "required", "type", "description", "title"):
                    merged.setdefault(key, value)
        if keyword == "allOf":
            for names in branch_required:
                required |= names
        elif branch_required:
            required |= set.intersection(*branch_required)
        if branch_types and "type" not in merged:
            merged["type"] = sorted(branch_types)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = sorted(required)
    return merged


def flatten_schema(
    schema: Any,
    resolver: RefResolver,
    prefix: str,
    required: bool,
    out: dict[str, FieldShape],
    seen: frozenset[str] = frozenset(),
) -> None:
    """Every field of ``schema`` as ``{path: FieldShape}``; nested paths join with ``.``,
    array items with ``[]``."""
    resolved, seen = resolver.resolve(schema, seen)
    if not isinstance(resolved, Mapping):
        resolved = {}
    resolved = _merge_composition(resolved, resolver, seen)
    constraints = [
        (key, resolved[key])
        for key in (*_UPPER_BOUNDS, *_LOWER_BOUNDS, *_OTHER_CONSTRAINTS)
        if key in resolved
    ]
    if resolved.get("additionalProperties") is False:
        constraints.append(("additionalProperties", False))
    enum = resolved.get("enum")
    out[prefix] = FieldShape(
        types=_types(resolved),
        format=resolved.get("format"),
        required=required,
        enum=tuple(enum) if isinstance(enum, list) else None,
        constraints=tuple(sorted(constraints, key=lambda item: item[0])),
        default=resolved.get("default"),
        has_default="default" in resolved,
    )
    names = set(resolved.get("required", []))
    for name, child in (resolved.get("properties") or {}).items():
        flatten_schema(child, resolver, f"{prefix}.{name}", name in names, out, seen)
    items = resolved.get("items")
    if isinstance(items, Mapping):
        flatten_schema(items, resolver, f"{prefix}[]", True, out, seen)
    extra = resolved.get("additionalProperties")
    if isinstance(extra, Mapping) and extra:
        flatten_schema(extra, resolver, f"{prefix}{{*}}", False, out, seen)


# --- comparing flattened fields -----------------------------------------------------


def _describe_type(node: FieldShape) -> str:
    text = " | ".join(sorted(node.types)) or "any"
    return f"{text} ({node.format})" if node.format else text


def _parent(path: str) -> str | None:
    cut = max(path.rfind("."), path.rfind("[]"), path.rfind("{*}"))
    return path[:cut] if cut > 0 else None


def _is_widening(old: FieldShape, new: FieldShape) -> bool:
    """Does every value ``old`` accepts also satisfy ``new``?"""
    if not old.types and not new.types:
        return old.format == new.format or new.format is None
    if not new.types:  # no type any more: accepts anything
        return new.format is None or new.format == old.format
    for kind in old.types:
        if kind not in new.types and not (_WIDER.get(kind, set()) & new.types):
            return False
    return new.format is None or new.format == old.format


def _bound_tightened(key: str, old: Any, new: Any) -> bool | None:
    """True if ``new`` accepts less than ``old``; None if it cannot tell."""
    if old is None:
        return True
    if new is None:
        return False
    if isinstance(old, bool) or isinstance(new, bool):
        return None
    if key in _UPPER_BOUNDS:
        return bool(new < old)
    if key in _LOWER_BOUNDS:
        return bool(new > old)
    return None


def compare_fields(
    old: Mapping[str, FieldShape],
    new: Mapping[str, FieldShape],
    *,
    where: str,
    side: Side,
    noun: str = "field",
) -> Iterator[Change]:
    """Changes between two flattened schemas (or parameter sets) at ``where``."""
    request = side == "request"
    for path in sorted(old.keys() | new.keys()):
        place = f"{where} {path}".rstrip() if path else where
        parent = _parent(path)
        if path not in new:
            if parent is not None and parent in old and parent not in new:
                continue  # reported with its parent
            yield Change(
                f"{noun}-removed",
                place,
                f"{side} {noun} removed (was {_describe_type(old[path])})",
                True,
            )
            continue
        if path not in old:
            if parent is not None and parent in new and parent not in old:
                continue
            node = new[path]
            kind = "required" if node.required else "optional"
            yield Change(
                f"{noun}-added",
                place,
                f"new {kind} {side} {noun} ({_describe_type(node)})",
                request and node.required,
            )
            continue
        yield from _compare_node(old[path], new[path], place, side)


def _compare_node(old: FieldShape, new: FieldShape, place: str, side: Side) -> Iterator[Change]:
    request = side == "request"
    if old.required != new.required:
        now = "required" if new.required else "optional"
        was = "required" if old.required else "optional"
        yield Change(
            "required-changed",
            place,
            f"{side} field now {now} (was {was})",
            new.required if request else not new.required,
        )
    if old.types != new.types or old.format != new.format:
        widened = _is_widening(old, new)
        narrowed = _is_widening(new, old)
        yield Change(
            "type-changed",
            place,
            f"type {_describe_type(old)} -> {_describe_type(new)}",
            not widened if request else not narrowed,
        )
    if old.enum != new.enum:
        if old.enum is None or new.enum is None:
            closed = new.enum is not None
            yield Change(
                "enum-changed",
                place,
                "values now restricted to an enum" if closed else "enum restriction removed",
                closed if request else not closed,
            )
        else:
            for value in [value for value in old.enum if value not in new.enum]:
                yield Change(
                    "enum-value-removed",
                    place,
                    f"{side} enum value {value!r} removed",
                    request,
                )
            for value in [value for value in new.enum if value not in old.enum]:
                yield Change(
                    "enum-value-added",
                    place,
                    f"{side} enum value {value!r} added"
                    + ("" if request else " (an exhaustive match misses it)"),
                    not request,
                )
    old_constraints, new_constraints = dict(old.constraints), dict(new.constraints)
    for key in sorted(old_constraints.keys() | new_constraints.keys()):
        before, after = old_constraints.get(key), new_constraints.get(key)
        if before == after:
            continue
        if key == "additionalProperties":
            tightened: bool | None = after is False
        else:
            tightened = _bound_tightened(key, before, after)
        yield Change(
            "constraint-changed",
            place,
            f"{key} {before!r} -> {after!r}"
            + ("" if tightened is None else " (tightened)" if tightened else " (loosened)"),
            request and tightened is not False,
        )
    if (old.has_default, old.default) != (new.has_default, new.default):
        yield Change(
            "default-changed",
            place,
            f"default {old.default!r} -> {new.default!r}",
            request,
        )


# --- OpenAPI ------------------------------------------------------------------------


__all__ = ["Change", "FieldShape", "RefResolver", "Side", "compare_fields", "flatten_schema"]
