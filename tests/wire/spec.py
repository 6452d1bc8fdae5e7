"""The shipped spec as the source of arguments and of the capture server's answers."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
METHODS = ("get", "post", "put", "patch", "delete")


@cache
def load(name: str) -> Any:
    with (ROOT / "specs" / f"{name}.openapi.yaml").open("rb") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def resolve(document: Any, node: Any) -> Any:
    seen = 0
    while isinstance(node, Mapping) and "$ref" in node and seen < 20:
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node, seen = target, seen + 1
    return node


def sample(document: Any, schema: Any, depth: int = 0) -> Any:
    """A value of ``schema`` both clients should accept (examples first)."""
    schema = resolve(document, schema)
    if not isinstance(schema, Mapping):
        return "x"
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return next((v for v in schema["enum"] if v is not None), "x")
    if "example" in schema and not isinstance(schema["example"], Mapping | list):
        return schema["example"]
    for key in ("allOf", "anyOf", "oneOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            if key == "allOf":
                merged: dict[str, Any] = {}
                for branch in schema[key]:
                    value = sample(document, branch, depth + 1)
                    if isinstance(value, dict):
                        merged.update(value)
                    else:
                        return value
                return merged
            branch = next(
                (b for b in schema[key] if resolve(document, b).get("type") != "null"),
                schema[key][0],
            )
            return sample(document, branch, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "object" or "properties" in schema:
        if depth > 3:
            return {}
        return {
            name: sample(document, prop, depth + 1)
            for name, prop in (schema.get("properties") or {}).items()
        }
    if kind == "array":
        return [sample(document, schema.get("items") or {}, depth + 1)]
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    value = {
        "date-time": "2024-01-01T00:00:00Z",
        "date": "2024-01-01",
        "uuid": "6a09cdc3-8948-47f0-aa62-74ac943d6c58",
        "uri": "https://example.com/a",
    }.get(str(schema.get("format")), "x")
    if isinstance(schema.get("pattern"), str):
        matching = [c for c in (value, *PATTERN_CANDIDATES) if re.search(schema["pattern"], c)]
        assert matching, f"no sample for pattern {schema['pattern']!r}: add one"
        value = matching[0]
    return value


PATTERN_CANDIDATES = ("#a1b2c3", "a", "1", "abc-123", "+15550100", "https://example.com/a")
"""Strings tried, in order, for a ``pattern`` the format's sample does not match."""


@dataclass
class SpecOperation:
    method: str
    path: str
    operation_id: str
    tag: str
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``"in:name"`` -> the resolved parameter."""
    body: dict[str, Any] | None = None
    """The resolved JSON request body schema."""
    response: Any = None

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(self.path)) + "$")


def operations(name: str) -> list[SpecOperation]:
    document = load(name)
    found = []
    for path, item in sorted(document["paths"].items()):
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            params = {}
            for raw in item.get("parameters", []) + op.get("parameters", []):
                p = resolve(document, raw)
                params[f"{p['in']}:{p['name']}"] = p
            body = None
            content = (resolve(document, op.get("requestBody") or {}).get("content")) or {}
            if "application/json" in content:
                body = resolve(document, content["application/json"].get("schema") or {})
            response: Any = {}
            for status in ("200", "201", "202"):
                answer = resolve(document, (op.get("responses") or {}).get(status) or {})
                media = (answer.get("content") or {}).get("application/json")
                if media:
                    if "example" in media:
                        response = media["example"]
                    else:
                        response = sample(document, media.get("schema") or {})
                    break
            found.append(
                SpecOperation(
                    method.upper(),
                    path,
                    op["operationId"],
                    (op.get("tags") or [""])[0],
                    params,
                    body,
                    response,
                )
            )
    return found


def responder(name: str) -> Any:
    """The capture server's answer: the operation's documented success body."""
    ops = operations(name)

    def respond(method: str, path: str) -> tuple[int, Any]:
        for op in ops:
            if op.method == method and op.pattern.match(path):
                return 200, op.response
        return 404, {"errors": [{"detail": f"no operation {method} {path}"}]}

    return respond


def our_methods(name: str, client: Any) -> dict[str, Any]:
    """operationId -> our bound method (read from each resource module's Operation constants)."""
    out = {}
    for operation_id, dotted in our_method_names(name, client).items():
        resource, method = dotted.split(".")
        out[operation_id] = getattr(getattr(client, resource), method)
    return out


def our_method_names(name: str, client: Any) -> dict[str, str]:
    """operationId -> ``resource.method`` of ours."""
    ids = {(op.method, op.path): op.operation_id for op in operations(name)}
    out: dict[str, str] = {}
    for attribute in dir(type(client)):
        if isinstance(getattr(type(client), attribute, None), cached_property):
            resource = getattr(client, attribute)
            module = sys.modules[type(resource).__module__]
            for const, value in vars(module).items():
                if type(value).__name__ == "Operation" and const.startswith("_"):
                    method = const[1:].lower()
                    assert callable(getattr(resource, method)), method
                    out[ids[(value.method, value.path)]] = f"{attribute}.{method}"
    return out


def call_async(
    seen: list[Any], make_client: Any, name: str, operation_id: str, kwargs: dict[str, Any]
) -> Any:
    """Our async method for ``operation_id`` called once (a fresh client in a fresh loop):
    the one request it sent."""
    import asyncio
    import inspect

    async def run() -> None:
        client = make_client()
        result = our_methods(name, client)[operation_id](**kwargs)
        if inspect.isawaitable(result):
            await result
        elif hasattr(result, "__aiter__"):
            async for _ in result:
                break

    seen.clear()
    try:
        asyncio.run(run())
    except Exception as exc:  # a parse failure after the request is still a request
        if not seen:
            raise AssertionError(f"async: no request sent: {type(exc).__name__}: {exc}") from exc
    assert len(seen) == 1, seen
    return seen[0]
