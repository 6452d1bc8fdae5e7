"""The drift run (``confgen drift``): re-extract the specs in memory, re-render the
packages into a temporary folder, compare with what is committed; ``--fetch`` takes the
published pages instead of the vendored ones; ``--update`` writes what the run built.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from confgen.drift.compare import Change, diff_specs
from confgen.drift.report import DriftReport, FileDrift, format_report
from confgen.extract.merge import Difference
from confgen.extract.page import Page
from confgen.extract.pipeline import (
    build_spec_and_report,
    render_spec,
    report_path,
    update_report,
)
from confgen.fsutil import display_path, replace_tree, write_files_atomically
from confgen.manifest import Provider, PublishedSource, SourcePage
from confgen.yamlio import load_yaml


def _package_renderer() -> (
    Callable[[Sequence[Provider], Mapping[str, Path], Path], list[Path]] | None
):
    """The code generator, as ``render(providers, spec_by_provider, out) -> rendered
    package folders``; None while ``confgen.codegen`` does not offer it yet."""
    try:
        from confgen.codegen.generate import build_package, targets_from_manifest
    except ImportError:
        return None

    def render(providers: Sequence[Provider], specs: Mapping[str, Path], out: Path) -> list[Path]:
        # Same targets as `confgen generate` (same headers, import paths), but each
        # reads the rebuilt spec and renders into ``out/<provider>/``.
        by_package = {provider.package: provider.name for provider in providers}
        folders = []
        for target in targets_from_manifest(providers):
            name = by_package[target.out]
            folder = out / name
            folder.mkdir(parents=True)
            build_package(replace(target, spec=specs[name]), folder)
            folders.append(folder)
        return folders

    return render


def _tree_files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc")
    }


def check_drift(
    providers: Sequence[Provider],
    workdir: Path,
    *,
    fetched: Mapping[SourcePage | PublishedSource, str] | None = None,
    render_packages: bool = True,
    manifest: Path | None = None,
) -> DriftReport:
    """Re-run the pipeline for ``providers`` and compare with what is committed.

    Pages come from ``fetched`` (downloaded text) when given, else from the vendored
    files. Specs are built in memory; packages are rendered under ``workdir`` from the
    rebuilt specs. Nothing committed is written.
    """
    sources: list[FileDrift] = []
    specs: list[FileDrift] = []
    files: dict[Path, bytes] = {}
    rebuilt_specs: dict[str, Path] = {}
    sections: dict[str, list[Difference]] = {}
    manifest_text = manifest.read_text(encoding="utf-8") if manifest is not None else None
    for provider in providers:
        if fetched is not None:
            pages = []
            for source in provider.pages:
                text = fetched[source]
                data = text.encode("utf-8")
                committed = source.path.read_bytes() if source.path.exists() else None
                files[source.path] = data
                if committed != data:
                    sources.append(FileDrift(source.path, committed, data))
                # Named as the vendored file it becomes (specs/REPORT.md locates by file).
                pages.append(Page(path=display_path(source.path), text=text))
            published = {}
            for item in provider.published:
                text = fetched[item]
                data = text.encode("utf-8")
                committed = item.path.read_bytes() if item.path.exists() else None
                files[item.path] = data
                if committed != data:
                    sources.append(FileDrift(item.path, committed, data))
                    if manifest_text is not None:
                        # The manifest records the vendored bytes' sha256: --update records
                        # the new copy's (the only line that names the old digest).
                        digest = hashlib.sha256(data).hexdigest()
                        manifest_text = manifest_text.replace(item.sha256, digest)
                published[item.name] = Page(path=display_path(item.path), text=text)
            document, differences = build_spec_and_report(provider, pages, published)
        else:
            document, differences = build_spec_and_report(provider)
        sections[provider.name] = differences
        data = render_spec(provider, document)
        files[provider.spec] = data
        committed = provider.spec.read_bytes() if provider.spec.exists() else None
        if committed != data:
            before = load_yaml(committed.decode("utf-8")) if committed is not None else {}
            changes = diff_specs(before if isinstance(before, Mapping) else {}, document)
            if committed is None:
                changes = [
                    Change("spec-missing", display_path(provider.spec), "no committed spec", True)
                ]
            specs.append(FileDrift(provider.spec, committed, data, tuple(changes)))
        spec_copy = workdir / "specs" / provider.spec.name
        spec_copy.parent.mkdir(parents=True, exist_ok=True)
        spec_copy.write_bytes(data)
        rebuilt_specs[provider.name] = spec_copy

    if providers:
        report = report_path(providers[0])
        data = update_report(report, sections)
        committed = report.read_bytes() if report.exists() else None
        if committed != data:
            specs.append(FileDrift(report, committed, data))
        files[report] = data
    if (
        manifest is not None
        and manifest_text is not None
        and manifest_text != manifest.read_text(encoding="utf-8")
    ):
        files[manifest] = manifest_text.encode("utf-8")

    render = _package_renderer() if render_packages else None
    packages: list[FileDrift] = []
    trees: dict[Path, Path] = {}
    if render is not None:
        # Only the packages the generator renders (HTTP ones; generated/trueconf is not).
        folders = render(providers, rebuilt_specs, workdir / "packages")
        rendered = {folder.name: folder for folder in folders}
        for provider in providers:
            if provider.name not in rendered:
                continue
            new_package = rendered[provider.name]
            trees[provider.package] = new_package
            old_files, new_files = _tree_files(provider.package), _tree_files(new_package)
            for name in sorted(old_files.keys() | new_files.keys()):
                if old_files.get(name) != new_files.get(name):
                    packages.append(
                        FileDrift(provider.package / name, old_files.get(name), new_files.get(name))
                    )
    return DriftReport(
        sources=tuple(sources),
        specs=tuple(specs),
        packages=tuple(packages),
        packages_checked=render is not None,
        files=files,
        package_trees=trees,
        fetched=fetched is not None,
    )


def apply_update(report: DriftReport) -> list[Path]:
    """Write what the drift run built: sources and specs (all or none, each atomically),
    then each rendered package tree swapped in whole. Returns the files changed."""
    from confgen.codegen.generate import check_replaceable

    for target, rendered in report.package_trees.items():
        if _tree_files(target) != _tree_files(rendered):
            check_replaceable(target)  # never replace what confgen did not write
    changed = write_files_atomically(dict(report.files))
    for target, rendered in report.package_trees.items():
        if _tree_files(target) != _tree_files(rendered):
            replace_tree(target, functools.partial(_copy_tree, rendered))
            changed.append(target)
    return changed


def _copy_tree(source: Path, staging: Path) -> None:
    """Copy a rendered package into ``replace_tree``'s staging folder."""
    shutil.copytree(
        source, staging, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
    )


