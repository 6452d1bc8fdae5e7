"""examples/whole_conference.py runs the whole sequence on every provider: each step
done, or skipped with the provider's reason. TrueConf does all of it; the example
starts its own mock (the test Room, or Prism for telnyx) as `make example` does."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from conferencing._registry import get_adapter
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples/whole_conference.py"


def _run(*argv: str) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def test_trueconf_runs_the_whole_sequence_on_the_room_it_starts() -> None:
    out = _run("--provider", "trueconf")
    lines = out.splitlines()[1:]
    assert lines == [
        "created: id=conf-1 name='example-standup' status=active",
        "join info: url=https://video.example/c/1 token=None",
        "participants: ['ann@example.server', 'bob@example.server']",
        "muted: ann@example.server",
        "ended",
    ]


def test_telnyx_on_the_prism_it_starts() -> None:
    out = _run("--provider", "telnyx")
    assert "created: id=" in out
    reason = get_adapter("telnyx").unsupported["join_info"]
    assert f"join info: skipped, telnyx cannot: {reason}" in out
    assert "muted: v3:" in out and out.rstrip().endswith("ended")


@pytest.mark.parametrize(
    ("provider", "done", "skipped"),
    [
        ("signalwire", ["join info: url=None token=<set>", "participants: "], ["mute", "end"]),
        ("voximplant", [], ["join info", "participants", "mute", "end"]),
    ],
)
def test_the_other_providers_against_prism(
    prism: Any, provider: str, done: list[str], skipped: list[str]
) -> None:
    out = _run("--provider", provider, "--base-url", prism(provider).url)
    assert "created: id=" in out
    for line in done:
        assert line in out
    adapter = get_adapter(provider)
    verbs = {"join info": "join_info", "participants": "list_participants",
             "mute": "mute_participant", "end": "end_conference"}  # fmt: skip
    for label in skipped:
        reason = adapter.unsupported[verbs[label]]
        assert f"{label}: skipped, {provider} cannot: {reason}" in out
