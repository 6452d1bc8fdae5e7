"""Generation reports its stages as structured events (the progress bar reads their
fields, never their wording)."""

from __future__ import annotations

from pathlib import Path

from confgen.codegen.generate import (
    MARKER,
    StageEvent,
    Target,
    build_package,
    targets_from_manifest,
)
from confgen.manifest import load_manifest
from tests.conftest import ROOT


def _target(package: str) -> Target:
    targets = targets_from_manifest(load_manifest(ROOT / "specs" / "providers.toml"))
    return next(t for t in targets if t.package == package)


def test_an_http_package_reports_read_load_render_write(tmp_path: Path) -> None:
    events: list[StageEvent] = []
    files = build_package(_target("voximplant"), tmp_path / "voximplant", stage=events.append)
    assert [event.name for event in events] == ["read", "load", "render", "write"]
    render, write = events[2], events[3]
    assert render.count == 2 and render.description == "rendering 2 operations and their models"
    assert MARKER in files and write.count == len(files) - 1  # the marker is written after


def test_a_websocket_package_reports_read_and_write(tmp_path: Path) -> None:
    events: list[StageEvent] = []
    files = build_package(_target("trueconf"), tmp_path / "trueconf", stage=events.append)
    assert [event.name for event in events] == ["read", "write"]
    assert MARKER in files and events[-1].count == len(files) - 1
