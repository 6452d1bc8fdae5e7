"""Extractor for doc pages whose embedded OpenAPI YAML lost every newline.

SignalWire's pages were captured with each newline (and the indentation after it)
collapsed into one space, so the whole ```yaml block sits on a single line. YAML
block structure lives in indentation, so the text alone no longer says where a
mapping ends. This module recovers it from the OpenAPI 3.1 object grammar:

* every mapping has a kind (OpenAPI Object, Operation, Schema, a map of Schemas, ...)
  that says which keys it may hold and what kind of value each key takes;
* a ``key:`` token belongs to an open mapping that accepts it *and* whose value kind
  fits what follows (a map of Schemas takes mappings, ``required`` takes a list);
* a key repeated in a mapping closes that mapping (YAML forbids duplicates);
* a plain or ``>-`` scalar runs until the next key that is valid where it stands,
  checked by a short lookahead (that key's value and the key after it must place too);
* where more than one open mapping could take a key, every reading is parsed to the
  end; if more than one survives, the page is ambiguous and we say so.

The parser recovers the YAML *text* (newlines and indentation restored) and leaves the
typing of scalars to ``load_yaml``, so ``'20'`` stays a string and ``true`` a boolean.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import yaml

from generator.errors import ExtractError
from generator.extract.page import Page
from generator.yamlio import load_yaml

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
_KEY_PATTERN_NAMES = {
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
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

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
            **{method: Obj("Operation") for method in _METHODS},
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
_REFERENCE_FIELDS = frozenset({"$ref", "summary", "description"})

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


def _schema_keys_fit(keys: Sequence[str], types: Sequence[str] | None, applicator: bool) -> bool:
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


def _kind_title(kind: Kind) -> str:
    if isinstance(kind, Obj):
        return OBJECTS[kind.name].title
    if isinstance(kind, SchemaKind):
        return "Schema Object"
    if isinstance(kind, MapOf):
        return f"map of {_kind_title(kind.value)}"
    if isinstance(kind, ListOf):
        return f"list of {_kind_title(kind.item)}"
    if isinstance(kind, Scalar):
        return {"str": "a string", "bool": "a boolean", "num": "a number"}.get(
            kind.type, "a scalar"
        )
    if isinstance(kind, Either):
        return " or ".join(_kind_title(option) for option in kind.options)
    return "any value"


# --------------------------------------------------------------------------- block


_OPENING_FENCES = ("```yaml", "```yml")
_FENCE = "```"


def yaml_block_span(page: Page) -> tuple[int, int]:
    """Character offsets ``(start, end)`` of the flattened YAML between its fences.

    Descriptions inside the YAML are Markdown and carry their own fences, which the
    capture flattened too, so the first bare fence after ```yaml need not close it.
    Fences inside the YAML come in pairs (a description never leaves a code block
    open), and every code block after the YAML block opens with a language tag
    (```python), so the block's closing fence is the last bare fence before the next
    tagged one and must leave an even number of bare fences inside.
    """
    words = [(match.start(), match.group()) for match in re.finditer(r"\S+", page.text)]
    opener = next((i for i, (_, word) in enumerate(words) if word in _OPENING_FENCES), None)
    if opener is None:
        raise page.error_at(
            0,
            "no fenced YAML block in this page",
            expected="a '```yaml' fence holding an OpenAPI document",
        )
    open_offset, open_word = words[opener]
    bare: list[int] = []
    for offset, word in words[opener + 1 :]:
        if word == _FENCE:
            bare.append(offset)
        elif word.startswith(_FENCE):
            break  # the next tagged code block: the YAML block closed before it
    if len(bare) % 2 == 0:
        detail = f" (the {len(bare)} bare fences after it pair up)" if bare else ""
        raise page.error_at(
            open_offset,
            f"the ```yaml fence opened here never closes{detail}",
            expected="a closing '```' after the YAML document",
        )
    return open_offset + len(open_word), bare[-1]


# --------------------------------------------------------------------------- parser state


@dataclass(frozen=True)
class _Map:
    """An open block mapping: its kind, the column of its keys, the keys seen so far."""

    kind: Kind
    indent: int
    field: str
    keys: tuple[str, ...] = ()
    types: tuple[str, ...] | None = None  # a schema's `type`, once known
    props: tuple[str, ...] | None = None  # a schema's block `properties` names, once closed
    required: tuple[str, ...] | None = None  # a schema's `required` names, once closed


@dataclass(frozen=True)
class _Seq:
    """An open block sequence and its scalar items so far (for ``type``/``required``)."""

    item: Kind
    indent: int
    field: str
    values: tuple[str, ...] = ()


_Frame = _Map | _Seq


@dataclass(frozen=True)
class _Line:
    """Recovered output, one line per node, newest first (shared between readings)."""

    text: str
    previous: _Line | None


@dataclass(frozen=True)
class _Text:
    """A plain or block scalar being read: where it started and what it must be."""

    kind: Kind
    head: str  # the line so far: indentation and key (or dash)
    pos: int  # its first word (for a block scalar, the ``>-`` indicator)
    block: bool
    indent: int  # indentation of a block scalar's content


@dataclass(frozen=True)
class _State:
    """One point of one reading: next word, open containers, output so far."""

    pos: int
    stack: tuple[_Frame, ...]
    lines: _Line | None
    prefix: str | None = None  # "  - " start of the line for a list item's first entry
    fresh: bool = False  # the top container was just opened and takes the next token
    placed: int = 0  # keys and items placed so far (measures lookahead)
    done: bool = False


_Memo = tuple[int, tuple[_Frame, ...], bool]


@dataclass(frozen=True)
class _Key:
    name: str
    raw: str
    next: int  # index of the word after the key


@dataclass(frozen=True)
class _Choice:
    """Readings of one token, in groups: one group per place the token could take.

    Within a group the readings are in order of preference (a document-level field
    before the same field of an Operation). Across ``rival`` groups none is preferred: all are
    parsed to the end, and more than one complete reading is an ambiguity.
    """

    groups: list[list[_State]]
    labels: list[str]
    rival: bool


_WORD = re.compile(r"\S+")
_BLOCK_INDICATOR = re.compile(r"[>|]([1-9]?[+-]?|[+-][1-9])")
_NOT_KEY_START = ",[]{}#&*!|>%@`"
_LOOKAHEAD = 1  # placements checked beyond a candidate (plus the candidate itself)
_MAX_STEPS = 400_000
_MAX_FORK_DEPTH = 250


class _Ambiguity(Exception):
    def __init__(self, error: ExtractError) -> None:
        super().__init__(str(error))
        self.error = error


@functools.lru_cache(maxsize=4096)
def _plain_scalar(raw: str) -> tuple[str, str]:
    """YAML type (``str``/``bool``/``num``/``null``/``bad``) and text of a plain scalar."""
    try:
        value = load_yaml(raw)
    except yaml.YAMLError:
        return "bad", raw
    if isinstance(value, bool):
        return "bool", str(value).lower()
    if isinstance(value, int | float):
        return "num", raw
    if value is None:
        return "null", raw
    return ("str", value) if isinstance(value, str) else ("bad", raw)


def _fits(kind: Kind, yaml_type: str) -> bool:
    if yaml_type == "bad":
        return False
    if isinstance(kind, AnyValue):
        return True
    if isinstance(kind, SchemaKind):
        return yaml_type == "bool"
    if isinstance(kind, Scalar):
        return kind.type == "any" or kind.type == yaml_type
    return False


def _pick(kind: Kind, shape: str) -> Kind | None:
    """The kind a value of ``shape`` has where ``kind`` is expected, if it may stand there."""
    if isinstance(kind, Either):
        return next((k for k in (_pick(o, shape) for o in kind.options) if k is not None), None)
    if shape in ("map", "flowmap"):
        return kind if isinstance(kind, Obj | MapOf | SchemaKind | AnyValue) else None
    if shape in ("seq", "flowseq"):
        return kind if isinstance(kind, ListOf | AnyValue) else None
    if shape == "end":
        return None
    return kind if isinstance(kind, Scalar | AnyValue | SchemaKind) else None


def _accepts(frame: _Map, key: str) -> Kind | None:
    """The value kind ``key`` takes in ``frame``, or None if it cannot stand there."""
    if key in frame.keys:
        return None  # a repeated key closes the mapping
    kind = frame.kind
    if isinstance(kind, AnyValue):
        return ANY
    if isinstance(kind, MapOf):
        return kind.value if KEY_PATTERNS[kind.keys].fullmatch(key) else None
    if isinstance(kind, SchemaKind):
        if key.startswith("x-"):
            return ANY
        if key not in SCHEMA_KEYWORDS:
            return None
        fits = _schema_keys_fit((*frame.keys, key), frame.types, kind.applicator)
        return SCHEMA_KEYWORDS[key] if fits else None
    assert isinstance(kind, Obj)
    spec = OBJECTS[kind.name]
    if kind.ref_ok and (key == "$ref" or "$ref" in frame.keys):
        refs_only = all(name in _REFERENCE_FIELDS for name in (*frame.keys, key))
        return STR if refs_only else None
    if key in spec.fields:
        return spec.fields[key]
    return ANY if key.startswith("x-") else None


def _closing_problem(frame: _Frame) -> str | None:
    """Why ``frame`` cannot be closed as it stands, or None."""
    if isinstance(frame, _Seq):
        return None
    kind = frame.kind
    if isinstance(kind, SchemaKind):
        if not _schema_keys_fit(frame.keys, frame.types, kind.applicator):
            return f"the schema under {frame.field!r} mixes keywords its type does not allow"
        # OpenAPI 3.0 required `items` beside `type: array` and writers still add it;
        # without this, `items:` after `type: array` could also be a property name.
        array = bool(frame.types and "array" in frame.types)
        if array and not {"items", "prefixItems"} & set(frame.keys):
            return f"the array schema under {frame.field!r} has no 'items'"
        # A `required` list names the schema's own properties: that is what tells an
        # object schema's list from one of an object-typed property just inside it.
        if frame.props is not None and frame.required is not None:
            missing = [name for name in frame.required if name not in frame.props]
            if missing:
                return f"the schema under {frame.field!r} requires undeclared {missing}"
        return None
    if not isinstance(kind, Obj) or (kind.ref_ok and "$ref" in frame.keys):
        return None
    spec = OBJECTS[kind.name]
    missing = [name for name in spec.required if name not in frame.keys]
    if missing:
        return f"{spec.title} under {frame.field!r} lacks required field {missing[0]!r}"
    if spec.one_of and not any(name in frame.keys for name in spec.one_of):
        return f"{spec.title} needs one of {', '.join(spec.one_of)}"
    return None


def _describe(frame: _Frame) -> str:
    if isinstance(frame, _Seq):
        return f"a '- ' item of the {frame.field!r} list"
    if isinstance(frame.kind, MapOf):
        return f"{_KEY_PATTERN_NAMES[frame.kind.keys]} in {frame.field!r}"
    if isinstance(frame.kind, SchemaKind):
        return f"a JSON Schema keyword of {frame.field!r}"
    if isinstance(frame.kind, Obj):
        return f"a field of the {_kind_title(frame.kind)} {frame.field!r}"
    return f"a key of {frame.field!r}"


def _label(frame: _Frame) -> str:
    return f"{frame.field!r} ({_kind_title(frame.kind if isinstance(frame, _Map) else frame.item)})"


class _Parser:
    """Recursive descent over the words of one flattened YAML block, with backtracking."""

    def __init__(self, page: Page, start: int, end: int) -> None:
        self.page = page
        self.text = page.text
        self.end = end
        self.spans = [(m.start(), m.end()) for m in _WORD.finditer(self.text, start, end)]
        self.count = len(self.spans)
        self.index_at_end = {span[1]: i for i, span in enumerate(self.spans)}
        self.keys: dict[int, _Key | None] = {}
        self.dead: set[_Memo] = set()
        self.steps = 0
        self.forks = 0
        self.quiet = 0  # > 0 inside lookahead, whose failures are not the page's errors
        self.failure: tuple[int, str, list[str]] = (-1, "", [])

    # ----------------------------------------------------------------- words

    def word(self, i: int) -> str:
        start, end = self.spans[i]
        return self.text[start:end]

    def offset(self, i: int) -> int:
        return self.spans[i][0] if i < self.count else self.end

    def raw(self, first: int, stop: int) -> str:
        """Page text of words ``first .. stop-1`` (spaces inside kept as captured)."""
        if stop <= first:
            return ""
        return self.text[self.spans[first][0] : self.spans[stop - 1][1]]

    def scan_quoted(self, start: int) -> int | None:
        """Offset just after the quoted scalar opening at ``start``."""
        quote, k = self.text[start], start + 1
        while k < self.end:
            char = self.text[k]
            if quote == "'" and char == "'":
                if self.text[k + 1 : k + 2] != "'":
                    return k + 1
                k += 1
            elif quote == '"' and char == "\\":
                k += 1
            elif quote == '"' and char == '"':
                return k + 1
            k += 1
        return None

    def scan_flow(self, start: int) -> int | None:
        """Offset just after the flow collection opening at ``start``."""
        depth, k = 0, start
        while k < self.end:
            char = self.text[k]
            if char in "'\"" and self.text[k - 1] in "[{, ":
                after = self.scan_quoted(k)
                if after is None:
                    return None
                k = after
                continue
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return None

    def word_after(self, offset: int | None) -> int | None:
        """Index of the word after the one ending at ``offset``, if one ends there."""
        if offset is None or offset not in self.index_at_end:
            return None
        return self.index_at_end[offset] + 1

    def key_at(self, i: int) -> _Key | None:
        """The mapping key starting at word ``i`` (``name:`` or ``'quoted':``), if any."""
        if i >= self.count:
            return None
        if i not in self.keys:
            self.keys[i] = self._read_key(i)
        return self.keys[i]

    def _read_key(self, i: int) -> _Key | None:
        word = self.word(i)
        if word[0] in "'\"":
            start = self.spans[i][0]
            after = self.scan_quoted(start)
            if after is None or self.text[after : after + 1] != ":":
                return None
            following = self.word_after(after + 1)
            if following is None:
                return None
            raw = self.text[start:after]
            kind, name = _plain_scalar(raw)
            return _Key(str(name), raw, following) if kind != "bad" else None
        if len(word) > 1 and word.endswith(":") and word[0] not in _NOT_KEY_START:
            return _Key(word[:-1], word[:-1], i + 1)
        return None

    def shape(self, i: int) -> str:
        """What kind of node starts at word ``i``."""
        if i >= self.count:
            return "end"
        if self.key_at(i) is not None:
            return "map"
        word = self.word(i)
        if word == "-":
            return "seq"
        if word[0] in "{[":
            return "flowmap" if word[0] == "{" else "flowseq"
        if _BLOCK_INDICATOR.fullmatch(word):
            return "block"
        return "quoted" if word[0] in "'\"" else "plain"

    # ----------------------------------------------------------------- failures

    def fail(self, i: int, message: str, expected: str) -> None:
        """Remember the failure furthest into the text: that is where the page breaks."""
        if self.quiet:
            return
        offset = self.offset(i)
        best, _, expectations = self.failure
        if offset > best:
            self.failure = (offset, message, [expected])
        elif offset == best and expected not in expectations:
            expectations.append(expected)

    def error(self) -> ExtractError:
        offset, message, expected = self.failure
        return self.page.error_at(
            max(offset, 0), message or "no reading", expected=" or ".join(expected)
        )

    # ----------------------------------------------------------------- search

    def run(self) -> _State:
        root = _Map(Obj("OpenAPI"), 0, "(document)")
        start = _State(0, (root,), None, fresh=True)
        try:
            result = self.search(start, None, _LOOKAHEAD)
        except _Ambiguity as ambiguity:
            raise ambiguity.error from None
        if result is None:
            raise self.error()
        return result

    def search(self, state: _State, target: int | None, horizon: int) -> _State | None:
        """First complete reading from ``state`` (or one that placed ``target`` entries).

        Deterministic stretches run in a loop; only forks recurse. Dead ends of full
        searches are remembered, as their future does not depend on the output so far.
        """
        chain: list[_Memo] = []
        while True:
            self.steps += 1
            if self.steps > _MAX_STEPS:
                raise _Ambiguity(
                    self.page.error_at(
                        self.offset(state.pos),
                        "ambiguous: too many possible readings to decide",
                        expected="a page whose structure the OpenAPI grammar can decide",
                    )
                )
            if state.done or (target is not None and state.placed >= target):
                return state
            memo = (state.pos, state.stack, state.fresh)
            if target is None:
                if memo in self.dead:
                    break
                chain.append(memo)
            choice = self.step(state, horizon)
            if len(choice.groups) == 1 and len(choice.groups[0]) == 1:
                state = choice.groups[0][0]
                continue
            result = self.fork(state, choice, target, horizon) if choice.groups else None
            if result is not None:
                return result
            break
        self.dead.update(chain)
        return None

    def fork(
        self, state: _State, choice: _Choice, target: int | None, horizon: int
    ) -> _State | None:
        """Try each reading; for rival readings, a second complete one is an ambiguity."""
        self.forks += 1
        if self.forks > _MAX_FORK_DEPTH:
            raise _Ambiguity(
                self.page.error_at(
                    self.offset(state.pos),
                    "ambiguous: too many undecided places before this one",
                    expected="a page whose structure the OpenAPI grammar can decide",
                )
            )
        try:
            for index, group in enumerate(choice.groups):
                result = self.first(group, target, horizon)
                if result is None:
                    continue
                if choice.rival and target is None:
                    for other in range(index + 1, len(choice.groups)):
                        if self.first(choice.groups[other], None, horizon) is not None:
                            raise self.ambiguity(state, choice.labels[index], choice.labels[other])
                return result
            return None
        finally:
            self.forks -= 1

    def first(self, group: list[_State], target: int | None, horizon: int) -> _State | None:
        """The first reading in ``group`` that completes."""
        for option in group:
            result = self.search(option, target, horizon)
            if result is not None:
                return result
        return None

    def ambiguity(self, state: _State, first: str, second: str) -> _Ambiguity:
        key = self.key_at(state.pos)
        what = f"key {key.raw!r}" if key else "list item '-'"
        return _Ambiguity(
            self.page.error_at(
                self.offset(state.pos),
                f"ambiguous: the {what} reads both as part of {first} and of {second}",
                expected="text whose structure the OpenAPI grammar can decide",
            )
        )

    def viable(self, state: _State, horizon: int) -> bool:
        """Whether ``state`` survives ``horizon`` + 1 more placements (lookahead)."""
        self.quiet += 1
        try:
            if horizon < 0:
                return self.placeable(state)
            return self.search(state, state.placed + horizon + 1, horizon - 1) is not None
        finally:
            self.quiet -= 1

    def placeable(self, state: _State) -> bool:
        """Shallow check: the next token has a place (a frame takes it, shape fits)."""
        if state.pos >= self.count:
            return self.close_all(state) is not None
        key = self.key_at(state.pos)
        if key is None and self.word(state.pos) != "-":
            return False
        return bool(self.candidates(state, key))

    # ----------------------------------------------------------------- steps

    def step(self, state: _State, horizon: int) -> _Choice:
        """The readings of the next token: placing a key or an item, or the end."""
        if state.pos >= self.count:
            closed = self.close_all(state)
            return _Choice([[closed]] if closed else [], ["end"], rival=False)
        key = self.key_at(state.pos)
        if key is None and self.word(state.pos) != "-":
            self.fail(
                state.pos,
                f"unexpected text {self.word(state.pos)!r}",
                "a key ('name:') or a list item ('- ')",
            )
            return _Choice([], [], rival=False)
        return self.place(state, key, horizon)

    def candidates(self, state: _State, key: _Key | None) -> list[tuple[tuple[_Frame, ...], Kind]]:
        """Open containers (innermost first) that may take the token, each with the
        stack after closing the ones inside it and the kind of value it expects."""
        found: list[tuple[tuple[_Frame, ...], Kind]] = []
        value_shape = self.shape(key.next if key else state.pos + 1)
        stack: tuple[_Frame, ...] | None = state.stack
        while stack:
            top = stack[-1]
            kind: Kind | None = None
            if key is None and isinstance(top, _Seq):
                kind = top.item
            elif key is not None and isinstance(top, _Map):
                kind = _accepts(top, key.name)
            if kind is not None and _pick(kind, value_shape) is not None:
                found.append((stack, kind))
            if state.fresh:
                break  # a container just opened takes its first entry itself
            stack = self.pop(stack, state.pos)
        if not found:
            what = f"the key {key.raw!r}" if key else "a list item here"
            expected = " or ".join(_describe(frame) for frame in reversed(state.stack[-3:]))
            self.fail(state.pos, f"the OpenAPI grammar has no place for {what}", expected)
        return found

    def pop(self, stack: tuple[_Frame, ...], pos: int) -> tuple[_Frame, ...] | None:
        """Close the innermost container, folding what a schema needs to know into it."""
        top, rest = stack[-1], stack[:-1]
        problem = _closing_problem(top)
        if problem:
            self.fail(pos, problem, "the fields that object requires")
            return None
        if rest and isinstance(rest[-1], _Map) and isinstance(rest[-1].kind, SchemaKind):
            parent = rest[-1]
            if isinstance(top, _Seq) and top.field == "type":
                parent = replace(parent, types=top.values)
            elif isinstance(top, _Seq) and top.field == "required":
                parent = replace(parent, required=top.values)
            elif isinstance(top, _Map) and top.field == "properties":
                parent = replace(parent, props=top.keys)
            rest = (*rest[:-1], parent)
        return rest

    def close_all(self, state: _State) -> _State | None:
        stack: tuple[_Frame, ...] | None = state.stack
        while stack:
            stack = self.pop(stack, state.pos)
        return None if stack is None else replace(state, stack=(), done=True)

    def place(self, state: _State, key: _Key | None, horizon: int) -> _Choice:
        """Place a key or item in each container that may take it, then read its value."""
        groups: list[list[_State]] = []
        labels: list[str] = []
        depths: list[int] = []
        for stack, kind in self.candidates(state, key):
            group = self.enter(state, stack, key, kind, horizon)
            if group:
                groups.append(group)
                labels.append(_label(stack[-1]))
                depths.append(len(stack))
        if len(groups) > 1 and horizon >= 0:
            keep = [i for i, g in enumerate(groups) if any(self.viable(s, horizon) for s in g)]
            if keep:
                groups, labels = [groups[i] for i in keep], [labels[i] for i in keep]
                depths = [depths[i] for i in keep]
        # A field the document root can hold, met where an Operation or Path Item could
        # hold it too (`servers`, `security`, `externalDocs`), is read as the document's
        # own: an override is written only where it differs, so the reading with fewer
        # overrides comes first; the others are still tried if it fails later.
        frames = [g[0].stack[depth - 1] for g, depth in zip(groups, depths, strict=True)]
        fields_only = all(isinstance(f, _Map) and isinstance(f.kind, Obj) for f in frames)
        if len(groups) > 1 and fields_only and 1 in depths:
            return _Choice([[s for g in groups[::-1] for s in g]], labels[::-1], rival=False)
        return _Choice(groups, labels, rival=True)

    def enter(
        self,
        state: _State,
        stack: tuple[_Frame, ...],
        key: _Key | None,
        kind: Kind,
        horizon: int,
    ) -> list[_State]:
        """Write the key (or the dash) and read the value that follows it."""
        top = stack[-1]
        lead = state.prefix if state.prefix is not None and state.fresh else " " * top.indent
        if key is None:
            head, pos, field, inline = lead + "-", state.pos + 1, "-", True
        else:
            assert isinstance(top, _Map)
            stack = (*stack[:-1], replace(top, keys=(*top.keys, key.name)))
            head, pos, field, inline = lead + key.raw + ":", key.next, key.name, False
        shape = self.shape(pos)
        value_kind = _pick(kind, shape)
        assert value_kind is not None
        moved = replace(state, stack=stack, prefix=None, fresh=False, placed=state.placed + 1)
        child_indent = top.indent + 2
        if shape in ("map", "seq"):
            new: _Frame
            if shape == "map":
                new = _Map(value_kind, child_indent, field)
            else:
                item = value_kind.item if isinstance(value_kind, ListOf) else ANY
                new = _Seq(item, child_indent, field)
            lines = moved.lines if inline else _Line(head, moved.lines)
            prefix = head + " " if inline else None
            return [
                replace(moved, pos=pos, stack=(*stack, new), lines=lines, prefix=prefix, fresh=True)
            ]
        if shape in ("flowmap", "flowseq", "quoted"):
            inline_state = self.inline_value(moved, value_kind, head, pos, shape)
            return [inline_state] if inline_state else []
        block = shape == "block"
        text = _Text(value_kind, head, pos, block, child_indent)
        return self.text_value(moved, text, pos + 1 if block else pos, horizon)

    def inline_value(
        self, state: _State, kind: Kind, head: str, pos: int, shape: str
    ) -> _State | None:
        """A quoted scalar or a flow collection: it ends where its brackets or quotes do."""
        start = self.spans[pos][0]
        after = self.scan_quoted(start) if shape == "quoted" else self.scan_flow(start)
        following = self.word_after(after)
        if after is None or following is None:
            self.fail(pos, f"unterminated {shape} value", "a closing quote or bracket")
            return None
        raw = self.text[start:after]
        if shape == "quoted":
            yaml_type, value = _plain_scalar(raw)
            if not _fits(kind, yaml_type):
                self.fail(pos, f"{raw!r} is not {_kind_title(kind)}", _kind_title(kind))
                return None
            state = self.record(state, value)
        lines = _Line(f"{head} {raw}", state.lines)
        return replace(state, pos=following, lines=lines)

    def text_value(self, state: _State, text: _Text, k: int, horizon: int) -> list[_State]:
        """Readings of a plain or block scalar, read on from word ``k``.

        It runs until the next key valid where it stands. A plain scalar cannot hold
        ``word: `` at all, so the first key-like word ends it. A block scalar ends at
        the first key (or list dash) that places and survives the lookahead. A key that cannot
        place is text, unless a list or a mapping follows it: no description writes
        that, and reading it as text would swallow YAML structure.
        """
        while k < self.count:
            key = self.key_at(k)
            if key is not None or self.word(k) == "-":
                ended = self.end_text(state, text, k)
                if key is not None and not text.block:
                    return [ended] if ended else []
                # No running on past a key that survives the lookahead: backtracking
                # into scalars lets a rival reading swallow any later structure, and
                # the search then explodes instead of failing.
                if ended is not None and self.viable(ended, horizon):
                    return [ended]
                if text.block and key is not None and self.shape(key.next) in ("map", "seq"):
                    self.fail(
                        k,
                        f"the key {key.raw!r} has no place here and cannot be text",
                        " or ".join(_describe(frame) for frame in reversed(state.stack[-3:])),
                    )
                    return []
            k += 1
        ended = self.end_text(state, text, k)
        return [ended] if ended else []

    def end_text(self, state: _State, text: _Text, stop: int) -> _State | None:
        """The state after the scalar ``text`` ending before word ``stop``."""
        kind, head, pos, block = text.kind, text.head, text.pos, text.block
        first = pos + 1 if block else pos
        raw = self.raw(first, stop)
        if block:
            if not _fits(kind, "str"):
                self.fail(pos, "a text block where it cannot stand", _kind_title(kind))
                return None
            lines = _Line(f"{head} {self.word(pos)}", state.lines)
            if raw:  # content one level deeper than the key or dash that owns it
                lines = _Line(" " * text.indent + raw, lines)
            return replace(self.record(state, raw), pos=stop, lines=lines)
        yaml_type, value = _plain_scalar(raw)
        if not _fits(kind, yaml_type):
            self.fail(pos, f"{raw!r} is not {_kind_title(kind)}", _kind_title(kind))
            return None
        lines = _Line(f"{head} {raw}", state.lines)
        return replace(self.record(state, value), pos=stop, lines=lines)

    def record(self, state: _State, value: str) -> _State:
        """Note a scalar a schema needs: its ``type``, or an item of ``type``/``required``."""
        top = state.stack[-1]
        if isinstance(top, _Seq):
            return replace(
                state, stack=(*state.stack[:-1], replace(top, values=(*top.values, value)))
            )
        if isinstance(top.kind, SchemaKind) and top.keys[-1] == "type":
            return replace(state, stack=(*state.stack[:-1], replace(top, types=(value,))))
        return state


def _render(lines: _Line | None) -> str:
    collected: list[str] = []
    while lines is not None:
        collected.append(lines.text)
        lines = lines.previous
    return "\n".join(reversed(collected)) + "\n"


# --------------------------------------------------------------------------- public


def flatten_yaml(text: str) -> str:
    """Collapse YAML text onto one line the way the page capture did.

    Each line break, with the indentation after it (and any blank lines), becomes a
    single space.
    """
    return re.sub(r"[ \t]*(?:\r?\n[ \t]*)+", " ", text).strip()


def recover_yaml_text(page: Page) -> str:
    """The page's flattened YAML block with its newlines and indentation restored."""
    start, end = yaml_block_span(page)
    parser = _Parser(page, start, end)
    if parser.count == 0:
        raise page.error_at(end, "the ```yaml block is empty", expected="an OpenAPI document")
    return _render(parser.run().lines)


