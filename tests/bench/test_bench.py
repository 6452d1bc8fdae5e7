"""The benchmark's moving parts: whole-API generation is deterministic in one process,
and every first-call row does the call it claims against the loopback server."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.first_call import BODIES
from benchmarks.run import write_credentials
from confgen.codegen.http import render
from confgen.codegen.http.load import load_api
from confgen.yamlio import load_yaml

ROOT = Path(__file__).resolve().parent.parent.parent


def _telnyx_api() -> object:
    text = (ROOT / "specs" / "telnyx.openapi.yaml").read_text(encoding="utf-8")
    return load_api(
        load_yaml(text), source="telnyx.openapi.yaml", package="telnyx", client_class="Telnyx"
    )


def test_split_generation_is_deterministic_and_starts_no_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The split (whole-API) path once had a process pool (measured slower, removed):
    # force it on a small spec, refuse any child process, and render twice.
    monkeypatch.setattr(render, "SPLIT_MODELS_ABOVE", 0)
    first = render.render_package(_telnyx_api(), "telnyx")  # type: ignore[arg-type]

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError("render_package started a process")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", no_process)
    second = render.render_package(_telnyx_api(), "telnyx")  # type: ignore[arg-type]
    assert any(path.startswith("_request_models/") for path in second)
    assert any(path.startswith("models/") for path in second)
    assert second == first


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server", json.dumps(BODIES)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield f"http://127.0.0.1:{process.stdout.readline().strip()}"
    finally:
        process.terminate()
        process.wait()


@pytest.mark.parametrize("who", ["ours", "hand"])
@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        ("telnyx", "3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        ("signalwire", "3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        ("voximplant", "42"),
    ],
)
def test_first_call_rows_parse_the_servers_answer(
    server: str, tmp_path: Path, who: str, provider: str, expected: str
) -> None:
    credentials = tmp_path / "credentials.json"
    write_credentials(credentials)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.first_call",
            f"{who}-{provider}",
            server,
            str(credentials),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected


def test_the_server_answers_unknown_paths_with_404(server: str) -> None:
    import httpx

    assert httpx.get(f"{server}/nowhere").status_code == 404
    assert httpx.post(f"{server}/v2/conferences?x=1", json={}).json() == BODIES["/v2/conferences"]


def test_the_pagination_bench_iterates_every_item_both_ways_and_reports_its_targets() -> None:
    from benchmarks import pagination
    from benchmarks.run import Report, bench_pagination, targets

    # The page bodies chain by links.next and hold every item once.
    bodies = pagination.bodies()
    assert len(bodies) == pagination.PAGES
    ids = [room["id"] for body in bodies.values() for room in body["data"]]  # type: ignore[index]
    assert len(set(ids)) == pagination.ITEMS
    figures = bench_pagination(1)
    assert figures["items"] == pagination.ITEMS  # both loops asserted this many items
    assert figures["wall_ratio"] > 0 and figures["cpu_ratio"] > 0
    assert 0 < figures["deep_object_us"] < 1000
    assert pagination.encode_query(pagination.FILTER, pagination.FILTER_STYLES) == (
        "filter[status]=active&filter[name]=standup&filter[region]=eu"
    )
    report = Report([], [], {}, 1, 1, True, pagination=figures)
    shown = {target: (text, ok) for target, text, ok in targets(report)}
    text, ok = shown["iterating 10,000 items over loopback <= 1.1x a hand-written httpx loop"]
    assert text.startswith("wall ") and ok is not None
    text, ok = shown["encoding a deepObject filter with three keys < 5 µs"]
    assert text.endswith("µs") and ok is not None
    empty = {target: ok for target, _, ok in targets(Report([], [], {}, 1, 1, True))}
    assert empty["encoding a deepObject filter with three keys < 5 µs"] is None
