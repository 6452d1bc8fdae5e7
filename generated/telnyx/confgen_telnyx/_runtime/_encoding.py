"""Wire encoding of request bodies (JSON, multipart forms, raw bytes); parameters and
urlencoded forms (serialised as parameters) are `_params`'."""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import pydantic_core
from pydantic import BaseModel

from ._files import file_part, is_file
from ._types import NOT_GIVEN, new_uuid4

__all__ = [
    "EncodedBody",
    "encode_json",
    "encode_multipart",
    "encode_raw",
    "scalar",
]

FORM_CONTENT_TYPE: Final = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE: Final = "application/json"


def scalar(value: object) -> str:
    """One path, query or form value as text, spelled as JSON would (``true``, ISO dates)."""
    if isinstance(value, enum.Enum):
        # Before the str test: a (str, Enum) member is a str whose str() is "Class.MEMBER".
        return scalar(value.value)
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    return str(value)


def encode_json(body: BaseModel | Mapping[str, object], key: str | None = None) -> bytes:
    """``body`` as JSON bytes: a model by alias with only the fields the caller set.

    ``key`` names an idempotency-key field to fill with a fresh UUID4 when the body
    has no value for it; the caller's value is never replaced.
    """
    if isinstance(body, BaseModel):
        # Fast path: pydantic-core serialises straight to bytes, no dict in between.
        encoded = body.__pydantic_serializer__.to_json(body, by_alias=True, exclude_unset=True)
        if key is None:
            return encoded
        field, prefix = _key_field(type(body), key)
        if field is not None and encoded[:1] == b"{":
            if field in body.model_fields_set:
                if getattr(body, field) is not None:
                    return encoded  # the caller's own key
            else:
                # Unset, so absent from the bytes: append it, as the dict path would.
                value = new_uuid4().encode()
                if encoded == b"{}":
                    return b"{" + prefix[1:] + value + b'"}'
                return encoded[:-1] + prefix + value + b'"}'
        data: dict[str, Any] = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    else:
        data = {k: v for k, v in body.items() if v is not NOT_GIVEN}
    if key is not None and data.get(key) is None:
        data[key] = new_uuid4()
    return pydantic_core.to_json(data, by_alias=True)


_KEY_FIELDS: dict[tuple[type[BaseModel], str], tuple[str | None, bytes]] = {}


def _key_field(model: type[BaseModel], key: str) -> tuple[str | None, bytes]:
    """The Python name of ``model``'s field whose wire name is ``key`` (if any) and the
    JSON text ``,"<key>":"`` that starts its member; cached per model."""
    try:
        return _KEY_FIELDS[model, key]
    except KeyError:
        pass
    found = None
    for name, info in model.model_fields.items():
        if (info.serialization_alias or info.alias or name) == key:
            found = name
            break
    entry = found, b"," + pydantic_core.to_json(key) + b':"'
    _KEY_FIELDS[model, key] = entry
    return entry


@dataclass(frozen=True, slots=True)
class EncodedBody:
    """A request body already encoded, with its ``Content-Type`` (multipart, raw bytes)."""

    content: bytes
    content_type: str
    files: tuple[tuple[str, Any], ...] | None = None
    """Multipart parts for httpx's encoder (which sets the ``Content-Type`` boundary)."""


def encode_raw(body: bytes | str, content_type: str) -> EncodedBody:
    """A raw body (``application/octet-stream``, ``text/plain``...): str is sent as UTF-8."""
    return EncodedBody(body.encode("utf-8") if isinstance(body, str) else body, content_type)


def encode_multipart(
    body: BaseModel | Mapping[str, object], encoding: Mapping[str, str] | None = None
) -> EncodedBody:
    """``body`` as ``multipart/form-data`` parts for httpx's own encoder (streamed).

    File values (bytes, paths, binary file objects, ``(filename, content[, type])``)
    become file parts (see `file_part`); objects and arrays of objects a JSON part;
    anything else a text part spelled as in a query. A list repeats the part.
    ``encoding`` is the spec's ``encoding.<field>.contentType`` for each field.
    """
    if isinstance(body, BaseModel):
        data = body.model_dump(by_alias=True, exclude_unset=True)
        # Files as given: a dump would turn a file object into a serialisation iterator.
        for name, info in type(body).model_fields.items():
            key = info.alias or name
            raw = getattr(body, name, None)
            items = raw if isinstance(raw, list) else [raw]
            if key in data and items and all(is_file(item) for item in items):
                data[key] = raw
    else:
        data = dict(body)
    declared = encoding or {}
    parts: list[tuple[str, Any]] = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None or item is NOT_GIVEN:
                continue
            content_type = declared.get(name)
            if is_file(item):
                parts.append((name, file_part(item, content_type)))
            elif isinstance(item, dict | list):
                # OpenAPI: an object (or array) property's default content type is JSON.
                payload = pydantic_core.to_json(item)
                parts.append((name, (None, payload, content_type or JSON_CONTENT_TYPE)))
            else:
                parts.append((name, (None, scalar(item).encode(), content_type)))
    return EncodedBody(b"", "multipart/form-data", files=tuple(parts))
