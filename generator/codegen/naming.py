"""Python names for things a spec names: resources, methods, arguments, classes.

Every name the generated code exposes goes through here, so every package reads alike:
resource = snake_case of the operation's first tag (without ``subpackage_``), method =
snake_case of its operationId, arguments = snake_case of the wire name, escaped when
Python would refuse or misread them.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Iterable

from generator.errors import ConfgenError

__all__ = [
    "RESERVED_ARGUMENTS",
    "check_unique",
    "pascal_case",
    "python_identifier",
    "resource_name",
    "snake_case",
]

#: Keyword arguments every generated method already takes; a parameter with one of these
#: names is escaped (``timeout_``) so the per-call option keeps its meaning.
RESERVED_ARGUMENTS = frozenset(
    {"self", "timeout", "extra_headers", "extra_query", "extra_body", "max_retries"}
)

_BOUNDARY_LOWER_UPPER = re.compile(r"([a-z0-9])([A-Z])")
_BOUNDARY_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_NOT_WORD = re.compile(r"[^0-9A-Za-z]+")


def snake_case(name: str) -> str:
    """``start-conference`` -> ``start_conference``, ``StartConference`` -> ``start_conference``.

    Acronyms stay together (``getHTTPStatus`` -> ``get_http_status``); any run of
    characters that cannot be in an identifier becomes one underscore.
    """
    text = _BOUNDARY_ACRONYM.sub(r"\1_\2", name)
    text = _BOUNDARY_LOWER_UPPER.sub(r"\1_\2", text)
    text = _NOT_WORD.sub("_", text).strip("_").lower()
    return text


def pascal_case(name: str) -> str:
    """``start-conference`` -> ``StartConference`` (for class names)."""
    return "".join(part[:1].upper() + part[1:] for part in snake_case(name).split("_") if part)


def resource_name(tag: str) -> str:
    """The client attribute for a tag: ``subpackage_scenarios`` -> ``scenarios``."""
    return snake_case(tag.removeprefix("subpackage_"))


def python_identifier(name: str, *, reserved: Iterable[str] = ()) -> str:
    """``name`` made a safe Python identifier: snake_case, then escaped if needed.

    A keyword (``from``, ``class``), a soft keyword used as a name, or a name in
    ``reserved`` gets a trailing underscore (``from_``); a leading digit gets a leading
    underscore (``_2x2``). Builtin
    names (``id``, ``type``) are kept: as keyword-only arguments and model fields they
    shadow nothing the generated code uses, and users expect ``conf.data.id``.
    """
    text = snake_case(name) or "_"
    if text[0].isdigit():
        text = "_" + text
    if keyword.iskeyword(text) or keyword.issoftkeyword(text) or text in set(reserved):
        text += "_"
    return text


def shadows_builtin(name: str) -> bool:
    """Whether ``name`` is a Python builtin (kept as is, but worth knowing in reviews)."""
    return hasattr(builtins, name)


def check_unique(
    names: Iterable[tuple[str, str, str]], *, what: str, source: str
) -> dict[str, str]:
    """Map each original name to its Python name; fail on two that collide.

    ``names`` holds ``(original, python_name, json_pointer)``. Two different originals
    that snake_case to the same Python name (``userId`` and ``user_id``) cannot both
    be arguments, so this raises a `ConfgenError` naming both and where the second is.
    """
    seen: dict[str, str] = {}
    mapping: dict[str, str] = {}
    for original, python, pointer in names:
        if python in seen and seen[python] != original:
            raise ConfgenError(
                f"{what} {original!r} and {seen[python]!r} both become {python!r} in Python",
                source=source,
                pointer=pointer,
            )
        seen[python] = original
        mapping[original] = python
    return mapping
