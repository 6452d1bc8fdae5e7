"""Extractor for a JSON-over-WebSocket method page (TrueConf Room / VideoSDK API).

One page documents one command. The captured page looks like::

    # createConference
    Description: <prose>
    Request example:
    { ...JSON... }
    Response example:
    { ...JSON... }
    Parameter description:
    <name>
    - <description>            (entries; see "Parameter list" below)
    See also:
    - <name or topic>

The output is an AsyncAPI 3.0.0 document built from the page alone (facts that are not
on the page, such as the server, ``auth`` and notification fields, live in
``specs/overlays/trueconf.overlay.yaml``).

Line joining. The capture breaks lines after inline elements (code, links) and glues
block elements together. Lines are therefore joined with one space, or with nothing
when the next line starts with closing punctuation (``"true\\n) indicates"``). Words
the capture glued inside a line (``offalse``, ``thevideo``) are left as published:
splitting them would mean guessing text.

Parameter list. A parameter entry starts at a line that *ends* with an identifier and
is followed by a line starting with a dash (``-``, ``–`` or ``—``). The identifier is
often glued to the end of the previous entry (``Conference namecastersCount``); it is
cut off by matching the request example's keys (longest key that ends the line),
otherwise it is the trailing identifier after a non-letter. Such a header that is not
an example key, following a string parameter whose prose announces a list ("It can
be as follows:", "Possible values:"), is one of that parameter's enum values.
After the last entry, text that starts a new sentence on a new line is a note about
the whole command, not part of the last parameter.

Types come from the request example's values; a parameter missing from the example
needs a type statement in its prose ("a flag", "an array of strings", "the number
of", "a string"). Where both exist they must agree. A parameter is optional when its
prose says "optional" or gives a default ("default value of false", "defaults to
false"); otherwise it is required.

Notifications vs. commands. A name is a notification when the page calls it one
(``the appStateChanged notification``, ``the notification conferenceCreated``) and a
command when the page calls it one (``the getTariffRestrictions command``); in prose
only camelCase names count, as lone words there are English. Names in
"See also" that the page does not qualify are classified by TrueConf's naming
convention: commands start with an imperative verb (``getSessionLink``, ``hangUp``),
notifications name a past event (a word in ``-ed`` or an irregular past such as
``Left``) or an arrival (``new...``). A name matching neither is an error, so that an
unknown shape is looked at rather than guessed. Only notifications become messages
here: the page gives no payload for the other commands.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from confgen.errors import ExtractError
from confgen.extract.page import Page

CHANNEL = "room"
"""The one channel: the Room WebSocket connection carries commands, replies, events."""

_HEADING = re.compile(r"^#[ \t]+(?P<name>[A-Za-z][A-Za-z0-9]*)[ \t]*$")
_DASH = re.compile(r"^[-–—]")
_DASH_PREFIX = re.compile(r"^[-–—]\s*")
_IDENTIFIER = re.compile(r"^[a-z][A-Za-z0-9]*$")
# A trailing identifier that starts after a non-letter (or at the line start).
_TRAILING_IDENTIFIER = re.compile(r"(?:^|(?<=[^A-Za-z0-9]))(?P<name>[a-z][A-Za-z0-9]*)$")
_NO_SPACE_BEFORE = tuple(",.;:)!?")

_MARKERS = (
    ("description", re.compile(r"^Description:\s*"), "a 'Description:' line"),
    ("request", re.compile(r"^Request example:\s*$"), "a 'Request example:' line"),
    ("response", re.compile(r"^Response example:\s*$"), "a 'Response example:' line"),
    ("parameters", re.compile(r"^Parameter description:\s*$"), "a 'Parameter description:' line"),
)
_SEE_ALSO = re.compile(r"^See also:\s*$")

_VALUE_LIST_INTRO = re.compile(r"(can be as follows|possible values|one of the following):", re.I)
_OPTIONAL = re.compile(r"\boptional\b", re.I)
_DEFAULT = re.compile(
    r"\bdefault(?:s)?\s*(?:value)?\s*(?:of|to|is)?\s*(?P<value>true|false|-?\d+(?:\.\d+)?)",
    re.I,
)
# Prose type statements, checked in order (the first match wins).
_TYPE_STATEMENTS: tuple[tuple[re.Pattern[str], dict[str, Any]], ...] = (
    (re.compile(r"\barray of strings\b", re.I), {"type": "array", "items": {"type": "string"}}),
    (re.compile(r"\bflag\b", re.I), {"type": "boolean"}),
    (re.compile(r"\bnumber of\b", re.I), {"type": "integer"}),
    (re.compile(r"\bstring\b", re.I), {"type": "string"}),
)
# Names the prose qualifies. Only camelCase counts ("a separate notification" and "the
# command" are English), so a one-word name must come from "See also" instead.
_CAMEL = r"[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*"
_NAMED_NOTIFICATION = re.compile(
    rf"(?:\bnotification\s+(?P<after>{_CAMEL})\b)|(?:\b(?P<before>{_CAMEL})\s+notification)"
)
_NAMED_COMMAND = re.compile(rf"\b(?P<name>{_CAMEL})\s+command\b")

# TrueConf command names start with an imperative verb; extend when a page needs it.
_COMMAND_VERBS = frozenset(
    {
        "accept", "add", "allow", "auth", "call", "change", "create", "delete", "deny",
        "disable", "enable", "get", "hang", "hide", "invite", "join", "kick", "leave",
        "login", "logout", "move", "mute", "reject", "remove", "request", "send", "set",
        "show", "start", "stop", "switch", "turn", "unmute", "update",
    }
)  # fmt: skip
_IRREGULAR_PAST = frozenset({"began", "begun", "left", "lost", "sent"})


@dataclass(frozen=True)
class _Line:
    """A page line and its 1-based number (kept for error locations)."""

    number: int
    text: str


@dataclass
class _Value:
    """One documented enum value and the prose explaining it."""

    name: str
    line: int
    parts: list[str] = field(default_factory=list)


@dataclass
class _Entry:
    """One documented parameter: its name, prose lines and enum values."""

    name: str
    line: int
    parts: list[str] = field(default_factory=list)
    values: list[_Value] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The parameter's own prose, lines joined."""
        return join_lines(self.parts)


