"""JSON Schemas inferred from a JSON response sample: one named schema per record
(objects named by their ``record_type``, else by their place), formats for UUIDs and
RFC 3339 date-times; and the name styles the reference-page extractor derives ids with.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

# Strict: RFC 9562 versions 1-8 with the RFC variant bits, so that ids that merely
# look hexadecimal-and-dashed are not promised to be UUIDs.
_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
)
# RFC 3339 date-time; the values are then checked by datetime (no month 13).
_DATE_TIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$"
)


def pascal_case(text: str) -> str:
    """PascalCase of snake_case, kebab-case, dotted or camelCase words."""
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", text))


def kebab_case(text: str) -> str:
    """kebab-case of the words in ``text``: "Create conference" -> "create-conference"."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def _string_schema(value: str) -> dict[str, Any]:
    """A string, with a format only when the strict pattern matches."""
    if _UUID.match(value):
        return {"type": "string", "format": "uuid"}
    if _DATE_TIME.match(value):
        try:
            datetime.fromisoformat(value.upper())
        except ValueError:
            return {"type": "string"}
        return {"type": "string", "format": "date-time"}
    return {"type": "string"}


def _infer(value: Any, name: str, schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A schema for a sample value; non-empty objects become named component schemas.

    Objects are named after their ``record_type`` when they carry one (the API's own name
    for them), else ``name`` (parent schema + property). No ``required`` lists: a sample
    shows what one response held, not what every response must hold. A ``null`` says
    nothing about the type the value has otherwise, so it gives an unconstrained schema.
    """
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return _string_schema(value)
    if isinstance(value, list):
        items: list[dict[str, Any]] = []
        for item in value:
            schema = _infer(item, f"{name}Item", schemas)
            if schema not in items:
                items.append(schema)
        if len(items) > 1:
            return {"type": "array", "items": {"anyOf": items}}
        return {"type": "array", "items": items[0] if items else {}}
    if isinstance(value, dict):
        if not value:
            return {"type": "object"}
        own = _record_name(value) or name
        properties = {
            key: _infer(item, own + pascal_case(key), schemas) for key, item in value.items()
        }
        return {"$ref": f"#/components/schemas/{_register(schemas, own, properties)}"}
    return {}  # null


def _record_name(value: dict[str, Any]) -> str | None:
    """PascalCase of the object's ``record_type``, when it has a usable one."""
    record_type = value.get("record_type")
    if isinstance(record_type, str) and re.match(r"^[A-Za-z][A-Za-z0-9_.-]*$", record_type):
        return pascal_case(record_type)
    return None


def _register(schemas: dict[str, dict[str, Any]], name: str, properties: dict[str, Any]) -> str:
    """Store an object schema under ``name`` (or ``name2``... if taken by another shape)."""
    schema = {"type": "object", "properties": properties}
    candidate, number = name, 1
    while candidate in schemas and schemas[candidate] != schema:
        number += 1
        candidate = f"{name}{number}"
    schemas[candidate] = schema
    return candidate


def _refs(schema: Any) -> Iterator[str]:
    """Component names referenced in ``schema``, in document order."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                yield value.rsplit("/", 1)[-1]
            else:
                yield from _refs(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _refs(item)


def _preorder(root: dict[str, Any], schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``schemas`` reordered parent-first from ``root`` (inference stores children first)."""
    ordered: dict[str, Any] = {}

    def visit(schema: dict[str, Any]) -> None:
        for name in _refs(schema):
            if name not in ordered and name in schemas:
                ordered[name] = schemas[name]
                visit(schemas[name])

    visit(root)
    return ordered


def response_schemas(
    sample: Any, operation_id: str, taken: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(schema of the success body, component schemas it uses) inferred from the sample.

    The body is ``<Record>Response`` after the ``record_type`` of the body or of its
    ``data`` envelope, else ``<OperationId>Response``.
    """
    record = None
    if isinstance(sample, dict):
        data = sample.get("data")
        record = _record_name(sample) or (_record_name(data) if isinstance(data, dict) else None)
    name = f"{record or pascal_case(operation_id)}Response"
    schemas: dict[str, dict[str, Any]] = {taken: {}}  # the request schema's name is taken
    root = _infer(sample, name, schemas)
    return root, _preorder(root, schemas)