_ENCODED_VARIABLE = re.compile(r"%7B([^%/]+?)%7D", re.IGNORECASE)


def _decode_server(server: dict[str, Any]) -> None:
    """Turn ``%7Bname%7D`` in a server URL into a ``{name}`` server variable."""
    url = server.get("url")
    if not isinstance(url, str):
        return
    names = _ENCODED_VARIABLE.findall(url)
    if not names:
        return
    server["url"] = _ENCODED_VARIABLE.sub(r"{\1}", url)
    variables = server.setdefault("variables", {})
    for name in names:
        variables.setdefault(
            name,
            {
                "default": name,
                "description": (
                    f"Decoded from the URL-encoded '%7B{name}%7D' in the doc page's server "
                    f"URL. The page gives no value: '{name}' is only a placeholder for "
                    "your own."
                ),
            },
        )


def _decode_servers(document: dict[str, Any]) -> None:
    holders: list[Any] = [document]
    paths = document.get("paths")
    if isinstance(paths, dict):
        for item in paths.values():
            if isinstance(item, dict):
                holders.append(item)
                holders.extend(item.get(method) for method in _METHODS)
    for holder in holders:
        servers = holder.get("servers") if isinstance(holder, dict) else None
        for server in servers if isinstance(servers, list) else []:
            if isinstance(server, dict):
                _decode_server(server)


def extract_flattened_yaml(pages: Sequence[Page]) -> dict[str, Any]:
    """The OpenAPI 3.1 document in one page whose YAML block lost its newlines."""
    if len(pages) != 1:
        source = pages[1].path if len(pages) > 1 else None
        raise ExtractError(
            f"the flattened-yaml extractor reads exactly one page, got {len(pages)}",
            source=source,
            expected="one page",
        )
    page = pages[0]
    text = recover_yaml_text(page)
    try:
        document = load_yaml(text)
    except yaml.YAMLError as error:  # the recovery writes valid YAML; say so if not
        start, _ = yaml_block_span(page)
        raise page.error_at(
            start, f"the recovered YAML does not parse: {error}", expected="valid YAML"
        ) from None
    if not isinstance(document, dict):
        raise page.error_at(0, "the YAML block is not a mapping", expected="an OpenAPI document")
    _decode_servers(document)
    return document
