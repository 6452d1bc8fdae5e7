"""Extractor for doc pages that embed an OpenAPI document in a fenced ```yaml block.

Voximplant publishes one page per operation. The YAML inside the fence contains its own
indented ``` fences (inside descriptions), so the block ends only at a fence line at
the block's own indentation, never at the first ``` seen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from confgen.errors import ExtractError
from confgen.extract.page import Page
from confgen.yamlio import load_yaml

_OPENING_FENCE = re.compile(r"^(?P<indent>[ \t]*)```ya?ml[ \t]*$")


def find_yaml_block(page: Page) -> tuple[int, str]:
    """Return (1-based line of the first YAML line, YAML text) of the page's fenced block."""
    lines = page.text.splitlines()
    for index, line in enumerate(lines):
        opening = _OPENING_FENCE.match(line)
        if not opening:
            continue
        closing = opening["indent"] + "```"
        for end in range(index + 1, len(lines)):
            if lines[end].rstrip() == closing:
                return index + 2, "\n".join(lines[index + 1 : end]) + "\n"
        raise page.error_at_line(
            index + 1,
            "the ```yaml fence opened here never closes",
            expected=f"a line '{closing}' at the fence's own indentation",
        )
    raise page.error_at_line(
        1,
        "no fenced YAML block in this page",
        expected="a '```yaml' fence holding an OpenAPI document",
    )


def parse_page(page: Page) -> dict[str, Any]:
    """The OpenAPI document in one page, with YAML errors mapped to page lines."""
    first_line, text = find_yaml_block(page)
    try:
        document = load_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        column = (mark.column + 1) if mark else None
        raise ExtractError(
            f"the fenced YAML does not parse: {error.problem or error.context}",
            source=page.path,
            line=line,
            column=column,
            expected="valid YAML",
        ) from None
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
        raise page.error_at_line(
            first_line,
            "the fenced YAML is not an OpenAPI document",
            expected="an 'openapi: 3.x' key",
        )
    return document


def extract_fenced_yaml(pages: Sequence[Page]) -> dict[str, Any]:
    """Merge the OpenAPI documents of several pages into one spec.

    The first page gives ``openapi`` and ``info``; paths, servers, security and every
    components section are united. The same operation or component defined twice with
    different content is an error naming the second page.
    """
    if not pages:
        raise ExtractError("no pages given to the fenced-YAML extractor")
    merged: dict[str, Any] = {}
    for page in pages:
        document = parse_page(page)
        if not merged:
            merged = {"openapi": document["openapi"], "info": document.get("info", {})}
        _merge_paths(merged, document, page)
        _merge_list(merged, document, "servers")
        _merge_list(merged, document, "security")
        _merge_list(merged, document, "tags")
        _merge_components(merged, document, page)
    return merged


def _merge_paths(merged: dict[str, Any], document: dict[str, Any], page: Page) -> None:
    paths = merged.setdefault("paths", {})
    for path, item in (document.get("paths") or {}).items():
        target = paths.setdefault(path, {})
        for key, value in item.items():
            if key in target and target[key] != value:
                raise ExtractError(
                    f"{path} {key} is defined differently on two pages",
                    source=page.path,
                    pointer="/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + key,
                )
            target[key] = value


def _merge_list(merged: dict[str, Any], document: dict[str, Any], key: str) -> None:
    for entry in document.get(key) or []:
        existing = merged.setdefault(key, [])
        if entry not in existing:
            existing.append(entry)


def _merge_components(merged: dict[str, Any], document: dict[str, Any], page: Page) -> None:
    for section, entries in (document.get("components") or {}).items():
        target = merged.setdefault("components", {}).setdefault(section, {})
        for name, value in entries.items():
            if name in target and target[name] != value:
                raise ExtractError(
                    f"component {section}/{name} is defined differently on two pages",
                    source=page.path,
                    pointer=f"/components/{section}/{name}",
                )
            target[name] = value
