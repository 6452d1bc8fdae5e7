"""Wire encoding of query strings and request bodies (JSON, urlencoded and multipart
forms, raw bytes)."""

from __future__ import annotations

import datetime as _dt
import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

import pydantic_core
from pydantic import BaseModel

from ._types import NOT_GIVEN

__all__ = [
    "EncodedBody",
    "encode_form",
    "encode_json",
    "encode_multipart",
    "encode_query",
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


def encode_query(query: Mapping[str, object]) -> str:
    """``query`` as a query string: ``None``/``NOT_GIVEN`` dropped, lists repeated."""
    return urlencode(_pairs(query))


def encode_json(body: BaseModel | Mapping[str, object], key: str | None = None) -> bytes:
    """``body`` as JSON bytes: a model by alias with only the fields the caller set.

    ``key`` names an idempotency-key field to fill with a fresh UUID4 when the body
    has no value for it; the caller's value is never replaced.
    """
    if isinstance(body, BaseModel):
        if key is None:
            # Fast path: pydantic-core serialises straight to bytes, no dict in between.
            return body.__pydantic_serializer__.to_json(body, by_alias=True, exclude_unset=True)
        data: dict[str, Any] = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    else:
        data = {k: v for k, v in body.items() if v is not NOT_GIVEN}
    if key is not None and data.get(key) is None:
        data[key] = str(uuid.uuid4())
    return pydantic_core.to_json(data, by_alias=True)


def encode_form(body: BaseModel | Mapping[str, object], key: str | None = None) -> bytes:
    """``body`` as ``application/x-www-form-urlencoded`` bytes (same rules as JSON)."""
    if isinstance(body, BaseModel):
        data: dict[str, Any] = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    else:
        data = dict(body)
    if key is not None and data.get(key) is None:
        data[key] = str(uuid.uuid4())
    return urlencode(_pairs(data)).encode("ascii")


def _pairs(values: Mapping[str, object]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None or value is NOT_GIVEN:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((name, scalar(item)) for item in value if item is not None)
        else:
            pairs.append((name, scalar(value)))
    return pairs


@dataclass(frozen=True, slots=True)
class EncodedBody:
    """A request body already encoded, with its ``Content-Type`` (multipart, raw bytes)."""

    content: bytes
    content_type: str


def encode_raw(body: bytes | str, content_type: str) -> EncodedBody:
    """A raw body (``application/octet-stream``, ``text/plain``...): str is sent as UTF-8."""
    return EncodedBody(body.encode("utf-8") if isinstance(body, str) else body, content_type)


def encode_multipart(body: BaseModel | Mapping[str, object]) -> EncodedBody:
    """``body`` as ``multipart/form-data``: bytes (or ``(filename, bytes)``) become file
    parts, anything else a text part spelled as in a query; lists repeat the part."""
    data = (
        body.model_dump(by_alias=True, exclude_unset=True)
        if isinstance(body, BaseModel)
        else dict(body)
    )
    boundary = uuid.uuid4().hex
    chunks: list[bytes] = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None or item is NOT_GIVEN:
                continue
            disposition = f'form-data; name="{_quoted(name)}"'
            if isinstance(item, tuple) and len(item) == 2:
                filename, item = item
                disposition += f'; filename="{_quoted(str(filename))}"'
            elif isinstance(item, bytes | bytearray):
                disposition += f'; filename="{_quoted(name)}"'
            if isinstance(item, bytes | bytearray):
                head = (
                    f"Content-Disposition: {disposition}\r\nContent-Type: application/octet-stream"
                )
                payload = bytes(item)
            else:
                head = f"Content-Disposition: {disposition}"
                text = item if isinstance(item, str) else pydantic_core.to_json(item).decode()
                payload = (scalar(item) if not isinstance(item, dict | list) else text).encode()
            chunks.append(f"--{boundary}\r\n{head}\r\n\r\n".encode() + payload + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return EncodedBody(b"".join(chunks), f"multipart/form-data; boundary={boundary}")


def _quoted(name: str) -> str:
    return name.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "")
