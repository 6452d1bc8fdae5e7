"""Parameter serialisation as OpenAPI 3.0/3.1 define it (``style``, ``explode``,
``allowReserved``) for path, query, header and cookie parameters.

The style table of OpenAPI 3.1.1 (which follows RFC 6570) is the reference:

- query ``form`` (default, explode true), ``spaceDelimited``, ``pipeDelimited``,
  ``deepObject``; path ``simple`` (default), ``label``, ``matrix``; header ``simple``;
  cookie ``form`` (explode true).
- Values are percent-encoded (RFC 3986 unreserved characters kept) except the
  delimiters the style adds, so a receiver can split first and decode each piece; with
  ``allowReserved`` the reserved characters ``:/?[]@!$&'()*+,;=`` are kept as well
  (``#`` is always encoded: it would end the URL's query). Header values are not
  percent-encoded.
- Booleans are ``true``/``false``, dates ISO 8601 (`scalar`); ``None`` values (and
  ``None`` items or object members) are left out.
- Shapes OpenAPI leaves undefined are spelled as the official Stainless SDKs do:
  a nested object under ``deepObject`` nests brackets (``filter[date][gte]=...``), and
  an array under ``deepObject`` is comma-joined (``filter[status]=a,b``); an exploded
  ``form`` object's nested members nest the same way (``date[gte]=...``).

httpx's ``QueryParams`` cannot be used for the final encoding: it percent-encodes the
style delimiters (``,`` ``|``) too, which would make the pieces inseparable.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import quote

from pydantic import BaseModel

from ._encoding import scalar
from ._types import NOT_GIVEN, new_uuid4

__all__ = [
    "DEFAULT_STYLE",
    "ParamStyle",
    "encode_cookies",
    "encode_form",
    "encode_header",
    "encode_headers",
    "encode_path",
    "encode_query",
]

Style = Literal[
    "form", "spaceDelimited", "pipeDelimited", "deepObject", "simple", "label", "matrix"
]


@dataclass(frozen=True, slots=True)
class ParamStyle:
    """How one parameter is serialised: OpenAPI's ``style``, ``explode``, ``allowReserved``."""

    style: Style = "form"
    explode: bool = True
    allow_reserved: bool = False


DEFAULT_STYLE: Final = ParamStyle()
"""Query and cookie parameters: ``form``, exploded."""
_SIMPLE: Final = ParamStyle("simple", False)
"""Path and header parameters."""
_EMPTY_STYLES: Final[Mapping[str, ParamStyle]] = {}

_RESERVED: Final = ":/?[]@!$&'()*+,;="
# Strings made only of these need no quoting at all (the common case: ids, numbers).
_PLAIN: Final = re.compile(r"[A-Za-z0-9._~-]*")
_PLAIN_RESERVED: Final = re.compile(r"[A-Za-z0-9._~:/?\[\]@!$&'()*+,;=-]*")


# ASCII text is encoded with one str.translate (several times faster than quote()).
_UNRESERVED: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ASCII_TABLE: Final = {c: f"%{c:02X}" for c in range(128) if chr(c) not in _UNRESERVED}
_ASCII_TABLE_RESERVED: Final = {
    c: code for c, code in _ASCII_TABLE.items() if chr(c) not in _RESERVED
}


@functools.lru_cache(maxsize=4096)
def _pct(text: str, allow_reserved: bool = False) -> str:
    """``text`` percent-encoded (cached: names and many values recur call after call)."""
    if allow_reserved:
        if _PLAIN_RESERVED.fullmatch(text):
            return text
        if text.isascii():
            return text.translate(_ASCII_TABLE_RESERVED)
        return quote(text, safe=_RESERVED)
    if _PLAIN.fullmatch(text):
        return text
    if text.isascii():
        return text.translate(_ASCII_TABLE)
    return quote(text, safe="")


def _pct_label(text: str) -> str:
    return _pct(text).replace(".", "%2E")


def _present(value: object) -> bool:
    return value is not None and value is not NOT_GIVEN


def _items(value: list[object] | tuple[object, ...]) -> list[object]:
    return [item for item in value if _present(item)]


def _members(value: Mapping[object, object]) -> list[tuple[str, object]]:
    return [(str(key), item) for key, item in value.items() if _present(item)]