@dataclass(frozen=True)
class _Sections:
    """The page cut at its markers."""

    method: str
    heading_line: int
    description: list[_Line]
    request: list[_Line]
    response: list[_Line]
    parameters: list[_Line]
    see_also: list[_Line]


@dataclass(frozen=True)
class _Classified:
    """Names the page mentions, by kind, in order of first appearance."""

    notifications: list[str]
    commands: list[str]
    topics: list[str]


# --------------------------------------------------------------------------- public API


def extract_ws_method_page(pages: Sequence[Page]) -> dict[str, Any]:
    """Turn one WebSocket method page into an AsyncAPI 3.0.0 document (a plain dict).

    Pure and deterministic: the same page text gives an equal document with the same
    key order. Raises ``ExtractError`` (page path, line, what was expected) for a page
    that does not have the shape described in this module's docstring.
    """
    if len(pages) != 1:
        raise ExtractError(
            f"the WebSocket method-page extractor takes one page, got {len(pages)}",
            expected="exactly one page",
        )
    page = pages[0]
    sections = _split_sections(page)
    request = _parse_json_block(page, sections.request, "request example")
    response = _parse_json_block(page, sections.response, "response example")
    _check_method(page, sections.method, request, sections.request, "request example")
    _check_method(page, sections.method, response, sections.response, "response example")
    entries, note = _parse_parameters(page, sections.parameters, request)
    request_schema = _request_schema(page, sections.method, request, entries)
    description = join_lines([line.text for line in sections.description])
    names = _classify_names(page, sections, entries)
    return _document(sections.method, description, note, request, response, request_schema, names)


def join_lines(parts: Sequence[str]) -> str:
    """Join captured lines: one space, none before closing punctuation or after '('."""
    text = ""
    for raw in parts:
        part = raw.strip()
        if not part:
            continue
        if not text or part.startswith(_NO_SPACE_BEFORE) or text.endswith("("):
            text += part
        else:
            text += " " + part
    return text


# --------------------------------------------------------------------------- sections


