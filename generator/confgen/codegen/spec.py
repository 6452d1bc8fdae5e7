"""Spec access shared by both codegen targets: a document with located errors and
``$ref`` resolution (`Spec`), shape checks, schema names and ``$ref`` rewriting, and the
JSON Schema keyword tables the model renderer walks.

OpenAPI and AsyncAPI keep their schemas under ``components.schemas`` alike, so the HTTP
(``confgen.codegen.http.load``) and the WebSocket (``confgen.codegen.ws.load``) loaders
read them through the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from confgen.codegen.diagnostics import Diagnostic
from confgen.codegen.naming import check_unique, class_identifier
from confgen.errors import ConfgenError, json_pointer

__all__ = [
    "COMPONENT_KEY",
    "SCHEMA_PREFIX",
    "SUBSCHEMAS",
    "SUBSCHEMA_LISTS",
    "SUBSCHEMA_MAPS",
    "Spec",
    "allows_null",
    "boolean_schemas_as_objects",
    "check_schema",
    "expect",
    "is_file_schema",
    "ref_closure",
    "rename_refs",
    "schema_class_names",
    "shape_error",
    "stripped_text",
    "walk_refs",
    "widen_enums",
]

SCHEMA_PREFIX = "#/components/schemas/"


class Spec:
    """The document plus its source name, with located errors and `$ref` resolution."""

    def __init__(self, document: Mapping[str, Any], source: str, *, strict: bool = True) -> None:
        self.document = document
        self.source = source
        self.strict = strict
        self.skipped: list[Diagnostic] = []
        self.renamed: list[Diagnostic] = []

    def skip(self, error: ConfgenError, what: str = "") -> None:
        """Record ``error`` as a skipped item (lenient loads only; strict ones raise it)."""
        if self.strict:
            raise error
        reason = f"{what}: {error.message}" if what else error.message
        self.skipped.append(Diagnostic("skip", error.pointer or "/", reason))

    def unique(self, names: list[tuple[str, str, str]], *, what: str) -> dict[str, str]:
        """`check_unique`, or (lenient) the later of two colliding names suffixed ``2``, ``3``..."""
        if self.strict:
            return check_unique(names, what=what, source=self.source)
        taken: dict[str, str] = {}
        mapping: dict[str, str] = {}
        for original, python, pointer in names:
            if original in mapping:
                continue
            chosen, counter = python, 2
            if chosen in taken and ":" in original:  # a parameter: say where it travels
                chosen = f"{original.split(':')[0]}_{python}"
            while chosen in taken and taken[chosen] != original:
                chosen, counter = (
                    f"{python}{'_' if python[-1:].isdigit() else ''}{counter}",
                    counter + 1,
                )
            if chosen != python:
                self.renamed.append(
                    Diagnostic(
                        "rename",
                        pointer,
                        f"{what} {original!r} renamed {chosen!r} ({python!r} is taken)",
                    )
                )
            taken[chosen] = original
            mapping[original] = chosen
        return mapping

    def error(self, message: str, pointer: tuple[Any, ...] | list[Any]) -> ConfgenError:
        """A `ConfgenError` located at ``pointer`` in this spec."""
        return ConfgenError(message, source=self.source, pointer=json_pointer(list(pointer)))

    def lookup(self, ref: str, where: tuple[Any, ...]) -> Any:
        """The node a local ``$ref`` names; a dangling or external one is an error."""
        if not ref.startswith("#/"):
            raise self.error(f"only local $ref ('#/...') is supported, got {ref!r}", where)
        node: Any = self.document
        for raw in ref[2:].split("/"):
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise self.error(f"$ref {ref!r} points to nothing", where)
        return node

    def deref(self, node: Any, where: tuple[Any, ...]) -> Any:
        """Follow ``$ref`` chains until a node without one (cycles are an error)."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str):
                raise self.error("$ref must be a string", where)
            if ref in seen:
                raise self.error(f"$ref cycle through {ref!r}", where)
            seen.add(ref)
            node = self.lookup(ref, where)
        return node


# OpenAPI 3.x: "All the fixed fields declared above are objects that MUST use keys that
# match the regular expression: ^[a-zA-Z0-9\.\-_]+$" (the Components object).
COMPONENT_KEY = re.compile(r"[a-zA-Z0-9.\-_]+\Z")


def shape_error(spec: Spec, message: str, where: tuple[Any, ...], expected: str) -> ConfgenError:
    return ConfgenError(
        message, source=spec.source, pointer=json_pointer(list(where)), expected=expected
    )


