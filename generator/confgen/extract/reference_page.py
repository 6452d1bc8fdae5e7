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

The body's field list and field schemas are read by ``confgen.extract.field_list``,
the request and response samples by ``confgen.extract.curl_sample``, and the response
schemas inferred from the sample by ``confgen.extract.sample_schema``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from confgen.errors import ExtractError
from confgen.extract.curl_sample import (
    JSON_MEDIA_TYPE,
    CurlCommand,
    check_curl,
    curl_server_url,
    parse_json,
    read_curl,
    read_response_sample,
)
from confgen.extract.field_list import Body, body_schema, read_body
from confgen.extract.page import Page
from confgen.extract.page_lines import (
    PageLine,
    Section,
    paragraphs_text,
    split_lines,
    split_paragraphs,
)
from confgen.extract.sample_schema import kebab_case, pascal_case, response_schemas

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
    body = read_body(page, sections.get(_BODY))
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
        schemas[request_name] = body_schema(page, body)
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


def _request_body(page: Page, body: Body, curl: CurlCommand, name: str) -> dict[str, Any]:
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
