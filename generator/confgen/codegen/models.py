"""Pydantic v2 model modules from the IR's schemas, via datamodel-code-generator in-process.

Two modules come from the same schemas:

- the request side (``_request_models.py``) is strict: unknown fields are refused
  (``extra="forbid"``), enums are closed ``Literal``s, every constraint is a ``Field``
  constraint, so a bad argument fails before anything is sent;
- the response side (``models.py``) is lenient: unknown fields are kept
  (``extra="allow"``) and every enum is widened at schema level first, so a value
  the spec does not know yet parses as a plain ``str``; a required property whose
  schema allows null may also be absent (it reads as ``None``).

On both sides a ``default`` that is not a value of the field's Python type (a string on
a ``format: uri`` field, ``{}`` on a model, ``""`` on an array) is left out: pydantic
would keep it unvalidated, so the attribute would not have its declared type.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
import warnings
from collections.abc import Collection, Mapping
from typing import Any

from confgen.codegen.escape import plain_text
from confgen.codegen.spec import (
    SCHEMA_PREFIX,
    SUBSCHEMA_LISTS,
    SUBSCHEMA_MAPS,
    SUBSCHEMAS,
    walk_refs,
    widen_enums,
)
from confgen.errors import ConfgenError, json_pointer

__all__ = ["render_models"]


# Formats pydantic can only check with an optional dependency (email-validator): the
# generated packages depend on httpx and pydantic alone, so these stay plain strings.
_EXTRA_DEPENDENCY_FORMATS = frozenset({"email", "idn-email"})


def _plain_formats(node: Any) -> Any:
    """A copy of a schema without the formats in `_EXTRA_DEPENDENCY_FORMATS`."""
    if isinstance(node, list):
        return [_plain_formats(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    return {
        key: _plain_formats(value)
        for key, value in node.items()
        if not (key == "format" and isinstance(value, str) and value in _EXTRA_DEPENDENCY_FORMATS)
    }


def _plain_docs(node: Any) -> Any:
    """A copy of a schema whose ``description`` and ``title`` texts are `plain_text`:
    datamodel-code-generator escapes quotes and backslashes in the docstrings it writes,
    but not NUL, CR or lone surrogates (generator/confgen/codegen/escape.py spells those out)."""
    if isinstance(node, list):
        return [_plain_docs(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    return {
        key: plain_text(value)
        if key in ("description", "title") and isinstance(value, str)
        else _plain_docs(value)
        for key, value in node.items()
    }


# String formats datamodel-code-generator turns into a class that is not ``str``.
_NON_STR_FORMATS = frozenset(
    {"uri", "date-time", "date", "time", "duration", "binary", "password", "ipv4", "ipv6"}
    | {"uuid", "uuid1", "uuid2", "uuid3", "uuid4", "uuid5"}
)
# RFC 3986 section 4.3: an absolute URI starts with a scheme and a colon.
_ABSOLUTE_URI = "^[A-Za-z][A-Za-z0-9+.-]*:"
_TYPE_CHECKS: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def _default_fits(schema: Mapping[str, Any], value: Any) -> bool:
    """Whether ``value`` (a ``default``) is a value of the Python type the field gets."""
    if value is None:  # the field becomes optional: None always fits
        return True
    if isinstance(value, dict) and ("$ref" in schema or "allOf" in schema):
        return False  # the field is a model class, the default a dict
    if isinstance(value, str) and schema.get("format") in _NON_STR_FORMATS:
        return False
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if isinstance(kinds, str) else []
    if not kinds:  # the type implied by the keywords (datamodel-code-generator reads them so)
        kinds = ["array"] if "items" in schema else ["object"] if "properties" in schema else []
    checks = [_TYPE_CHECKS[kind] for kind in kinds if kind in _TYPE_CHECKS]
    return not checks or any(check(value) for check in checks)


PARAMETERS_MARK = "x-confgen-parameters"
"""Marks the schema the loader synthesises for an operation's parameters (its ``Params``
request model): `without_access` leaves its readOnly properties in."""


def without_access(schemas: Mapping[str, Any], flag: str) -> dict[str, Any]:
    """``schemas`` with every property marked ``flag`` (``readOnly``: the request side;
    ``writeOnly``: the response side) left out, and out of ``required``; a property is
    marked on itself or on the component its ``$ref`` names."""
    marked = {
        f"#/components/schemas/{name}"
        for name, schema in schemas.items()
        if isinstance(schema, Mapping) and schema.get(flag) is True
    }

    def hidden(prop: Any) -> bool:
        return isinstance(prop, Mapping) and (prop.get(flag) is True or prop.get("$ref") in marked)

    def walk(node: Any) -> Any:
        if isinstance(node, Mapping) and node.get(PARAMETERS_MARK):
            # An operation's parameters: a filter on a readOnly field is how one asks for
            # it (readOnly is about bodies); kept whole, the mark dropped.
            return {key: value for key, value in node.items() if key != PARAMETERS_MARK}
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, Mapping):
            return node
        out = {key: walk(value) for key, value in node.items() if key != "properties"}
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            out["properties"] = {k: walk(v) for k, v in properties.items() if not hidden(v)}
            gone = set(properties) - set(out["properties"])
            if gone and isinstance(node.get("required"), list):
                out["required"] = [name for name in node["required"] if name not in gone]
        elif "properties" in node:
            out["properties"] = node["properties"]
        return out

    return {name: walk(schema) for name, schema in schemas.items()}


def _allows_null(schema: Any) -> bool:
    """Whether a property schema says null is a valid value (explicitly, not via $ref)."""
    if not isinstance(schema, Mapping):
        return False
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind) or schema.get("nullable"):
        return True
    if isinstance(schema.get("enum"), list) and None in schema["enum"]:
        return True
    branches = [
        branch
        for key in ("oneOf", "anyOf")
        if isinstance(schema.get(key), list)
        for branch in schema[key]
    ]
    return any(isinstance(b, Mapping) and b.get("type") == "null" for b in branches)


def fit_schema(node: Any, *, lenient: bool) -> Any:
    """A copy of a schema with the defaults that do not fit their field left out; with
    ``lenient`` (the response side), required properties that allow null made optional,
    so a server that omits a nullable field still parses (the field reads as ``None``;
    its annotation already includes ``None``)."""
    if not isinstance(node, Mapping):
        return node
    out = dict(node)
    for key in SUBSCHEMA_MAPS:
        if isinstance(node.get(key), Mapping):
            out[key] = {n: fit_schema(child, lenient=lenient) for n, child in node[key].items()}
    for key in SUBSCHEMA_LISTS:
        if isinstance(node.get(key), list):
            out[key] = [fit_schema(child, lenient=lenient) for child in node[key]]
    for key in SUBSCHEMAS:
        if isinstance(node.get(key), Mapping):
            out[key] = fit_schema(node[key], lenient=lenient)
    if "default" in node and not _default_fits(node, node["default"]):
        del out["default"]
    if not lenient and node.get("format") == "uri":
        # A URL type would normalise the caller's value on the wire (``https://A.AI`` sent
        # as ``https://a.ai/``); the request side checks the scheme and sends the string.
        del out["format"]
        out.setdefault("pattern", _ABSOLUTE_URI)
    properties, required = node.get("properties"), node.get("required")
    if lenient and isinstance(properties, Mapping) and isinstance(required, list):
        out["required"] = [name for name in required if not _allows_null(properties.get(name))]
    return out


_SCHEMA_REF = "#/components/schemas/"


def explicit_discriminators(schemas: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``schemas`` where every discriminator's mapping names the real tag values.

    Without a ``mapping`` (or for a variant it leaves out), OpenAPI's implicit tag is
    the variant's schema name, and datamodel-code-generator types the tag property as
    that name (``Literal["SimpleLine"]``). Real payloads carry the value the variant
    itself fixes for the property (``type: {enum: [simple]}`` or ``const``): when it
    fixes one, that value is the tag; otherwise the schema name stays the tag.
    """

    def tag_of(ref: str, prop: str) -> str | None:
        if not ref.startswith(_SCHEMA_REF):
            return None
        name = ref[len(_SCHEMA_REF) :]
        variant = schemas.get(name)
        if not isinstance(variant, Mapping):
            return None
        nodes = [variant] + [
            schemas.get(part["$ref"][len(_SCHEMA_REF) :], {})
            if isinstance(part, Mapping) and str(part.get("$ref", "")).startswith(_SCHEMA_REF)
            else part
            for part in variant.get("allOf") or []
        ]
        for node in nodes:
            props = node.get("properties") if isinstance(node, Mapping) else None
            schema = props.get(prop) if isinstance(props, Mapping) else None
            if isinstance(schema, Mapping):
                if isinstance(schema.get("const"), str):
                    return str(schema["const"])
                enum = schema.get("enum")
                if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
                    return enum[0]
        return name

    def walk(node: Any) -> Any:
        if isinstance(node, Mapping) and node.get(PARAMETERS_MARK):
            # An operation's parameters: a filter on a readOnly field is how one asks for
            # it (readOnly is about bodies); kept whole, the mark dropped.
            return {key: value for key, value in node.items() if key != PARAMETERS_MARK}
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, Mapping):
            return node
        out = {key: walk(value) for key, value in node.items()}
        discriminator = node.get("discriminator")
        variants = node.get("oneOf") or node.get("anyOf")
        if (
            isinstance(discriminator, Mapping)
            and isinstance(discriminator.get("propertyName"), str)
            and isinstance(variants, list)
        ):
            prop = discriminator["propertyName"]
            mapping = dict(discriminator.get("mapping") or {})
            mapped = set(mapping.values())
            for variant in variants:
                ref = variant.get("$ref") if isinstance(variant, Mapping) else None
                if not isinstance(ref, str) or ref in mapped:
                    continue
                tag = tag_of(ref, prop)
                if tag is not None and tag not in mapping:
                    mapping[tag] = ref
            if mapping:
                out["discriminator"] = {**discriminator, "mapping": mapping}
        return out

    return {name: walk(schema) for name, schema in schemas.items()}


