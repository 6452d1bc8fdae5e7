"""Schema -> the Python annotation of a method argument (shared by both targets).

With a `TypedDicts` registry (the HTTP target), an object schema with ``properties`` is
a ``TypedDict`` of the package's ``params`` module instead of ``Mapping[str, Any]``: its
readOnly properties left out (never sent), its required ones ``Required``.
"""

from __future__ import annotations

import json
import keyword
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from confgen.codegen.escape import pystr
from confgen.codegen.naming import pascal_case
from confgen.codegen.spec import SCHEMA_PREFIX, Spec, allows_null, is_file_schema

__all__ = ["PARAMS_MODULE", "Annotations", "TypedDictField", "TypedDictSpec", "TypedDicts"]

PARAMS_MODULE = "_params"
"""How the resource modules import the package's ``params`` module (``from .. import params as _params``)."""


@dataclass(frozen=True)
class TypedDictField:
    """One key of a generated ``TypedDict``."""

    wire_name: str
    annotation: str
    required: bool
    description: str
    deprecated: bool = False


@dataclass
class TypedDictSpec:
    """One ``TypedDict`` of the ``params`` module (fields filled once its name is taken)."""

    name: str
    description: str
    fields: list[TypedDictField] = field(default_factory=list)


@dataclass
class TypedDicts:
    """The ``TypedDict`` classes one package's signatures use, by name."""

    by_name: dict[str, TypedDictSpec] = field(default_factory=dict)
    by_ref: dict[str, str] = field(default_factory=dict)
    by_shape: dict[str, str] = field(default_factory=dict)

    def new_name(self, hint: str) -> str:
        name, counter = f"{hint}Param", 2
        while name in self.by_name:
            name, counter = f"{hint}Param{counter}", counter + 1
        return name


def in_parameter(where: tuple[Any, ...]) -> bool:
    """Whether a JSON path lies inside a parameter (``.../parameters/<i>/schema/...``), not
    in a property that happens to be named ``parameters``."""
    return any(
        key == "parameters" and (index == 0 or where[index - 1] != "properties")
        for index, key in enumerate(where)
    )