def _split_sections(page: Page) -> _Sections:
    """Find the heading and the marker lines, in their fixed order."""
    lines = [_Line(n, text.rstrip()) for n, text in enumerate(page.text.splitlines(), 1)]
    heading_index = next((i for i, line in enumerate(lines) if line.text.strip()), None)
    heading = _HEADING.match(lines[heading_index].text) if heading_index is not None else None
    if heading_index is None or heading is None:
        raise page.error_at_line(
            1 if heading_index is None else lines[heading_index].number,
            "the page does not start with a method heading",
            expected="a first line '# <methodName>'",
        )
    starts: list[int] = []
    position = heading_index + 1
    for _key, pattern, expected in _MARKERS:
        found = next((i for i in range(position, len(lines)) if pattern.match(lines[i].text)), None)
        if found is None:
            after = lines[position - 1].number
            raise page.error_at_line(after, f"no {expected} after line {after}", expected=expected)
        starts.append(found)
        position = found + 1
    see_also = next(
        (i for i in range(position, len(lines)) if _SEE_ALSO.match(lines[i].text)), None
    )
    end = len(lines) if see_also is None else see_also
    first_description = _Line(
        lines[starts[0]].number, _MARKERS[0][1].sub("", lines[starts[0]].text, count=1)
    )
    return _Sections(
        method=heading["name"],
        heading_line=lines[heading_index].number,
        description=[first_description, *lines[starts[0] + 1 : starts[1]]],
        request=lines[starts[1] + 1 : starts[2]],
        response=lines[starts[2] + 1 : starts[3]],
        parameters=lines[starts[3] + 1 : end],
        see_also=[] if see_also is None else lines[see_also + 1 :],
    )


def _parse_json_block(page: Page, lines: list[_Line], what: str) -> dict[str, Any]:
    """Parse an example block; JSON errors are reported at their page line."""
    if not lines:
        raise ExtractError(f"the {what} is empty", source=page.path, expected="a JSON object")
    text = "\n".join(line.text for line in lines)
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as error:
        raise ExtractError(
            f"the {what} is not valid JSON: {error.msg}",
            source=page.path,
            line=lines[0].number + error.lineno - 1,
            column=error.colno,
            expected="a JSON object",
        ) from None
    except ValueError as error:  # raised by _no_duplicate_keys
        raise page.error_at_line(
            lines[0].number, f"the {what} {error}", expected="each key once"
        ) from None
    if not isinstance(value, dict):
        raise page.error_at_line(
            lines[0].number, f"the {what} is not a JSON object", expected="a JSON object"
        )
    return value


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads`` hook: a key given twice would silently lose one example value."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"gives the key {key!r} twice")
        result[key] = value
    return result


def _check_method(
    page: Page, method: str, example: dict[str, Any], lines: list[_Line], what: str
) -> None:
    """The examples must be about the method the heading names."""
    if example.get("method") != method:
        raise page.error_at_line(
            lines[0].number,
            f"the {what} has method {example.get('method')!r}, the heading says {method!r}",
            expected=f'"method": "{method}"',
        )


# --------------------------------------------------------------------------- parameters


def _parse_parameters(
    page: Page, lines: list[_Line], request: dict[str, Any]
) -> tuple[list[_Entry], str]:
    """Cut the parameter section into entries; return them and the closing note."""
    known = [key for key in request if key != "method"]
    entries: list[_Entry] = []
    target: _Entry | _Value | None = None  # where prose lines currently go
    for index, line in enumerate(lines):
        text = line.text.strip()
        following = lines[index + 1].text.strip() if index + 1 < len(lines) else ""
        name = _header_name(text, known) if _DASH.match(following) else None
        body = text if name is None else text[: len(text) - len(name)]
        if body.strip():
            if target is None:
                raise page.error_at_line(
                    line.number,
                    "parameter prose before any parameter name",
                    expected="a line holding a parameter name, then '- <description>'",
                )
            _add_prose(target, body)
        if name is not None:
            target = _start_entry(page, entries, name, line.number, known, request)
    note = _split_closing_note(entries)
    for entry in entries:
        _check_entry(page, entry)
    return entries, note


def _header_name(text: str, known: Sequence[str]) -> str | None:
    """The identifier ending ``text``: the longest example key, else a trailing word."""
    glued = [key for key in known if text.endswith(key)]
    if glued:
        return max(glued, key=len)
    match = _TRAILING_IDENTIFIER.search(text)
    return match["name"] if match else None