def expect(
    spec: Spec, node: Any, kind: type | tuple[type, ...], where: tuple[Any, ...], what: str
) -> None:
    if not isinstance(node, kind):
        names: dict[type, str] = {dict: "a mapping", list: "a list", str: "a string"}
        kinds = kind if isinstance(kind, tuple) else (kind,)
        wanted = " or ".join(names.get(k, k.__name__) for k in kinds)
        got = names.get(type(node), f"{type(node).__name__} {node!r}"[:60])
        raise shape_error(spec, f"{what} is {got}", where, wanted)


def walk_refs(node: Any, where: tuple[Any, ...]) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Every ``$ref`` string in ``node`` with its location (extension values skipped)."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value, where
            elif not (isinstance(key, str) and key.startswith("x-")):
                yield from walk_refs(value, (*where, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from walk_refs(item, (*where, index))


def stripped_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


# --- schemas -----------------------------------------------------------------------


def schema_class_names(spec: Spec, schemas: Mapping[str, Any]) -> dict[str, str]:
    """Component schema name -> Python class name, refusing two that collide."""
    names = []
    for name in schemas:
        class_name = class_identifier(str(name), "Model")
        names.append((name, class_name, json_pointer(["components", "schemas", name])))
    return spec.unique(names, what="schema")


def rename_refs(node: Any, class_names: Mapping[str, str]) -> Any:
    """A deep copy of ``node`` whose schema ``$ref``s use the Python class names.

    A ``$ref`` to a schema that is not there (left out by a lenient load) becomes ``{}``.
    """
    if isinstance(node, Mapping):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(SCHEMA_PREFIX):
                target = class_names.get(value[len(SCHEMA_PREFIX) :])
                if target is None:
                    return {}
                out[key] = SCHEMA_PREFIX + target
            elif key == "discriminator" and isinstance(value, Mapping):
                out[key] = _renamed_mapping(value, class_names)
            else:
                out[key] = rename_refs(value, class_names)
        return out
    if isinstance(node, list):
        return [rename_refs(item, class_names) for item in node]
    return node


def _renamed_mapping(discriminator: Mapping[str, Any], class_names: Mapping[str, str]) -> Any:
    """A discriminator whose ``mapping`` refs use the class names too (the model generator
    matches them against the schemas: a stale one would tag the variant with its name)."""
    mapping = discriminator.get("mapping")
    if not isinstance(mapping, Mapping):
        return dict(discriminator)
    renamed = {}
    for tag, ref in mapping.items():
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            target = class_names.get(ref[len(SCHEMA_PREFIX) :])
            if target is None:
                continue  # left out by a lenient load: no variant to tag
            ref = SCHEMA_PREFIX + target
        renamed[tag] = ref
    return {**discriminator, "mapping": renamed}


def ref_closure(schemas: Mapping[str, Any], roots: set[str]) -> set[str]:
    """The class names reachable from ``roots`` through ``$ref``s."""
    done: set[str] = set()
    todo = sorted(roots)
    while todo:
        name = todo.pop()
        if name in done or name not in schemas:
            continue
        done.add(name)
        for ref, _ in walk_refs(schemas[name], ()):
            if ref.startswith(SCHEMA_PREFIX):
                todo.append(ref[len(SCHEMA_PREFIX) :])
    return done


_STRICT_STRING_FORMATS = frozenset({"uuid", "uri", "email", "hostname", "ipv4", "ipv6"})


def widen_enums(node: Any) -> Any:
    """A copy of a schema where every enum also accepts any value of its type.

    String formats that pydantic would parse strictly (uuid, uri, email, ...) are
    dropped as well: the value stays a ``str``.

    Responses must survive values the spec does not know yet: ``{enum: [a, b]}`` becomes
    ``anyOf: [{enum: [a, b]}, {type: string}]``, which datamodel-code-generator renders
    as ``Literal["a", "b"] | str``.
    """
    if isinstance(node, list):
        return [widen_enums(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    # A property *named* enum or format (value: a schema) is not the keyword.
    out = {
        key: widen_enums(value)
        for key, value in node.items()
        if key != "enum" or not isinstance(value, list)
    }
    if isinstance(node.get("format"), str) and node["format"] in _STRICT_STRING_FORMATS:
        # A malformed uuid/uri/email in a response should be readable, not a crash.
        del out["format"]
    if "enum" in node and isinstance(node["enum"], list):
        values = [value for value in node["enum"] if value is not None]
        kinds = sorted({_json_type(value) for value in values})
        if len(kinds) == 1:
            out.pop("type", None)
            branches: list[Any] = [{"type": kinds[0], "enum": values}, {"type": kinds[0]}]
            if None in node["enum"] or allows_null(node):
                branches.append({"type": "null"})
            out["anyOf"] = branches
        else:
            out["enum"] = node["enum"]
    return out


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string" if isinstance(value, str) else "object"


def allows_null(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    return bool(schema.get("nullable")) or (isinstance(kind, list) and "null" in kind)


# Where a JSON Schema (2020-12, OpenAPI 3.1, AsyncAPI 3.0) may be a boolean: ``true``
# accepts any value, ``false`` none. `additionalProperties` and `unevaluated*` keep
# theirs (the model generator reads those booleans itself).
_SCHEMA_KEYS = frozenset(
    {"schema", "items", "not", "contains", "payload", "propertyNames", "if", "then", "else"}
)
_SCHEMA_MAP_KEYS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "schemas", "dependentSchemas"}
)
_SCHEMA_LIST_KEYS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_DATA_KEYS = frozenset({"example", "examples", "default", "const", "enum", "x-confgen-examples"})
_TRUE_SCHEMA: dict[str, Any] = {}
_FALSE_SCHEMA: dict[str, Any] = {"not": {}}


def boolean_schemas_as_objects(node: Any) -> Any:
    """``node`` with every boolean schema spelled as its object twin (``true``: ``{}``,
    ``false``: ``{not: {}}``), so loaders see one shape. Unchanged parts are shared."""
    if isinstance(node, list):
        items = [boolean_schemas_as_objects(item) for item in node]
        return node if all(a is b for a, b in zip(items, node, strict=True)) else items
    if not isinstance(node, Mapping):
        return node
    changed = False
    out: dict[Any, Any] = {}
    for key, value in node.items():
        new = value
        if key in _DATA_KEYS:
            pass  # values, not schemas
        elif isinstance(value, bool) and key in _SCHEMA_KEYS:
            new = dict(_TRUE_SCHEMA if value else _FALSE_SCHEMA)
        elif isinstance(value, Mapping) and key in _SCHEMA_MAP_KEYS:
            new = {
                name: dict(_TRUE_SCHEMA if child else _FALSE_SCHEMA)
                if isinstance(child, bool)
                else boolean_schemas_as_objects(child)
                for name, child in value.items()
            }
            if all(new[name] is child for name, child in value.items()):
                new = value
        elif isinstance(value, list) and key in _SCHEMA_LIST_KEYS:
            new = [
                dict(_TRUE_SCHEMA if child else _FALSE_SCHEMA)
                if isinstance(child, bool)
                else boolean_schemas_as_objects(child)
                for child in value
            ]
            if all(a is b for a, b in zip(new, value, strict=True)):
                new = value
        else:
            new = boolean_schemas_as_objects(value)
        changed = changed or new is not value
        out[key] = new
    return out if changed else node


_JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "array", "object", "null"})
SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SUBSCHEMAS = ("items", "additionalProperties", "not", "contains")


def check_schema(spec: Spec, node: Any, where: tuple[Any, ...]) -> None:
    """Refuse schema constructs the model generator would silently turn into ``Any``."""
    if not isinstance(node, Mapping):
        if not isinstance(node, bool):
            raise spec.error("a schema must be an object (or a boolean)", where)
        return
    kinds = node.get("type")
    for kind in kinds if isinstance(kinds, list) else [kinds] if kinds is not None else []:
        if not isinstance(kind, str) or kind not in _JSON_TYPES:
            raise spec.error(
                f"unsupported schema type {kind!r} (expected one of {', '.join(sorted(_JSON_TYPES))})",
                (*where, "type"),
            )
    for key in SUBSCHEMA_MAPS:
        children = node.get(key)
        if isinstance(children, Mapping):
            for name, child in children.items():
                check_schema(spec, child, (*where, key, name))
    for key in SUBSCHEMA_LISTS:
        children = node.get(key)
        if isinstance(children, list):
            for index, child in enumerate(children):
                check_schema(spec, child, (*where, key, index))
    for key in SUBSCHEMAS:
        if key in node and not isinstance(node[key], bool):
            check_schema(spec, node[key], (*where, key))


def is_file_schema(schema: Mapping[str, Any]) -> bool:
    """A binary string: ``format: binary`` (3.0), or ``contentMediaType`` without
    ``contentEncoding`` (3.1)."""
    if schema.get("type") != "string":
        return False
    return schema.get("format") == "binary" or (
        "contentMediaType" in schema and "contentEncoding" not in schema
    )
