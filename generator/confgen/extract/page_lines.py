"""A text page as numbered lines and paragraphs, positions kept for error messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PageLine:
    """One line of the page: 1-based number, offset of its first character, text."""

    number: int
    offset: int
    text: str

    @property
    def indented(self) -> bool:
        return self.text[:1] in (" ", "\t")

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Section:
    """A heading line and the lines up to the next heading."""

    heading: PageLine
    lines: list[PageLine]


def split_lines(text: str) -> list[PageLine]:
    """The page's lines with their positions; a trailing CR is not part of the text."""
    lines = []
    offset = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        lines.append(PageLine(number, offset, raw.removesuffix("\r")))
        offset += len(raw) + 1
    return lines


def split_paragraphs(lines: Sequence[PageLine]) -> list[list[PageLine]]:
    """Runs of non-blank lines."""
    paragraphs: list[list[PageLine]] = []
    current: list[PageLine] = []
    for line in lines:
        if line.blank:
            if current:
                paragraphs.append(current)
            current = []
        else:
            current.append(line)
    if current:
        paragraphs.append(current)
    return paragraphs


def paragraphs_text(paragraphs: Sequence[Sequence[PageLine]]) -> str:
    """Paragraphs as text: lines stripped, joined by newlines, paragraphs by blank lines."""
    return "\n\n".join("\n".join(line.text.strip() for line in p) for p in paragraphs)
