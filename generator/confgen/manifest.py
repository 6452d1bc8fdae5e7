"""The provider manifest (``specs/providers.toml``): one entry per provider."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from confgen.errors import ManifestError

DEFAULT_MANIFEST = Path("specs/providers.toml")


@dataclass(frozen=True)
class SourcePage:
    """A vendored doc page and the address it was published at."""

    path: Path
    url: str
    #: Where ``confgen drift --fetch`` reads the page's text (default: ``url``).
    fetch: str = ""

    @property
    def fetch_url(self) -> str:
        """The address the page's text is fetched from."""
        return self.fetch or self.url


@dataclass(frozen=True)
class PublishedSource:
    """A provider's own machine-readable publication (a whole spec, an SDK's source),
    vendored byte for byte: ``sha256`` is checked every time it is read."""

    name: str
    path: Path
    url: str
    origin: str
    commit: str
    licence: str
    sha256: str

    @property
    def fetch_url(self) -> str:
        """The address ``confgen drift --fetch`` reads it from."""
        return self.url

    def read_bytes(self, shown: str | None = None) -> bytes:
        """The vendored bytes; `ManifestError` (at ``shown``, default the path) when they
        are missing or not the bytes whose sha256 the manifest records."""
        place = shown or str(self.path)
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise ManifestError(f"published source {self.name!r} not found", source=place) from None
        digest = hashlib.sha256(data).hexdigest()
        if digest != self.sha256:
            raise ManifestError(
                f"not the vendored copy specs/providers.toml records (sha256 {digest}, "
                f"recorded {self.sha256}): vendor the provider's bytes unchanged, or record "
                "the new copy's origin, commit and sha256",
                source=place,
            )
        return data


@dataclass(frozen=True)
class Provider:
    """Everything the pipeline needs to know about one provider."""

    name: str
    title: str
    extractor: str
    pages: tuple[SourcePage, ...]
    overlay: Path | None
    spec: Path
    package: Path
    client_class: str
    root: Path
    published: tuple[PublishedSource, ...] = ()
    published_extractor: str | None = None
    #: What the published extractor selects (tags, webhook name patterns).
    select: Mapping[str, Any] = field(default_factory=dict)

    def relative(self, path: Path) -> str:
        """``path`` relative to the project root, with forward slashes (stable output)."""
        return path.relative_to(self.root).as_posix()

    @property
    def spec_format(self) -> str:
        """``openapi`` or ``asyncapi``, from the spec's file name."""
        return "asyncapi" if ".asyncapi." in self.spec.name else "openapi"


def load_manifest(path: Path = DEFAULT_MANIFEST, *, root: Path | None = None) -> list[Provider]:
    """Read the manifest; paths in it are resolved against ``root`` (default: its folder's parent)."""
    base = root if root is not None else path.resolve().parent.parent
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError("manifest not found", source=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise ManifestError(f"not valid TOML: {error}", source=str(path)) from None
    providers = []
    for name, entry in sorted(data.get("providers", {}).items()):
        pointer = f"/providers/{name}"
        missing = [
            key
            for key in ("title", "extractor", "pages", "spec", "package", "client_class")
            if key not in entry
        ]
        if missing:
            raise ManifestError(
                f"provider {name!r} lacks {', '.join(missing)}", source=str(path), pointer=pointer
            )
        pages = []
        for number, page in enumerate(entry["pages"]):
            if "path" not in page or "url" not in page:
                raise ManifestError(
                    "a page needs 'path' and 'url'",
                    source=str(path),
                    pointer=f"{pointer}/pages/{number}",
                )
            pages.append(
                SourcePage(path=base / page["path"], url=page["url"], fetch=page.get("fetch", ""))
            )
        published = []
        for number, source in enumerate(entry.get("published", [])):
            keys = ("name", "path", "url", "origin", "commit", "licence", "sha256")
            lacking = [key for key in keys if key not in source]
            if lacking:
                raise ManifestError(
                    f"a published source lacks {', '.join(lacking)}",
                    source=str(path),
                    pointer=f"{pointer}/published/{number}",
                )
            published.append(
                PublishedSource(
                    **{key: source[key] for key in keys if key != "path"},
                    path=base / source["path"],
                )
            )
        providers.append(
            Provider(
                name=name,
                title=entry["title"],
                extractor=entry["extractor"],
                pages=tuple(pages),
                overlay=base / entry["overlay"] if entry.get("overlay") else None,
                spec=base / entry["spec"],
                package=base / entry["package"],
                client_class=entry["client_class"],
                root=base,
                published=tuple(published),
                published_extractor=entry.get("published_extractor"),
                select=entry.get("select", {}),
            )
        )
    return providers
