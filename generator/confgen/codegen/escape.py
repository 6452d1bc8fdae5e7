"""The one path spec text takes into generated files.

Every string that comes from a spec, a doc page or an overlay reaches generated source
through a function of this module:

- `pystr` / `pyvalue`: a Python literal (string, or JSON-like data) that reads back as
  exactly the value (quotes, backslashes, NUL, CR, lone surrogates all escaped);
- `pydoc` / `docstring`: text inside a triple-quoted docstring (backslashes, triple
  quotes and characters Python source cannot hold literally escaped);
- `pycomment`: one line of a ``#`` comment (line breaks escaped, so text can never
  end the comment);
- `md_text`, `md_code`, `md_fence`, `md_comment`: the same for the Markdown README;
- `identifier` / `expression`: checks for names and expressions the generator built
  itself (sanitised identifiers, annotations made of escaped literals).

Each returns `Code`, a ``str`` that says "already escaped". The Jinja environments use
`finalize`, which refuses to interpolate any other string that is not a plain ASCII
identifier: a template that prints spec text without one of these filters fails to
render (a generator bug, caught by the test suite) instead of writing unescaped text.
"""

from __future__ import annotations

import ast
import json
import math
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import jinja2

__all__ = [
    "Code",
    "UnescapedTextError",
    "docstring",
    "expression",
    "finalize",
    "identifier",
    "install",
    "join_identifiers",
    "md_cell",
    "md_code",
    "md_comment",
    "md_fence",
    "md_text",
    "plain_text",
    "pycomment",
    "pydoc",
    "pypath",
    "pystr",
    "pyvalue",
    "tomlstr",
]


class Code(str):
    """Text already escaped for where it goes (the only strings templates print as is)."""

    __slots__ = ()


class UnescapedTextError(ValueError):
    """A template printed a string that did not go through this module (a generator bug)."""


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
# Template text that is harmless anywhere a template prints it (docstrings, comments,
# Markdown): no quotes, backslashes, line breaks, ``#``, backticks, braces or ``<>``.
_HARMLESS = re.compile(r"[A-Za-z0-9_ .,()/:=+-]*\Z")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def _visible(char: str) -> str:
    """A character Python source (or a reader) cannot take literally, spelled out."""
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def plain_text(value: object) -> str:
    """Documentation text: line breaks normalised to ``\\n``, tabs to spaces, and every
    other character that is not printable (NUL, other controls, lone surrogates, U+2028)
    spelled out as a visible ``\\xNN``/``\\uNNNN``."""
    text = _LINE_BREAKS.sub("\n", str(value)).replace("\t", "    ")
    return "".join(char if char == "\n" or char.isprintable() else _visible(char) for char in text)


_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def pystr(value: object) -> Code:
    """A double-quoted Python string literal holding exactly ``str(value)``: quotes,
    backslashes and every character that is not printable (NUL, CR, lone surrogates,
    U+2028) escaped, so it is one line of valid source whatever the value holds."""
    return Code(
        '"'
        + "".join(
            _STRING_ESCAPES.get(char) or (char if char.isprintable() else _visible(char))
            for char in str(value)
        )
        + '"'
    )


def pypath(value: object) -> Code:
    """A URL path template as a string literal: characters a URL cannot hold literally
    (spaces, controls, quotes, non-ASCII) percent-encoded, ``{name}`` placeholders and
    the characters RFC 3986 allows in a path kept."""
    return pystr(quote(str(value), safe="/{}:@!$&'()*+,;=-._~%", errors="surrogatepass"))


def pyvalue(value: Any) -> Code:
    """A Python literal for JSON-like data (dicts, lists, tuples, strings, numbers, None).

    Strings are `repr`-escaped; non-finite floats (YAML ``.inf``) become
    ``float("inf")``; anything else is its string, as a string literal.
    """
    if isinstance(value, str):
        return pystr(value)
    if value is None or isinstance(value, bool | int):
        return Code(repr(value))
    if isinstance(value, float):
        return Code(repr(value) if math.isfinite(value) else f"float({str(value)!r})")
    if isinstance(value, Mapping):
        items = ", ".join(f"{pyvalue(k)}: {pyvalue(v)}" for k, v in value.items())
        return Code("{" + items + "}")
    if isinstance(value, tuple):
        inner = ", ".join(pyvalue(item) for item in value)
        return Code("(" + inner + ("," if len(value) == 1 else "") + ")")
    if isinstance(value, list | set | frozenset):
        items_list = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return Code("[" + ", ".join(pyvalue(item) for item in items_list) + "]")
    return pystr(value)


def pydoc(value: object) -> Code:
    """Text for inside a ``\"\"\"`` docstring: it can neither end the string nor start an
    escape sequence, and reads back as `plain_text` of the value."""
    text = plain_text(value).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return Code(text)


def docstring(summary: str, body: str = "", sections: Sequence[tuple[str, str]] = ()) -> Code:
    """A whole triple-quoted docstring from spec text: escaped, wrapped, with an Args section."""

    def clean(text: str) -> str:
        return "\n".join(line.rstrip() for line in pydoc(text).strip().splitlines())

    parts = [clean(summary).rstrip(".") + "." if summary.strip() else ""]
    if body.strip():
        parts.append(clean(body))
    if sections:
        lines = ["Args:"]
        for name, text in sections:
            wrapped = textwrap.wrap(
                clean(" ".join(text.split())) or "(no description)",
                width=88,
                initial_indent=f"    {identifier(name)}: ",
                subsequent_indent="        ",
                break_long_words=False,
                break_on_hyphens=False,
            )
            lines.extend(wrapped)
        parts.append("\n".join(lines))
    text = "\n\n".join(part for part in parts if part)
    if text.endswith('"'):
        text += " "
    return Code(f'"""{text}\n"""' if "\n" in text else f'"""{text}"""')


