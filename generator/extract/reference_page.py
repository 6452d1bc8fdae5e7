"""Extractor for a rendered API reference page (Telnyx's docs, captured as text).

The page carries no OpenAPI. It is the text rendering of one operation's reference
page, laid out like this (``·`` marks the 4-space indentation of the field list)::

    Create conference                      <- title: the last line before the method
    POST                                   <- method, then the path (same or next line)
    /conferences
    Create a conference from ...           <- description, up to the first heading
    Expected Webhooks:                     <- "  • event.name" bullets
    Request
    Body
    required                               <- the body is required
    Create a conference                    <- the body schema's description
    ····call_control_id stringrequired     <- field header: name, type, glued "required"
    ····Possible values: [a, b]            <- attribute paragraphs (enum, default)
    ····Default value: never
    ····Prose ... Defaults to 250 ...      <- description; prose defaults and ranges
    Responses
    200: Successful response ...           <- "<code>: <description>"
    Callbacks                              <- must be empty
    Request samples                        <- one curl command, nothing else: URL,
                                              bearer header, -d JSON
    Response samples                       <- one JSON sample of the first 2xx response
                                              (no such section: that response has no
                                              content)

Headings are recognised only as whole, unindented lines. Inside the field list:

- a field header is an indented paragraph of exactly one line of the shape
  ``<name> <type>`` with ``required`` optionally glued to the type. The rendered text
  cannot tell such a one-line paragraph from prose, so it is always a header. The same
  words on a later line of a paragraph are prose; on its first line they are an error
  (a header that lost its blank line), never silently prose;
- ``Possible values: [...]`` and ``Default value: ...`` are attributes only as whole
  one-line paragraphs; inside a prose paragraph they are prose;
- ``Defaults to <value>`` and ``between <lo> and <hi>`` are read from the prose (which
  is kept verbatim as the description); ranges only for integer and number fields.

The result is a plain OpenAPI 3.1.0 document; it depends on the page text only. Facts
that are not on the page (error bodies, retries, webhook payloads, the product's name)
come from the provider's overlay.

The request and response samples are read by ``generator.extract.curl_sample``, the
response schemas inferred from the sample by ``generator.extract.sample_schema``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from generator.errors import ExtractError
from generator.extract.curl_sample import (
    JSON_MEDIA_TYPE,
    CurlCommand,
    check_curl,
    curl_server_url,
    parse_json,
    read_curl,
    read_response_sample,
)
from generator.extract.page import Page
from generator.extract.page_lines import (
    PageLine,
    Section,
    paragraphs_text,
    split_lines,
    split_paragraphs,
)
from generator.extract.sample_schema import kebab_case, pascal_case, response_schemas

__all__ = ["extract_reference_page"]

_HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_METHOD_LINE = re.compile(rf"^(?P<method>{'|'.join(_HTTP_METHODS)})(?:[ \t]+(?P<path>\S*))?[ \t]*$")
_PATH = re.compile(r"^/[A-Za-z0-9._~/-]*$")

_WEBHOOKS = "Expected Webhooks:"
_REQUEST = "Request"
_BODY = "Body"
_RESPONSES = "Responses"
_CALLBACKS = "Callbacks"
_REQUEST_SAMPLES = "Request samples"
_RESPONSE_SAMPLES = "Response samples"
_HEADINGS = (
    _WEBHOOKS,
    _REQUEST,
    _BODY,
    _RESPONSES,
    _CALLBACKS,
    _REQUEST_SAMPLES,
    _RESPONSE_SAMPLES,
)

_BULLET = re.compile(r"^[ \t]*[•*-][ \t]+(?P<event>\S+)[ \t]*$")
_EVENT = re.compile(r"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$")
_RESPONSE_LINE = re.compile(
    r"^(?P<code>[1-5][0-9][0-9]|default):[ \t]*(?P<description>\S.*?)[ \t]*$"
)

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

_SECURITY_SCHEME = "bearerAuth"


def _is_heading(line: PageLine) -> bool:
    """Headings are whole unindented lines, so indented field prose can never be one."""
    return line.text.rstrip() in _HEADINGS


# --------------------------------------------------------------------------- head


@dataclass(frozen=True)
class _Head:
    """What precedes the first heading: the operation itself."""

    title: str
    method: str
    path: str
    description: str
    end: int  # index of the first line after the head


def _read_head(page: Page, lines: list[PageLine]) -> _Head:
    """Title, method, path and description: everything before the first heading."""
    first_heading = next((i for i, line in enumerate(lines) if _is_heading(line)), len(lines))
    found = next(
        ((i, m) for i in range(first_heading) if (m := _METHOD_LINE.match(lines[i].text))), None
    )
    if found is None:
        where = lines[first_heading].number if first_heading < len(lines) else 1
        raise page.error_at_line(
            where,
            "no method and path line before the page's sections",
            expected=f"a line holding the HTTP method ({', '.join(_HTTP_METHODS)}) "
            "followed by the operation path, e.g. 'POST' then '/conferences'",
        )
    index, match = found
    title = _read_title(page, lines, index)
    path, after_path = _read_path(page, lines, index, match, first_heading)
    description = paragraphs_text(split_paragraphs(lines[after_path:first_heading]))
    return _Head(title, match["method"], path, description, first_heading)


def _read_title(page: Page, lines: list[PageLine], method_index: int) -> str:
    """The last non-blank line above the method line; it names the operation."""
    for line in reversed(lines[:method_index]):
        if kebab_case(line.text):
            return line.text.strip()
        if not line.blank:
            break
    raise page.error_at_line(
        lines[method_index].number,
        "no title above the method line",
        expected="the operation's title, e.g. 'Create conference'",
    )


def _read_path(
    page: Page, lines: list[PageLine], method_index: int, match: re.Match[str], limit: int
) -> tuple[str, int]:
    """The operation path (on the method line or the next non-blank one), and the index after it."""
    method_line = lines[method_index]
    if match["path"]:
        candidate, index = method_line, method_index
        text = match["path"]
    else:
        index = next(
            (i for i in range(method_index + 1, limit) if not lines[i].blank), method_index
        )
        candidate = lines[index]
        text = candidate.text.strip() if index != method_index else ""
    if not _PATH.match(text):
        raise page.error_at_line(
            candidate.number,
            f"expected the operation path after {match['method']}, found {text!r}",
            expected="a path such as '/conferences' (path parameters are not supported)",
        )
    return text, index + 1


# --------------------------------------------------------------------------- sections


def _split_sections(page: Page, lines: list[PageLine]) -> dict[str, Section]:
    """The headed sections below the head, each at most once."""
    sections: dict[str, Section] = {}
    current: Section | None = None
    for line in lines:
        if _is_heading(line):
            name = line.text.rstrip()
            if name in sections:
                raise page.error_at_line(
                    line.number,
                    f"the section {name!r} appears twice",
                    expected="each section once",
                )
            current = sections[name] = Section(line, [])
        elif current is not None:
            current.lines.append(line)
    return sections


def _require_empty(page: Page, section: Section | None, why: str) -> None:
    """Sections the extractor does not read must not hold anything it would drop."""
    if section is None:
        return
    for line in section.lines:
        if not line.blank:
            raise page.error_at_line(
                line.number,
                f"unexpected content under {section.heading.text.strip()!r}: {why}",
                expected="an empty section",
            )


def _read_webhooks(page: Page, section: Section | None) -> list[str]:
    """Event names from the "Expected Webhooks:" bullet list, in page order."""
    if section is None:
        return []
    events: list[str] = []
    for line in section.lines:
        if line.blank:
            continue
        match = _BULLET.match(line.text)
        if not match or not _EVENT.match(match["event"]):
            raise page.error_at_line(
                line.number,
                f"expected a webhook event bullet, found {line.text.strip()!r}",
                expected="a line '• event.name'",
            )
        if match["event"] in events:
            raise page.error_at_line(
                line.number, f"webhook {match['event']!r} is listed twice", expected="each once"
            )
        events.append(match["event"])
    return events


@dataclass(frozen=True)
class _Response:
    """One listed response: status code (or "default"), description, where it is."""

    code: str
    description: str
    line: PageLine


def _read_responses(page: Page, section: Section | None) -> list[_Response]:
    """The response lines ('<code>: <description>'), in page order."""
    if section is None:
        raise page.error_at_line(
            len(page.text.splitlines()) or 1,
            f"no {_RESPONSES!r} section",
            expected="a 'Responses' heading followed by '<code>: <description>' lines",
        )
    responses: list[_Response] = []
    for line in section.lines:
        if line.blank:
            continue
        match = _RESPONSE_LINE.match(line.text)
        if not match:
            raise page.error_at_line(
                line.number,
                f"expected a response line, found {line.text.strip()!r}",
                expected="'<code>: <description>', e.g. '200: Successful response'",
            )
        if any(r.code == match["code"] for r in responses):
            raise page.error_at_line(
                line.number, f"response {match['code']} is listed twice", expected="each once"
            )
        responses.append(_Response(match["code"], match["description"], line))
    if not responses:
        raise page.error_at_line(
            section.heading.number,
            "the Responses section lists no response",
            expected="'<code>: <description>' lines",
        )
    return responses


# --------------------------------------------------------------------------- fields


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
class _Body:
    """The request body: the page's "required" mark, its description, its fields."""

    required: bool
    description: str
    fields: list[_Field]


