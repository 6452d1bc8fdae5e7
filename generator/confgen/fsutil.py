"""Files and paths: writing output so that a failed run leaves the previous output as it
was, and showing a path the way the user would type it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def write_files_atomically(files: Mapping[Path, bytes]) -> list[Path]:
    """Write every file, or none: all contents go to temporary files first, then each is
    renamed over its target. Files whose bytes are unchanged are not touched.

    Returns the paths that changed.
    """
    changed = {
        path: data for path, data in files.items() if not path.exists() or path.read_bytes() != data
    }
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in changed.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
            )
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            staged.append((temporary, path))
    except BaseException:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        raise
    for temporary, path in staged:
        os.replace(temporary, path)
    return sorted(changed)


def replace_tree(target: Path, build: Callable[[Path], None]) -> None:
    """Build a directory in a temporary sibling, then swap it in for ``target``.

    If ``build`` raises, ``target`` is left exactly as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.new."))
    try:
        build(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    backup = target.parent / f".{target.name}.old"
    shutil.rmtree(backup, ignore_errors=True)
    if target.exists():
        os.replace(target, backup)
    os.replace(staging, target)
    shutil.rmtree(backup, ignore_errors=True)
