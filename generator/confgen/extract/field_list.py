"""The request body of a reference page: its field list read from indented paragraphs
(header ``<name> <type>[required]``, attribute paragraphs, prose), and each field's
JSON Schema (type and format, enum, default, range; prose defaults and ranges read from
the description). The layout is described in ``confgen.extract.reference_page``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from confgen.extract.page import Page
from confgen.extract.page_lines import PageLine, Section, paragraphs_text, split_paragraphs

__all__ = ["Body", "body_schema", "read_body"]

# The type is matched lazily so that a glued "required" ("stringrequired") splits off.
_HEADER = re.compile(
    r"^(?P<indent>[ \t]+)(?P<name>[A-Za-z_][A-Za-z0-9_]*) "
    r"(?P<type>[A-Za-z][A-Za-z0-9_<>\[\]-]*?)(?: ?(?P<required>required))?[ \t]*$"
)
_TYPE = re.compile(r"^(?P<base>[a-z]+)(?:<(?P<format>[A-Za-z0-9_-]+)>)?(?P<arrays>(?:\[\])*)$")
_KNOWN_TYPES = ("array", "boolean", "integer", "number", "object", "string")
_KNOWN_TYPES_TEXT = (
    f"one of {', '.join(_KNOWN_TYPES)}, optionally with a <format> and '[]' for arrays"
)
_POSSIBLE_VALUES = re.compile(r"^[ \t]*Possible values:[ \t]*")
_DEFAULT_VALUE = re.compile(r"^[ \t]*Default value:[ \t]*")

# Prose conventions. "Defaults to" only capitalised, as a sentence start: lower-case
# "defaults to" tends to introduce a phrase ("defaults to the caller's number").
_PROSE_DEFAULT = re.compile(
    r"\bDefaults to[ \t]+(?:\"(?P<dq>[^\"]*)\"|`(?P<bq>[^`]*)`|(?P<bare>\S+?))(?=[.,;:]?(?:\s|$))"
)
_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
_PROSE_RANGE = re.compile(rf"\b[Bb]etween[ \t]+(?P<lo>{_NUMBER})[ \t]+and[ \t]+(?P<hi>{_NUMBER})\b")
_INTEGER_TEXT = re.compile(r"^-?[0-9]+$")
_NUMBER_TEXT = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$")


@dataclass(frozen=True)
class _Type:
    """A field's type word, parsed: base type, optional format, array depth."""

    base: str
    format: str | None
    arrays: int


@dataclass
class _Field:
    """One body field as the page states it, with where each statement is."""

    name: str
    type: _Type
    required: bool
    header: PageLine
    enum: tuple[PageLine, str] | None = None  # the line and the "[a, b]" text
    default: tuple[PageLine, str] | None = None  # the line and the value text
    prose: list[list[PageLine]] = field(default_factory=list)


@dataclass(frozen=True)
class Body:
    """The request body: the page's "required" mark, its description, its fields."""

    required: bool
    description: str
    fields: list[_Field]


def read_body(page: Page, section: Section | None) -> Body | None:
    """The body: unindented preamble ("required", description), then indented fields."""
    if section is None:
        return None
    paragraphs = split_paragraphs(section.lines)
    split = next((i for i, p in enumerate(paragraphs) if p[0].indented), len(paragraphs))
    preamble = paragraphs[:split]
    required = bool(preamble) and paragraphs_text(preamble[:1]) == "required"
    if required:
        preamble = preamble[1:]
    return Body(required, paragraphs_text(preamble), _read_fields(page, paragraphs[split:]))


def _read_fields(page: Page, paragraphs: Sequence[list[PageLine]]) -> list[_Field]:
    """Group paragraphs into fields: each header opens a field, the rest belong to it."""
    fields: list[_Field] = []
    indent: str | None = None
    for paragraph in paragraphs:
        header = _HEADER.match(paragraph[0].text)
        if header and len(paragraph) > 1:
            # Prose that merely starts like a header is rarer than a lost blank line,
            # and reading it as prose would silently drop a field.
            raise page.error_at_line(
                paragraph[1].number,
                f"the field header {paragraph[0].text.strip()!r} does not stand alone",
                expected="a blank line after a field header",
            )
        if header:
            indent = _check_indent(page, paragraph[0], header["indent"], indent)
            fields.append(_new_field(page, paragraph[0], header, fields))
        elif not fields:
            raise page.error_at_line(
                paragraph[0].number,
                f"expected a body field header, found {paragraph[0].text.strip()!r}",
                expected="'<name> <type>' with an optional 'required', e.g. 'name stringrequired'",
            )
        else:
            _add_to_field(page, fields[-1], paragraph)
    return fields


