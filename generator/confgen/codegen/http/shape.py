"""The OpenAPI document's shape, checked before loading: each section of the right type,
component names OpenAPI allows, the first wrong node named with its pointer."""

from __future__ import annotations

from typing import Any

from confgen.codegen.spec import COMPONENT_KEY, Spec, expect, shape_error

__all__ = ["HTTP_METHODS", "check_shape"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
"""The operation keys of an OpenAPI path item."""

_COMPONENT_MAPS = (
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
)


def check_shape(spec: Spec) -> None:
    """Refuse a document whose structure is not OpenAPI's, with the pointer of the first
    wrong node: the sections of the wrong type, a component name OpenAPI does not allow. (Everything later may then assume the types.)"""
    document = spec.document
    for key, kind in (("info", dict), ("servers", list), ("paths", dict), ("components", dict)):
        if key in document and document[key] is not None:
            expect(spec, document[key], kind, (key,), key)
    for index, server in enumerate(document.get("servers") or []):
        expect(spec, server, dict, ("servers", index), "a server")
    if document.get("webhooks") is not None:
        expect(spec, document["webhooks"], dict, ("webhooks",), "webhooks")
    components = document.get("components") or {}
    for section in _COMPONENT_MAPS:
        if components.get(section) is None:
            continue
        expect(spec, components[section], dict, ("components", section), f"components.{section}")
        for name in components[section]:
            if not COMPONENT_KEY.match(name):
                raise shape_error(
                    spec,
                    f"component name {name!r} has characters OpenAPI does not allow",
                    ("components", section, name),
                    "a name matching ^[a-zA-Z0-9.-_]+$",
                )
    for path, item in (document.get("paths") or {}).items():
        where: tuple[Any, ...] = ("paths", path)
        if not path.startswith("/"):
            raise shape_error(spec, f"path {path!r} does not start with '/'", where, "'/...'")
        expect(spec, item, dict, where, "a path item")
        _parameter_list(spec, item.get("parameters"), (*where, "parameters"))
        for method in HTTP_METHODS:
            if method not in item:
                continue
            node = item[method]
            expect(spec, node, dict, (*where, method), "an operation")
            _parameter_list(spec, node.get("parameters"), (*where, method, "parameters"))
            if node.get("responses") is not None:
                expect(spec, node["responses"], dict, (*where, method, "responses"), "responses")
            tags = node.get("tags")
            if tags is not None and (
                not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags)
            ):
                raise shape_error(
                    spec, "tags must be a list of strings", (*where, method, "tags"), "[tag, ...]"
                )
            if node.get("requestBody") is not None:
                expect(
                    spec, node["requestBody"], dict, (*where, method, "requestBody"), "requestBody"
                )
    # A $ref that is not a string: `generate.check_document` (one pass over every node).


def _parameter_list(spec: Spec, node: Any, where: tuple[Any, ...]) -> None:
    if node is None:
        return
    expect(spec, node, list, where, "parameters")
    for index, parameter in enumerate(node):
        expect(spec, parameter, dict, (*where, index), "a parameter")
