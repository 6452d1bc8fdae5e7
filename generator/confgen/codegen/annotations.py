"""Schema -> the Python annotation of a method argument (shared by both targets)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from confgen.codegen.escape import pystr
from confgen.codegen.spec import Spec, allows_null, is_file_schema

__all__ = ["Annotations"]


class Annotations:
    """Python annotations for method arguments, from their schemas."""

    def __init__(self, spec: Spec, class_names: Mapping[str, str]) -> None:
        self.spec = spec
        self.class_names = class_names

    def of(self, schema: Any, where: tuple[Any, ...], depth: int = 0) -> str:
        """The annotation for a value of ``schema`` (``Any`` when the schema says nothing)."""
        if depth > 20:
            return "Any"  # a recursive schema: deep enough for a signature
        if not isinstance(schema, Mapping):
            return "Any"
        if "$ref" in schema:
            target = self.spec.deref(schema, where)
            return self.of(target, where, depth + 1)
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
                    self.of(item, (*where, combinator, i), depth + 1)
                    for i, item in enumerate(schema[combinator])
                ]
                return _union(parts + (["None"] if nullable else []))
        if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
            return self.of(schema["allOf"][0], (*where, "allOf", 0), depth + 1)
        kinds = schema.get("type")
        kind_list = kinds if isinstance(kinds, list) else [kinds] if kinds else []
        parts = [self._one(kind, schema, where, depth) for kind in kind_list if kind != "null"]
        if not parts:
            parts = ["Mapping[str, Any]"] if "properties" in schema else ["Any"]
        if nullable:
            parts.append("None")
        return _union(parts)

    def _one(self, kind: Any, schema: Mapping[str, Any], where: tuple[Any, ...], depth: int) -> str:
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
            return f"Sequence[{self.of(schema.get('items'), (*where, 'items'), depth + 1)}]"
        if kind == "object":
            return "Mapping[str, Any]"
        raise self.spec.error(f"unsupported schema type {kind!r}", where)


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
