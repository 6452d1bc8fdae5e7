"""The generate pipeline: spec -> IR -> files -> ruff -> swapped in atomically.

Every package is built and formatted in a temporary folder before any committed
package is replaced, so a failure anywhere leaves all of ``generated/`` as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.codegen.format import format_python
from generator.codegen.load import load_api
from generator.codegen.render import render_package
from generator.errors import ConfgenError
from generator.fsutil import replace_tree
from generator.manifest import Provider
from generator.yamlio import load_yaml

__all__ = ["GenerateResult", "Stale", "Target", "generate_packages", "targets_from_manifest"]


@dataclass(frozen=True)
class Target:
    """One package to generate: which spec, where to, under which names."""

    spec: Path
    out: Path
    """The package folder (``generated/telnyx``)."""
    package: str
    client_class: str
    spec_source: str
    """How file headers and errors name the spec (independent of the working folder)."""
    import_path: str
    title: str | None = None
    """The API's name in docs (default: the spec's ``info.title``)."""


@dataclass(frozen=True)
class Stale:
    """A file whose committed bytes differ from what generation gives."""

    change: str
    """``added``, ``changed`` or ``removed``."""
    path: Path


@dataclass(frozen=True)
class GenerateResult:
    """What one ``generate`` run did (``written``) or found out of date (``stale``)."""

    written: list[Path]
    stale: list[Stale]


def targets_from_manifest(providers: Sequence[Provider]) -> list[Target]:
    """The manifest's providers as targets (OpenAPI ones render HTTP clients, AsyncAPI
    ones WebSocket clients through `generator.codegen.asyncapi`)."""
    targets = []
    for provider in providers:
        if provider.spec_format not in ("openapi", "asyncapi"):
            continue
        relative = provider.relative(provider.package)
        targets.append(
            Target(
                spec=provider.spec,
                out=provider.package,
                package=provider.package.name,
                client_class=provider.client_class,
                spec_source=provider.relative(provider.spec),
                import_path=relative.replace("/", "."),
                title=provider.title,
            )
        )
    return targets


def _read_spec(target: Target) -> Mapping[str, object]:
    try:
        text = target.spec.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfgenError(
            "spec not found (run `confgen extract` first)", source=target.spec_source
        ) from None
    try:
        document = load_yaml(text)
    except Exception as error:  # yaml.YAMLError and friends: located by the parser
        mark = getattr(error, "problem_mark", None)
        raise ConfgenError(
            f"not valid YAML/JSON: {getattr(error, 'problem', None) or error}",
            source=target.spec_source,
            line=mark.line + 1 if mark is not None else None,
            column=mark.column + 1 if mark is not None else None,
        ) from None
    if not isinstance(document, dict):
        raise ConfgenError("a spec must be a YAML/JSON object", source=target.spec_source)
    return document


def build_package(target: Target, folder: Path) -> dict[str, bytes]:
    """Render ``target`` into ``folder`` (empty), format it there, and return its files."""
    document = _read_spec(target)
    if "asyncapi" in document:  # a WebSocket API: generator/codegen/asyncapi.py
        from generator.codegen.asyncapi import render_ws_target

        files = render_ws_target(document, target)
    else:
        api = load_api(
            document,
            source=target.spec_source,
            package=target.package,
            client_class=target.client_class,
            title=target.title,
        )
        files = render_package(api, target.import_path)
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    # The runtime is copied verbatim (already formatted at its source): not reformatted.
    format_python(
        [folder / r for r in files if r.endswith(".py") and not r.startswith("_runtime/")]
    )
    return {relative: (folder / relative).read_bytes() for relative in files}


def _committed(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def _diff(out: Path, built: Mapping[str, bytes]) -> list[Stale]:
    committed = _committed(out)
    stale = [
        Stale("added" if name not in committed else "changed", out / name)
        for name, data in built.items()
        if committed.get(name) != data
    ]
    stale += [Stale("removed", out / name) for name in committed if name not in built]
    return sorted(stale, key=lambda item: str(item.path))


def generate_packages(targets: Sequence[Target], *, check: bool = False) -> GenerateResult:
    """Generate every target; with ``check``, write nothing and report stale files.

    All packages are built first; only then are the changed ones swapped in, each with
    `replace_tree` (a failed swap leaves that package's previous version).
    """
    with tempfile.TemporaryDirectory(prefix="confgen-generate-") as scratch:
        built = {
            target.out: build_package(target, Path(scratch) / str(index) / target.package)
            for index, target in enumerate(targets)
        }
        stale = {out: _diff(out, files) for out, files in built.items()}
        if check:
            return GenerateResult(written=[], stale=[item for out in built for item in stale[out]])
        written: list[Path] = []
        for index, target in enumerate(targets):
            if not stale[target.out]:
                continue
            source = Path(scratch) / str(index) / target.package

            def fill(staging: Path, source: Path = source) -> None:
                shutil.copytree(source, staging, dirs_exist_ok=True)

            replace_tree(target.out, fill)
            written.append(target.out)
        return GenerateResult(written=written, stale=[])