def _text(value: object) -> str:
    """A nested value (an array member of an object, say) as text: scalars only."""
    if isinstance(value, Mapping | list | tuple):
        raise TypeError(f"cannot serialise a nested {type(value).__name__} in this style")
    return scalar(value)


# --- query --------------------------------------------------------------------------


def encode_query(
    query: Mapping[str, object], styles: Mapping[str, ParamStyle] = _EMPTY_STYLES
) -> str:
    """``query`` as a query string, each parameter in its style (``form`` exploded by default).

    ``None``/``NOT_GIVEN`` values are left out; an empty array or object is left out too
    (OpenAPI gives no spelling for it that a server could tell from an absent one).
    """
    parts: list[str] = []
    for name, value in query.items():
        if not _present(value):
            continue
        style = styles.get(name, DEFAULT_STYLE)
        reserved = style.allow_reserved
        kind = type(value)
        if kind is str or kind is int or kind is float:
            # The common case first: a plain scalar is "name=value" in every query style.
            # (Exact types: a str Enum member or a bool goes through `scalar`.)
            text = value if kind is str else str(value)
            parts.append(f"{_pct(name)}={_pct(text, reserved)}")
            continue
        _query_one(parts, name, value, style)
    return "&".join(parts)


def encode_form(
    body: BaseModel | Mapping[str, object],
    key: str | None = None,
    styles: Mapping[str, ParamStyle] = _EMPTY_STYLES,
) -> bytes:
    """``body`` as ``application/x-www-form-urlencoded`` bytes, ``key`` (an idempotency
    field) filled with a UUID4 when unset.

    Each field is serialised as a query parameter in its ``encoding`` style (`encode_query`:
    ``form`` exploded by default, ``deepObject``, delimited arrays), with ``+`` for a space
    as forms write it."""
    if isinstance(body, BaseModel):
        data: dict[str, Any] = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    else:
        data = dict(body)
    if key is not None and data.get(key) is None:
        data[key] = new_uuid4()
    return encode_query(data, styles).replace("%20", "+").encode("ascii")


def _query_one(parts: list[str], name: str, value: object, style: ParamStyle) -> None:
    reserved = style.allow_reserved
    key = _pct(name)
    kind = style.style
    if kind == "deepObject" and isinstance(value, Mapping):
        _deep(parts, key, value, reserved)
        return
    if isinstance(value, list | tuple):
        items = [_pct(_text(item), reserved) for item in _items(value)]
        if not items:
            return
        if style.explode:
            parts.extend(f"{key}={item}" for item in items)
        else:
            parts.append(f"{key}={_DELIMITERS[kind].join(items)}")
        return
    if isinstance(value, Mapping):
        if style.explode and kind in ("form", "deepObject"):
            for member, item in _members(value):
                if isinstance(item, Mapping | list | tuple):
                    # Undefined by OpenAPI: nested under the member, as deepObject does.
                    _deep(parts, "", {member: item}, reserved)
                else:
                    parts.append(f"{_pct(member)}={_pct(scalar(item), reserved)}")
            return
        members = [(_pct(k), _pct(_text(v), reserved)) for k, v in _members(value)]
        if members:
            delimiter = _DELIMITERS[kind]
            parts.append(f"{key}={delimiter.join(f'{k}{delimiter}{v}' for k, v in members)}")
        return
    parts.append(f"{key}={_pct(scalar(value), reserved)}")


_DELIMITERS: Final = {
    "form": ",",
    "spaceDelimited": "%20",
    "pipeDelimited": "|",
    "deepObject": ",",  # an array given to a deepObject parameter: as form
}


def _deep(parts: list[str], prefix: str, value: Mapping[object, object], reserved: bool) -> None:
    for member, item in value.items():
        if item is None or item is NOT_GIVEN:
            continue
        key = f"{prefix}[{_pct(str(member))}]" if prefix else _pct(str(member))
        if type(item) is str:
            parts.append(f"{key}={_pct(item, reserved)}")
        elif type(item) is int:
            parts.append(f"{key}={item}")
        elif isinstance(item, Mapping):
            _deep(parts, key, item, reserved)
        elif isinstance(item, list | tuple):
            items = [_pct(_text(x), reserved) for x in _items(item)]
            if items:
                parts.append(f"{key}={','.join(items)}")
        else:
            parts.append(f"{key}={_pct(scalar(item), reserved)}")


