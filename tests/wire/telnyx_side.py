"""Both Telnyx clients' conferencing methods, enumerated by introspection and mapped by path."""

from __future__ import annotations

import inspect
import re
from functools import cached_property
from typing import Any

from tests.wire.spec import SpecOperation, operations
from tests.wire.spec import our_methods as spec_our_methods

SDK_ROOTS = (
    "conferences",
    "rooms",
    "room_sessions",
    "room_participants",
    "room_recordings",
    "room_compositions",
    "rooms_client_tokens",
)
_CALL = re.compile(
    r"self\._(get|post|put|patch|delete)(?:_api_list)?\(\s*(?:path_template\()?\s*f?\"([^\"]+)\""
)


def sdk_methods(client: Any) -> dict[str, tuple[Any, str, str]]:
    """Dotted name (``conferences.actions.mute``) -> (bound method, HTTP method, path template)."""
    out: dict[str, tuple[Any, str, str]] = {}

    def walk(obj: Any, prefix: str, depth: int) -> None:
        cls = type(obj)
        for name, attr in inspect.getmembers(cls):
            if name.startswith(("_", "with_")):
                continue
            if isinstance(attr, cached_property) and depth < 4:
                walk(getattr(obj, name), f"{prefix}.{name}", depth + 1)
            elif inspect.isfunction(attr):
                match = _CALL.search(inspect.getsource(attr))
                assert match, f"{prefix}.{name}: no HTTP call found in its source"
                out[f"{prefix}.{name}"] = (
                    getattr(obj, name),
                    match.group(1).upper(),
                    match.group(2),
                )

    for root in SDK_ROOTS:
        if hasattr(type(client), root):
            walk(getattr(client, root), root, 0)
    return out


def shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def spec_operation(method: str, template: str) -> SpecOperation | None:
    for op in operations("telnyx"):
        if op.method == method and shape(op.path) == shape(template):
            return op
    return None


def our_methods(client: Any) -> dict[str, Any]:
    """operationId -> our bound method."""
    return spec_our_methods("telnyx", client)
