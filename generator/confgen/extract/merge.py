"""Merge a provider's seed-page extraction with its published spec (one spec per provider).

Rules (each difference found is reported with the rule that decided it):

- ``server``: the published spec's server form is used. When the page's server URL is
  the published one plus a path prefix (SignalWire: ``.../api/video`` against the bare
  host with ``/api/video/...`` paths), the page's paths are moved under that prefix.
- ``operation``: the page is the source of the operation it describes: its operation
  replaces the published one at the same method and path. Every field, type, default,
  range, enum and ``required`` that differs is reported.
- ``tag``: the published operations of the tag the page's operation had there take the
  page's tag, so one resource holds them all (named as the page names it).
- ``component``: a component the page defines replaces the published one of that name.
- ``webhook``: a published webhook for an event the page already describes (same event
  name, dotted) stays the page's.
- ``info``: the published spec's ``info`` (it describes the whole surface).

A pure function: the same inputs give the same document and the same report.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from confgen.errors import json_pointer
from confgen.extract.openapi_subset import HTTP_METHODS, component_closure
from confgen.extract.page import Page

__all__ = ["Difference", "merge_openapi", "render_report"]

_VARIABLE = re.compile(r"\{[^}]*\}")
_COMPARED_KEYWORDS = (
    "type",
    "format",
    "default",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
)


@dataclass(frozen=True)
class Difference:
    """One place where the page and the published spec disagree."""

    what: str
    page: str
    published: str
    page_value: str
    published_value: str
    rule: str


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."


def _resolve(node: Any, document: Mapping[str, Any], depth: int = 0) -> Any:
    """``node`` with a top-level local ``$ref`` followed (and ``allOf`` of one merged)."""
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and depth < 20:
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            target = (target or {}).get(part.replace("~1", "/").replace("~0", "~"))
        node = target
        depth += 1
    if isinstance(node, Mapping) and isinstance(node.get("allOf"), list):
        merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
        for part in node["allOf"]:
            part = _resolve(part, document, depth + 1)
            if isinstance(part, Mapping):
                merged.setdefault("properties", {}).update(part.get("properties") or {})
                merged["required"] = [*merged.get("required", []), *part.get("required", [])]
                for key, value in part.items():
                    if key not in ("properties", "required"):
                        merged.setdefault(key, value)
        return merged
    return node


class _Locator:
    """``file:line`` of a name on a page (its first mention), ``file#/pointer`` in a spec."""

    def __init__(self, pages: list[Page], published_source: str) -> None:
        self.pages = pages
        self.published_source = published_source

    def page(self, *names: str) -> str:
        for name in names:
            for page in self.pages:
                for number, line in enumerate(page.text.split("\n"), start=1):
                    if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", line):
                        return f"{page.path}:{number}"
        return self.pages[0].path if self.pages else "<page>"

    def spec(self, parts: list[str | int]) -> str:
        return f"{self.published_source}#{json_pointer(parts)}"


def _normalise(url: str) -> str:
    return _VARIABLE.sub("{}", url).rstrip("/")


