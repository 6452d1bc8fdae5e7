"""Spec drift: what changed between two versions of a spec, for a client's user.

``diff_specs(old, new)`` is a pure function over two spec documents (OpenAPI 3.x or
AsyncAPI 3.0, ``$ref``s resolved while comparing). It returns one ``Change`` per
semantic difference, each classified breaking or not for someone who calls the
generated client. (The run and the report that use it: ``confgen.drift.run``,
``confgen.drift.report``.)

Classification rules (a "request" field is one the client sends, a "response" field
one it receives; AsyncAPI messages a client sends are requests, the ones it receives
are responses; an OpenAPI webhook's body is a response):

| change | request | response |
|---|---|---|
| operation / message removed | breaking | breaking |
| operation / message added | non-breaking | non-breaking |
| field / parameter added, required | breaking | non-breaking |
| field / parameter added, optional | non-breaking | non-breaking |
| field / parameter removed | breaking | breaking |
| optional -> required | breaking | non-breaking |
| required -> optional | non-breaking | breaking |
| type changed (incl. format) | breaking, unless only widened | breaking, unless only narrowed |
| enum value removed | breaking | non-breaking |
| enum value added | non-breaking | breaking (1) |
| constraint tightened (max, min, pattern, closed body) | breaking | non-breaking |
| constraint loosened | non-breaking | non-breaking |
| default changed | breaking (2) | non-breaking |
| response status removed | 2xx: breaking, others: non-breaking | |
| response status / content type added | non-breaking | |
| request content type changed | breaking | |
| security scheme or requirement, server URL or variable | breaking | |
| x-confgen-mutually-exclusive group added | breaking (the client refuses more) | |
| other x-confgen-* extension changed | non-breaking (behaviour, reported) | |

(1) The generated clients are lenient inbound (an unknown enum value parses), but a
user's exhaustive ``match`` over the typed values misses the new one: flagged.
(2) A caller that omits the field silently gets different server behaviour.

Descriptions, summaries and examples are not semantic: they show in the text diff only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from confgen.drift.fields import (
    Change,
    FieldShape,
    RefResolver,
    Side,
    compare_fields,
    flatten_schema,
)

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _security_sets(requirements: Any) -> set[str]:
    """Security requirement objects as comparable strings (``A+B`` = both at once)."""
    if not isinstance(requirements, list):
        return set()
    found = set()
    for requirement in requirements:
        if isinstance(requirement, Mapping):
            parts = [
                name + (f"[{','.join(sorted(scopes))}]" if scopes else "")
                for name, scopes in sorted(requirement.items())
            ]
            found.add("+".join(parts) or "(anonymous)")
    return found


def _servers(document: Mapping[str, Any]) -> dict[str, Any]:
    """Servers by URL (OpenAPI) or name (AsyncAPI), without their prose."""
    servers = document.get("servers")
    items: list[tuple[str, Any]]
    if isinstance(servers, list):
        items = [
            (str(server.get("url")), server) for server in servers if isinstance(server, Mapping)
        ]
    elif isinstance(servers, Mapping):
        items = list(servers.items())
    else:
        return {}
    return {name: _strip_prose(server) for name, server in items}


def _strip_prose(value: Any) -> Any:
    """``value`` without descriptions, titles, summaries and examples (not semantic)."""
    if isinstance(value, Mapping):
        return {
            key: _strip_prose(item)
            for key, item in value.items()
            if key not in ("description", "title", "summary", "example", "examples", "x-source")
        }
    if isinstance(value, list):
        return [_strip_prose(item) for item in value]
    return value


def _compare_plain(
    old: Any, new: Any, *, kind: str, where: str, noun: str, breaking: bool
) -> Iterator[Change]:
    """Added / removed / changed entries of two mappings compared as plain data."""
    old = old if isinstance(old, Mapping) else {}
    new = new if isinstance(new, Mapping) else {}
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            yield Change(f"{kind}-removed", f"{where} {name}", f"{noun} removed", breaking)
        elif name not in old:
            yield Change(f"{kind}-added", f"{where} {name}", f"{noun} added", breaking)
        elif old[name] != new[name]:
            yield Change(
                f"{kind}-changed",
                f"{where} {name}",
                f"{noun} changed: {_short(old[name])} -> {_short(new[name])}",
                breaking,
            )


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class _OpenAPIOperation:
    where: str
    method: str
    path: str
    parameters: dict[str, FieldShape]
    request_content: dict[str, dict[str, FieldShape]]
    responses: dict[str, dict[str, dict[str, FieldShape]]]
    security: set[str]
    extensions: dict[str, Any]
    webhook: bool = False


def _openapi_operations(document: Mapping[str, Any]) -> dict[str, _OpenAPIOperation]:
    resolver = RefResolver(document)
    root_security = document.get("security")
    found: dict[str, _OpenAPIOperation] = {}
    sections = [("paths", False), ("webhooks", True)]
    for section, webhook in sections:
        for path, raw_item in (document.get(section) or {}).items():
            item, _ = resolver.resolve(raw_item)
            if not isinstance(item, Mapping):
                continue
            shared_parameters = item.get("parameters", [])
            for method in _METHODS:
                operation = item.get(method)
                if not isinstance(operation, Mapping):
                    continue
                label = (
                    f"WEBHOOK {path} {method.upper()}" if webhook else f"{method.upper()} {path}"
                )
                key = str(operation.get("operationId") or label)
                found[key] = _openapi_operation(
                    operation,
                    shared_parameters,
                    resolver,
                    label,
                    method,
                    path,
                    root_security,
                    webhook,
                )
    return found


def _openapi_operation(
    operation: Mapping[str, Any],
    shared_parameters: Any,
    resolver: RefResolver,
    label: str,
    method: str,
    path: str,
    root_security: Any,
    webhook: bool,
) -> _OpenAPIOperation:
    parameters: dict[str, FieldShape] = {}
    by_key: dict[tuple[str, str], Any] = {}
    for raw in [*(shared_parameters or []), *(operation.get("parameters") or [])]:
        parameter, _ = resolver.resolve(raw)
        if isinstance(parameter, Mapping):
            by_key[(str(parameter.get("in")), str(parameter.get("name")))] = parameter
    for (location, name), parameter in by_key.items():
        flat: dict[str, FieldShape] = {}
        schema = parameter.get("schema")
        if schema is None:  # content-style parameter
            media: Any = next(iter((parameter.get("content") or {}).values()), {})
            schema = media.get("schema", {}) if isinstance(media, Mapping) else {}
        flatten_schema(
            schema, resolver, "", bool(parameter.get("required")) or location == "path", flat
        )
        for sub, node in flat.items():
            parameters[f"{location}.{name}{sub}"] = node
    request_content: dict[str, dict[str, FieldShape]] = {}
    body, _ = resolver.resolve(operation.get("requestBody"))
    if isinstance(body, Mapping):
        for media_type, media in (body.get("content") or {}).items():
            flat = {}
            schema = media.get("schema", {}) if isinstance(media, Mapping) else {}
            flatten_schema(schema, resolver, "body", bool(body.get("required")), flat)
            request_content[media_type] = flat
    responses: dict[str, dict[str, dict[str, FieldShape]]] = {}
    for status, raw_response in (operation.get("responses") or {}).items():
        response, _ = resolver.resolve(raw_response)
        contents: dict[str, dict[str, FieldShape]] = {}
        if isinstance(response, Mapping):
            for media_type, media in (response.get("content") or {}).items():
                flat = {}
                schema = media.get("schema", {}) if isinstance(media, Mapping) else {}
                flatten_schema(schema, resolver, "body", True, flat)
                contents[media_type] = flat
            for name, raw_header in (response.get("headers") or {}).items():
                header, _ = resolver.resolve(raw_header)
                if isinstance(header, Mapping):
                    flat = {}
                    flatten_schema(
                        header.get("schema", {}),
                        resolver,
                        f"header.{name.lower()}",
                        bool(header.get("required")),
                        flat,
                    )
                    contents.setdefault("(headers)", {}).update(flat)
        responses[str(status)] = contents
    security = operation.get("security", root_security)
    extensions = {
        key: value
        for key, value in operation.items()
        if isinstance(key, str) and key.startswith("x-confgen-")
    }
    return _OpenAPIOperation(
        where=label,
        method=method,
        path=path,
        parameters=parameters,
        request_content=request_content,
        responses=responses,
        security=_security_sets(security),
        extensions=extensions,
        webhook=webhook,
    )


def _diff_servers_and_auth(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Servers and security schemes: the same in OpenAPI and AsyncAPI, always breaking."""
    old_schemes = _strip_prose((old.get("components") or {}).get("securitySchemes") or {})
    new_schemes = _strip_prose((new.get("components") or {}).get("securitySchemes") or {})
    changes = _diff_servers(old, new)
    changes += _compare_plain(
        old_schemes,
        new_schemes,
        kind="security-scheme",
        where="securitySchemes",
        noun="security scheme",
        breaking=True,
    )
    return changes