_CLASS_LINE = re.compile(r"^class (\w+)\(([^()]*(?:\[[^\]]*\][^()]*)?)\):", re.MULTILINE)


def _c3(name: str, bases: Mapping[str, list[str]], memo: dict[str, list[str]]) -> list[str]:
    """The method resolution order of class ``name`` (C3), over this module's classes."""
    if name not in memo:
        sequences = [list(_c3(b, bases, memo)) for b in bases.get(name, [])]
        sequences.append(list(bases.get(name, [])))
        order = [name]
        while any(sequences):
            for sequence in sequences:
                head = sequence[0] if sequence else None
                if head is not None and not any(head in s[1:] for s in sequences):
                    break
            else:
                break  # not linearizable: Python would refuse the class anyway
            order.append(head)
            for sequence in sequences:
                if sequence and sequence[0] == head:
                    del sequence[0]
        memo[name] = order
    return memo[name]


def redeclare_conflicting_fields(source: str) -> str:
    """``source`` with each field that two base classes declare differently redeclared
    in the class that inherits both (an ``allOf`` of several schemas).

    pydantic takes the first base's field, but mypy refuses the class; the redeclared
    field is the first required definition in method resolution order (under
    ``allOf`` a property required by one part is required), else the first one.
    """
    headers = {m.group(1): m for m in _CLASS_LINE.finditer(source)}
    bases = {
        name: [b.strip() for b in m.group(2).split(",") if b.strip() in headers]
        for name, m in headers.items()
    }
    if not any(len(b) > 1 for b in bases.values()):
        return source
    starts = sorted(m.start() for m in headers.values())
    next_start = dict(zip(starts, [*starts[1:], len(source)], strict=True))
    classes: dict[str, tuple[ast.ClassDef, list[str]]] = {}

    def parsed(name: str) -> tuple[ast.ClassDef, list[str]]:
        """The class statement and its lines (the text up to the next class)."""
        if name not in classes:
            start = headers[name].start()
            text = source[start : next_start[start]]
            statement = ast.parse(text).body[0]
            assert isinstance(statement, ast.ClassDef)
            classes[name] = statement, text.splitlines(keepends=True)
        return classes[name]

    def fields_of(name: str) -> dict[str, tuple[str, bool, str]]:
        """Field name -> (annotation, has a default, its source line(s))."""
        statement, lines = parsed(name)
        return {
            item.target.id: (
                ast.unparse(item.annotation),
                item.value is not None,
                "".join(lines[item.lineno - 1 : item.end_lineno]),
            )
            for item in statement.body
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
        }

    memo: dict[str, list[str]] = {}
    additions: dict[int, str] = {}  # offset in source where a class ends -> fields to add
    for name, m in headers.items():
        if len(bases[name]) < 2:
            continue
        own = fields_of(name)
        definitions: dict[str, list[tuple[str, bool, str]]] = {}
        for ancestor in _c3(name, bases, memo)[1:]:
            for field, definition in fields_of(ancestor).items():
                if field not in own:
                    definitions.setdefault(field, []).append(definition)
        added = [
            next((d for d in found if not d[1]), found[0])[2]
            for found in definitions.values()
            if len({annotation for annotation, _, _ in found}) > 1
        ]
        if added:
            statement, lines = parsed(name)
            end = m.start() + len("".join(lines[: statement.end_lineno]))
            additions[end] = "".join(added)
    out, position = [], 0
    for end in sorted(additions):
        out += [source[position:end], additions[end]]
        position = end
    out.append(source[position:])
    return "".join(out)


