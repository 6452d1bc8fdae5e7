"""The provider manifest (``specs/providers.toml``): one entry per provider."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ManifestError

DEFAULT_MANIFEST = Path("specs/providers.toml")


@dataclass(frozen=True)
class SourcePage:
    """A vendored doc page and the address it was published at."""

    path: Path
    url: str


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
            pages.append(SourcePage(path=base / page["path"], url=page["url"]))
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
            )
        )
    return providers
