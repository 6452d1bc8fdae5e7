"""Where each target's runtime sources live, and the files both runtimes share.

A runtime is copied verbatim into every package it serves as ``_runtime/``. The files
both need (`SHARED_RUNTIME_FILES`: the "not given" sentinel, request validation with the
one `RequestValidationError`, the records of the public index) live once, in the HTTP
runtime (whose tests import them as a package), and are copied into WebSocket packages too.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Final

__all__ = ["HTTP_RUNTIME", "SHARED_RUNTIME_FILES", "WS_RUNTIME", "runtime_files"]

HTTP_RUNTIME: Final = Path(__file__).resolve().parent / "http" / "runtime"
"""The HTTP client runtime (``generator/confgen/codegen/http/runtime/``)."""
WS_RUNTIME: Final = Path(__file__).resolve().parent / "ws" / "runtime"
"""The TrueConf Room WebSocket runtime (``generator/confgen/codegen/ws/runtime/``)."""
SHARED_RUNTIME_FILES: Final = ("_index.py", "_types.py", "_validation.py")
"""Files of `HTTP_RUNTIME` that WebSocket packages get too."""


def runtime_files(
    folder: Path, *, shared: bool = False, leave_out: Collection[str] = ()
) -> dict[str, bytes]:
    """``_runtime/<name>`` -> bytes for every module of ``folder`` (plus the shared files
    when ``shared``), except the names in ``leave_out``."""
    sources = sorted(folder.glob("*.py"))
    if shared:
        sources += [HTTP_RUNTIME / name for name in SHARED_RUNTIME_FILES]
    return {
        f"_runtime/{source.name}": source.read_bytes()
        for source in sources
        if source.name not in leave_out
    }