# --- path ---------------------------------------------------------------------------


def encode_path(name: str, value: object, style: ParamStyle = _SIMPLE) -> str:
    """What replaces ``{name}`` in a path: ``simple`` (default), ``label`` or ``matrix``.

    Every value is percent-encoded (a ``/`` or ``?`` in it cannot change which
    resource is hit); only the style's own delimiters are literal.
    """
    kind = style.style
    explode = style.explode
    # "." is unreserved but is label's delimiter: encoded in values so they split back.
    pct = _pct_label if kind == "label" else _pct
    if isinstance(value, list | tuple):
        items = [pct(_text(item)) for item in _items(value)]
        if kind == "matrix":
            if explode:
                return "".join(f";{_pct(name)}={item}" for item in items) or f";{_pct(name)}"
            return f";{_pct(name)}" + (f"={','.join(items)}" if items else "")
        separator = "." if kind == "label" and explode else ","
        text = separator.join(items)
        return f".{text}" if kind == "label" else text
    if isinstance(value, Mapping):
        members = [(pct(k), pct(_text(v))) for k, v in _members(value)]
        if kind == "matrix":
            if explode:
                return "".join(f";{k}={v}" for k, v in members)
            return f";{_pct(name)}" + (
                "=" + ",".join(f"{k},{v}" for k, v in members) if members else ""
            )
        if explode:
            separator = "." if kind == "label" else ","
            text = separator.join(f"{k}={v}" for k, v in members)
        else:
            text = ",".join(f"{k},{v}" for k, v in members)
        return f".{text}" if kind == "label" else text
    text = pct(scalar(value))
    if kind == "matrix":
        return f";{_pct(name)}={text}"
    if kind == "label":
        return f".{text}"
    return text


# --- header and cookie --------------------------------------------------------------


def encode_header(value: object, explode: bool = False) -> str:
    """A header parameter's value in ``simple`` style (not percent-encoded)."""
    if isinstance(value, list | tuple):
        return ",".join(_text(item) for item in _items(value))
    if isinstance(value, Mapping):
        if explode:
            return ",".join(f"{k}={_text(v)}" for k, v in _members(value))
        return ",".join(f"{k},{_text(v)}" for k, v in _members(value))
    return scalar(value)


def encode_headers(
    headers: Mapping[str, object],
    cookies: Mapping[str, object] | None = None,
    header_styles: Mapping[str, ParamStyle] = _EMPTY_STYLES,
    cookie_styles: Mapping[str, ParamStyle] = _EMPTY_STYLES,
) -> dict[str, str]:
    """An operation's header parameters (and its cookie parameters as one ``Cookie``
    header) as the headers to send; ``None`` values are left out."""
    out = {
        name: encode_header(value, header_styles.get(name, _SIMPLE).explode)
        for name, value in headers.items()
        if _present(value)
    }
    if cookies:
        cookie = encode_cookies(cookies, cookie_styles)
        if cookie:
            out["Cookie"] = cookie
    return out


def encode_cookies(
    cookies: Mapping[str, object], styles: Mapping[str, ParamStyle] = _EMPTY_STYLES
) -> str:
    """Cookie parameters as one ``Cookie`` header value (``form`` style, ``; ``-separated).

    Exploded arrays repeat the cookie, exploded objects send one cookie per member;
    values are percent-encoded (a ``;`` or ``,`` in a value cannot split it).
    """
    pairs: list[str] = []
    for name, value in cookies.items():
        if not _present(value):
            continue
        explode = styles.get(name, DEFAULT_STYLE).explode
        key = _pct(name)
        if isinstance(value, list | tuple):
            items = [_pct(_text(item)) for item in _items(value)]
            if explode:
                pairs.extend(f"{key}={item}" for item in items)
            elif items:
                pairs.append(f"{key}={','.join(items)}")
        elif isinstance(value, Mapping):
            members = [(_pct(k), _pct(_text(v))) for k, v in _members(value)]
            if explode:
                pairs.extend(f"{k}={v}" for k, v in members)
            elif members:
                pairs.append(f"{key}={','.join(f'{k},{v}' for k, v in members)}")
        else:
            pairs.append(f"{key}={_pct(scalar(value))}")
    return "; ".join(pairs)
