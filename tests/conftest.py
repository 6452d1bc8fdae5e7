"""Shared test fixtures: the project root and the vendored pages."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "specs" / "sources"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def root() -> Path:
    """The project root."""
    return ROOT


def source_text(name: str) -> str:
    """A vendored page's text, exactly as stored."""
    with (SOURCES / name).open(encoding="utf-8", newline="") as stream:
        return stream.read()
