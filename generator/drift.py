"""Spec drift: what changed between two versions of a spec, for a client's user.

``diff_specs(old, new)`` is a pure function over two spec documents (OpenAPI 3.x or
AsyncAPI 3.0, ``$ref``s resolved while comparing). It returns one ``Change`` per
semantic difference, each classified breaking or not for someone who calls the
generated client. ``check_drift`` (``confgen drift``) re-runs the pipeline into
memory and a temporary folder; ``format_report`` lists these changes, then a short
text diff; ``apply_update`` (``--update``) writes what the run built.

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

import difflib
import functools
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from generator.extract.page import Page
from generator.fsutil import replace_tree, write_files_atomically
from generator.manifest import Provider, SourcePage

Side = Literal["request", "response"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: Constraints where a larger value accepts more.
_UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
#: Constraints where a smaller value accepts more.
_LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")
_OTHER_CONSTRAINTS = ("pattern", "multipleOf", "uniqueItems", "const")
#: JSON Schema types a value of the key type also satisfies (integer is a number).
_WIDER: dict[str, set[str]] = {"integer": {"number"}}


@dataclass(frozen=True)
class Change:
    """One semantic difference between two versions of a spec.

    ``kind`` names the rule (``field-added``, ``enum-value-removed``, ...), ``where``
    the place (``POST /conferences body.max_participants``), ``detail`` what happened.
    """

    kind: str
    where: str
    detail: str
    breaking: bool

    def __str__(self) -> str:
        label = "BREAKING" if self.breaking else "non-breaking"
        return f"{label:<13} {self.where}: {self.detail}"


# --- schema flattening ------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """One field of a flattened schema: what a client's type for it depends on."""

    types: frozenset[str]
    format: str | None
    required: bool
    enum: tuple[Any, ...] | None
    constraints: tuple[tuple[str, Any], ...]
    default: Any = field(default=None)
    has_default: bool = False