def _document(schemas: Mapping[str, Any]) -> dict[str, Any]:
    """A minimal OpenAPI document holding only ``schemas`` (no paths: models only)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": dict(schemas)},
    }


_SCHEMAS = ("components", "schemas")
_NAME_PASSES = 4
"""How many more passes `_name_repair` may ask for (one mends every case seen)."""


def _generation_options(*, strict: bool, header: str, snake_case: bool) -> dict[str, Any]:
    """datamodel-code-generator's options for one side (``strict``: the request side)."""
    from datamodel_code_generator import DatetimeClassType, LiteralType, PythonVersion
    from datamodel_code_generator.enums import DataModelType, StrictTypes

    return {
        "output_model_type": DataModelType.PydanticV2BaseModel,
        "target_python_version": PythonVersion.PY_311,
        # Literal, not Enum: a plain str compares equal and serialises as itself.
        "enum_field_as_literal": LiteralType.All,
        # Enum and alias schemas inline into their fields instead of RootModels,
        # so `conf.data.status` is a str, not a wrapper.
        "collapse_root_models": True,
        "use_union_operator": True,
        "use_standard_collections": True,
        "use_annotated": True,
        "field_constraints": True,
        "use_field_description": True,
        "use_schema_description": True,
        "use_double_quotes": True,
        "output_datetime_class": DatetimeClassType.Datetime,
        "extra_fields": "forbid" if strict else "allow",
        # Outbound, "5" is not an int and "yes" is not a bool: no silent coercion.
        # Floats stay lax so that 5 is a valid number.
        "strict_types": [StrictTypes.str, StrictTypes.int, StrictTypes.bool] if strict else None,
        # Python names escaped with aliases; callers may use either on input.
        "allow_population_by_field_name": True,
        # camelCase wire names (TrueConf) become snake_case fields with aliases.
        "snake_case_field": snake_case,
        "disable_timestamp": True,
        "custom_file_header": header,
        "formatters": [],
    }


