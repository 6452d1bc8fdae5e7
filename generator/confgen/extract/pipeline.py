"""The extraction pipeline: pages -> extractor -> overlay -> validation -> spec file."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from confgen.errors import ConfgenError, ExtractError
from confgen.extract import Page, get_extractor, get_published_extractor
from confgen.extract.merge import Difference, merge_openapi, render_report
from confgen.extract.overlay import apply_overlay
from confgen.extract.validate import validate_asyncapi, validate_openapi
from confgen.fsutil import display_path, write_files_atomically
from confgen.manifest import Provider
from confgen.yamlio import dump_yaml, load_yaml


def read_page(path: Path) -> Page:
    """Read a vendored page as text (UTF-8, newlines kept exactly)."""
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            return Page(path=display_path(path), text=stream.read())
    except FileNotFoundError:
        raise ExtractError("source page not found", source=display_path(path)) from None
    except UnicodeDecodeError as error:
        raise ExtractError(
            f"source page is not UTF-8 (byte {error.start})", source=display_path(path)
        ) from None


def read_published(provider: Provider) -> dict[str, Page]:
    """The provider's published sources by name, each checked against its recorded sha256."""
    result = {}
    for source in provider.published:
        shown = display_path(source.path)
        data = source.read_bytes(shown)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ExtractError(f"not UTF-8 (byte {error.start})", source=shown) from None
        result[source.name] = Page(path=shown, text=text)
    return result


def build_spec(
    provider: Provider,
    pages: Sequence[Page] | None = None,
    published: Mapping[str, Page] | None = None,
) -> dict[str, Any]:
    """Extract, overlay and validate one provider's spec (nothing is written)."""
    return build_spec_and_report(provider, pages, published)[0]


def build_spec_and_report(
    provider: Provider,
    pages: Sequence[Page] | None = None,
    published: Mapping[str, Page] | None = None,
) -> tuple[dict[str, Any], list[Difference]]:
    """`build_spec`, with the differences the merge with the published sources found."""
    if pages is None:
        pages = [read_page(page.path) for page in provider.pages]
    if published is None:
        published = read_published(provider)
    try:
        extractor = get_extractor(provider.extractor)
        published_extractor = (
            get_published_extractor(provider.published_extractor)
            if provider.published_extractor
            else None
        )
    except KeyError as error:
        raise ConfgenError(str(error.args[0]), source="specs/providers.toml") from None
    document = extractor(pages)
    differences: list[Difference] = []
    if published_extractor is not None and provider.spec_format == "asyncapi":
        from confgen.extract.trueconf_wrapper import merge_asyncapi

        wrapper = published_extractor(published, provider.select)
        named = [
            Page(path=provider.relative(source.path), text=page.text)
            for source, page in zip(provider.pages, pages, strict=True)
        ]
        by_name = {source.name: provider.relative(source.path) for source in provider.published}
        document, differences = merge_asyncapi(
            document,
            wrapper,
            pages=named,
            methods_source=by_name["methods"],
            consts_source=by_name["consts"],
        )
    elif published_extractor is not None:
        published_document = published_extractor(published, provider.select)
        # The report names files relative to the project root, wherever it runs from.
        named = [
            Page(path=provider.relative(source.path), text=page.text)
            for source, page in zip(provider.pages, pages, strict=True)
        ]
        document, differences = merge_openapi(
            document,
            published_document,
            pages=named,
            published_source=provider.relative(provider.published[0].path),
        )
    if provider.overlay is not None:
        overlay_source = display_path(provider.overlay)
        try:
            overlay = load_yaml(provider.overlay.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfgenError("overlay not found", source=overlay_source) from None
        document = apply_overlay(document, overlay, source=overlay_source)
    spec_source = display_path(provider.spec)
    if provider.spec_format == "asyncapi":
        validate_asyncapi(document, source=spec_source)
    else:
        validate_openapi(document, source=spec_source)
    return document, differences


#: Top-level keys first in this order (the order readers expect); the rest keep theirs.
_TOP_LEVEL_ORDER = (
    "openapi",
    "asyncapi",
    "info",
    "servers",
    "defaultContentType",
    "security",
    "tags",
    "paths",
    "webhooks",
    "channels",
    "operations",
    "components",
)


def canonical_order(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its top-level keys in conventional order, then the rest."""
    ordered = {key: document[key] for key in _TOP_LEVEL_ORDER if key in document}
    ordered.update((key, value) for key, value in document.items() if key not in ordered)
    return ordered


def render_spec(provider: Provider, document: dict[str, Any]) -> bytes:
    """The spec file's bytes: a header naming its inputs, then deterministic YAML."""
    sources = ", ".join(
        provider.relative(path)
        for path in [
            *(page.path for page in provider.pages),
            *(source.path for source in provider.published if source.name != "licence"),
        ]
    )
    header = (
        f"# Extracted by `confgen extract` from {sources}"
        + (f" with {provider.relative(provider.overlay)}" if provider.overlay else "")
        + ".\n# Do not edit: change the source or the overlay and run `make generate`.\n"
    )
    return (header + dump_yaml(canonical_order(document))).encode("utf-8")


def report_path(provider: Provider) -> Path:
    """``specs/REPORT.md`` of the project ``provider`` belongs to."""
    return provider.root / "specs" / "REPORT.md"


_SECTION = re.compile(r"(?m)^## (\S+)\n")


def update_report(path: Path, sections: Mapping[str, list[Difference]]) -> bytes:
    """REPORT.md with ``sections`` rendered anew; other providers' sections kept as they are."""
    kept: dict[str, str] = {}
    if path.exists():
        text = path.read_text(encoding="utf-8")
        marks = list(_SECTION.finditer(text))
        for number, mark in enumerate(marks):
            end = marks[number + 1].start() if number + 1 < len(marks) else len(text)
            kept[mark[1]] = text[mark.start() : end].rstrip("\n") + "\n"
    rendered = render_report(sections)
    header, _, _ = rendered.partition("\n## ")
    body = {
        name: render_report({name: items}).split("\n## ", 1)[1] for name, items in sections.items()
    }
    parts = [header.rstrip("\n") + "\n"]
    for name in sorted(kept.keys() | body.keys()):
        parts.append(("## " + body[name]).rstrip("\n") + "\n" if name in body else kept[name])
    return "\n".join(parts).encode("utf-8")


@dataclass(frozen=True)
class ExtractResult:
    """What one ``extract`` run did."""

    written: list[Path]
    stale: list[Path]


def extract_specs(providers: Sequence[Provider], *, check: bool = False) -> ExtractResult:
    """Build every provider's spec; write them all (atomically) unless ``check``.

    Every spec is built before anything is written, so one bad page leaves every
    committed spec untouched.
    """
    outputs: dict[Path, bytes] = {}
    sections: dict[str, list[Difference]] = {}
    for provider in providers:
        document, differences = build_spec_and_report(provider)
        outputs[provider.spec] = render_spec(provider, document)
        sections[provider.name] = differences
    if providers:
        report = report_path(providers[0])
        outputs[report] = update_report(report, sections)
    stale = [
        path for path, data in outputs.items() if not path.exists() or path.read_bytes() != data
    ]
    if check:
        return ExtractResult(written=[], stale=sorted(stale))
    return ExtractResult(written=write_files_atomically(outputs), stale=[])
