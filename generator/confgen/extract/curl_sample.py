"""The request sample of a reference page: one curl command (URL, bearer header, ``-d``
JSON), read with shell quoting rules and checked against the operation; and the JSON
response sample beside it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from confgen.extract.page import Page
from confgen.extract.page_lines import PageLine, Section

JSON_MEDIA_TYPE = "application/json"
_BEARER = re.compile(r"^Bearer[ \t]+\S+$", re.IGNORECASE)
# curl options that take an argument (the rest are flags such as -L).
_CURL_DATA = ("-d", "--data", "--data-raw", "--data-binary", "--data-ascii")
_CURL_WITH_ARGUMENT = (
    *_CURL_DATA,
    "-H",
    "--header",
    "-X",
    "--request",
    "-u",
    "--user",
    "--url",
)


def parse_json(page: Page, text: str, offset: int, what: str) -> Any:
    """JSON ``text`` found at page ``offset``; errors point at the page position."""

    def reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    decoder = json.JSONDecoder(parse_constant=reject_constant)
    start = len(text) - len(text.lstrip())
    try:
        value, end = decoder.raw_decode(text, start)
    except json.JSONDecodeError as error:
        raise page.error_at(
            offset + error.pos, f"the {what} is not valid JSON: {error.msg}", expected="valid JSON"
        ) from None
    except ValueError as error:
        raise page.error_at(
            offset + start, f"the {what} is not valid JSON: {error}", expected="valid JSON"
        ) from None
    rest = text[end:]
    if rest.strip():
        raise page.error_at(
            offset + end + len(rest) - len(rest.lstrip()),
            f"unexpected text after the {what}",
            expected="nothing after the JSON value",
        )
    return value


@dataclass(frozen=True)
class _Word:
    """A shell word and the page offset of its first character of content."""

    text: str
    offset: int


def _shell_words(page: Page, text: str, start: int) -> tuple[list[_Word], int]:
    """Split one shell command (from ``start`` to its end of line) into words.

    Returns the words and the offset where the command ends.
    Enough of POSIX sh for doc samples: quotes, backslash escapes and line continuations.
    Offsets are exact for single-quoted words, which is how samples quote JSON bodies.
    """
    words: list[_Word] = []
    i = start
    while i < len(text) and text[i] != "\n":
        continuation = re.match(r"\\\r?\n", text[i : i + 3])
        if continuation:  # backslash-newline joins the next line to the command
            i += continuation.end()
            continue
        if text[i] in " \t\r":
            i += 1
            continue
        parts: list[str] = []
        content = i + 1 if text[i] in "'\"" else i
        while i < len(text) and text[i] not in " \t\r\n":
            i = _shell_word_part(page, text, i, parts)
        words.append(_Word("".join(parts), content))
    return words, i


def _shell_word_part(page: Page, text: str, i: int, parts: list[str]) -> int:
    """Consume one quoted string, escape or character at ``i``; return the next index."""
    char = text[i]
    if char == "'":
        end = text.find("'", i + 1)
        if end < 0:
            raise page.error_at(
                i, "unterminated ' quote in the curl sample", expected="a closing '"
            )
        parts.append(text[i + 1 : end])
        return end + 1
    if char == '"':
        j = i + 1
        while j < len(text) and text[j] != '"':
            if text[j] == "\\" and j + 1 < len(text) and text[j + 1] in '"\\$`':
                j += 1
            parts.append(text[j])
            j += 1
        if j >= len(text):
            raise page.error_at(
                i, 'unterminated " quote in the curl sample', expected='a closing "'
            )
        return j + 1
    if char == "\\" and i + 1 < len(text):
        parts.append(text[i + 1])
        return i + 2
    parts.append(char)
    return i + 1


@dataclass
class CurlCommand:
    """What the request sample says: URL, method, headers, body."""

    line: PageLine
    url: _Word | None = None
    method: _Word | None = None
    headers: list[_Word] = field(default_factory=list)
    data: _Word | None = None


def read_curl(page: Page, section: Section | None) -> CurlCommand:
    """The curl command that is the whole of "Request samples"."""
    lines = [line for line in section.lines if not line.blank] if section else []
    line = lines[0] if lines else None
    if line is None or not re.match(r"^[ \t]*curl(?:[ \t]|$)", line.text):
        raise page.error_at_line(
            section.heading.number if section else len(page.text.splitlines()) or 1,
            "no curl request sample: every Telnyx call needs auth, "
            "and the bearer scheme and server URL are read from that sample",
            expected="a 'Request samples' section holding a curl command",
        )
    words, end = _shell_words(
        page, page.text, line.offset + len(line.text) - len(line.text.lstrip())
    )
    # Anything after the command would be dropped unread (a lost heading, say): refuse.
    rest = next((ln for ln in lines if ln.offset >= end), None)
    if rest is not None:
        raise page.error_at_line(
            rest.number,
            f"unexpected text after the curl sample: {rest.text.strip()!r}",
            expected="only the curl command under 'Request samples'",
        )
    curl = CurlCommand(line)
    index = 1
    while index < len(words):
        word = words[index]
        if word.text in _CURL_WITH_ARGUMENT:
            if index + 1 >= len(words):
                raise page.error_at(
                    word.offset, f"curl option {word.text} lacks its argument", expected="a value"
                )
            _curl_option(curl, word.text, words[index + 1])
            index += 2
            continue
        if not word.text.startswith("-"):
            if curl.url is not None:
                raise page.error_at(word.offset, "curl sample has two URLs", expected="one URL")
            curl.url = word
        index += 1
    return curl


def _curl_option(curl: CurlCommand, option: str, argument: _Word) -> None:
    """Record one curl option that takes an argument."""
    if option in _CURL_DATA:
        curl.data = argument
    elif option in ("-H", "--header"):
        curl.headers.append(argument)
    elif option in ("-X", "--request"):
        curl.method = argument
    elif option == "--url":
        curl.url = argument
    # -u/--user is skipped: basic credentials are not what this page documents.


def curl_server_url(page: Page, curl: CurlCommand, path: str) -> str:
    """The sample URL minus the operation path; it must end with that path."""
    if curl.url is None:
        raise page.error_at_line(
            curl.line.number, "the curl sample has no URL", expected="the operation's URL"
        )
    parts = urlsplit(curl.url.text)
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.path.endswith(path):
        raise page.error_at(
            curl.url.offset,
            f"the curl sample URL {curl.url.text!r} does not end with the operation path {path!r}",
            expected=f"'https://<host>[/<base>]{path}'",
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path[: len(parts.path) - len(path)]}"


def check_curl(page: Page, curl: CurlCommand, method: str) -> None:
    """The sample must send the page's method, JSON and a bearer token."""
    sent = curl.method.text if curl.method else ("POST" if curl.data else "GET")
    if sent.upper() != method:
        where = curl.method.offset if curl.method else curl.line.offset
        raise page.error_at(
            where, f"the curl sample sends {sent}, the page says {method}", expected=method
        )
    authorization: _Word | None = None
    for header in curl.headers:
        name, _, value = header.text.partition(":")
        media_type = value.split(";")[0].strip().lower()
        if name.strip().lower() == "content-type" and media_type != JSON_MEDIA_TYPE:
            raise page.error_at(
                header.offset,
                f"the curl sample sends {value.strip()!r}; only JSON bodies are supported",
                expected=f"Content-Type: {JSON_MEDIA_TYPE}",
            )
        if name.strip().lower() == "authorization":
            authorization = header
    if authorization is None or not _BEARER.match(authorization.text.partition(":")[2].strip()):
        raise page.error_at(
            authorization.offset if authorization else curl.line.offset,
            "the curl sample sends no 'Authorization: Bearer' header; every Telnyx call "
            "needs one and the security scheme is read from it",
            expected="-H 'Authorization: Bearer <TOKEN>'",
        )


def read_response_sample(page: Page, section: Section | None) -> tuple[bool, Any]:
    """(found, value) of the JSON under "Response samples"; no section, no sample."""
    if section is None:
        return False, None
    start = next((ln for ln in section.lines if ln.text.lstrip()[:1] in ("{", "[")), None)
    if start is None:
        raise page.error_at_line(
            section.heading.number,
            "the Response samples section holds no JSON sample",
            expected="a JSON object or array",
        )
    end = section.lines[-1]
    text = page.text[start.offset : end.offset + len(end.text)]
    return True, parse_json(page, text, start.offset, "response sample")