def _diff_openapi(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    changes = _diff_servers_and_auth(old, new)
    changes += _compare_plain(
        _strip_prose({k: v for k, v in old.items() if str(k).startswith("x-confgen-")}),
        _strip_prose({k: v for k, v in new.items() if str(k).startswith("x-confgen-")}),
        kind="extension",
        where="(document)",
        noun="client behaviour extension",
        breaking=False,
    )
    old_ops, new_ops = _openapi_operations(old), _openapi_operations(new)
    for key in sorted(old_ops.keys() | new_ops.keys()):
        if key not in new_ops:
            changes.append(
                Change("operation-removed", old_ops[key].where, f"operation {key} removed", True)
            )
        elif key not in old_ops:
            changes.append(
                Change("operation-added", new_ops[key].where, f"new operation {key}", False)
            )
        else:
            changes += _diff_openapi_operation(key, old_ops[key], new_ops[key])
    return changes


def _diff_servers(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    return list(
        _compare_plain(
            _servers(old),
            _servers(new),
            kind="server",
            where="servers",
            noun="server",
            breaking=True,
        )
    )


def _diff_openapi_operation(
    key: str, old: _OpenAPIOperation, new: _OpenAPIOperation
) -> list[Change]:
    where = new.where
    changes: list[Change] = []
    if (old.method, old.path) != (new.method, new.path):
        changes.append(
            Change("operation-moved", where, f"operation {key} moved from {old.where}", True)
        )
    # A webhook's body is what the client receives; an operation's body what it sends.
    body_side: Side = "response" if new.webhook else "request"
    changes += compare_fields(
        old.parameters, new.parameters, where=where, side="request", noun="parameter"
    )
    for media_type in sorted(old.request_content.keys() | new.request_content.keys()):
        before = old.request_content.get(media_type)
        after = new.request_content.get(media_type)
        if before is not None and after is not None:
            changes += compare_fields(before, after, where=where, side=body_side)
        elif (after is None and new.request_content) or (before is None and old.request_content):
            # Another content type still carries the body: only the choice changed.
            gone = after is None
            changes.append(
                Change(
                    "content-type-removed" if gone else "content-type-added",
                    f"{where} body",
                    f"request content type {media_type} {'removed' if gone else 'added'}",
                    gone and body_side == "request",
                )
            )
        else:  # the body itself appeared or went away
            changes += compare_fields(before or {}, after or {}, where=where, side=body_side)
    for status in sorted(old.responses.keys() | new.responses.keys()):
        place = f"{where} response {status}"
        if status not in new.responses:
            changes.append(
                Change(
                    "response-removed", place, f"response {status} removed", status.startswith("2")
                )
            )
            continue
        if status not in old.responses:
            changes.append(Change("response-added", place, f"new response {status}", False))
            continue
        old_content, new_content = old.responses[status], new.responses[status]
        for media_type in sorted(old_content.keys() | new_content.keys()):
            if media_type not in new_content:
                changes.append(
                    Change(
                        "content-type-removed",
                        place,
                        f"response content type {media_type} removed",
                        status.startswith("2"),
                    )
                )
            elif media_type not in old_content:
                changes.append(
                    Change(
                        "content-type-added",
                        place,
                        f"response content type {media_type} added",
                        False,
                    )
                )
            else:
                changes += compare_fields(
                    old_content[media_type], new_content[media_type], where=place, side="response"
                )
    if old.security != new.security:
        changes.append(
            Change(
                "security-changed",
                where,
                f"security requirement {sorted(old.security) or 'none'} -> {sorted(new.security) or 'none'}",
                True,
            )
        )
    changes += _diff_extensions(where, old.extensions, new.extensions)
    return changes


def _diff_extensions(where: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    changes = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        breaking = False
        if name == "x-confgen-mutually-exclusive":
            groups_before = {tuple(group) for group in before or []}
            breaking = any(tuple(group) not in groups_before for group in after or [])
        changes.append(
            Change(
                "extension-changed",
                f"{where} {name}",
                f"{_short(before)} -> {_short(after)}",
                breaking,
            )
        )
    return changes


# --- AsyncAPI -----------------------------------------------------------------------


def _asyncapi_messages(document: Mapping[str, Any]) -> tuple[dict[str, set[Side]], dict[str, Any]]:
    """Message name -> sides (sent by the client = request, received = response),
    and message name -> resolved message object."""
    resolver = RefResolver(document)
    messages: dict[str, Any] = {}
    pointer_names: dict[str, str] = {}
    for name, raw in ((document.get("components") or {}).get("messages") or {}).items():
        messages[name] = raw
        pointer_names[f"#/components/messages/{name}"] = name
    for channel_name, channel in (document.get("channels") or {}).items():
        resolved_channel, _ = resolver.resolve(channel)
        for key, raw in ((resolved_channel or {}).get("messages") or {}).items():
            ref = raw.get("$ref") if isinstance(raw, Mapping) else None
            name = pointer_names.get(str(ref), key)
            messages.setdefault(name, raw)
            pointer_names[f"#/channels/{channel_name}/messages/{key}"] = name
    sides: dict[str, set[Side]] = {name: set() for name in messages}
    for operation in (document.get("operations") or {}).values():
        if not isinstance(operation, Mapping):
            continue
        sent: Side = "request" if operation.get("action") == "send" else "response"
        for ref in operation.get("messages") or []:
            name = pointer_names.get(str(ref.get("$ref")) if isinstance(ref, Mapping) else "")
            if name:
                sides.setdefault(name, set()).add(sent)
        reply = operation.get("reply") or {}
        for ref in reply.get("messages") or [] if isinstance(reply, Mapping) else []:
            name = pointer_names.get(str(ref.get("$ref")) if isinstance(ref, Mapping) else "")
            if name:
                sides.setdefault(name, set()).add("response" if sent == "request" else "request")
    resolved = {name: resolver.resolve(raw)[0] for name, raw in messages.items()}
    return sides, resolved


def _asyncapi_operation_shape(document: Mapping[str, Any]) -> dict[str, Any]:
    resolver = RefResolver(document)
    shapes: dict[str, Any] = {}
    for name, operation in (document.get("operations") or {}).items():
        if not isinstance(operation, Mapping):
            continue
        channel, _ = resolver.resolve(operation.get("channel"))
        reply = operation.get("reply") if isinstance(operation.get("reply"), Mapping) else {}
        shapes[name] = {
            "action": operation.get("action"),
            "channel": (channel or {}).get("address") if isinstance(channel, Mapping) else None,
            "messages": sorted(
                str(ref.get("$ref"))
                for ref in operation.get("messages") or []
                if isinstance(ref, Mapping)
            ),
            "reply": sorted(
                str(ref.get("$ref"))
                for ref in (reply or {}).get("messages") or []
                if isinstance(ref, Mapping)
            ),
            "security": _strip_prose(operation.get("security")),
            **{k: v for k, v in operation.items() if str(k).startswith("x-confgen-")},
        }
    return shapes


def _diff_asyncapi(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    changes = _diff_servers_and_auth(old, new)
    old_ops, new_ops = _asyncapi_operation_shape(old), _asyncapi_operation_shape(new)
    for name in sorted(old_ops.keys() | new_ops.keys()):
        where = f"operation {name}"
        if name not in new_ops:
            changes.append(Change("operation-removed", where, f"operation {name} removed", True))
        elif name not in old_ops:
            changes.append(Change("operation-added", where, f"new operation {name}", False))
        else:
            before, after = old_ops[name], new_ops[name]
            for key in ("action", "channel", "messages", "reply", "security"):
                if before.get(key) != after.get(key):
                    changes.append(
                        Change(
                            "operation-changed",
                            where,
                            f"{key} {_short(before.get(key))} -> {_short(after.get(key))}",
                            True,
                        )
                    )
            changes += _diff_extensions(
                where,
                {k: v for k, v in before.items() if k.startswith("x-confgen-")},
                {k: v for k, v in after.items() if k.startswith("x-confgen-")},
            )
    old_sides, old_messages = _asyncapi_messages(old)
    new_sides, new_messages = _asyncapi_messages(new)
    old_resolver, new_resolver = RefResolver(old), RefResolver(new)
    for name in sorted(old_messages.keys() | new_messages.keys()):
        where = f"message {name}"
        if name not in new_messages:
            changes.append(Change("message-removed", where, f"message {name} removed", True))
            continue
        if name not in old_messages:
            changes.append(Change("message-added", where, f"new message {name}", False))
            continue
        old_flat: dict[str, FieldShape] = {}
        new_flat: dict[str, FieldShape] = {}
        old_message, new_message = old_messages[name], new_messages[name]
        flatten_schema(
            (old_message or {}).get("payload", {}), old_resolver, "payload", True, old_flat
        )
        flatten_schema(
            (new_message or {}).get("payload", {}), new_resolver, "payload", True, new_flat
        )
        sides = (old_sides.get(name, set()) | new_sides.get(name, set())) or {"response"}
        by_detail: dict[tuple[str, str, str], Change] = {}
        for side in sorted(sides):
            for change in compare_fields(old_flat, new_flat, where=where, side=side):
                identity = (change.kind, change.where, change.detail.replace(side, ""))
                seen = by_detail.get(identity)
                # The same change seen from both sides: breaking if either says so.
                if seen is None or (change.breaking and not seen.breaking):
                    by_detail[identity] = change
        changes += by_detail.values()
    return changes


# --- public -------------------------------------------------------------------------


def diff_specs(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every semantic change from ``old`` to ``new`` (OpenAPI 3.x or AsyncAPI 3.0)."""
    if "asyncapi" in old or "asyncapi" in new:
        if "asyncapi" not in old or "asyncapi" not in new:
            return [Change("format-changed", "(document)", "spec format changed", True)]
        return _diff_asyncapi(old, new)
    return _diff_openapi(old, new)


__all__ = ["Change", "diff_specs"]