class _Resolver:
    """Resolves local ``$ref``s (``#/...``) in one document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def resolve(self, node: Any, seen: frozenset[str] = frozenset()) -> tuple[Any, frozenset[str]]:
        """Follow ``$ref`` chains; returns the target and the refs followed (for cycles)."""
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#"):
                return {}, seen
            seen = seen | {ref}
            target: Any = self.document
            for part in ref[1:].split("/")[1:]:
                part = part.replace("~1", "/").replace("~0", "~")
                if isinstance(target, Mapping):
                    target = target.get(part, {})
                elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                    target = target[int(part)]
                else:
                    target = {}
            # Sibling keywords next to a $ref (OpenAPI 3.1) refine the target.
            siblings = {key: value for key, value in node.items() if key != "$ref"}
            node = {**target, **siblings} if siblings and isinstance(target, Mapping) else target
        return node, seen


def _types(schema: Mapping[str, Any]) -> frozenset[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        found = {declared}
    elif isinstance(declared, list):
        found = {str(item) for item in declared}
    elif "properties" in schema:
        found = {"object"}
    elif "items" in schema:
        found = {"array"}
    else:
        found = set()
    if schema.get("nullable") is True:
        found.add("null")
    return frozenset(found)


def _merge_composition(
    schema: Mapping[str, Any], resolver: _Resolver, seen: frozenset[str]
) -> dict[str, Any]:
    """``allOf``/``oneOf``/``anyOf`` folded into one schema: properties of every branch
    (required only when every ``oneOf``/``anyOf`` branch requires it)."""
    merged: dict[str, Any] = {
        key: value for key, value in schema.items() if key not in ("allOf", "oneOf", "anyOf")
    }
    properties: dict[str, Any] = dict(merged.get("properties", {}))
    required: set[str] = set(merged.get("required", []))
    for keyword in ("allOf", "oneOf", "anyOf"):
        branches = schema.get(keyword)
        if not isinstance(branches, list):
            continue
        branch_required: list[set[str]] = []
        branch_types: set[str] = set()
        for raw in branches:
            branch, branch_seen = resolver.resolve(raw, seen)
            if not isinstance(branch, Mapping):
                continue
            branch = _merge_composition(branch, resolver, branch_seen)
            properties.update(branch.get("properties", {}))
            branch_required.append(set(branch.get("required", [])))
            branch_types |= _types(branch)
            for key, value in branch.items():
                if key not in ("properties", "required", "type", "description", "title"):
                    merged.setdefault(key, value)
        if keyword == "allOf":
            for names in branch_required:
                required |= names
        elif branch_required:
            required |= set.intersection(*branch_required)
        if branch_types and "type" not in merged:
            merged["type"] = sorted(branch_types)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = sorted(required)
    return merged


def _flatten(
    schema: Any,
    resolver: _Resolver,
    prefix: str,
    required: bool,
    out: dict[str, _Node],
    seen: frozenset[str] = frozenset(),
) -> None:
    """Every field of ``schema`` as ``{path: _Node}``; nested paths join with ``.``,
    array items with ``[]``."""
    resolved, seen = resolver.resolve(schema, seen)
    if not isinstance(resolved, Mapping):
        resolved = {}
    resolved = _merge_composition(resolved, resolver, seen)
    constraints = [
        (key, resolved[key])
        for key in (*_UPPER_BOUNDS, *_LOWER_BOUNDS, *_OTHER_CONSTRAINTS)
        if key in resolved
    ]
    if resolved.get("additionalProperties") is False:
        constraints.append(("additionalProperties", False))
    enum = resolved.get("enum")
    out[prefix] = _Node(
        types=_types(resolved),
        format=resolved.get("format"),
        required=required,
        enum=tuple(enum) if isinstance(enum, list) else None,
        constraints=tuple(sorted(constraints, key=lambda item: item[0])),
        default=resolved.get("default"),
        has_default="default" in resolved,
    )
    names = set(resolved.get("required", []))
    for name, child in (resolved.get("properties") or {}).items():
        _flatten(child, resolver, f"{prefix}.{name}", name in names, out, seen)
    items = resolved.get("items")
    if isinstance(items, Mapping):
        _flatten(items, resolver, f"{prefix}[]", True, out, seen)
    extra = resolved.get("additionalProperties")
    if isinstance(extra, Mapping) and extra:
        _flatten(extra, resolver, f"{prefix}{{*}}", False, out, seen)


# --- comparing flattened fields -----------------------------------------------------


def _describe_type(node: _Node) -> str:
    text = " | ".join(sorted(node.types)) or "any"
    return f"{text} ({node.format})" if node.format else text


def _parent(path: str) -> str | None:
    cut = max(path.rfind("."), path.rfind("[]"), path.rfind("{*}"))
    return path[:cut] if cut > 0 else None


def _is_widening(old: _Node, new: _Node) -> bool:
    """Does every value ``old`` accepts also satisfy ``new``?"""
    if not old.types and not new.types:
        return old.format == new.format or new.format is None
    if not new.types:  # no type any more: accepts anything
        return new.format is None or new.format == old.format
    for kind in old.types:
        if kind not in new.types and not (_WIDER.get(kind, set()) & new.types):
            return False
    return new.format is None or new.format == old.format


def _bound_tightened(key: str, old: Any, new: Any) -> bool | None:
    """True if ``new`` accepts less than ``old``; None if it cannot tell."""
    if old is None:
        return True
    if new is None:
        return False
    if isinstance(old, bool) or isinstance(new, bool):
        return None
    if key in _UPPER_BOUNDS:
        return bool(new < old)
    if key in _LOWER_BOUNDS:
        return bool(new > old)
    return None


def _compare_fields(
    old: Mapping[str, _Node],
    new: Mapping[str, _Node],
    *,
    where: str,
    side: Side,
    noun: str = "field",
) -> Iterator[Change]:
    """Changes between two flattened schemas (or parameter sets) at ``where``."""
    request = side == "request"
    for path in sorted(old.keys() | new.keys()):
        place = f"{where} {path}".rstrip() if path else where
        parent = _parent(path)
        if path not in new:
            if parent is not None and parent in old and parent not in new:
                continue  # reported with its parent
            yield Change(
                f"{noun}-removed",
                place,
                f"{side} {noun} removed (was {_describe_type(old[path])})",
                True,
            )
            continue
        if path not in old:
            if parent is not None and parent in new and parent not in old:
                continue
            node = new[path]
            kind = "required" if node.required else "optional"
            yield Change(
                f"{noun}-added",
                place,
                f"new {kind} {side} {noun} ({_describe_type(node)})",
                request and node.required,
            )
            continue
        yield from _compare_node(old[path], new[path], place, side)


def _compare_node(old: _Node, new: _Node, place: str, side: Side) -> Iterator[Change]:
    request = side == "request"
    if old.required != new.required:
        now = "required" if new.required else "optional"
        was = "required" if old.required else "optional"
        yield Change(
            "required-changed",
            place,
            f"{side} field now {now} (was {was})",
            new.required if request else not new.required,
        )
    if old.types != new.types or old.format != new.format:
        widened = _is_widening(old, new)
        narrowed = _is_widening(new, old)
        yield Change(
            "type-changed",
            place,
            f"type {_describe_type(old)} -> {_describe_type(new)}",
            not widened if request else not narrowed,
        )
    if old.enum != new.enum:
        if old.enum is None or new.enum is None:
            closed = new.enum is not None
            yield Change(
                "enum-changed",
                place,
                "values now restricted to an enum" if closed else "enum restriction removed",
                closed if request else not closed,
            )
        else:
            for value in [value for value in old.enum if value not in new.enum]:
                yield Change(
                    "enum-value-removed",
                    place,
                    f"{side} enum value {value!r} removed",
                    request,
                )
            for value in [value for value in new.enum if value not in old.enum]:
                yield Change(
                    "enum-value-added",
                    place,
                    f"{side} enum value {value!r} added"
                    + ("" if request else " (an exhaustive match misses it)"),
                    not request,
                )
    old_constraints, new_constraints = dict(old.constraints), dict(new.constraints)
    for key in sorted(old_constraints.keys() | new_constraints.keys()):
        before, after = old_constraints.get(key), new_constraints.get(key)
        if before == after:
            continue
        if key == "additionalProperties":
            tightened: bool | None = after is False
        else:
            tightened = _bound_tightened(key, before, after)
        yield Change(
            "constraint-changed",
            place,
            f"{key} {before!r} -> {after!r}"
            + ("" if tightened is None else " (tightened)" if tightened else " (loosened)"),
            request and tightened is not False,
        )
    if (old.has_default, old.default) != (new.has_default, new.default):
        yield Change(
            "default-changed",
            place,
            f"default {old.default!r} -> {new.default!r}",
            request,
        )


# --- OpenAPI ------------------------------------------------------------------------


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
    parameters: dict[str, _Node]
    request_content: dict[str, dict[str, _Node]]
    responses: dict[str, dict[str, dict[str, _Node]]]
    security: set[str]
    extensions: dict[str, Any]
    webhook: bool = False


def _openapi_operations(document: Mapping[str, Any]) -> dict[str, _OpenAPIOperation]:
    resolver = _Resolver(document)
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
    resolver: _Resolver,
    label: str,
    method: str,
    path: str,
    root_security: Any,
    webhook: bool,
) -> _OpenAPIOperation:
    parameters: dict[str, _Node] = {}
    by_key: dict[tuple[str, str], Any] = {}
    for raw in [*(shared_parameters or []), *(operation.get("parameters") or [])]:
        parameter, _ = resolver.resolve(raw)
        if isinstance(parameter, Mapping):
            by_key[(str(parameter.get("in")), str(parameter.get("name")))] = parameter
    for (location, name), parameter in by_key.items():
        flat: dict[str, _Node] = {}
        schema = parameter.get("schema")
        if schema is None:  # content-style parameter
            media: Any = next(iter((parameter.get("content") or {}).values()), {})
            schema = media.get("schema", {}) if isinstance(media, Mapping) else {}
        _flatten(schema, resolver, "", bool(parameter.get("required")) or location == "path", flat)
        for sub, node in flat.items():
            parameters[f"{location}.{name}{sub}"] = node
    request_content: dict[str, dict[str, _Node]] = {}
    body, _ = resolver.resolve(operation.get("requestBody"))
    if isinstance(body, Mapping):
        for media_type, media in (body.get("content") or {}).items():
            flat = {}
            schema = media.get("schema", {}) if isinstance(media, Mapping) else {}
            _flatten(schema, resolver, "body", bool(body.get("required")), flat)
            request_content[media_type] = flat
    responses: dict[str, dict[str, dict[str, _Node]]] = {}
    for status, raw_response in (operation.get("responses") or {}).items():
        response, _ = resolver.resolve(raw_response)
        contents: dict[str, dict[str, _Node]] = {}
        if isinstance(response, Mapping):
            for media_type, media in (response.get("content") or {}).items():
                flat = {}
                schema = media.get("schema", {}) if isinstance(media, Mapping) else {}
                _flatten(schema, resolver, "body", True, flat)
                contents[media_type] = flat
            for name, raw_header in (response.get("headers") or {}).items():
                header, _ = resolver.resolve(raw_header)
                if isinstance(header, Mapping):
                    flat = {}
                    _flatten(
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
    changes += _compare_fields(
        old.parameters, new.parameters, where=where, side="request", noun="parameter"
    )
    for media_type in sorted(old.request_content.keys() | new.request_content.keys()):
        before = old.request_content.get(media_type)
        after = new.request_content.get(media_type)
        if before is not None and after is not None:
            changes += _compare_fields(before, after, where=where, side=body_side)
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
            changes += _compare_fields(before or {}, after or {}, where=where, side=body_side)
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
                changes += _compare_fields(
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
    resolver = _Resolver(document)
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
    resolver = _Resolver(document)
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
    old_resolver, new_resolver = _Resolver(old), _Resolver(new)
    for name in sorted(old_messages.keys() | new_messages.keys()):
        where = f"message {name}"
        if name not in new_messages:
            changes.append(Change("message-removed", where, f"message {name} removed", True))
            continue
        if name not in old_messages:
            changes.append(Change("message-added", where, f"new message {name}", False))
            continue
        old_flat: dict[str, _Node] = {}
        new_flat: dict[str, _Node] = {}
        old_message, new_message = old_messages[name], new_messages[name]
        _flatten((old_message or {}).get("payload", {}), old_resolver, "payload", True, old_flat)
        _flatten((new_message or {}).get("payload", {}), new_resolver, "payload", True, new_flat)
        sides = (old_sides.get(name, set()) | new_sides.get(name, set())) or {"response"}
        by_detail: dict[tuple[str, str, str], Change] = {}
        for side in sorted(sides):
            for change in _compare_fields(old_flat, new_flat, where=where, side=side):
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


def unified_diff(old: str, new: str, *, name: str, max_lines: int = 60) -> list[str]:
    """A unified diff of two texts, cut to ``max_lines`` lines (with a note saying so)."""
    lines = list(
        difflib.unified_diff(
            old.splitlines(),
            new.splitlines(),
            fromfile=f"{name} (committed)",
            tofile=f"{name} (regenerated)",
            lineterm="",
            n=2,
        )
    )
    if len(lines) > max_lines:
        cut = len(lines) - max_lines
        lines = [*lines[:max_lines], f"... ({cut} more diff lines)"]
    return lines


# --- the drift run (``confgen drift``) ------------------------------------------------


@dataclass(frozen=True)
class FileDrift:
    """One committed file that differs from what the pipeline gives now."""

    path: Path
    committed: bytes | None
    regenerated: bytes | None
    changes: tuple[Change, ...] = ()

    @property
    def breaking(self) -> int:
        """How many of ``changes`` are breaking."""
        return sum(change.breaking for change in self.changes)


@dataclass(frozen=True)
class DriftReport:
    """What one drift run found, and what ``--update`` would write.

    ``packages_checked`` is False while the code generator offers no render function
    (then only specs and sources are compared).
    """

    sources: tuple[FileDrift, ...]
    specs: tuple[FileDrift, ...]
    packages: tuple[FileDrift, ...]
    packages_checked: bool
    files: Mapping[Path, bytes]
    package_trees: Mapping[Path, Path]
    fetched: bool = False

    @property
    def drifted(self) -> bool:
        """Does anything committed differ?"""
        return bool(self.sources or self.specs or self.packages)


def _package_renderer() -> (
    Callable[[Sequence[Provider], Mapping[str, Path], Path], list[Path]] | None
):
    """The code generator, as ``render(providers, spec_by_provider, out) -> rendered
    package folders``; None while ``generator.codegen`` does not offer it yet."""
    try:
        from generator.codegen.generate import build_package, targets_from_manifest
    except ImportError:
        return None

    def render(providers: Sequence[Provider], specs: Mapping[str, Path], out: Path) -> list[Path]:
        # Same targets as `confgen generate` (same headers, import paths), but each
        # reads the rebuilt spec and renders into ``out/<provider>/``.
        by_package = {provider.package: provider.name for provider in providers}
        folders = []
        for target in targets_from_manifest(providers):
            name = by_package[target.out]
            folder = out / name
            folder.mkdir(parents=True)
            build_package(replace(target, spec=specs[name]), folder)
            folders.append(folder)
        return folders

    return render


def _tree_files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc")
    }


def check_drift(
    providers: Sequence[Provider],
    workdir: Path,
    *,
    fetched: Mapping[SourcePage, str] | None = None,
    render_packages: bool = True,
) -> DriftReport:
    """Re-run the pipeline for ``providers`` and compare with what is committed.

    Pages come from ``fetched`` (downloaded text) when given, else from the vendored
    files. Specs are built in memory; packages are rendered under ``workdir`` from the
    rebuilt specs. Nothing committed is written.
    """
    from generator.specs import build_spec, display_path, render_spec
    from generator.yamlio import load_yaml

    sources: list[FileDrift] = []
    specs: list[FileDrift] = []
    files: dict[Path, bytes] = {}
    rebuilt_specs: dict[str, Path] = {}
    for provider in providers:
        if fetched is not None:
            pages = []
            for source in provider.pages:
                text = fetched[source]
                data = text.encode("utf-8")
                committed = source.path.read_bytes() if source.path.exists() else None
                files[source.path] = data
                if committed != data:
                    sources.append(FileDrift(source.path, committed, data))
                pages.append(Page(path=source.url, text=text))
            document = build_spec(provider, pages)
        else:
            document = build_spec(provider)
        data = render_spec(provider, document)
        files[provider.spec] = data
        committed = provider.spec.read_bytes() if provider.spec.exists() else None
        if committed != data:
            before = load_yaml(committed.decode("utf-8")) if committed is not None else {}
            changes = diff_specs(before if isinstance(before, Mapping) else {}, document)
            if committed is None:
                changes = [
                    Change("spec-missing", display_path(provider.spec), "no committed spec", True)
                ]
            specs.append(FileDrift(provider.spec, committed, data, tuple(changes)))
        spec_copy = workdir / "specs" / provider.spec.name
        spec_copy.parent.mkdir(parents=True, exist_ok=True)
        spec_copy.write_bytes(data)
        rebuilt_specs[provider.name] = spec_copy

    render = _package_renderer() if render_packages else None
    packages: list[FileDrift] = []
    trees: dict[Path, Path] = {}
    if render is not None:
        # Only the packages the generator renders (HTTP ones; generated/trueconf is not).
        folders = render(providers, rebuilt_specs, workdir / "packages")
        rendered = {folder.name: folder for folder in folders}
        for provider in providers:
            if provider.name not in rendered:
                continue
            new_package = rendered[provider.name]
            trees[provider.package] = new_package
            old_files, new_files = _tree_files(provider.package), _tree_files(new_package)
            for name in sorted(old_files.keys() | new_files.keys()):
                if old_files.get(name) != new_files.get(name):
                    packages.append(
                        FileDrift(provider.package / name, old_files.get(name), new_files.get(name))
                    )
    return DriftReport(
        sources=tuple(sources),
        specs=tuple(specs),
        packages=tuple(packages),
        packages_checked=render is not None,
        files=files,
        package_trees=trees,
        fetched=fetched is not None,
    )


def _text(data: bytes | None) -> str:
    return "" if data is None else data.decode("utf-8", errors="replace")


#: How many changed generated files ``format_report`` prints a text diff for.
MAX_CODE_DIFFS = 5


def format_report(report: DriftReport, *, diff_lines: int = 60) -> str:
    """The human report: semantic changes per spec first, then short text diffs."""
    from generator.specs import display_path

    out: list[str] = []
    for drift in report.specs:
        breaking = drift.breaking
        out.append(
            f"spec drift: {display_path(drift.path)}: {breaking} breaking, "
            f"{len(drift.changes) - breaking} non-breaking change(s)"
        )
        out += [f"  {change}" for change in drift.changes]
        if not drift.changes:
            out.append("  (no semantic change: descriptions, examples or layout only)")
    for drift in report.sources:
        out.append(f"source drift: {display_path(drift.path)} differs from the published page")
    for drift in report.packages:
        state = (
            "is not generated any more"
            if drift.regenerated is None
            else "is not committed"
            if drift.committed is None
            else "differs"
        )
        out.append(f"package drift: {display_path(drift.path)} {state}")
    if not report.packages_checked:
        out.append(
            "note: generated/ not compared"
            + (
                ""
                if report.fetched
                else ": the code generator (generator.codegen.generate) is not available yet"
            )
        )
    # Text diffs: every spec and source, then at most a few generated files that
    # changed (a whole new or removed package is listed above, not printed).
    changed_code = [d for d in report.packages if d.committed is not None and d.regenerated]
    shown = [*report.specs, *report.sources, *changed_code[:MAX_CODE_DIFFS]]
    if len(changed_code) > MAX_CODE_DIFFS:
        out.append(f"({len(changed_code) - MAX_CODE_DIFFS} more changed generated files not shown)")
    for drift in shown:
        lines = unified_diff(
            _text(drift.committed),
            _text(drift.regenerated),
            name=display_path(drift.path),
            max_lines=diff_lines,
        )
        if lines:
            out += ["", *lines]
    total = sum(len(drift.changes) for drift in report.specs)
    breaking = sum(drift.breaking for drift in report.specs)
    out.append("")
    if report.drifted:
        out.append(
            f"drift: {len(report.specs)} spec(s), {len(report.sources)} source page(s), "
            f"{len(report.packages)} generated file(s) differ; {breaking} breaking and "
            f"{total - breaking} non-breaking spec change(s). "
            "Run `confgen drift --update` (with `--fetch` to take the published pages) to accept."
        )
    else:
        out.append(
            "drift: none; "
            + (
                "the vendored pages and specs match the published pages"
                if report.fetched
                else "committed specs match their sources"
            )
            + (" and generated code its specs" if report.packages_checked else "")
        )
    return "\n".join(out)


def apply_update(report: DriftReport) -> list[Path]:
    """Write what the drift run built: sources and specs (all or none, each atomically),
    then each rendered package tree swapped in whole. Returns the files changed."""
    from generator.codegen.generate import check_replaceable

    for target, rendered in report.package_trees.items():
        if _tree_files(target) != _tree_files(rendered):
            check_replaceable(target)  # never replace what confgen did not write
    changed = write_files_atomically(dict(report.files))
    for target, rendered in report.package_trees.items():
        if _tree_files(target) != _tree_files(rendered):
            replace_tree(target, functools.partial(_copy_tree, rendered))
            changed.append(target)
    return changed


def _copy_tree(source: Path, staging: Path) -> None:
    """Copy a rendered package into ``replace_tree``'s staging folder."""
    shutil.copytree(
        source, staging, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
    )