def _read_body(page: Page, section: Section | None) -> _Body | None:
    """The body: unindented preamble ("required", description), then indented fields."""
    if section is None:
        return None
    paragraphs = split_paragraphs(section.lines)
    split = next((i for i, p in enumerate(paragraphs) if p[0].indented), len(paragraphs))
    preamble = paragraphs[:split]
    required = bool(preamble) and paragraphs_text(preamble[:1]) == "required"
    if required:
        preamble = preamble[1:]
    return _Body(required, paragraphs_text(preamble), _read_fields(page, paragraphs[split:]))


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


def _body_schema(page: Page, body: _Body) -> dict[str, Any]:
    """The request body's object schema: fields in page order."""
    schema: dict[str, Any] = {"type": "object"}
    if body.description:
        schema["description"] = body.description
    required = [f.name for f in body.fields if f.required]
    if required:
        schema["required"] = required
    schema["properties"] = {f.name: _field_schema(page, f) for f in body.fields}
    return schema


# --------------------------------------------------------------------------- document


def _info(page: Page, server: str, curl: CurlCommand) -> dict[str, str]:
    """Title after the API host ("api.telnyx.com" -> "Telnyx API"), version from /v<N>."""
    parts = urlsplit(server)
    labels = (parts.hostname or "").split(".")
    provider = labels[-2] if len(labels) >= 2 else labels[0]
    version = re.findall(r"/v([0-9]+)(?=/|$)", parts.path)
    if not version:
        raise page.error_at(
            curl.url.offset if curl.url else curl.line.offset,
            f"the server URL {server!r} has no version segment",
            expected="a base URL ending in /v<N>, e.g. https://api.telnyx.com/v2",
        )
    return {"title": f"{provider[:1].upper()}{provider[1:]} API", "version": version[-1]}