def pycomment(value: object) -> Code:
    """One line of a ``#`` comment: line breaks spelled ``\\n``, so it stays one line."""
    return Code(plain_text(value).replace("\\", "\\\\").replace("\n", "\\n"))


def tomlstr(value: object) -> Code:
    """A TOML basic string holding exactly ``str(value)`` (JSON's escapes are TOML's; a
    lone surrogate, which neither format can hold, becomes U+FFFD)."""
    text = str(value).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return Code(json.dumps(text, ensure_ascii=True))


def identifier(value: object) -> Code:
    """``value`` checked to be an ASCII identifier (or a dotted path of them)."""
    text = str(value)
    if not _IDENTIFIER.match(text):
        raise UnescapedTextError(f"not a sanitised identifier: {text!r}")
    return Code(text)


def join_identifiers(values: Iterable[object], separator: str = ", ") -> Code:
    """Identifiers joined (each checked by `identifier`)."""
    return Code(separator.join(identifier(value) for value in values))


def expression(value: object) -> Code:
    """A Python expression the generator built (an annotation of escaped literals),
    checked to parse as one expression and to call nothing."""
    text = str(value)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise UnescapedTextError(f"not a Python expression: {text!r}") from None
    if any(isinstance(node, ast.Call | ast.Lambda | ast.NamedExpr) for node in ast.walk(tree)):
        raise UnescapedTextError(f"an annotation may not call anything: {text!r}")
    return Code(text)


_MD_SPECIAL = str.maketrans({"<": "&lt;", ">": "&gt;", "&": "&amp;"})


def md_text(value: object, *, inline: bool = True) -> Code:
    """Markdown prose: HTML characters escaped; ``inline`` text joined onto one line
    (so it cannot start a heading, a list or a fence of its own)."""
    text = plain_text(value).translate(_MD_SPECIAL)
    if inline:
        text = " ".join(text.split())
    else:
        text = "\n".join(
            line if not line.lstrip().startswith(("```", "~~~")) else "\\" + line.lstrip()
            for line in text.splitlines()
        )
    return Code(text)


def md_code(value: object) -> Code:
    """An inline Markdown code span holding ``value`` (one line; the backtick fence is
    longer than any backtick run inside)."""
    text = " ".join(plain_text(value).split("\n"))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`") or longest:
        text = f" {text} "
    return Code(f"{fence}{text}{fence}")


def md_cell(value: object) -> Code:
    """`md_code` for a Markdown table cell: ``|`` escaped so it cannot end the cell."""
    return Code(md_code(value).replace("|", "\\|"))


def md_fence(code: str, language: str = "python") -> Code:
    """A fenced Markdown code block around ``code`` (generated code: already escaped)."""
    longest = max((len(run) for run in re.findall(r"`{3,}", code)), default=2)
    fence = "`" * (longest + 1)
    return Code(f"{fence}{identifier(language)}\n{code}\n{fence}")


def md_comment(value: object) -> Code:
    """Text for inside an HTML comment (``<!-- ... -->``): one line, no ``--``."""
    text = " ".join(plain_text(value).split("\n"))
    while "--" in text:
        text = text.replace("--", "- -")
    return Code(text.replace(">", "&gt;"))


def finalize(value: object) -> object:
    """Jinja's ``finalize``: what a ``{{ ... }}`` may print.

    `Code`, numbers, booleans, None and strings of letters, digits, spaces and
    ``_.,()/:=+-`` print as they are (identifiers, the templates' own words); any other
    string is refused with `UnescapedTextError`. Spec text always carries something
    else in the hostile-spec tests, so a template that forgets a filter fails there.
    """
    if isinstance(value, Code | jinja2.Undefined):  # Undefined prints "" or raises itself
        return value
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str) and _HARMLESS.match(value):
        return value
    raise UnescapedTextError(
        f"a template printed {value!r} without an escaping filter "
        "(|pystr, |pydoc, |pycomment, |md_text, |md_code, ...)"
    )


def _indent(value: object, width: int = 4, first: bool = False) -> Code:
    """Jinja's ``indent`` for `Code` (the result stays escaped)."""
    if not isinstance(value, Code):
        raise UnescapedTextError(f"|indent of unescaped text: {value!r}")
    prefix = " " * width
    lines = value.split("\n")
    out = [lines[0] if not first else prefix + lines[0]]
    out += [prefix + line if line else line for line in lines[1:]]
    return Code("\n".join(out))


def install(env: Any) -> None:
    """Give a Jinja environment this module's filters and its `finalize` guard."""
    env.finalize = finalize
    env.filters.update(
        {
            "pystr": pystr,
            "tomlstr": tomlstr,
            "pypath": pypath,
            "pyrepr": pyvalue,
            "pyvalue": pyvalue,
            "pydoc": pydoc,
            "pycomment": pycomment,
            "identifier": identifier,
            "join_identifiers": join_identifiers,
            "expression": expression,
            "md_text": md_text,
            "md_code": md_code,
            "md_cell": md_cell,
            "md_comment": md_comment,
            "md_fence": md_fence,
            "indent": _indent,
        }
    )
