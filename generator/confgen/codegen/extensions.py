"""The ``x-confgen-*`` extensions' own schema, checked once before any loader reads them.

No format validator knows these keys (specs/overlays/README.md documents them): without
this check a wrong-typed or incomplete extension reached a loader as an exception. Each
key has one JSON Schema (wherever in the document it stands); the first value that does
not match is one located `ConfgenError` (``spec#/pointer/to/the/value: ...``). Keys this
table does not name are left to the loaders (they read only the ones named here, and
``x-enum-names``, which has its schema here too).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema

from confgen.errors import ConfgenError, json_pointer

_STR: dict[str, Any] = {"type": "string"}
_NAMES: dict[str, Any] = {"type": "array", "items": _STR}
_CREDENTIAL: dict[str, Any] = {
    "type": "object",
    "required": ["argument", "env"],
    "properties": {"argument": _STR, "env": _STR},
}
_MATCH: dict[str, Any] = {
    "type": "object",
    "required": ["message"],
    "properties": {"message": _STR, "where": {"type": "object"}},
}

#: One schema per extension key (the README's table, as JSON Schema 2020-12).
EXTENSIONS: dict[str, dict[str, Any]] = {
    "x-confgen-retry": {
        "type": "object",
        "required": ["mode"],
        "properties": {
            "mode": {"enum": ["idempotent", "idempotency-key", "unprocessed", "never"]},
            "key": {
                "type": "object",
                "required": ["in", "name"],
                "properties": {"in": _STR, "name": _STR},
            },
        },
    },
    "x-confgen-auth": {
        "type": "object",
        "required": ["kind"],
        "properties": {
            "kind": {"enum": ["bearer", "basic", "service-account-jwt"]},
            "token": _CREDENTIAL,
            "username": _CREDENTIAL,
            "password": _CREDENTIAL,
            "credentials": _CREDENTIAL,
            "lifetime_seconds": {"type": "integer", "minimum": 1},
        },
    },
    "x-confgen-argument": _STR,
    "x-confgen-env": _STR,
    "x-confgen-optional": {"type": "boolean"},
    "x-confgen-mutually-exclusive": {"type": "array", "items": _NAMES},
    "x-confgen-session-url": {
        "type": "object",
        "required": ["name", "url"],
        "properties": {"name": _STR, "url": _STR, "secure_url": _STR},
        "additionalProperties": False,
    },
    "x-confgen-body-errors": {
        "type": "object",
        "required": ["keys", "schema"],
        "properties": {"keys": _NAMES, "schema": {"type": ["object", "string"]}},
    },
    "x-confgen-webhook-signature": {"type": "object"},
    "x-confgen-kind": {"enum": ["command", "reply", "notification"]},
    "x-confgen-envelope": {
        "type": "object",
        "required": [
            "method-key",
            "request-id-key",
            "reply-result-key",
            "notification-method",
            "notification-name-key",
        ],
        "properties": {
            "method-key": _STR,
            "request-id-key": _STR,
            "reply-result-key": _STR,
            "notification-method": _STR,
            "notification-name-key": _STR,
            "reply-echoes": _NAMES,
        },
    },
    "x-confgen-port-discovery": {
        "type": "object",
        "properties": {"method": _STR, "url": _STR, "port-path": _NAMES, "description": _STR},
    },
    "x-confgen-precondition": _MATCH,
    "x-confgen-completion": {
        "type": "object",
        "properties": {"any": {"type": "array", "items": _MATCH}},
    },
    # Not confgen's own, but read by it (names of a field's enum values, in order).
    "x-enum-names": _NAMES,
    "x-confgen-see-also": {"type": "object", "additionalProperties": _NAMES},
}

# Values, not spec nodes: an example may hold any key.
_DATA_KEYS = frozenset({"example", "examples", "default", "const", "enum"})


@functools.cache
def _validator(key: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(EXTENSIONS[key])


def _extensions(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str, Any]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in EXTENSIONS:
                yield (*path, key), key, value
            elif key not in _DATA_KEYS:
                yield from _extensions(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _extensions(item, (*path, index))


def check_extensions(document: Mapping[str, Any], *, source: str) -> None:
    """Raise a located `ConfgenError` for the first extension value its schema refuses."""
    for path, key, value in _extensions(document, ()):
        errors = sorted(
            _validator(key).iter_errors(value), key=lambda e: [str(p) for p in e.absolute_path]
        )
        if errors:
            error = errors[0]
            place = (*path, *error.absolute_path)
            raise ConfgenError(
                f"{key}: {error.message}"[:200],
                source=source,
                pointer=json_pointer(place),
                expected=f"{key} as specs/overlays/README.md describes it",
            )