def _dotted(name: str) -> str:
    """``conferenceParticipantJoined`` -> ``conference.participant.joined``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r".\1", name).lower()


def _operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = (item or {}).get(method)
            if isinstance(operation, dict):
                yield path, method, operation


def merge_openapi(
    seed: Mapping[str, Any],
    published: Mapping[str, Any],
    *,
    pages: list[Page],
    published_source: str,
) -> tuple[dict[str, Any], list[Difference]]:
    """The merged document and the located differences (see the module docstring)."""
    where = _Locator(pages, published_source)
    report: list[Difference] = []
    result: dict[str, Any] = copy.deepcopy(dict(published))
    seed = copy.deepcopy(dict(seed))

    # --- servers
    prefix = ""
    seed_url = (seed.get("servers") or [{}])[0].get("url", "")
    published_url = (published.get("servers") or [{}])[0].get("url", "")
    if seed_url and published_url and seed_url != published_url:
        seed_norm, published_norm = _normalise(seed_url), _normalise(published_url)
        if seed_norm.startswith(published_norm):
            prefix = seed_norm[len(published_norm) :]
            rule = (
                "server: the published spec's server is used; the page's paths are moved "
                f"under {prefix or '/'} so every request reaches the same URL"
            )
        else:
            rule = "server: the published spec's server is used"
        report.append(
            Difference(
                "server URL",
                where.page(seed_url.split("//")[-1].split("/")[0], "servers"),
                where.spec(["servers", 0, "url"]),
                seed_url,
                published_url,
                rule,
            )
        )
    seed_paths = {prefix + path: item for path, item in (seed.get("paths") or {}).items()}

    # --- operations and tags
    paths = result.setdefault("paths", {})
    renames: dict[str, str] = {}
    for path, item in seed_paths.items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            twin = (paths.get(path) or {}).get(method)
            label = f"{method.upper()} {path}"
            if twin is None:
                report.append(
                    Difference(
                        f"{label}: operation",
                        where.page(path.rsplit("/", 1)[-1]),
                        where.spec(["paths", path]),
                        "documented",
                        "absent",
                        "operation: the page is the source of the operation it describes",
                    )
                )
            else:
                report.extend(
                    _compare_operation(label, operation, twin, seed, published, path, method, where)
                )
                seed_tag = (operation.get("tags") or [None])[0]
                published_tag = (twin.get("tags") or [None])[0]
                if seed_tag and published_tag and seed_tag != published_tag:
                    renames[published_tag] = seed_tag
            paths.setdefault(path, {})[method] = operation
    for old, new in sorted(renames.items()):
        report.append(
            Difference(
                f"tag {old!r}",
                where.page("tags", new),
                where.spec(["tags"]),
                new,
                old,
                "tag: the published tag of the page's operation takes the page's name "
                "(one resource for all its operations)",
            )
        )
        for _, _, operation in _operations(result):
            operation["tags"] = [renames.get(tag, tag) for tag in operation.get("tags") or []]
        for tag in result.get("tags") or []:
            if isinstance(tag, dict) and tag.get("name") == old:
                tag["name"] = new

    # --- webhooks
    seed_hooks = seed.get("webhooks") or {}
    hooks = result.get("webhooks") or {}
    for name in list(hooks):
        if name in seed_hooks or _dotted(name) in seed_hooks:
            report.append(
                Difference(
                    f"webhook {name}",
                    where.page(_dotted(name)),
                    where.spec(["webhooks", name]),
                    _dotted(name),
                    name,
                    "webhook: an event the page describes stays the page's",
                )
            )
            del hooks[name]
    for name, item in seed_hooks.items():
        hooks[name] = item
    if hooks:
        result["webhooks"] = hooks
    else:
        result.pop("webhooks", None)

    # --- components: the page's replace the published ones of the same name
    components = result.setdefault("components", {})
    for kind, members in (seed.get("components") or {}).items():
        target = components.setdefault(kind, {})
        for name, value in members.items():
            if name in target and target[name] != value and kind != "schemas":
                report.append(
                    Difference(
                        f"component {kind}/{name}",
                        where.page(name),
                        where.spec(["components", kind, name]),
                        _short(value),
                        _short(target[name]),
                        "component: the page's definition is used",
                    )
                )
            target[name] = value
    # Drop what nothing references any more (the published twins' own schemas).
    roots: list[Any] = [result.get("paths"), result.get("webhooks")]
    keep = component_closure(components, roots, published_source)
    security = {
        name
        for requirement in result.get("security") or seed.get("security") or []
        for name in requirement
    }
    for _, _, operation in _operations(result):
        for requirement in operation.get("security") or []:
            security.update(requirement)
    for kind in list(components):
        for name in list(components[kind]):
            if (kind, name) not in keep and not (kind == "securitySchemes" and name in security):
                del components[kind][name]
        if not components[kind]:
            del components[kind]
    if seed.get("info") != published.get("info"):
        report.append(
            Difference(
                "info",
                where.page("title"),
                where.spec(["info"]),
                _short(seed.get("info")),
                _short(published.get("info")),
                "info: the published spec's (it describes the whole surface)",
            )
        )
    return result, report


def _compare_operation(
    label: str,
    page_op: Mapping[str, Any],
    spec_op: Mapping[str, Any],
    seed: Mapping[str, Any],
    published: Mapping[str, Any],
    path: str,
    method: str,
    where: _Locator,
) -> Iterator[Difference]:
    rule = "operation: the page is the source of the operation it describes"
    base: list[str | int] = ["paths", path, method]
    if page_op.get("operationId") != spec_op.get("operationId"):
        yield Difference(
            f"{label}: operationId",
            where.page(str(page_op.get("operationId"))),
            where.spec([*base, "operationId"]),
            str(page_op.get("operationId")),
            str(spec_op.get("operationId")),
            rule + " (and names its method)",
        )
    page_params = {
        (p.get("in"), p.get("name")): p
        for p in (_resolve(p, seed) for p in page_op.get("parameters") or [])
        if isinstance(p, Mapping)
    }
    spec_params = {
        (p.get("in"), p.get("name")): p
        for p in (_resolve(p, published) for p in spec_op.get("parameters") or [])
        if isinstance(p, Mapping)
    }
    for key in sorted(page_params.keys() | spec_params.keys(), key=str):
        name = f"{label}: {key[0]} parameter {key[1]}"
        pointer = [*base, "parameters", key[1] or ""]
        if key not in spec_params or key not in page_params:
            yield Difference(
                name,
                where.page(str(key[1])),
                where.spec(pointer),
                "present" if key in page_params else "absent",
                "present" if key in spec_params else "absent",
                rule,
            )
            continue
        yield from _compare_schemas(
            name,
            page_params[key].get("schema") or {},
            spec_params[key].get("schema") or {},
            seed,
            published,
            str(key[1]),
            pointer,
            where,
            rule,
        )
    page_body = _body_schema(page_op, seed)
    spec_body = _body_schema(spec_op, published)
    if page_body is not None or spec_body is not None:
        yield from _compare_object(
            f"{label}: body",
            page_body or {},
            spec_body or {},
            seed,
            published,
            [*base, "requestBody", "content", "application/json", "schema"],
            where,
            rule,
        )
    page_codes = set(map(str, page_op.get("responses") or {}))
    spec_codes = set(map(str, spec_op.get("responses") or {}))
    if page_codes != spec_codes:
        yield Difference(
            f"{label}: response codes",
            where.page("Responses", "responses"),
            where.spec([*base, "responses"]),
            ", ".join(sorted(page_codes)),
            ", ".join(sorted(spec_codes)),
            rule,
        )


def _body_schema(operation: Mapping[str, Any], document: Mapping[str, Any]) -> Any:
    body = _resolve(operation.get("requestBody"), document)
    if not isinstance(body, Mapping):
        return None
    media = (body.get("content") or {}).get("application/json") or {}
    return _resolve(media.get("schema"), document)


def _compare_object(
    label: str,
    page_schema: Any,
    spec_schema: Any,
    seed: Mapping[str, Any],
    published: Mapping[str, Any],
    pointer: list[str | int],
    where: _Locator,
    rule: str,
) -> Iterator[Difference]:
    page_schema, spec_schema = _resolve(page_schema, seed), _resolve(spec_schema, published)
    page_props = page_schema.get("properties") or {}
    spec_props = spec_schema.get("properties") or {}
    for name in sorted(page_props.keys() | spec_props.keys()):
        field = f"{label} field {name}"
        if name not in page_props or name not in spec_props:
            yield Difference(
                field,
                where.page(name),
                where.spec([*pointer, "properties", name]),
                "present" if name in page_props else "absent",
                "present" if name in spec_props else "absent",
                rule,
            )
            continue
        yield from _compare_schemas(
            field,
            page_props[name],
            spec_props[name],
            seed,
            published,
            name,
            [*pointer, "properties", name],
            where,
            rule,
        )
    page_required = set(page_schema.get("required") or [])
    spec_required = set(spec_schema.get("required") or [])
    for name in sorted(page_required ^ spec_required):
        yield Difference(
            f"{label} field {name}: required",
            where.page(name),
            where.spec([*pointer, "required"]),
            str(name in page_required).lower(),
            str(name in spec_required).lower(),
            rule,
        )


def _compare_schemas(
    label: str,
    page_schema: Any,
    spec_schema: Any,
    seed: Mapping[str, Any],
    published: Mapping[str, Any],
    name: str,
    pointer: list[str | int],
    where: _Locator,
    rule: str,
) -> Iterator[Difference]:
    page_schema, spec_schema = _resolve(page_schema, seed), _resolve(spec_schema, published)
    if not isinstance(page_schema, Mapping) or not isinstance(spec_schema, Mapping):
        return
    for keyword in _COMPARED_KEYWORDS:
        a, b = page_schema.get(keyword), spec_schema.get(keyword)
        if (
            keyword == "enum"
            and a is not None
            and b is not None
            and sorted(map(str, a)) == sorted(map(str, b))
        ):
            continue
        if a != b:
            yield Difference(
                f"{label}: {keyword}",
                where.page(name),
                where.spec([*pointer, keyword]),
                "absent" if a is None else _short(a),
                "absent" if b is None else _short(b),
                rule,
            )
    if page_schema.get("properties") or spec_schema.get("properties"):
        yield from _compare_object(
            label, page_schema, spec_schema, seed, published, pointer, where, rule
        )


def render_report(sections: Mapping[str, list[Difference]]) -> str:
    """``specs/REPORT.md``: one section per provider, differences in a stable order."""
    lines = [
        "# Where the seed pages and the published sources disagree",
        "",
        "Written by `confgen extract` (do not edit). Each row is one difference between a",
        "provider's seed page (located `file:line` at the first line naming the field) and",
        "its published source (`file#/json/pointer`), and the rule that decided which one",
        "the spec uses (rules: `generator/confgen/extract/merge.py`).",
        "",
    ]
    for provider in sorted(sections):
        differences = sections[provider]
        lines += [f"## {provider}", "", f"{len(differences)} differences.", ""]
        if differences:
            lines += ["| what | page | published | page says | published says | rule |"]
            lines += ["|---|---|---|---|---|---|"]
            for item in differences:
                cells = [
                    item.what,
                    item.page,
                    item.published,
                    item.page_value,
                    item.published_value,
                    item.rule,
                ]
                lines.append(
                    "| "
                    + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells)
                    + " |"
                )
            lines.append("")
    return "\n".join(lines)