def _generate(
    document: Mapping[str, Any], options: Mapping[str, Any], *, source: str
) -> tuple[str, list[dict[str, Any]]]:
    """One module's source, and datamodel-code-generator's account of the classes in it
    (its ``--emit-model-metadata``: each class's name and the schema path it came from)."""
    import tempfile
    from pathlib import Path

    from datamodel_code_generator import InputFileType, generate

    try:
        # The library prints progress and warnings of its own: keep the CLI output ours.
        with (
            tempfile.TemporaryDirectory(prefix="confgen-models-") as folder,
            warnings.catch_warnings(),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            warnings.simplefilter("ignore")
            metadata = Path(folder) / "models.json"
            output = generate(
                dict(document),
                input_file_type=InputFileType.OpenAPI,
                emit_model_metadata=metadata,
                **options,
            )
            built = json.loads(metadata.read_text(encoding="utf-8"))["models"]
    except ConfgenError:
        raise
    except Exception as error:  # the library raises many types; all mean "cannot render"
        raise ConfgenError(
            f"datamodel-code-generator cannot render the schemas: {error}",
            source=source,
            pointer="/components/schemas",
        ) from None
    if not isinstance(output, str):
        raise ConfgenError("datamodel-code-generator returned no single module", source=source)
    return output, list(built)


def _top_level(built: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Schema name -> the class made for that schema itself (not for a part of it): the
    one of its name where an ``allOf`` of a union made several there (``Check1``...)."""
    out: dict[str, dict[str, Any]] = {}
    for model in built:
        path = model.get("source_path")
        if isinstance(path, list) and len(path) == 3 and tuple(path[:2]) == _SCHEMAS:
            name = str(path[2])
            if name not in out or model["class_name"] == name:
                out[name] = model
    return out


def _free_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted2``, ``wanted3``... whichever is not in ``taken`` (added)."""
    name, counter = wanted, 2
    while name in taken:
        name, counter = f"{wanted}{counter}", counter + 1
    taken.add(name)
    return name


def _replace_at(node: Any, path: list[Any], value: Any) -> Any:
    """A copy of ``node`` with the part at ``path`` (keys and list indexes) ``value``."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, list) and isinstance(head, int | str) and str(head).isdigit():
        index = int(head)
        return [
            _replace_at(item, rest, value) if i == index else item for i, item in enumerate(node)
        ]
    if isinstance(node, Mapping) and head in node:
        return {
            key: _replace_at(item, rest, value) if key == head else item
            for key, item in node.items()
        }
    return node


def _makes_class(node: Mapping[str, Any]) -> bool:
    """Whether datamodel-code-generator makes a class of an inline schema (enums are
    ``Literal``s here, a bare ``$ref`` is the class it names, and so is an ``allOf`` of
    one ``$ref`` that only adds a description; a free-form object is a dict)."""
    parts = node.get("allOf")
    if (
        isinstance(parts, list)
        and len(parts) == 1
        and isinstance(parts[0], Mapping)
        and set(parts[0]) == {"$ref"}
        and not any(key in node for key in ("properties", "anyOf", "oneOf"))
    ):
        return False
    # An object without properties is a dict (``dict[str, Any]``, or of its
    # additionalProperties' type), not a class.
    return "properties" in node or any(key in node for key in ("allOf", "anyOf", "oneOf"))


def _inline_nodes(
    schemas: Mapping[str, Any], tail: tuple[str, ...]
) -> list[tuple[tuple[str, ...], Any]]:
    """Every inline schema that makes a class and whose path ends with ``tail``: its path
    from ``components/schemas`` (list indexes as digit strings), and the schema. Not one
    inside an ``allOf``: the library merges a part's properties with the same ones of the
    other parts (Telnyx's ``UnauthorizedError.meta`` over ``GenericError.meta``, a dict),
    which a ``$ref`` in its place would turn into a conflicting override."""
    found: list[tuple[tuple[str, ...], Any]] = []

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if isinstance(node, Mapping):
            if (
                len(path) > 3
                and (not tail or path[-len(tail) :] == tail)
                and "allOf" not in path[3:]
                and _makes_class(node)
            ):
                found.append((path, node))
            for key, child in node.items():
                walk(child, (*path, str(key)))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, (*path, str(index)))

    for name, schema in schemas.items():
        walk(schema, (*_SCHEMAS, name))
    return found


def _at(node: Any, path: list[Any]) -> Any:
    """The part of ``node`` at ``path`` (keys and list indexes)."""
    for key in path:
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _content_key(node: Any) -> str:
    """What inline schemas of the same content share (the library makes one class of them)."""
    return json.dumps(node, sort_keys=True, default=str)


def _moved(
    schemas: Mapping[str, Any],
    groups: Mapping[str, list[tuple[str, ...]]],
    names: Mapping[str, str],
) -> dict[str, Any]:
    """``schemas`` with each group of inline schemas (content key -> their paths from
    ``components/schemas``) moved to one schema, ``names[key]``, and a ``$ref`` to it in
    each place. Deepest first, so a moved schema holds the ``$ref``s of its moved parts."""
    fixed = dict(schemas)
    contents: dict[str, Any] = {}
    for path, key in sorted(
        ((path, key) for key, paths in groups.items() for path in paths),
        key=lambda item: (-len(item[0]), item[0]),
    ):
        owner, inner = path[2], list(path[3:])
        if path == groups[key][0]:
            contents[key] = _at(fixed[owner], inner)
        fixed[owner] = _replace_at(fixed[owner], inner, {"$ref": SCHEMA_PREFIX + names[key]})
    for key, content in contents.items():
        fixed[names[key]] = content
    return fixed


def _retarget(node: Any, old: str, new: str) -> Any:
    """A copy of ``node`` whose ``$ref`` ``old`` (and discriminator mappings to it) read ``new``."""
    if isinstance(node, list):
        return [_retarget(item, old, new) for item in node]
    if not isinstance(node, Mapping):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and value == old:
            out[key] = new
        elif key == "mapping" and isinstance(value, Mapping):
            out[key] = {tag: new if ref == old else ref for tag, ref in value.items()}
        else:
            out[key] = _retarget(value, old, new)
    return out


def _name_repair(
    schemas: Mapping[str, Any], built: list[dict[str, Any]], roots: Collection[str]
) -> dict[str, Any] | None:
    """``schemas`` changed so that a new pass names every schema's class after the
    schema, or ``None`` when this pass (``built``) did. Two things go wrong:

    - an inline object whose field is named like a schema (Telnyx's list filter
      ``notification_channel: {eq}``) takes that name when it is met first, and the
      schema's class becomes ``NotificationChannel1``. The inline object becomes a schema
      of its own, named for its parent class and itself (``FilterNotificationChannel``);
    - a root schema that becomes a ``RootModel`` (a union, an array, an alias) is folded
      into every field that refers to it and then dropped (``collapse_root_models``), so
      the class an operation names is missing (GitHub's ``copilot-space-collaborator``).
      The classes made for its parts become schemas of their own under the names they
      had (``CopilotSpaceCollaborator1``); the fields refer to a copy of the root made of
      them, and the copy is what gets folded.

    Only whole inline schemas are moved (to the top level) and copies added; a class
    that was numbered after a moved one (``Meta3``) may take a lower number.
    """
    top = _top_level(built)
    by_path = {tuple(model["source_path"]): model for model in built if model.get("source_path")}
    holders = {str(model["class_name"]): model for model in built}
    taken = set(holders) | set(schemas)
    fixed = dict(schemas)

    def hoist(path: tuple[Any, ...], name: str) -> None:
        """The inline schema at ``path`` becomes schema ``name``; its place, a ``$ref``."""
        owner, inner = str(path[2]), list(path[3:])
        fixed[name] = _at(fixed[owner], inner)
        fixed[owner] = _replace_at(fixed[owner], inner, {"$ref": SCHEMA_PREFIX + name})

    wrong = sorted(
        name
        for name in schemas
        if name in top and top[name]["class_name"] != name and name in holders
    )
    # datamodel-code-generator names an inline class for where it sits (the property
    # name; ``items`` of one); the inline schemas that sit alike want the same name,
    # and the library makes one class for those of the same content. Each such content
    # becomes one schema, or the next of them would take the name in the next pass.
    groups: dict[str, list[tuple[str, ...]]] = {}
    names: dict[str, str] = {}
    for name in wrong:
        path = tuple(str(part) for part in holders[name]["source_path"])
        cut = max((i for i in range(3, len(path)) if path[i] == "properties"), default=3)
        for found, node in _inline_nodes(fixed, path[cut:]):
            if any(found in paths for paths in groups.values()):
                continue
            key = _content_key(node)
            if key not in groups:
                parent = next(
                    (
                        by_path[found[:end]]
                        for end in range(len(found) - 1, 2, -1)
                        if found[:end] in by_path
                    ),
                    None,
                )
                prefix = str(parent["class_name"]) if parent is not None else str(found[2])
                names[key] = _free_name(prefix + name, taken)
            groups.setdefault(key, []).append(found)
    fixed = _moved(fixed, groups, names)
    for name in roots:
        if name not in schemas or name in wrong or top.get(name, {}).get("class_name") == name:
            continue  # right, or mended above
        old = SCHEMA_PREFIX + name
        if name in top:
            # Its own classes sit at its own path (an allOf of a union: ``Check1``...) and
            # none is the root: the root becomes an alias of a copy holding them all,
            # which the fields refer to (and fold).
            value = _free_name(f"{name}Value", taken)
            fixed = {
                key: _retarget(item, old, SCHEMA_PREFIX + value) for key, item in fixed.items()
            }
            fixed[value] = fixed[name]
            fixed[name] = {"$ref": SCHEMA_PREFIX + value}
            continue
        # Folded away. The classes made for its parts become schemas of their own (same
        # names), so the root and a copy of it can share them; the fields refer to the
        # copy, which is what gets folded, and the root keeps its class.
        schema_path = (*_SCHEMAS, name)
        for path in sorted(by_path, key=len):
            if path[:3] != schema_path or len(path) == 3:
                continue
            if any(path[:end] in by_path for end in range(4, len(path))):
                continue  # inside a part already moved
            part = str(by_path[path]["class_name"])
            hoist(path, part if part not in fixed else _free_name(part, taken))
        copy = _free_name(f"{name}Field", taken)
        new = SCHEMA_PREFIX + copy
        fixed = {key: _retarget(value, old, new) for key, value in fixed.items()}
        fixed[name] = fixed[copy] = _retarget(fixed[name], new, old)
    return None if fixed == dict(schemas) else fixed


def _foreseen(schemas: Mapping[str, Any]) -> dict[str, Any]:
    """``schemas`` with the inline objects that would take a schema's class name already
    moved to schemas of their own, so the first pass names them right (`_name_repair`
    mends what this does not foresee, for one more pass).

    datamodel-code-generator names an inline class for the property it sits under (an
    array's items by the singular); its own naming function says which name that is.
    The moved schema is named for where it sits (``ListNotificationChannelsParams`` +
    ``Filter`` + ``NotificationChannel``), whatever order the schemas come in.
    """
    from datamodel_code_generator.reference import ModelResolver

    resolver = ModelResolver()

    def class_name(key: str, *, singular: bool) -> str:
        return str(resolver.get_class_name(key, unique=False, singular_name=singular).name)

    wanted: list[tuple[tuple[str, ...], Any]] = []
    for path, node in _inline_nodes(schemas, ()):
        items = path[-1] == "items"
        key = path[-2] if items else path[-1]
        if (path[-3] if items else path[-2]) != "properties":
            continue
        if class_name(key, singular=items) in schemas:
            wanted.append((path, node))
    if not wanted:
        return dict(schemas)
    taken = set(schemas)
    names: dict[str, str] = {}
    groups: dict[str, list[tuple[str, ...]]] = {}
    for path, node in wanted:
        key = _content_key(node)
        if key not in names:
            words = [path[2]]
            for index in range(3, len(path) - 1):
                if path[index] == "properties":
                    singular = index + 2 < len(path) and path[index + 2] == "items"
                    words.append(class_name(path[index + 1], singular=singular))
            names[key] = _free_name("".join(words), taken)
        groups.setdefault(key, []).append(path)
    return _moved(schemas, groups, names)


def _foreseen_roots(schemas: Mapping[str, Any], roots: Collection[str]) -> dict[str, Any]:
    """``schemas`` with each root union (``anyOf``/``oneOf`` and no properties of its
    own) that some field refers to already split as `_name_repair` would mend it: its
    inline parts become schemas named as the library names them (``Collaborator1``,
    ``Collaborator2``), and the fields refer to a copy (``CollaboratorField``) that gets
    folded, so the root keeps its class in the first pass."""
    referenced = {
        ref[len(SCHEMA_PREFIX) :]
        for name, schema in schemas.items()
        for ref, _ in walk_refs(schema, ())
        if ref.startswith(SCHEMA_PREFIX) and ref[len(SCHEMA_PREFIX) :] != name
    }
    fixed = dict(schemas)
    taken = set(schemas)
    for name in sorted(set(roots) & referenced & set(schemas)):
        node = schemas[name]
        key = "anyOf" if isinstance(node.get("anyOf"), list) else "oneOf"
        if not isinstance(node.get(key), list) or "properties" in node or "allOf" in node:
            continue
        parts = list(node[key])
        for index, part in enumerate(parts):
            if isinstance(part, Mapping) and _makes_class(part):
                part_name = _free_name(f"{name}{index + 1}", taken)
                fixed[part_name] = part
                parts[index] = {"$ref": SCHEMA_PREFIX + part_name}
        copy = _free_name(f"{name}Field", taken)
        old, new = SCHEMA_PREFIX + name, SCHEMA_PREFIX + copy
        fixed = {other: _retarget(value, old, new) for other, value in fixed.items()}
        fixed[name] = fixed[copy] = {**node, key: parts}
    return fixed


def _check_names(
    schemas: Mapping[str, Any], built: list[dict[str, Any]], roots: Collection[str], *, source: str
) -> None:
    """Refuse a module where a root (a class the generated code names) has no class of
    its name: what `_name_repair` could not mend would fail only when called."""
    top = _top_level(built)
    for name in sorted(set(roots) & set(schemas)):
        model = top.get(name)
        if model is None or model["class_name"] != name:
            got = "no class" if model is None else f"class {model['class_name']!r}"
            raise ConfgenError(
                f"schema {name!r} is rendered as {got}, not as class {name!r}",
                source=source,
                pointer=json_pointer(["components", "schemas", name]),
            )


def render_models(
    schemas: Mapping[str, Any],
    *,
    header: str,
    strict: bool,
    source: str,
    snake_case_fields: bool = False,
    roots: Collection[str] = (),
) -> str:
    """The Python source of one model module (unformatted; ruff formats it later).

    ``header`` is the comment block put at the top; ``strict`` picks the request-side
    (closed) or response-side (open) flavour. ``roots`` are the schemas the generated
    code names as classes (an operation's body, params or response model): each gets a
    class of its own name even where fields elsewhere inline it, and every schema of
    ``schemas`` that gets a class gets it under its own name (`_name_repair`). A schema
    datamodel-code-generator cannot handle becomes a `ConfgenError` naming ``source``.
    """
    if not schemas:
        return header + "\nfrom __future__ import annotations\n"
    # readOnly is never sent, writeOnly never received (OpenAPI 3.1, Schema Object).
    schemas = without_access(schemas, "readOnly" if strict else "writeOnly")
    document = _document(
        {
            name: fit_schema(schema, lenient=not strict)
            for name, schema in _plain_docs(
                _plain_formats(explicit_discriminators(schemas))
                if strict
                else widen_enums(explicit_discriminators(schemas))
            ).items()
        }
    )
    options = _generation_options(strict=strict, header=header, snake_case=snake_case_fields)
    schemas_in = _foreseen_roots(_foreseen(document["components"]["schemas"]), roots)
    output, built = _generate(_document(schemas_in), options, source=source)
    for _ in range(_NAME_PASSES):
        repaired = _name_repair(schemas_in, built, roots)
        if repaired is None:
            break
        schemas_in = repaired
        output, built = _generate(_document(schemas_in), options, source=source)
    _check_names(schemas_in, built, roots, source=source)
    # Each model's validator is built on its first use, not when its module is imported:
    # a call pays only for the models it parses (issue 17, time to first call).
    output = output.replace(
        "model_config = ConfigDict(\n", "model_config = ConfigDict(\n        defer_build=True,\n"
    )
    return redeclare_conflicting_fields(output)
