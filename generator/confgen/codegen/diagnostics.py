"""What a lenient generation reports about a spec: one record for skips and renames."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Diagnostic", "DiagnosticKind"]

DiagnosticKind = Literal["skip", "rename", "note"]


@dataclass(frozen=True)
class Diagnostic:
    """One located remark about a spec, printed by ``confgen generate --spec``.

    ``skip``: a node the generator could not render, left out (a ``warning:`` line);
    ``rename``: a name changed to avoid a collision, generated under the new name (a
    ``note:`` line); ``note``: generated differently from what the spec says, for a
    reason the note gives (a ``note:`` line too). Strict loads raise instead of skipping.
    """

    kind: DiagnosticKind
    pointer: str
    """JSON pointer of the node in the spec."""
    message: str
    """Why it was skipped, or what it was renamed to."""