def _single_page(pages: Sequence[Page]) -> Page:
    """The one page this extractor reads (a reference page documents one operation)."""
    if len(pages) != 1:
        raise ExtractError(
            f"the reference-page extractor reads exactly one page, got {len(pages)}",
            source=", ".join(p.path for p in pages) or None,
            expected="one page per provider",
        )
    return pages[0]


def extract_reference_page(pages: Sequence[Page]) -> dict[str, Any]:
    """The OpenAPI 3.1.0 document for one rendered reference page.

    Raises ``ExtractError`` (page path, line, column, what was expected) for any page
    that does not have the layout described in this module's docstring.
    """
    page = _single_page(pages)
    lines = split_lines(page.text)
    head = _read_head(page, lines)
    sections = _split_sections(page, lines[head.end :])
    _require_empty(page, sections.get(_REQUEST), "only a JSON body is supported")
    _require_empty(page, sections.get(_CALLBACKS), "callbacks are not supported")
    webhooks = _read_webhooks(page, sections.get(_WEBHOOKS))
    body = _read_body(page, sections.get(_BODY))
    responses = _read_responses(page, sections.get(_RESPONSES))
    curl = read_curl(page, sections.get(_REQUEST_SAMPLES))
    check_curl(page, curl, head.method)
    server = curl_server_url(page, curl, head.path)
    has_sample, sample = read_response_sample(page, sections.get(_RESPONSE_SAMPLES))

    operation_id = kebab_case(head.title)
    request_name = f"{pascal_case(operation_id)}Request"
    schemas: dict[str, Any] = {}
    operation: dict[str, Any] = {"operationId": operation_id, "summary": head.title}
    if head.description:
        operation["description"] = head.description
    operation["tags"] = [head.path.strip("/").split("/")[0] or "default"]
    if body is not None:
        schemas[request_name] = _body_schema(page, body)
        operation["requestBody"] = _request_body(page, body, curl, request_name)
    elif curl.data is not None:
        raise page.error_at(
            curl.data.offset,
            "the curl sample sends a body but the page documents none",
            expected="a 'Body' section",
        )
    operation["responses"], response_schemas = _responses(
        page, responses, has_sample, sample, operation_id, request_name
    )
    schemas.update(response_schemas)

    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": _info(page, server, curl),
        "servers": [{"url": server}],
        "security": [{_SECURITY_SCHEME: []}],
        "paths": {head.path: {head.method.lower(): operation}},
    }
    if webhooks:
        document["webhooks"] = {event: _webhook(event) for event in webhooks}
    document["components"] = {
        "schemas": schemas,
        "securitySchemes": {_SECURITY_SCHEME: {"type": "http", "scheme": "bearer"}},
    }
    return document


def _request_body(page: Page, body: _Body, curl: CurlCommand, name: str) -> dict[str, Any]:
    """The requestBody: a $ref to the body schema, the curl JSON as its example."""
    media: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{name}"}}
    if curl.data is not None:
        media["example"] = parse_json(page, curl.data.text, curl.data.offset, "curl request body")
    return {"required": body.required, "content": {JSON_MEDIA_TYPE: media}}


def _responses(
    page: Page,
    responses: list[_Response],
    has_sample: bool,
    sample: Any,
    operation_id: str,
    taken: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The responses object; the first 2xx response gets the sample's schema and example."""
    result: dict[str, Any] = {r.code: {"description": r.description} for r in responses}
    if not has_sample:
        return result, {}
    success = next((r for r in responses if r.code.startswith("2")), None)
    if success is None:
        raise page.error_at_line(
            responses[0].line.number,
            "the page has a response sample but lists no 2xx response",
            expected="a '2xx: <description>' line",
        )
    root, schemas = response_schemas(sample, operation_id, taken)
    result[success.code]["content"] = {JSON_MEDIA_TYPE: {"schema": root, "example": sample}}
    return result, schemas


def _webhook(event: str) -> dict[str, Any]:
    """A minimal path item per expected event; the payload schema comes from the overlay."""
    return {"post": {"operationId": kebab_case(event), "summary": event}}
