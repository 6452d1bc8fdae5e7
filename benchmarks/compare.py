"""First calls of two builds of the shipped clients, interleaved with the hand-written row:
``python -m benchmarks.compare RUNS [NAME=FOLDER ...]``.

Each ``FOLDER`` holds a ``generated/`` tree (``<provider>/confgen_<provider>/``), e.g. one
checked out from an older commit with ``git archive``; ``ours`` (this checkout's
``generated/``) is always a row. Every run starts a fresh interpreter exactly as
`benchmarks.first_call` does for ``make bench`` (the builds are put first on
``PYTHONPATH``), rows in turn: hand, ours, NAME..., hand, ours, NAME... Prints, per
provider and row, the median wall ms (process start to the parsed result) and CPU ms
(user + system of the whole process), and their ratios to the hand-written row.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.first_call import BODIES
from benchmarks.run import PROVIDERS, ROOT, WORK, compile_tree, write_credentials


def _run(python: str, row: str, url: str, credentials: str, path: str) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": path}
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    begun = time.perf_counter()
    child = subprocess.Popen(
        [python, "-m", "benchmarks.first_call", row, url, credentials],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    wall = time.perf_counter() - begun
    _, stderr = child.communicate()
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0 or line in ("", "None"):
        raise SystemExit(f"{row} failed: {line} {stderr.strip()[-500:]}")
    cpu = done.ru_utime - used.ru_utime + done.ru_stime - used.ru_stime
    return wall * 1000, cpu * 1000


def main(runs: int, builds: dict[str, str]) -> None:
    credentials = ROOT / WORK / "voximplant-credentials.json"
    credentials.parent.mkdir(parents=True, exist_ok=True)
    if not credentials.exists():
        write_credentials(credentials)
    trees = {"ours": str(ROOT / "generated"), **builds}
    compile_tree("benchmarks", *trees.values())
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server", json.dumps(BODIES)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        for _ in range(runs):
            for provider in PROVIDERS:
                for name in ("hand", *trees):
                    tree = trees.get(name, trees["ours"])
                    path = os.pathsep.join(str(Path(tree) / p) for p in PROVIDERS)
                    who = "hand" if name == "hand" else "ours"
                    samples.setdefault((provider, name), []).append(
                        _run(sys.executable, f"{who}-{provider}", url, str(credentials), path)
                    )
    finally:
        server.terminate()
        server.wait()
    print("| provider | row | wall ms | CPU ms | wall vs hand | CPU vs hand |")
    print("|---|---|---|---|---|---|")
    for provider in PROVIDERS:
        hand = samples[(provider, "hand")]
        hand_wall = statistics.median(w for w, _ in hand)
        hand_cpu = statistics.median(c for _, c in hand)
        for name in ("hand", *trees):
            rows = samples[(provider, name)]
            wall = statistics.median(w for w, _ in rows)
            cpu = statistics.median(c for _, c in rows)
            print(
                f"| {provider} | {name} | {wall:.1f} | {cpu:.1f} | {wall / hand_wall:.2f}x "
                f"| {cpu / hand_cpu:.2f}x |"
            )


if __name__ == "__main__":
    pairs = dict(arg.split("=", 1) for arg in sys.argv[2:])
    main(int(sys.argv[1]), pairs)