class Annotations:
    """Python annotations for method arguments, from their schemas."""

    def __init__(
        self,
        spec: Spec,
        class_names: Mapping[str, str],
        typed_dicts: TypedDicts | None = None,
    ) -> None:
        self.spec = spec
        self.class_names = class_names
        self.typed_dicts = typed_dicts

    def of(self, schema: Any, where: tuple[Any, ...], depth: int = 0, hint: str = "") -> str:
        """The annotation for a value of ``schema`` (``Any`` when the schema says nothing).

        ``hint`` names the ``TypedDict`` of an inline object schema (``CreateRoomBody``).
        """
        if depth > 20:
            return "Any"  # a recursive schema: deep enough for a signature
        if not isinstance(schema, Mapping):
            return "Any"
        if "$ref" in schema:
            ref = schema["$ref"]
            registry = self.typed_dicts
            if registry is not None and isinstance(ref, str) and ref in registry.by_ref:
                return registry.by_ref[ref]
            target = self.spec.deref(schema, where)
            if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
                component = self.class_names.get(ref[len(SCHEMA_PREFIX) :])
                if component is not None:
                    hint = component
            result = self.of(target, where, depth + 1, hint)
            if registry is not None and isinstance(ref, str) and PARAMS_MODULE in result:
                registry.by_ref[ref] = result
            return result
        typed = self._typed_dict(schema, where, depth, hint)
        if typed is not None:
            return typed + (" | None" if allows_null(schema) else "")
        nullable = allows_null(schema)
        if "enum" in schema and isinstance(schema["enum"], list):
            values = [v for v in schema["enum"] if v is not None]
            nullable = nullable or None in schema["enum"]
            if values and all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
                text = "Literal[" + ", ".join(_py_literal(v) for v in values) + "]"
                return text + (" | None" if nullable else "")
        if "const" in schema and isinstance(schema["const"], str | int):
            return f"Literal[{_py_literal(schema['const'])}]"
        for combinator in ("anyOf", "oneOf"):
            if isinstance(schema.get(combinator), list):
                parts = [
                    self.of(item, (*where, combinator, i), depth + 1, f"{hint}{i}" if hint else "")
                    for i, item in enumerate(schema[combinator])
                ]
                return _union(parts + (["None"] if nullable else []))
        if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
            return self.of(schema["allOf"][0], (*where, "allOf", 0), depth + 1, hint)
        kinds = schema.get("type")
        kind_list = kinds if isinstance(kinds, list) else [kinds] if kinds else []
        parts = [
            self._one(kind, schema, where, depth, hint) for kind in kind_list if kind != "null"
        ]
        if not parts and kind_list == ["null"]:
            return "None"  # a null branch of a union: the union is not Any for it
        if not parts:
            parts = ["Mapping[str, Any]"] if "properties" in schema else ["Any"]
        if nullable:
            parts.append("None")
        return _union(parts)

    def _one(
        self, kind: Any, schema: Mapping[str, Any], where: tuple[Any, ...], depth: int, hint: str
    ) -> str:
        if kind == "string":
            fmt = schema.get("format")
            if is_file_schema(schema):
                return "FileInput"
            if fmt == "date-time":
                return "str | datetime.datetime"
            if fmt == "date":
                return "str | datetime.date"
            return "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "array":
            items = self.of(
                schema.get("items"), (*where, "items"), depth + 1, hint and f"{hint}Item"
            )
            return f"Sequence[{items}]"
        if kind == "object":
            return "Mapping[str, Any]"
        raise self.spec.error(f"unsupported schema type {kind!r}", where)

    def _object_parts(
        self, schema: Mapping[str, Any], where: tuple[Any, ...], depth: int, part: bool = False
    ) -> tuple[dict[str, Any], set[str]] | None:
        """``(properties, required)`` of an object schema with properties (an ``allOf`` of
        them merged; a ``part`` of one may add ``required`` only); ``None`` for anything else."""
        if depth > 20:
            return None
        if "$ref" in schema:
            target = self.spec.deref(schema, where)
            return (
                self._object_parts(target, where, depth + 1, part)
                if isinstance(target, Mapping)
                else None
            )
        if any(isinstance(schema.get(key), list) for key in ("oneOf", "anyOf", "enum")):
            return None
        kinds = schema.get("type")
        if (
            kinds not in (None, "object")
            and kinds != ["object"]
            and not (isinstance(kinds, list) and set(kinds) <= {"object", "null"})
        ):
            return None
        properties: dict[str, Any] = {}
        required: set[str] = set()
        parts = schema.get("allOf")
        if isinstance(parts, list):
            for index, item in enumerate(parts):
                found = (
                    self._object_parts(item, (*where, "allOf", index), depth + 1, True)
                    if isinstance(item, Mapping)
                    else None
                )
                if found is None:
                    return None
                properties.update(found[0])
                required |= found[1]
        own = schema.get("properties")
        if isinstance(own, Mapping):
            properties.update(own)
        elif not isinstance(parts, list) and not (part and "additionalProperties" not in schema):
            return None
        if isinstance(schema.get("required"), list):
            required |= {str(name) for name in schema["required"]}
        return properties, required

    def _typed_dict(
        self, schema: Mapping[str, Any], where: tuple[Any, ...], depth: int, hint: str
    ) -> str | None:
        """``_params.<Name>`` for an object schema with properties (registered on first
        sight, so a recursive schema refers to itself); ``None`` when it is not one."""
        if self.typed_dicts is None or not hint:
            return None
        found = self._object_parts(schema, where, depth)
        if found is None or not found[0]:
            return None
        registry = self.typed_dicts
        # A parameter's object (a deepObject filter) keeps its readOnly properties: the
        # flag says a body must not send them, and a filter on them is how one asks.
        parameter = in_parameter(where)
        key = json.dumps(schema, sort_keys=True, default=str) + ("|parameter" if parameter else "")
        if key in registry.by_shape and registry.by_shape[key].startswith(hint + "Param"):
            return f"{PARAMS_MODULE}.{registry.by_shape[key]}"
        name = registry.new_name(hint)
        registry.by_shape[key] = name
        spec = TypedDictSpec(name, str(schema.get("description") or "").strip())
        registry.by_name[name] = spec
        properties, required = found
        for wire, prop in properties.items():
            resolved = (
                self.spec.deref(prop, (*where, "properties", wire))
                if isinstance(prop, Mapping)
                else prop
            )
            if (
                not parameter
                and isinstance(resolved, Mapping)
                and (
                    resolved.get("readOnly") or (isinstance(prop, Mapping) and prop.get("readOnly"))
                )
            ):
                continue  # set by the server: never sent in a body
            annotation = self.of(
                prop, (*where, "properties", wire), depth + 1, f"{hint}{pascal_case(str(wire))}"
            )
            description = ""
            for node in (prop, resolved):
                if isinstance(node, Mapping) and isinstance(node.get("description"), str):
                    description = node["description"].strip()
                    break
            deprecated = any(
                isinstance(n, Mapping) and n.get("deprecated") is True for n in (prop, resolved)
            )
            spec.fields.append(
                TypedDictField(
                    str(wire), annotation, str(wire) in required, description, deprecated
                )
            )
        return f"{PARAMS_MODULE}.{name}"


def typed_dict_class_syntax(spec: TypedDictSpec) -> bool:
    """Whether every key can be a class-body name (else the functional form is used)."""
    return all(
        f.wire_name.isidentifier()
        and not keyword.iskeyword(f.wire_name)
        and f.wire_name not in _ANNOTATION_NAMES
        for f in spec.fields
    )


# Names the field annotations use: a key called so would shadow them in a class body.
_ANNOTATION_NAMES = frozenset(
    {"Any", "Literal", "Mapping", "Sequence", "Required", "TypedDict", "FileInput", "datetime"}
    | {"int", "str", "float", "bool", "bytes", "None", "_params"}
)


def _py_literal(value: str | int) -> str:
    return repr(value) if isinstance(value, int) else pystr(value)


def _union(parts: list[str]) -> str:
    flat: list[str] = []
    for part in parts:
        for piece in part.split(" | ") if "[" not in part else [part]:
            if piece not in flat:
                flat.append(piece)
    if "Any" in flat:
        return "Any"
    return " | ".join(flat)
