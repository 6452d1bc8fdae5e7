"""The extraction pipeline: pages -> extractor -> overlay -> validation -> spec file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import ConfgenError, ExtractError
from generator.extract import Page, get_extractor
from generator.extract.overlay import apply_overlay
from generator.extract.validate import validate_asyncapi, validate_openapi
from generator.fsutil import display_path, write_files_atomically
from generator.manifest import Provider
from generator.yamlio import dump_yaml, load_yaml


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


def build_spec(provider: Provider, pages: Sequence[Page] | None = None) -> dict[str, Any]:
    """Extract, overlay and validate one provider's spec (nothing is written)."""
    if pages is None:
        pages = [read_page(page.path) for page in provider.pages]
    try:
        extractor = get_extractor(provider.extractor)
    except KeyError as error:
        raise ConfgenError(str(error.args[0]), source="specs/providers.toml") from None
    document = extractor(pages)
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
    return document


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
    sources = ", ".join(provider.relative(page.path) for page in provider.pages)
    header = (
        f"# Extracted by `confgen extract` from {sources}"
        + (f" with {provider.relative(provider.overlay)}" if provider.overlay else "")
        + ".\n# Do not edit: change the source or the overlay and run `make generate`.\n"
    )
    return (header + dump_yaml(canonical_order(document))).encode("utf-8")


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
    outputs = {provider.spec: render_spec(provider, build_spec(provider)) for provider in providers}
    stale = [
        path for path, data in outputs.items() if not path.exists() or path.read_bytes() != data
    ]
    if check:
        return ExtractResult(written=[], stale=sorted(stale))
    return ExtractResult(written=write_files_atomically(outputs), stale=[])
