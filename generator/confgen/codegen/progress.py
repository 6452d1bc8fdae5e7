"""What `confgen generate` shows while it works and when it is done (on stderr).

A progress bar (rich) for long runs: only for a terminal (or when forced with
``--progress`` / ``CONFGEN_PROGRESS=1``) and only for specs beyond a few dozen
operations, whose generation takes seconds. Then one warning per skipped item (its
JSON pointer and reason) and a closing summary whose counts match those warnings.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from confgen.codegen.generate import Stage, StageEvent, Summary, Target

__all__ = ["PROGRESS_ABOVE_OPERATIONS", "generation_progress", "print_summary"]

#: Specs with more operations than this get a progress bar (smaller ones finish at once).
PROGRESS_ABOVE_OPERATIONS = 36
_STAGES = 4  # reading, loading, rendering, writing (see `build_package`)


def _wanted(force: bool | None) -> bool:
    if force is not None:
        return force
    if os.environ.get("CONFGEN_PROGRESS", "") not in ("", "0"):
        return True
    return sys.stderr.isatty()


@contextlib.contextmanager
def generation_progress(*, force: bool | None = None) -> Iterator[Stage]:
    """A `Stage` callback driving a rich progress bar on stderr (or doing nothing).

    The bar appears once the spec turns out to have more than
    `PROGRESS_ABOVE_OPERATIONS` operations (the ``render`` event carries the count).
    """
    if not _wanted(force):
        yield lambda event: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("generating", total=_STAGES, visible=False)
    seen = 0

    def stage(event: StageEvent) -> None:
        nonlocal seen
        if event.name == "render" and (event.count or 0) > PROGRESS_ABOVE_OPERATIONS:
            progress.update(task, visible=True)
        seen += 1
        progress.update(task, description=event.description, completed=min(seen - 1, _STAGES))

    with progress:
        yield stage


def print_summary(summaries: Sequence[Summary], targets: Sequence[Target]) -> None:
    """One warning per skipped item, one note per renamed one, then the totals, on stderr."""
    sources = {target.package: target.spec_source for target in targets}
    for summary in summaries:
        source = sources.get(summary.package, summary.package)
        for item in summary.renamed:
            print(f"note: {source}#{item.pointer}: {item.message}", file=sys.stderr)
        for item in summary.skipped:
            print(f"warning: {source}#{item.pointer}: skipped: {item.message}", file=sys.stderr)
        print(
            f"{summary.package}: {summary.operations} operations, {summary.models} models, "
            f"{summary.files} files, {len(summary.skipped)} skipped, "
            f"{len(summary.renamed)} renamed, {summary.seconds:.1f} s",
            file=sys.stderr,
        )