def _add_prose(target: _Entry | _Value, body: str) -> None:
    """Append a prose line; the first line of an entry loses its leading dash."""
    target.parts.append(body if target.parts else _DASH_PREFIX.sub("", body.strip()))


def _start_entry(
    page: Page,
    entries: list[_Entry],
    name: str,
    line: int,
    known: Sequence[str],
    request: dict[str, Any],
) -> _Entry | _Value:
    """A header is a new parameter, or an enum value of the parameter listing values."""
    current = entries[-1] if entries else None
    if (
        name not in known
        and current is not None
        and _VALUE_LIST_INTRO.search(current.text)
        and isinstance(request.get(current.name), str)
    ):
        if any(value.name == name for value in current.values):
            raise page.error_at_line(line, f"value {name!r} of {current.name!r} listed twice")
        value = _Value(name, line)
        current.values.append(value)
        return value
    if any(entry.name == name for entry in entries):
        raise page.error_at_line(
            line, f"parameter {name!r} is described twice", expected="each parameter once"
        )
    entry = _Entry(name, line)
    entries.append(entry)
    return entry


def _split_closing_note(entries: list[_Entry]) -> str:
    """Detach the page's closing note from the last entry (see the module docstring)."""
    if not entries:
        return ""
    last = entries[-1]
    holder: _Entry | _Value = last.values[-1] if last.values else last
    for index in range(1, len(holder.parts)):
        previous, current = holder.parts[index - 1].rstrip(), holder.parts[index].lstrip()
        if previous.endswith((".", "!", "?")) and current[:1].isupper():
            note = join_lines(holder.parts[index:])
            del holder.parts[index:]
            return note
    return ""


def _check_entry(page: Page, entry: _Entry) -> None:
    """Every parameter and value has some prose (a header with none is a capture error)."""
    if not entry.text:
        raise page.error_at_line(
            entry.line, f"parameter {entry.name!r} has no description", expected="'- <text>'"
        )
    for value in entry.values:
        if not join_lines(value.parts):
            raise page.error_at_line(
                value.line, f"value {value.name!r} has no description", expected="'- <text>'"
            )


# --------------------------------------------------------------------------- schemas


def _json_type(value: Any) -> dict[str, Any] | None:
    """JSON Schema type of an example value; None when the value does not tell (null)."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, dict):
        return {"type": "object"}
    if isinstance(value, list):
        item_types = [_json_type(item) for item in value]
        distinct = [
            t for i, t in enumerate(item_types) if t is not None and t not in item_types[:i]
        ]
        return {"type": "array", "items": distinct[0]} if len(distinct) == 1 else {"type": "array"}
    return None


def _stated_type(text: str) -> dict[str, Any] | None:
    """The type a parameter's prose states, if any."""
    for pattern, schema in _TYPE_STATEMENTS:
        if pattern.search(text):
            return dict(schema)
    return None


def _parameter_schema(page: Page, entry: _Entry, request: dict[str, Any]) -> dict[str, Any]:
    """Type (example, prose), description, enum and default of one parameter."""
    schema = _parameter_type(page, entry, request)
    schema["description"] = _describe(entry)
    if entry.values:
        schema["enum"] = [value.name for value in entry.values]
        schema["x-enum-descriptions"] = [join_lines(value.parts) for value in entry.values]
        _check_example_in_enum(page, entry, request, schema["enum"])
    default = _default(entry.text)
    if default is not None:
        if not _fits(default, schema["type"]):
            raise page.error_at_line(
                entry.line,
                f"parameter {entry.name!r}: default {default!r} is not a {schema['type']}",
                expected=f"a {schema['type']} default",
            )
        schema["default"] = default
    return schema


def _parameter_type(page: Page, entry: _Entry, request: dict[str, Any]) -> dict[str, Any]:
    """The type the example value shows, else the one the prose states; both must agree."""
    from_example = _json_type(request[entry.name]) if entry.name in request else None
    stated = _stated_type(entry.text)
    if from_example and stated and from_example["type"] != stated["type"]:
        raise page.error_at_line(
            entry.line,
            f"parameter {entry.name!r}: the example gives a {from_example['type']}, the "
            f"prose says {stated['type']}",
            expected="the example and the prose to agree",
        )
    schema = from_example or stated
    if schema is None:
        raise page.error_at_line(
            entry.line,
            f"parameter {entry.name!r} is neither in the request example nor has a type statement",
            expected="a request example value, or prose such as 'a flag' or 'an array of strings'",
        )
    return dict(schema)