def run_drift(
    providers: Sequence[Provider],
    *,
    fetch: bool = False,
    update: bool = False,
    manifest: Path | None = None,
) -> int:
    """``confgen drift``: check ``providers`` in a temporary folder, print the report and,
    with ``update``, write what the run built. Returns the exit code (1: drift found).

    ``fetch`` downloads the published pages instead of reading the vendored ones; then only
    specs are compared, unless ``update`` must also regenerate the code.
    """
    fetched = None
    if fetch:
        from confgen.drift.fetch import fetch_pages  # httpx only when fetching

        sources: list[SourcePage | PublishedSource] = []
        for provider in providers:
            sources += provider.pages
            sources += provider.published
        fetched = fetch_pages(sources)
    with tempfile.TemporaryDirectory(prefix="confgen-drift-") as workdir:
        report = check_drift(
            providers,
            Path(workdir),
            fetched=fetched,
            render_packages=update or not fetch,
            manifest=manifest,
        )
        if update:
            if report.drifted:
                print(format_report(report))
            for path in apply_update(report):
                print(f"wrote {display_path(path)}")
            print(f"{len(providers)} providers updated")
            return 0
    print(format_report(report), file=sys.stderr if report.drifted else sys.stdout)
    return 1 if report.drifted else 0


__all__ = ["apply_update", "check_drift", "run_drift"]
