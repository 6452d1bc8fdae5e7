"""Python names for things a spec names: resources, methods, arguments, classes.

Every name the generated code exposes goes through here, so every package reads alike:
resource = snake_case of the operation's first tag (without ``subpackage_``), method =
snake_case of its operationId, arguments = snake_case of the wire name, escaped when
Python would refuse or misread them.
"""

from __future__ import annotations

import builtins
import functools
import hashlib
import keyword
import re
from collections.abc import Iterable
from pathlib import Path

from confgen.errors import ConfgenError

__all__ = [
    "MAX_IDENTIFIER",
    "RESERVED_ARGUMENTS",
    "check_unique",
    "class_identifier",
    "method_reserved",
    "operation_id_from_route",
    "pascal_case",
    "python_identifier",
    "resource_name",
    "resource_reserved",
    "snake_case",
]

# The HTTP target's resource template and runtime: the names its method bodies use.
_TEMPLATES = Path(__file__).resolve().parent / "http" / "templates"
_RUNTIME = Path(__file__).resolve().parent / "http" / "runtime"
_JINJA_TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_IMPORT_BLOCK = re.compile(
    r"^from \S+ import \(([^)]*)\)|^from \S+ import ([^\n(]+)$", re.MULTILINE
)
_PLAIN_IMPORT = re.compile(r"^\s*import (\w+)", re.MULTILINE)
_WORD = re.compile(r"[A-Za-z_]\w*")


def _template_text(name: str) -> str:
    return _JINJA_TAGS.sub(" ", (_TEMPLATES / name).read_text(encoding="utf-8"))


def _module_names(text: str) -> set[str]:
    """The names a template's module binds by import (``from x import a, b`` / ``import x``),
    plus the builtins its code uses: a method argument with one of them would shadow it."""
    names: set[str] = set()
    for match in _IMPORT_BLOCK.finditer(text):
        block = match.group(1) or match.group(2) or ""
        names |= {part.split(" as ")[-1].strip() for part in block.split(",") if part.strip()}
    names |= set(_PLAIN_IMPORT.findall(text))
    code = re.sub(r'"""[\s\S]*?"""', " ", text)  # docstrings: words, not names
    names |= {word for word in _WORD.findall(code) if hasattr(builtins, word)}
    return {name for name in names if name.isidentifier()}


def _class_members(text: str) -> set[str]:
    """The attributes a template's classes define (``def x(`` and ``x = `` in a class body)."""
    found = re.findall(r"^    (?:async )?def (\w+)\(|^    (\w+) = ", text, re.MULTILINE)
    return {a or b for a, b in found}


def _runtime_members(*class_names: str) -> set[str]:
    """The attributes (methods, class and instance attributes) of runtime classes."""
    from confgen.codegen.http.runtime import _client

    names: set[str] = set()
    for class_name in class_names:
        names |= {n for n in dir(getattr(_client, class_name)) if not n.startswith("__")}
    source = (_RUNTIME / "_client.py").read_text(encoding="utf-8")
    names |= set(re.findall(r"self\.(\w+)\s*(?::[^=\n]*)?=", source))
    return names


#: Keyword arguments every generated method already takes, and every name the method
#: bodies use (the resource module's imports and the builtins the template calls:
#: ``models``, ``validate_request``, ``strip_not_given``, ``scalar``, ``isinstance``...),
#: read from ``http/templates/resource.py.jinja`` itself so the set cannot fall behind it.
#: A parameter with one of these names is escaped (``timeout_``, ``models_``).
def _runtime_exports() -> set[str]:
    """What the runtime package and its encoding module export (the resource template
    imports from both, some names only under a condition)."""
    from confgen.codegen.http.runtime import __all__ as runtime_all
    from confgen.codegen.http.runtime._encoding import __all__ as encoding_all

    return {*runtime_all, *encoding_all}


RESERVED_ARGUMENTS = frozenset(
    {"self", "timeout", "extra_headers", "extra_query", "extra_body", "max_retries"}
    | _module_names(_template_text("resource.py.jinja"))
    | _runtime_exports()
)

#: Identifiers longer than this are shortened (a readable prefix and a hash of the whole
#: name): a file name must fit the file system, and two long names must stay distinct.
MAX_IDENTIFIER = 60


@functools.cache
def resource_reserved() -> frozenset[str]:
    """Names a tag may not take as a client attribute: every attribute of the runtime's
    client classes (``request``, ``close``, ``with_options``...) and of the client template
    (``package_name``, ``body_errors``, ``webhooks``)."""
    return frozenset(
        _runtime_members("SyncAPIClient", "AsyncAPIClient", "_BaseClient")
        | _class_members(_template_text("client.py.jinja"))
        | {"webhooks"}
    )


@functools.cache
def method_reserved() -> frozenset[str]:
    """Names an operation may not take as a method: the resource classes' own attributes
    (``with_raw_response``, ``_client``...)."""
    return frozenset(
        _runtime_members("SyncResource", "AsyncResource")
        | _class_members(_template_text("resource.py.jinja"))
    )


def _shorten(text: str, separator: str = "_") -> str:
    if len(text) <= MAX_IDENTIFIER:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    if not separator:  # a class name: PascalCase stays PascalCase
        digest = digest.upper()
    head = text[: MAX_IDENTIFIER - 8 - len(separator)].rstrip("_")
    return f"{head}{separator}{digest}"


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
    text = _shorten(snake_case(name)) or "_"
    if text[0].isdigit():
        text = "_" + text
    reserved = set(reserved)
    while keyword.iskeyword(text) or keyword.issoftkeyword(text) or text in reserved:
        text += "_"
    return text


def class_identifier(name: str, fallback: str = "Model") -> str:
    """``name`` as a class name: PascalCase ASCII, shortened like `python_identifier`;
    empty or starting with a digit, it gets ``fallback`` in front (``Model2x2``)."""
    text = _shorten(pascal_case(name), separator="")
    if not text or text[0].isdigit():
        text = fallback + text
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


def operation_id_from_route(method: str, path: str) -> str:
    """The name of an operation the spec gives no operationId: its method and path
    (``GET /users/{id}/posts`` -> ``get_users_by_id_posts``), the same every run."""
    words = [method.lower()]
    for segment in path.strip("/").split("/"):
        variable = re.fullmatch(r"\{([^{}]+)\}", segment)
        words += ["by", variable.group(1)] if variable else [segment]
    return snake_case("_".join(words)) or method.lower()
