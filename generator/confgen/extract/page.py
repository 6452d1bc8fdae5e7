"""A doc page as the extractors see it: its text and where it came from."""

from __future__ import annotations

from dataclasses import dataclass

from confgen.errors import ExtractError


@dataclass(frozen=True)
class Page:
    """One vendored doc page. ``path`` is used only to name places in errors."""

    path: str
    text: str

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset in the text."""
        offset = max(0, min(offset, len(self.text)))
        line = self.text.count("\n", 0, offset) + 1
        start = self.text.rfind("\n", 0, offset) + 1
        return line, offset - start + 1

    def error_at(self, offset: int, message: str, *, expected: str | None = None) -> ExtractError:
        """An ``ExtractError`` located at ``offset`` in this page."""
        line, column = self.position(offset)
        return ExtractError(message, source=self.path, line=line, column=column, expected=expected)

    def error_at_line(
        self, line: int, message: str, *, expected: str | None = None
    ) -> ExtractError:
        """An ``ExtractError`` located at 1-based ``line`` of this page."""
        return ExtractError(message, source=self.path, line=line, expected=expected)