def _check_example_in_enum(
    page: Page, entry: _Entry, request: dict[str, Any], enum: list[str]
) -> None:
    """A spec whose own example breaks its enum would be wrong either way: report it."""
    if entry.name in request and request[entry.name] not in enum:
        raise page.error_at_line(
            entry.line,
            f"the request example's {entry.name!r} ({request[entry.name]!r}) is not one of "
            "the values the prose lists",
            expected=" | ".join(enum),
        )


def _fits(value: Any, schema_type: str) -> bool:
    """Whether a default literal has the parameter's type (an integer is also a number)."""
    value_type = (_json_type(value) or {}).get("type")
    return value_type == schema_type or (schema_type == "number" and value_type == "integer")


def _describe(entry: _Entry) -> str:
    """The parameter's prose, followed by one line per enum value."""
    lines = [entry.text]
    lines.extend(f"{value.name} — {join_lines(value.parts)}" for value in entry.values)
    return "\n".join(lines)


def _default(text: str) -> Any:
    """The JSON literal a 'default value of …' / 'defaults to …' statement gives."""
    match = _DEFAULT.search(text)
    return json.loads(match["value"].lower()) if match else None


def _is_optional(entry: _Entry) -> bool:
    """Optional when the prose says so or names a default (which only applies if absent)."""
    return bool(_OPTIONAL.search(entry.text)) or _default(entry.text) is not None


def _request_schema(
    page: Page, method: str, request: dict[str, Any], entries: list[_Entry]
) -> dict[str, Any]:
    """The command payload: the example's keys in order, then prose-only parameters.

    ``requestId``: the page only calls it "a unique request identifier" and says
    nothing about leaving it out, so the page's own rule makes it required. That is
    also what a client wants: the reply echoes it, and it is the only way to match a
    reply to one of several commands in flight. (The protocol accepts commands
    without it; a client that always sends one loses nothing.)
    """
    described = {entry.name: entry for entry in entries}
    properties: dict[str, Any] = {"method": {"type": "string", "const": method}}
    required = ["method"]
    order = [key for key in request if key != "method"]
    order += [entry.name for entry in entries if entry.name not in request]
    for name in order:
        entry = described.get(name)
        if entry is None:  # in the example but not described: the example still shows it
            schema = _json_type(request[name]) or {}
            properties[name] = schema
            required.append(name)
            continue
        properties[name] = _parameter_schema(page, entry, request)
        if not _is_optional(entry):
            required.append(name)
    return {"type": "object", "properties": properties, "required": required}


def _reply_schema(response: dict[str, Any]) -> dict[str, Any]:
    """The reply payload: every key of the response example, typed by its value."""
    properties: dict[str, Any] = {}
    for key, value in response.items():
        if key == "method":
            properties[key] = {"type": "string", "const": value}
        else:
            properties[key] = _json_type(value) or {}
    return {"type": "object", "properties": properties, "required": list(response)}


def _event_schema(name: str) -> dict[str, Any]:
    """A notification the page names but does not detail: the envelope only, open."""
    return {
        "type": "object",
        "properties": {
            "method": {"type": "string", "const": "event"},
            "event": {"type": "string", "const": name},
        },
        "required": ["method", "event"],
        "additionalProperties": True,
    }


# --------------------------------------------------------------------------- names