def _check_indent(page: Page, line: PageLine, indent: str, expected: str | None) -> str:
    """All headers share one indentation: deeper ones would be nested fields."""
    if expected is not None and indent != expected:
        raise page.error_at_line(
            line.number,
            "field header at a different indentation than the first one: "
            "nested fields are not supported",
            expected=f"{len(expected)} characters of indentation",
        )
    return indent


def _new_field(page: Page, line: PageLine, header: re.Match[str], fields: list[_Field]) -> _Field:
    """A field from its header line; its type word must be a known type."""
    if any(f.name == header["name"] for f in fields):
        raise page.error_at_line(
            line.number, f"field {header['name']!r} is described twice", expected="each once"
        )
    match = _TYPE.match(header["type"])
    if not match or match["base"] not in _KNOWN_TYPES:
        raise page.error_at(
            line.offset + header.start("type"),
            f"field {header['name']!r} has an unknown type {header['type']!r}",
            expected=_KNOWN_TYPES_TEXT,
        )
    field_type = _Type(match["base"], match["format"], len(match["arrays"]) // 2)
    return _Field(header["name"], field_type, header["required"] is not None, line)


def _add_to_field(page: Page, target: _Field, paragraph: list[PageLine]) -> None:
    """An attribute paragraph (one whole line) or a prose paragraph of the current field."""
    line = paragraph[0]
    for pattern, attribute in ((_POSSIBLE_VALUES, "enum"), (_DEFAULT_VALUE, "default")):
        match = pattern.match(line.text) if len(paragraph) == 1 else None
        if not match:
            continue
        if getattr(target, attribute) is not None:
            raise page.error_at_line(
                line.number,
                f"field {target.name!r} states its {match[0].strip()} twice",
                expected="one such line per field",
            )
        setattr(target, attribute, (line, line.text[match.end() :].rstrip()))
        return
    target.prose.append(paragraph)


# --------------------------------------------------------------------------- field schema


def _column_of(line: PageLine, text: str) -> int:
    """Offset in the page of ``text`` within ``line`` (its start if not found)."""
    return line.offset + max(line.text.find(text), 0)


def _convert(value: str, base: str, arrays: int) -> Any:
    """``value`` as JSON data of the type; ``ValueError`` when it is not one."""
    if arrays or base in ("array", "object"):
        data = json.loads(value)
        wanted = list if arrays or base == "array" else dict
        if not isinstance(data, wanted):
            raise ValueError(value)
        return data
    if base == "boolean":
        if value not in ("true", "false"):
            raise ValueError(value)
        return value == "true"
    if base == "integer":
        if not _INTEGER_TEXT.match(value):
            raise ValueError(value)
        return int(value)
    if base == "number":
        if not _NUMBER_TEXT.match(value):
            raise ValueError(value)
        if _INTEGER_TEXT.match(value):
            return int(value)
        number = float(value)
        if not math.isfinite(number):  # "1e999": JSON has no infinity
            raise ValueError(value)
        return number
    return value


def _typed(page: Page, at: int, text: str, target: _Field, *, item: bool, what: str) -> Any:
    """``text`` (at page offset ``at``) as the field's type or item type, or an error there."""
    arrays = max(target.type.arrays - 1, 0) if item else target.type.arrays
    base = "string" if item and target.type.base == "array" else target.type.base
    try:
        return _convert(text, base, arrays)
    except ValueError:
        wanted = f"{base}{'[]' * arrays}"
        raise page.error_at(
            at,
            f"{what} {text!r} of field {target.name!r} is not a valid {wanted}",
            expected=f"a value of type {wanted}",
        ) from None


def _enum(page: Page, target: _Field) -> list[Any] | None:
    """The field's 'Possible values: [a, b]' as values of its (item) type."""
    if target.enum is None:
        return None
    line, text = target.enum
    if not (text.startswith("[") and text.endswith("]")) or not text[1:-1].strip():
        raise page.error_at(
            _column_of(line, text),
            f"the possible values of field {target.name!r} are not a bracketed list: {text!r}",
            expected="a non-empty list in brackets, e.g. [always, never]",
        )
    items = [item.strip() for item in text[1:-1].split(",")]
    if "" in items:
        raise page.error_at(
            _column_of(line, text),
            f"the possible values of field {target.name!r} hold an empty item",
            expected="comma-separated values, e.g. [always, never]",
        )
    values = [
        _typed(page, _column_of(line, i), i, target, item=True, what="possible value")
        for i in items
    ]
    if len({json.dumps(v) for v in values}) != len(values):
        raise page.error_at(
            _column_of(line, text),
            f"the possible values of field {target.name!r} repeat a value",
            expected="each value once",
        )
    return values


def _prose_matches(
    pattern: re.Pattern[str], paragraphs: Sequence[Sequence[PageLine]]
) -> Iterator[tuple[PageLine, re.Match[str]]]:
    """Every match of ``pattern`` in the prose, line by line."""
    for paragraph in paragraphs:
        for line in paragraph:
            for match in pattern.finditer(line.text):
                yield line, match


@dataclass(frozen=True)
class _Default:
    """A field's default value and the place that states it."""

    at: int  # page offset of the value's text
    text: str
    value: Any


def _default(page: Page, target: _Field, enum: list[Any] | None) -> _Default | None:
    """The default from "Default value:" and "Defaults to" in prose; they must agree."""
    found: list[_Default] = []
    if target.default is not None:
        line, text = target.default
        at = _column_of(line, text)
        found.append(_Default(at, text, _typed(page, at, text, target, item=False, what="default")))
    for line, match in _prose_matches(_PROSE_DEFAULT, target.prose):
        quoted = match["dq"] if match["dq"] is not None else match["bq"]
        text = quoted if quoted is not None else match["bare"]
        group = "bare" if quoted is None else ("dq" if match["dq"] is not None else "bq")
        at = line.offset + match.start(group)
        if quoted is None and target.type.base == "string" and text not in (enum or []):
            raise page.error_at(
                at,
                f"prose default {text!r} of string field {target.name!r} is not quoted",
                expected='a quoted value (Defaults to "x") or one of the possible values',
            )
        value = _typed(page, at, text, target, item=False, what="prose default")
        found.append(_Default(at, text, value))
    for other in found[1:]:
        if other.value != found[0].value:
            raise page.error_at(
                other.at,
                f"field {target.name!r} states two defaults: {found[0].text!r} and {other.text!r}",
                expected="one default",
            )
    if not found:
        return None
    default = found[0]
    if enum is not None and target.type.arrays == 0 and default.value not in enum:
        raise page.error_at(
            default.at,
            f"default {default.text!r} of field {target.name!r} is not one of its possible values",
            expected=f"one of {enum}",
        )
    return default


def _range(page: Page, target: _Field) -> tuple[int | float, int | float] | None:
    """(minimum, maximum) from "between <lo> and <hi>" in prose, for numeric fields."""
    if target.type.base not in ("integer", "number"):
        return None  # "between 2 and 80 characters" on a string is not a value range
    found: list[tuple[int | float, int | float]] = []
    for line, match in _prose_matches(_PROSE_RANGE, target.prose):
        lo, hi = (
            _typed(
                page,
                line.offset + match.start(bound),
                match[bound],
                target,
                item=target.type.arrays > 0,
                what="range bound",
            )
            for bound in ("lo", "hi")
        )
        if lo > hi or (found and found[0] != (lo, hi)):
            raise page.error_at(
                line.offset + match.start(),
                f"field {target.name!r} has an inconsistent range {match[0]!r}",
                expected="one range with its lower bound first",
            )
        found.append((lo, hi))
    return found[0] if found else None


def _check_in_range(
    page: Page, target: _Field, default: _Default, bounds: tuple[int | float, int | float]
) -> None:
    """A default outside the stated range means one of them was misread."""
    if not bounds[0] <= default.value <= bounds[1]:
        raise page.error_at(
            default.at,
            f"default {default.text!r} of field {target.name!r} is outside "
            f"{bounds[0]}..{bounds[1]}",
            expected="a default within the stated range",
        )


def _field_schema(page: Page, target: _Field) -> dict[str, Any]:
    """The JSON Schema of one field, keys in a fixed order."""
    enum = _enum(page, target)
    default = _default(page, target, enum)
    bounds = _range(page, target)
    if default is not None and bounds is not None and target.type.arrays == 0:
        _check_in_range(page, target, default, bounds)
    inner: dict[str, Any] = {"type": target.type.base}
    if target.type.format:
        inner["format"] = target.type.format
    if enum is not None:
        inner["enum"] = enum
    if bounds is not None:
        inner["minimum"], inner["maximum"] = bounds
    schema = inner
    for _ in range(target.type.arrays):
        schema = {"type": "array", "items": schema}
    if default is not None:
        schema["default"] = default.value
    description = paragraphs_text(target.prose)
    if description:
        schema["description"] = description
    return schema


def body_schema(page: Page, body: Body) -> dict[str, Any]:
    """The request body's object schema: fields in page order."""
    schema: dict[str, Any] = {"type": "object"}
    if body.description:
        schema["description"] = body.description
    required = [f.name for f in body.fields if f.required]
    if required:
        schema["required"] = required
    schema["properties"] = {f.name: _field_schema(page, f) for f in body.fields}
    return schema
