"""The OpenAPI 3.1 object grammar, as tables the flattened-YAML parser consults.

Every mapping has a kind (OpenAPI Object, Operation, Schema, a map of Schemas, ...) that
says which keys it may hold and what kind of value each key takes. ``OBJECTS`` lists the
OpenAPI objects, ``SCHEMA_KEYWORDS`` the JSON Schema keywords; the functions below answer
the parser's questions about them (may this value stand here, may a schema hold these keys).
Data and pure functions only: the parser's state lives in ``confgen.extract.flattened_parser``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# --------------------------------------------------------------------------- grammar


@dataclass(frozen=True)
class Scalar:
    """A scalar of one YAML type: ``str``, ``bool``, ``num`` or ``any``."""

    type: str


@dataclass(frozen=True)
class Obj:
    """An OpenAPI object with fixed fields (see ``OBJECTS``); ``ref_ok``: or a Reference."""

    name: str
    ref_ok: bool = False


@dataclass(frozen=True)
class MapOf:
    """A mapping from names matching ``KEY_PATTERNS[keys]`` to values of one kind."""

    value: Kind
    keys: str = "any"


@dataclass(frozen=True)
class ListOf:
    """A list whose items are all of one kind."""

    item: Kind


@dataclass(frozen=True)
class SchemaKind:
    """A JSON Schema 2020-12 schema.

    ``applicator`` marks in-place subschemas (``items``, ``oneOf`` entries, ...) as
    opposed to named ones (component schemas, properties, a parameter's schema).
    """

    applicator: bool = False


@dataclass(frozen=True)
class AnyValue:
    """Any YAML value (``default``, ``example``, extensions): keys are free."""


@dataclass(frozen=True)
class Either:
    """One of several kinds, told apart by the value's shape (scalar, map, list)."""

    options: tuple[Kind, ...]


Kind = Scalar | Obj | MapOf | ListOf | SchemaKind | AnyValue | Either

STR = Scalar("str")
BOOL = Scalar("bool")
NUM = Scalar("num")
ANY = AnyValue()
SCHEMA = SchemaKind()
SUBSCHEMA = SchemaKind(applicator=True)


def _ref_or(name: str) -> Obj:
    return Obj(name, ref_ok=True)


@dataclass(frozen=True)
class ObjectSpec:
    """Fixed fields of one OpenAPI object, its required ones, and "at least one of"."""

    title: str
    fields: dict[str, Kind]
    required: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()


KEY_PATTERNS: dict[str, re.Pattern[str]] = {
    "any": re.compile(r".+", re.DOTALL),
    "path": re.compile(r"(/|x-).*", re.DOTALL),
    "status": re.compile(r"default|[1-5](\d\d|XX)|x-.*"),
    "media": re.compile(r"[\w.+*!#$&^-]+/[\w.+*!#$&^-]+(\s*;.*)?|x-.*"),
}
KEY_PATTERN_NAMES = {
    "any": "a name",
    "path": "a path starting with '/'",
    "status": "an HTTP status code",
    "media": "a media type",
}

_SERVERS = ListOf(Obj("Server"))
_SECURITY = ListOf(MapOf(ListOf(STR)))
_PARAMETERS = ListOf(_ref_or("Parameter"))
_CONTENT = MapOf(Obj("MediaType"), "media")
_EXAMPLES = MapOf(_ref_or("Example"))
_HEADERS = MapOf(_ref_or("Header"))
_PARAMETER_FIELDS: dict[str, Kind] = {
    "description": STR,
    "required": BOOL,
    "deprecated": BOOL,
    "allowEmptyValue": BOOL,
    "style": STR,
    "explode": BOOL,
    "allowReserved": BOOL,
    "schema": SCHEMA,
    "example": ANY,
    "examples": _EXAMPLES,
    "content": _CONTENT,
}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

#: The OpenAPI 3.1 objects, by name.
OBJECTS: dict[str, ObjectSpec] = {
    "OpenAPI": ObjectSpec(
        "OpenAPI Object",
        {
            "openapi": STR,
            "info": Obj("Info"),
            "jsonSchemaDialect": STR,
            "servers": _SERVERS,
            "paths": MapOf(Obj("PathItem"), "path"),
            "webhooks": MapOf(_ref_or("PathItem")),
            "components": Obj("Components"),
            "security": _SECURITY,
            "tags": ListOf(Obj("Tag")),
            "externalDocs": Obj("ExternalDocs"),
        },
        required=("openapi", "info"),
        one_of=("paths", "components", "webhooks"),
    ),
    "Info": ObjectSpec(
        "Info Object",
        {
            "title": STR,
            "summary": STR,
            "description": STR,
            "termsOfService": STR,
            "contact": Obj("Contact"),
            "license": Obj("License"),
            "version": STR,
        },
        required=("title", "version"),
    ),
    "Contact": ObjectSpec("Contact Object", {"name": STR, "url": STR, "email": STR}),
    "License": ObjectSpec(
        "License Object", {"name": STR, "identifier": STR, "url": STR}, required=("name",)
    ),
    "Server": ObjectSpec(
        "Server Object",
        {"url": STR, "description": STR, "variables": MapOf(Obj("ServerVariable"))},
        required=("url",),
    ),
    "ServerVariable": ObjectSpec(
        "Server Variable Object",
        {"enum": ListOf(STR), "default": STR, "description": STR},
        required=("default",),
    ),
    "Components": ObjectSpec(
        "Components Object",
        {
            "schemas": MapOf(SCHEMA),
            "responses": MapOf(_ref_or("Response")),
            "parameters": MapOf(_ref_or("Parameter")),
            "examples": _EXAMPLES,
            "requestBodies": MapOf(_ref_or("RequestBody")),
            "headers": _HEADERS,
            "securitySchemes": MapOf(_ref_or("SecurityScheme")),
            "links": MapOf(_ref_or("Link")),
            "callbacks": MapOf(MapOf(Obj("PathItem"))),
            "pathItems": MapOf(_ref_or("PathItem")),
        },
    ),
    "PathItem": ObjectSpec(
        "Path Item Object",
        {
            "$ref": STR,
            "summary": STR,
            "description": STR,
            **{method: Obj("Operation") for method in HTTP_METHODS},
            "servers": _SERVERS,
            "parameters": _PARAMETERS,
        },
    ),
    "Operation": ObjectSpec(
        "Operation Object",
        {
            "tags": ListOf(STR),
            "summary": STR,
            "description": STR,
            "externalDocs": Obj("ExternalDocs"),
            "operationId": STR,
            "parameters": _PARAMETERS,
            "requestBody": _ref_or("RequestBody"),
            "responses": MapOf(_ref_or("Response"), "status"),
            "callbacks": MapOf(MapOf(Obj("PathItem"))),
            "deprecated": BOOL,
            "security": _SECURITY,
            "servers": _SERVERS,
        },
    ),
    "ExternalDocs": ObjectSpec(
        "External Documentation Object", {"description": STR, "url": STR}, required=("url",)
    ),
    "Parameter": ObjectSpec(
        "Parameter Object",
        {"name": STR, "in": STR, **_PARAMETER_FIELDS},
        required=("name", "in"),
    ),
    "Header": ObjectSpec("Header Object", dict(_PARAMETER_FIELDS)),
    "RequestBody": ObjectSpec(
        "Request Body Object",
        {"description": STR, "content": _CONTENT, "required": BOOL},
        required=("content",),
    ),
    "MediaType": ObjectSpec(
        "Media Type Object",
        {
            "schema": SCHEMA,
            "example": ANY,
            "examples": _EXAMPLES,
            "encoding": MapOf(Obj("Encoding")),
        },
    ),
    "Encoding": ObjectSpec(
        "Encoding Object",
        {
            "contentType": STR,
            "headers": _HEADERS,
            "style": STR,
            "explode": BOOL,
            "allowReserved": BOOL,
        },
    ),
    "Response": ObjectSpec(
        "Response Object",
        {
            "description": STR,
            "headers": _HEADERS,
            "content": _CONTENT,
            "links": MapOf(_ref_or("Link")),
        },
        required=("description",),
    ),
    "Example": ObjectSpec(
        "Example Object",
        {"summary": STR, "description": STR, "value": ANY, "externalValue": STR},
    ),
    "Link": ObjectSpec(
        "Link Object",
        {
            "operationRef": STR,
            "operationId": STR,
            "parameters": MapOf(ANY),
            "requestBody": ANY,
            "description": STR,
            "server": Obj("Server"),
        },
    ),
    "Tag": ObjectSpec(
        "Tag Object",
        {"name": STR, "description": STR, "externalDocs": Obj("ExternalDocs")},
        required=("name",),
    ),
    "SecurityScheme": ObjectSpec(
        "Security Scheme Object",
        {
            "type": STR,
            "description": STR,
            "name": STR,
            "in": STR,
            "scheme": STR,
            "bearerFormat": STR,
            "flows": Obj("OAuthFlows"),
            "openIdConnectUrl": STR,
        },
        required=("type",),
    ),
    "OAuthFlows": ObjectSpec(
        "OAuth Flows Object",
        {
            name: Obj("OAuthFlow")
            for name in ("implicit", "password", "clientCredentials", "authorizationCode")
        },
    ),
    "OAuthFlow": ObjectSpec(
        "OAuth Flow Object",
        {
            "authorizationUrl": STR,
            "tokenUrl": STR,
            "refreshUrl": STR,
            "scopes": MapOf(STR),
        },
        required=("scopes",),
    ),
    "Discriminator": ObjectSpec(
        "Discriminator Object",
        {"propertyName": STR, "mapping": MapOf(STR)},
        required=("propertyName",),
    ),
    "XML": ObjectSpec(
        "XML Object",
        {
            "name": STR,
            "namespace": STR,
            "prefix": STR,
            "attribute": BOOL,
            "wrapped": BOOL,
        },
    ),
}

#: Fields of a Reference Object (allowed beside ``$ref`` where ``ref_ok``).
REFERENCE_FIELDS = frozenset({"$ref", "summary", "description"})

#: Annotation keywords: they describe a schema and constrain nothing.
_ANNOTATIONS: dict[str, Kind] = {
    "title": STR,
    "description": STR,
    "default": ANY,
    "deprecated": BOOL,
    "readOnly": BOOL,
    "writeOnly": BOOL,
    "examples": ListOf(ANY),
    "example": ANY,
    "$comment": STR,
}
#: Keywords that apply to an instance of any type.
_CORE_KEYWORDS: dict[str, Kind] = {
    **_ANNOTATIONS,
    **{name: STR for name in ("$schema", "$id", "$anchor", "$dynamicRef", "$dynamicAnchor")},
    "$ref": STR,
    "$defs": MapOf(SCHEMA),
    "type": Either((STR, ListOf(STR))),
    "enum": ListOf(ANY),
    "const": ANY,
    "allOf": ListOf(SUBSCHEMA),
    "anyOf": ListOf(SUBSCHEMA),
    "oneOf": ListOf(SUBSCHEMA),
    "not": SUBSCHEMA,
    "if": SUBSCHEMA,
    "then": SUBSCHEMA,
    "else": SUBSCHEMA,
    "format": STR,
    "contentEncoding": STR,
    "contentMediaType": STR,
    "contentSchema": SUBSCHEMA,
    "discriminator": Obj("Discriminator"),
    "xml": Obj("XML"),
    "externalDocs": Obj("ExternalDocs"),
}
_NUMERIC_KEYWORDS: dict[str, Kind] = {
    name: NUM
    for name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
}
#: Keywords that only constrain instances of one JSON type.
_TYPE_KEYWORDS: dict[str, dict[str, Kind]] = {
    "string": {"minLength": NUM, "maxLength": NUM, "pattern": STR},
    "number": _NUMERIC_KEYWORDS,
    "integer": _NUMERIC_KEYWORDS,
    "array": {
        "items": SUBSCHEMA,
        "prefixItems": ListOf(SUBSCHEMA),
        "contains": SUBSCHEMA,
        "minItems": NUM,
        "maxItems": NUM,
        "minContains": NUM,
        "maxContains": NUM,
        "uniqueItems": BOOL,
        "unevaluatedItems": SUBSCHEMA,
    },
    "object": {
        "properties": MapOf(SCHEMA),
        "patternProperties": MapOf(SCHEMA),
        "additionalProperties": SUBSCHEMA,
        "propertyNames": SUBSCHEMA,
        "required": ListOf(STR),
        "minProperties": NUM,
        "maxProperties": NUM,
        "dependentRequired": MapOf(ListOf(STR)),
        "dependentSchemas": MapOf(SUBSCHEMA),
        "unevaluatedProperties": SUBSCHEMA,
    },
    "boolean": {},
    "null": {},
}
SCHEMA_KEYWORDS: dict[str, Kind] = {
    **_CORE_KEYWORDS,
    **{name: kind for group in _TYPE_KEYWORDS.values() for name, kind in group.items()},
}


def schema_keys_fit(keys: Sequence[str], types: Sequence[str] | None, applicator: bool) -> bool:
    """Whether a schema may hold ``keys`` given what is known of its ``type``.

    Plain JSON Schema lets any schema hold any keyword, which leaves the flattened
    text ambiguous at nearly every schema boundary. These refinements are what
    OpenAPI documents do in practice, and each one removes a reading:

    * a schema with a known ``type`` holds only the keywords of those types
      (``type: string`` holds ``pattern``, never ``properties`` or ``required``);
    * a ``$ref`` schema holds only annotations beside it (OpenAPI 3.0 allowed none;
      3.1 writers add ``description``), so a ``required`` list after
      ``$ref`` belongs to the object schema around it;
    * an in-place subschema (``items``, an ``oneOf`` entry) that is only a ``$ref``
      or a ``type: 'null'`` marker carries no annotations: it points elsewhere, and the
      description belongs to the schema holding it.
    """
    words = [key for key in keys if not key.startswith("x-")]
    if "$ref" in words:
        allowed: set[str] = {"$ref"} if applicator else {"$ref", *_ANNOTATIONS}
        return all(word in allowed for word in words)
    if types is None:
        return True
    if any(name not in _TYPE_KEYWORDS for name in types):
        return False
    if applicator and set(types) == {"null"}:
        return all(word == "type" for word in words)
    allowed = set(_CORE_KEYWORDS)
    for name in types:
        allowed.update(_TYPE_KEYWORDS[name])
    return all(word in allowed for word in words)


def kind_title(kind: Kind) -> str:
    if isinstance(kind, Obj):
        return OBJECTS[kind.name].title
    if isinstance(kind, SchemaKind):
        return "Schema Object"
    if isinstance(kind, MapOf):
        return f"map of {kind_title(kind.value)}"
    if isinstance(kind, ListOf):
        return f"list of {kind_title(kind.item)}"
    if isinstance(kind, Scalar):
        return {"str": "a string", "bool": "a boolean", "num": "a number"}.get(
            kind.type, "a scalar"
        )
    if isinstance(kind, Either):
        return " or ".join(kind_title(option) for option in kind.options)
    return "any value"


def scalar_fits(kind: Kind, yaml_type: str) -> bool:
    if yaml_type == "bad":
        return False
    if isinstance(kind, AnyValue):
        return True
    if isinstance(kind, SchemaKind):
        return yaml_type == "bool"
    if isinstance(kind, Scalar):
        return kind.type == "any" or kind.type == yaml_type
    return False


def kind_for_shape(kind: Kind, shape: str) -> Kind | None:
    """The kind a value of ``shape`` has where ``kind`` is expected, if it may stand there."""
    if isinstance(kind, Either):
        return next(
            (k for k in (kind_for_shape(o, shape) for o in kind.options) if k is not None), None
        )
    if shape in ("map", "flowmap"):
        return kind if isinstance(kind, Obj | MapOf | SchemaKind | AnyValue) else None
    if shape in ("seq", "flowseq"):
        return kind if isinstance(kind, ListOf | AnyValue) else None
    if shape == "end":
        return None
    return kind if isinstance(kind, Scalar | AnyValue | SchemaKind) else None
