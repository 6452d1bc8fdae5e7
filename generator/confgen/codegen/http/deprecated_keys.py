"""Deprecated keys inside ``TypedDict`` arguments: the table the runtime walks.

A ``deprecated: true`` property of a nested request object is a key of a ``TypedDict``
of the ``params`` module. Each resource module gets a table of *nodes*: a node is one
``TypedDict`` or, where an annotation allows several (``A | B``), their union; for each
key worth looking at it holds ``(deprecated, node of its value)``. A key is deprecated
in a union only when every member that has it says so (otherwise a value of the other
member would warn wrongly). Only nodes that lead to a deprecated key are kept, so the
table is empty for an API without one; recursive schemes are finite nodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from confgen.codegen.annotations import PARAMS_MODULE, TypedDictSpec
from confgen.codegen.http.ir import Operation

__all__ = ["DeprecatedKeys", "deprecated_keys"]

_NAME = re.compile(rf"\b{PARAMS_MODULE}\.(\w+)")
_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")


@dataclass(frozen=True)
class DeprecatedKeys:
    """What one resource module's methods check before sending."""

    nodes: dict[str, dict[str, tuple[bool, str]]] = field(default_factory=dict)
    """Node name -> key -> ``(deprecated, node of the key's value or "")``."""
    roots: dict[str, dict[str, str]] = field(default_factory=dict)
    """Method name -> argument (Python name) -> its node."""
    paths: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    """Method name -> argument -> the deprecated key paths below it, for the docstring
    (``audio.legacy_codec``, through list items too; a recursive node once per path)."""


def _members(annotation: str, known: Mapping[str, TypedDictSpec]) -> frozenset[str]:
    """The ``TypedDict``s a value of ``annotation`` may be (through ``Sequence[...]``)."""
    return frozenset(n for n in _NAME.findall(_STRING.sub("", annotation)) if n in known)


def _name(members: frozenset[str]) -> str:
    return "|".join(sorted(members))


def deprecated_keys(
    operations: Sequence[Operation], typed_dicts: Iterable[TypedDictSpec]
) -> DeprecatedKeys:
    """The table for ``operations`` (one resource's), from the package's ``TypedDict``s."""
    known = {spec.name: spec for spec in typed_dicts}
    merged: dict[frozenset[str], dict[str, tuple[bool, frozenset[str]]]] = {}
    pending = [
        members
        for op in operations
        for p in op.parameters
        if (members := _members(p.annotation, known))
    ]
    while pending:  # every node reachable from an argument, each merged once
        members = pending.pop()
        if members in merged:
            continue
        keys: dict[str, tuple[bool, frozenset[str]]] = {}
        for name in sorted(members):
            for f in known[name].fields:
                child = _members(f.annotation, known)
                if f.wire_name in keys:
                    deprecated, before = keys[f.wire_name]
                    keys[f.wire_name] = (deprecated and f.deprecated, before | child)
                else:
                    keys[f.wire_name] = (f.deprecated, child)
        merged[members] = keys
        pending.extend(child for _, child in keys.values() if child)
    # A node is kept when a deprecated key is in it or below it (a fixpoint: recursion).
    kept = {members for members, keys in merged.items() if any(d for d, _ in keys.values())}
    changed = True
    while changed:
        changed = False
        for members, keys in merged.items():
            if members not in kept and any(child in kept for _, child in keys.values()):
                kept.add(members)
                changed = True
    nodes = {
        _name(members): {
            key: (deprecated, _name(child) if child in kept else "")
            for key, (deprecated, child) in merged[members].items()
            if deprecated or child in kept
        }
        for members in sorted(kept, key=_name)
    }
    roots: dict[str, dict[str, str]] = {}
    paths: dict[str, dict[str, tuple[str, ...]]] = {}
    for op in operations:
        for p in op.parameters:
            members = _members(p.annotation, known)
            if members in kept:
                roots.setdefault(op.name, {})[p.name] = _name(members)
                found = _paths(nodes, _name(members), "", frozenset())
                paths.setdefault(op.name, {})[p.name] = tuple(dict.fromkeys(found))
    return DeprecatedKeys(nodes, roots, paths)


def _paths(
    nodes: Mapping[str, Mapping[str, tuple[bool, str]]],
    node: str,
    prefix: str,
    seen: frozenset[str],
) -> list[str]:
    out: list[str] = []
    seen = seen | {node}
    for key, (deprecated, child) in nodes[node].items():
        path = f"{prefix}.{key}" if prefix else key
        if deprecated:
            out.append(path)
        elif child and child not in seen:
            out.extend(_paths(nodes, child, path, seen))
    return out
