"""A published OpenAPI document -> the smaller valid document of the operations we ship.

Operations are chosen by tag, webhooks by name (whole-name regular expressions), both
from the manifest's ``[providers.<name>.select]``; everything they reference under
``components`` (schemas, parameters, responses, request bodies, headers, examples,
security schemes, ...) is copied with them, transitively. A pure function of the
document: no order depends on anything but the document's own.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from confgen.errors import ExtractError
from confgen.extract.page import Page
from confgen.yamlio import load_yaml

__all__ = [
    "HTTP_METHODS",
    "component_closure",
    "extract_openapi_subset",
    "extract_published_openapi",
    "iter_refs",
    "load_published_openapi",
    "select_operations",
]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_COMPONENT_REF = re.compile(r"^#/components/([^/]+)/(.+)$")


def load_published_openapi(page: Page) -> dict[str, Any]:
    """Parse a published spec (PyYAML's C loader, through `load_yaml`)."""
    try:
        document = load_yaml(page.text)
    except Exception as error:  # a YAML error carries its own position
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ExtractError(f"not YAML: {error}", source=page.path, line=line) from None
    if not isinstance(document, dict) or "paths" not in document:
        raise ExtractError("not an OpenAPI document (no 'paths')", source=page.path)
    return document


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def iter_refs(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from iter_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_refs(item)


def _security_names(requirements: Any) -> Iterator[str]:
    for requirement in requirements or []:
        if isinstance(requirement, Mapping):
            yield from requirement


def select_operations(
    document: Mapping[str, Any], tags: Iterable[str]
) -> list[tuple[str, str, dict[str, Any]]]:
    """``(path, method, operation)`` of every operation carrying one of ``tags``, in
    document order."""
    wanted = set(tags)
    chosen = []
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = (item or {}).get(method)
            if isinstance(operation, dict) and wanted & set(operation.get("tags") or []):
                chosen.append((path, method, operation))
    return chosen


def extract_openapi_subset(
    document: Mapping[str, Any],
    *,
    tags: Sequence[str],
    webhooks: Sequence[str] = (),
    source: str = "<published spec>",
) -> dict[str, Any]:
    """The operations tagged ``tags`` and the webhooks whose name matches ``webhooks``,
    with the ``$ref`` closure of what they use; every other top-level field kept."""
    known_tags = {
        tag
        for item in (document.get("paths") or {}).values()
        for method in HTTP_METHODS
        for tag in ((item or {}).get(method) or {}).get("tags") or []
    }
    missing = [tag for tag in tags if tag not in known_tags]
    if missing:
        raise ExtractError(f"no operation is tagged {', '.join(map(repr, missing))}", source=source)
    paths: dict[str, Any] = {}
    for path, method, operation in select_operations(document, tags):
        item = document["paths"][path]
        target = paths.setdefault(path, {})
        # Path-level fields (shared parameters, servers, summary) go with the path.
        for key, value in item.items():
            if key not in HTTP_METHODS and key not in target:
                target[key] = copy.deepcopy(value)
        target[method] = copy.deepcopy(operation)
    patterns = [re.compile(pattern) for pattern in webhooks]
    chosen_hooks = {
        name: copy.deepcopy(item)
        for name, item in (document.get("webhooks") or {}).items()
        if any(pattern.fullmatch(name) for pattern in patterns)
    }
    result: dict[str, Any] = {}
    for key, value in document.items():
        if key in ("paths", "webhooks", "components", "tags"):
            continue
        result[key] = copy.deepcopy(value)
    if document.get("tags"):
        result["tags"] = [
            copy.deepcopy(tag)
            for tag in document["tags"]
            if isinstance(tag, Mapping) and tag.get("name") in set(tags)
        ]
    result["paths"] = paths
    if chosen_hooks:
        result["webhooks"] = chosen_hooks
    components = document.get("components") or {}
    closure = component_closure(components, [paths, chosen_hooks], source)
    security = set(_security_names(document.get("security")))
    for item in [*paths.values(), *chosen_hooks.values()]:
        for method in HTTP_METHODS:
            security.update(_security_names((item.get(method) or {}).get("security")))
    for name in sorted(security):
        if name in (components.get("securitySchemes") or {}):
            closure.add(("securitySchemes", name))
    if closure:
        # Components keep the published document's order, kind by kind.
        result["components"] = {
            kind: {
                name: copy.deepcopy(value)
                for name, value in members.items()
                if (kind, name) in closure
            }
            for kind, members in components.items()
            if isinstance(members, Mapping) and any((kind, name) in closure for name in members)
        }
    return result


def component_closure(
    components: Mapping[str, Any], roots: Sequence[Any], source: str
) -> set[tuple[str, str]]:
    """Every ``(kind, name)`` of ``components`` reachable from ``roots`` through ``$ref``."""
    seen: set[tuple[str, str]] = set()
    pending = [ref for root in roots for ref in iter_refs(root)]
    while pending:
        ref = pending.pop()
        match = _COMPONENT_REF.match(ref)
        if match is None:
            if ref.startswith("#"):
                raise ExtractError(f"unsupported local $ref {ref!r}", source=source)
            continue  # an external $ref stays as it is
        kind, raw = match[1], match[2]
        name = _unescape(raw.split("/", 1)[0])
        if (kind, name) in seen:
            continue
        target = (components.get(kind) or {}).get(name)
        if target is None:
            raise ExtractError(f"$ref {ref!r} names nothing", source=source)
        seen.add((kind, name))
        pending.extend(iter_refs(target))
    return seen


def extract_published_openapi(
    pages: Mapping[str, Page], select: Mapping[str, Any]
) -> dict[str, Any]:
    """The manifest's ``openapi-subset`` published extractor: ``pages['openapi']``
    subset by ``select`` (``tags``, ``webhooks``)."""
    page = pages["openapi"]
    document = extract_openapi_subset(
        load_published_openapi(page),
        tags=list(select.get("tags", [])),
        webhooks=list(select.get("webhooks", [])),
        source=page.path,
    )
    require_path_segments(document)
    key = select.get("idempotency_key")
    if key:
        mark_idempotency_key(document, str(key))
    return document


def require_path_segments(document: dict[str, Any]) -> None:
    """``minLength: 1`` on every string path parameter that sets no length: an empty value
    would send ``/conferences//actions/hold``, another path (RFC 3986: the template's
    segment is gone), so the client refuses it before sending."""
    for item in document.get("paths", {}).values():
        shared = item.get("parameters") or []
        for parameter in [
            *shared,
            *(
                p
                for method in HTTP_METHODS
                for p in (item.get(method) or {}).get("parameters") or []
            ),
        ]:
            parameter = _follow(document, parameter)
            schema = _follow(document, parameter.get("schema") or {})
            if (
                parameter.get("in") == "path"
                and schema.get("type") == "string"
                and "minLength" not in schema
                and "enum" not in schema
                and "format" not in schema
            ):
                schema["minLength"] = 1


def mark_idempotency_key(document: dict[str, Any], name: str) -> None:
    """``x-confgen-retry: idempotency-key`` on every operation whose JSON body has the
    field ``name`` (Telnyx's ``command_id``: "Telnyx will ignore subsequent commands with
    the same command_id"), so the client fills it once and reuses it on every retry."""
    for item in document.get("paths", {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict) or "x-confgen-retry" in operation:
                continue
            body = operation.get("requestBody") or {}
            body = _follow(document, body)
            media = (body.get("content") or {}).get("application/json") or {}
            schema = _follow(document, media.get("schema") or {})
            properties = dict(schema.get("properties") or {})
            for part in schema.get("allOf") or []:
                properties.update(_follow(document, part).get("properties") or {})
            if name in properties:
                operation["x-confgen-retry"] = {
                    "mode": "idempotency-key",
                    "key": {"in": "body", "name": name},
                }


def _follow(document: Mapping[str, Any], node: Any) -> Any:
    """``node``, or what its local ``$ref`` names."""
    for _ in range(10):
        if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)):
            return node
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            target = (target or {}).get(_unescape(part))
        node = target if target is not None else {}
    return node
