"""The drift report: what one run found (``DriftReport``) and its human rendering.

Pure: renders bytes already read; the run (``confgen.drift.run``) does the I/O.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from confgen.drift.compare import Change
from confgen.fsutil import display_path


def unified_diff(old: str, new: str, *, name: str, max_lines: int = 60) -> list[str]:
    """A unified diff of two texts, cut to ``max_lines`` lines (with a note saying so)."""
    lines = list(
        difflib.unified_diff(
            old.splitlines(),
            new.splitlines(),
            fromfile=f"{name} (committed)",
            tofile=f"{name} (regenerated)",
            lineterm="",
            n=2,
        )
    )
    if len(lines) > max_lines:
        cut = len(lines) - max_lines
        lines = [*lines[:max_lines], f"... ({cut} more diff lines)"]
    return lines


# --- the drift run (``confgen drift``) ------------------------------------------------


@dataclass(frozen=True)
class FileDrift:
    """One committed file that differs from what the pipeline gives now."""

    path: Path
    committed: bytes | None
    regenerated: bytes | None
    changes: tuple[Change, ...] = ()

    @property
    def breaking(self) -> int:
        """How many of ``changes`` are breaking."""
        return sum(change.breaking for change in self.changes)


@dataclass(frozen=True)
class DriftReport:
    """What one drift run found, and what ``--update`` would write.

    ``packages_checked`` is False while the code generator offers no render function
    (then only specs and sources are compared).
    """

    sources: tuple[FileDrift, ...]
    specs: tuple[FileDrift, ...]
    packages: tuple[FileDrift, ...]
    packages_checked: bool
    files: Mapping[Path, bytes]
    package_trees: Mapping[Path, Path]
    fetched: bool = False

    @property
    def drifted(self) -> bool:
        """Does anything committed differ?"""
        return bool(self.sources or self.specs or self.packages)


def _text(data: bytes | None) -> str:
    return "" if data is None else data.decode("utf-8", errors="replace")


#: How many changed generated files ``format_report`` prints a text diff for.
MAX_CODE_DIFFS = 5


def format_report(report: DriftReport, *, diff_lines: int = 60) -> str:
    """The human report: semantic changes per spec first, then short text diffs."""
    out: list[str] = []
    for drift in report.specs:
        breaking = drift.breaking
        out.append(
            f"spec drift: {display_path(drift.path)}: {breaking} breaking, "
            f"{len(drift.changes) - breaking} non-breaking change(s)"
        )
        out += [f"  {change}" for change in drift.changes]
        if not drift.changes:
            out.append("  (no semantic change: descriptions, examples or layout only)")
    for drift in report.sources:
        out.append(f"source drift: {display_path(drift.path)} differs from the published page")
    for drift in report.packages:
        state = (
            "is not generated any more"
            if drift.regenerated is None
            else "is not committed"
            if drift.committed is None
            else "differs"
        )
        out.append(f"package drift: {display_path(drift.path)} {state}")
    if not report.packages_checked:
        out.append(
            "note: generated/ not compared"
            + (
                ""
                if report.fetched
                else ": the code generator (confgen.codegen.generate) is not available yet"
            )
        )
    # Text diffs: every spec and source, then at most a few generated files that
    # changed (a whole new or removed package is listed above, not printed).
    changed_code = [d for d in report.packages if d.committed is not None and d.regenerated]
    shown = [*report.specs, *report.sources, *changed_code[:MAX_CODE_DIFFS]]
    if len(changed_code) > MAX_CODE_DIFFS:
        out.append(f"({len(changed_code) - MAX_CODE_DIFFS} more changed generated files not shown)")
    for drift in shown:
        lines = unified_diff(
            _text(drift.committed),
            _text(drift.regenerated),
            name=display_path(drift.path),
            max_lines=diff_lines,
        )
        if lines:
            out += ["", *lines]
    total = sum(len(drift.changes) for drift in report.specs)
    breaking = sum(drift.breaking for drift in report.specs)
    out.append("")
    if report.drifted:
        out.append(
            f"drift: {len(report.specs)} spec(s), {len(report.sources)} source page(s), "
            f"{len(report.packages)} generated file(s) differ; {breaking} breaking and "
            f"{total - breaking} non-breaking spec change(s). "
            "Run `confgen drift --update` (with `--fetch` to take the published pages) to accept."
        )
    else:
        out.append(
            "drift: none; "
            + (
                "the vendored pages and specs match the published pages"
                if report.fetched
                else "committed specs match their sources"
            )
            + (" and generated code its specs" if report.packages_checked else "")
        )
    return "\n".join(out)


__all__ = ["MAX_CODE_DIFFS", "DriftReport", "FileDrift", "format_report", "unified_diff"]