def _classify_names(page: Page, sections: _Sections, entries: list[_Entry]) -> _Classified:
    """Notifications and commands named in the prose and in "See also" (module docstring)."""
    prose = " ".join(
        [join_lines([line.text for line in sections.description])]
        + [_describe(entry) for entry in entries]
    )
    notifications: list[str] = []
    commands: list[str] = []
    for match in _NAMED_NOTIFICATION.finditer(prose):
        _append_new(notifications, match["after"] or match["before"])
    for match in _NAMED_COMMAND.finditer(prose):
        _append_new(commands, match["name"])
    topics: list[str] = []
    for line in sections.see_also:
        name = _DASH_PREFIX.sub("", line.text.strip())
        if not name or name == sections.method or name in notifications or name in commands:
            continue
        if not _IDENTIFIER.match(name):
            _append_new(topics, name)  # a guide page ("Waiting room"), not a message
        elif _is_command_name(name):
            commands.append(name)
        elif _is_event_name(name):
            notifications.append(name)
        else:
            raise page.error_at_line(
                line.number,
                f"cannot tell whether {name!r} is a command or a notification",
                expected="an imperative verb first (getX, setX) or a past event (xChanged)",
            )
    clash = sorted(set(notifications) & set(commands))
    if clash:
        raise page.error_at_line(
            sections.heading_line, f"named both a command and a notification: {clash}"
        )
    return _Classified(notifications, commands, topics)


def _append_new(names: list[str], name: str) -> None:
    if name not in names:
        names.append(name)


def _words(name: str) -> list[str]:
    """camelCase words, lower-cased."""
    return [word.lower() for word in re.findall(r"[a-z0-9]+|[A-Z][a-z0-9]*", name)]


def _is_command_name(name: str) -> bool:
    return _words(name)[0] in _COMMAND_VERBS


def _is_event_name(name: str) -> bool:
    words = _words(name)
    return (
        words[0] == "new"
        or any(word.endswith("ed") for word in words[1:])
        or any(word in _IRREGULAR_PAST for word in words[1:])
    )


# --------------------------------------------------------------------------- document


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(?:\s|$)", text)
    return match.group(1) if match else text


def _message(
    name: str, kind: str, schema: str, *, summary: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A components.messages entry; ``x-confgen-kind`` tells the client what it is."""
    message: dict[str, Any] = {"name": name, "title": name}
    if summary:
        message["summary"] = summary
    message.update(extra)
    message["payload"] = {"$ref": f"#/components/schemas/{schema}"}
    message["x-confgen-kind"] = kind
    return message


def _channel_ref(message: str) -> dict[str, str]:
    return {"$ref": f"#/channels/{CHANNEL}/messages/{message}"}


def _document(
    method: str,
    description: str,
    note: str,
    request: dict[str, Any],
    response: dict[str, Any],
    request_schema: dict[str, Any],
    names: _Classified,
) -> dict[str, Any]:
    """Assemble the AsyncAPI document: schemas, messages, one channel, operations."""
    reply = f"{method}Reply"
    summary = _first_sentence(description)
    full_description = f"{description}\n\n{note}" if note else description
    schemas: dict[str, Any] = {
        f"{_pascal(method)}Request": request_schema,
        f"{_pascal(method)}Reply": _reply_schema(response),
    }
    messages: dict[str, Any] = {
        method: _message(
            method,
            "command",
            f"{_pascal(method)}Request",
            summary=summary,
            description=full_description,
            examples=[{"name": "request", "payload": request}],
        ),
        reply: _message(
            reply,
            "reply",
            f"{_pascal(method)}Reply",
            summary=f"Reply to {method}.",
            examples=[{"name": "response", "payload": response}],
        ),
    }
    operations: dict[str, Any] = {
        method: {
            "action": "send",
            "channel": {"$ref": f"#/channels/{CHANNEL}"},
            "summary": summary,
            "messages": [_channel_ref(method)],
            "reply": {
                "channel": {"$ref": f"#/channels/{CHANNEL}"},
                "messages": [_channel_ref(reply)],
            },
        }
    }
    for event in names.notifications:
        schemas[f"{_pascal(event)}Event"] = _event_schema(event)
        messages[event] = _message(event, "notification", f"{_pascal(event)}Event")
        operations[f"on{_pascal(event)}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{CHANNEL}"},
            "messages": [_channel_ref(event)],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "TrueConf Room API",
            "version": "1.0.0",
            "description": f"TrueConf Room / VideoSDK WebSocket API: the {method} method page.",
        },
        "defaultContentType": "application/json",
        # No address: the page does not give one (the overlay adds it with the server).
        "channels": {
            CHANNEL: {
                "title": "Room WebSocket",
                "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in messages},
            }
        },
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
        "x-confgen-see-also": {
            "commands": names.commands,
            "notifications": names.notifications,
            "topics": names.topics,
        },
    }
