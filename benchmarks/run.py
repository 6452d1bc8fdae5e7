"""`make bench`: confgen vs openapi-python-client and datamodel-code-generator, one run,
written to ``benchmarks/RESULTS.md``.

Generation: wall, user+system CPU (children included) and peak RSS from
``/usr/bin/time -v``, median/min/max of ``--runs``; confgen also serially
(ruff on one thread; generation itself runs in one process) so its algorithmic cost shows. Output size,
import time of the output, ``mypy --strict`` errors.
First call: fresh interpreters against a loopback server, interleaved
(`benchmarks.first_call`). Per-call overhead over an in-memory transport
(`benchmarks.overhead`). Every command the results file prints runs as printed from the
repository root.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import pstats
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.corpus import OCTOKIT_OPENAPI_VERSION, ROOT, TELNYX_SPEC, github_spec
from benchmarks.first_call import BODIES
from benchmarks.listing import listing_spec

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
WORK = Path(".cache") / "bench"
"""Scratch folder, relative to the repository root (git-ignored)."""
SDK_VENV = Path(".cache") / "sdk-venv"
"""The official SDKs' own venv (never the project's dependencies)."""
SDK_REQUIREMENTS = Path("benchmarks") / "sdk-requirements.txt"
OPC_CONFIG = Path("benchmarks") / "openapi-python-client.json"
MYPY_TIMEOUT = 240
SERIAL_ENV = {"RAYON_NUM_THREADS": "1"}
"""No process pool in confgen, one thread in ruff: the whole cost on one core."""
PROVIDERS = ("telnyx", "signalwire", "voximplant")
EXPECTED = {"telnyx": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "voximplant": "42"}
TODAY_WALL_RATIO = {"whole Telnyx": 0.35, "GitHub": 0.55}
"""confgen / openapi-python-client generation wall in RESULTS.md before issue 17 (7.17 s
vs 20.63 s and 5.31 s vs 9.56 s there): the ratio is what another machine can compare."""
CPU_TARGET = {"whole Telnyx": 0.5, "GitHub": 0.8}


def rel(path: Path | str) -> str:
    """``path`` relative to the repository root (how every printed command names it)."""
    return os.path.relpath(os.path.abspath(ROOT / path), ROOT)


BIN = rel(Path(sys.executable).parent)


@dataclass
class Run:
    ok: bool
    wall: float
    cpu: float
    peak_mb: float


def timed(command: Sequence[str], env: Mapping[str, str] | None = None) -> Run:
    """Wall seconds, user+system CPU seconds (the process and the children it waited for)
    and peak RSS (largest process) of ``command`` run from the repository root."""
    begun = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    wall = time.perf_counter() - begun

    def number(label: str) -> float:
        match = re.search(rf"{re.escape(label)}: ([\d.]+)", result.stderr)
        return float(match.group(1)) if match else float("nan")

    cpu = number("User time (seconds)") + number("System time (seconds)")
    peak = number("Maximum resident set size (kbytes)") / 1024
    if result.returncode != 0:
        print(f"failed: {shlex.join(command)}\n{result.stderr[-1500:]}", file=sys.stderr)
    return Run(result.returncode == 0, wall, cpu, peak)


def tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return len(files), sum(p.stat().st_size for p in files)


def compile_tree(*folders: Path | str) -> None:
    """Byte-compile, as an installed package is (what a user's process loads)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *map(str, folders)],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )


def import_ms(folder: Path, package: str) -> float:
    """Median cumulative ``-X importtime`` of ``import package`` (byte-compiled first)."""
    compile_tree(folder / package)
    samples = []
    for _ in range(5):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {package}"],
            cwd=ROOT / folder,
            capture_output=True,
            text=True,
            check=False,
        )
        for line in result.stderr.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 3 and parts[2] == package:
                samples.append(int(parts[1]) / 1000)
    return statistics.median(samples) if samples else float("nan")


def mypy_errors(folder: Path, target: str) -> str:
    try:
        result = subprocess.run(
            [
                str(ROOT / BIN / "mypy"),
                "--strict",
                "--no-incremental",
                "--cache-dir",
                "/dev/null",
                target,
            ],
            cwd=ROOT / folder,
            capture_output=True,
            text=True,
            timeout=MYPY_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"timeout ({MYPY_TIMEOUT} s)"
    match = re.search(r"Found (\d+) errors?", result.stdout)
    if match:
        return match.group(1)
    return "0" if "Success" in result.stdout else "crash"


# --- generation ------------------------------------------------------------------------

CONFGEN_SERIAL = "confgen (serial)"
TOOLS = ("confgen", CONFGEN_SERIAL, "openapi-python-client", "datamodel-code-generator")


def commands(tool: str, spec: str, out: str, package: str) -> list[str]:
    """The command line of ``tool`` (relative paths, run from the repository root)."""
    if tool in ("confgen", CONFGEN_SERIAL):
        return [f"{BIN}/confgen", "generate", "--spec", spec, "--out", out, "--package", package]
    if tool == "openapi-python-client":
        return [f"{BIN}/openapi-python-client", "generate", "--path", spec, "--output-path",
                f"{out}/{package}", "--meta", "none", "--config", str(OPC_CONFIG),
                "--overwrite"]  # fmt: skip
    return [f"{BIN}/datamodel-codegen", "--input", spec, "--input-file-type", "openapi",
            "--output", f"{out}/{package}/models.py", "--output-model-type",
            "pydantic_v2.BaseModel", "--formatters", "builtin"]  # fmt: skip


@dataclass
class Row:
    spec: str
    tool: str
    note: str = ""
    runs: list[Run] = field(default_factory=list)
    command: str = ""
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.ok for r in self.runs) and bool(self.facts.get("files"))

    def median(self, key: str) -> float:
        values = [getattr(r, key) for r in self.runs]
        return statistics.median(values) if values else float("nan")

    def spread(self, key: str, digits: int = 2) -> str:
        values = [getattr(r, key) for r in self.runs]
        if not values:
            return ""
        median = statistics.median(values)
        return f"{median:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def bench_generation(specs: dict[str, str], runs: int, mypy: bool) -> list[Row]:
    rows: list[Row] = []
    for label, spec in specs.items():
        package = re.sub(r"\W", "_", label)
        for tool in TOOLS:
            row = Row(label, tool)
            rows.append(row)
            if spec.endswith(".asyncapi.yaml") and not tool.startswith("confgen"):
                row.note = "n/a (AsyncAPI)"
                continue
            out = WORK / "out" / re.sub(r"\W+", "-", tool).strip("-")
            command = commands(tool, spec, str(out), package)
            env = SERIAL_ENV if tool == CONFGEN_SERIAL else {}
            prefix = " ".join(f"{k}={v}" for k, v in env.items())
            row.command = f"{prefix} {shlex.join(command)}".strip()
            for _ in range(runs):
                shutil.rmtree(ROOT / out / package, ignore_errors=True)
                # confgen refuses to fill a folder it did not write (even an empty one).
                target = ROOT / out if tool.startswith("confgen") else ROOT / out / package
                target.mkdir(parents=True, exist_ok=True)
                row.runs.append(timed(command, env))
            if any((ROOT / out / package).rglob("*.py")):
                files, size = tree_size(ROOT / out / package)
                row.facts.update(files=files, bytes=size)
                # confgen writes a project folder (out/package/) holding the package
                # (out/package/package/): the package is imported and checked from there,
                # or ``import package`` finds the project folder as an empty namespace (or
                # an installed distribution of that name, the official telnyx SDK).
                home = out / package if tool.startswith("confgen") else out
                if tool == "confgen" or tool == "openapi-python-client":
                    row.facts["import_ms"] = import_ms(home, package)
                if mypy and tool != CONFGEN_SERIAL:
                    row.facts["mypy"] = mypy_errors(home, package)
            print(f"{label} / {tool}: wall {row.spread('wall')} cpu {row.spread('cpu')} "
                  f"peak {row.spread('peak_mb', 0)}", file=sys.stderr)  # fmt: skip
    return rows


def find(rows: list[Row], spec: str, tool: str) -> Row | None:
    return next((r for r in rows if r.spec == spec and r.tool == tool and r.ok), None)


def ratio(rows: list[Row], spec: str, key: str, ours: str = "confgen") -> float:
    mine, peer = find(rows, spec, ours), find(rows, spec, "openapi-python-client")
    if mine is None or peer is None:
        return float("nan")
    return mine.median(key) / peer.median(key)


def profile_generation(spec: str, package: str, top: int = 10) -> str:
    """cProfile of one serial confgen run (everything in this process but ruff)."""
    out = WORK / "out" / "profile"
    shutil.rmtree(ROOT / out, ignore_errors=True)
    stats = ROOT / WORK / f"{package}.prof"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cProfile",
            "-o",
            str(stats),
            "-m",
            "confgen.cli",
            "generate",
            "--spec",
            spec,
            "--out",
            str(out),
            "--package",
            package,
        ],
        cwd=ROOT,
        capture_output=True,
        env={**os.environ, **SERIAL_ENV},
        check=False,
    )
    return top_functions(stats, top)


def top_functions(stats_file: Path, top: int = 10) -> str:
    if not stats_file.exists():
        return "(no profile)"
    text = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=text)
    stats.sort_stats("tottime").print_stats(top)
    lines = text.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    prefixes = sorted({str(ROOT) + "/", sys.prefix + "/", sys.base_prefix + "/"}, key=len)
    cleaned = []
    for line in lines:
        for prefix in reversed(prefixes):
            line = line.replace(prefix, "")
        cleaned.append(line)
    return "\n".join(cleaned[start:]).rstrip()


# --- calls ------------------------------------------------------------------------------


def sdk_python() -> Path | None:
    """The official SDKs' venv python (created from ``SDK_REQUIREMENTS`` on first use),
    or None when they do not install."""
    python = ROOT / SDK_VENV / "bin" / "python"
    stamp = ROOT / SDK_VENV / ".installed"
    requirements = ROOT / SDK_REQUIREMENTS
    if stamp.exists() and stamp.read_text() == requirements.read_text():
        return python
    subprocess.run([sys.executable, "-m", "venv", str(ROOT / SDK_VENV)], check=False)
    done = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            str(requirements),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"official SDKs did not install: {done.stderr[-800:]}", file=sys.stderr)
        return None
    stamp.write_text(requirements.read_text())
    return python


def write_credentials(path: Path) -> None:
    """A Voximplant service-account ``credentials.json`` with a fresh RSA key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path.write_text(
        json.dumps(
            {
                "account_id": "1234567",
                "key_id": "00000000-0000-4000-8000-000000000000",
                "private_key": pem,
                "account_email": "bench@example.com",
            }
        )
    )


def generate_peers() -> Path:
    """openapi-python-client's client of each shipped spec, as ``peer_<provider>``."""
    folder = WORK / "peer"
    for provider in PROVIDERS:
        out = folder / f"peer_{provider}"
        shutil.rmtree(ROOT / out, ignore_errors=True)
        (ROOT / folder).mkdir(parents=True, exist_ok=True)
        subprocess.run(
            commands(
                "openapi-python-client",
                f"specs/{provider}.openapi.yaml",
                str(folder),
                f"peer_{provider}",
            ),
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
    return folder


@dataclass
class FirstCallRow:
    label: str
    command: list[str]
    python: str
    samples: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    """User + system ms of each run's whole process (start-up to exit)."""
    error: str = ""


def bench_first_call(repeats: int) -> tuple[list[FirstCallRow], str, str]:
    """Rows of fresh-process first calls, each run ``repeats`` times, interleaved."""
    credentials = WORK / "voximplant-credentials.json"
    (ROOT / WORK).mkdir(parents=True, exist_ok=True)
    write_credentials(ROOT / credentials)
    peers = generate_peers()
    sdk = sdk_python()
    compile_tree("generated", "benchmarks", peers)
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server", json.dumps(BODIES)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        rows: list[FirstCallRow] = []
        for provider in PROVIDERS:
            for who, label in (
                ("ours", f"confgen_{provider}"),
                ("hand", "httpx + pydantic by hand"),
                ("peer", "openapi-python-client"),
                ("sdk", "official SDK"),
            ):
                python = f"{BIN}/python"
                if who == "sdk":
                    if provider == "voximplant":
                        rows.append(FirstCallRow(f"{provider}: {label}", [], "", error=(
                            "n/a: voximplant-apiclient builds https://{endpoint}/platform_api, "
                            "no plain-HTTP base URL to point at a loopback server")))  # fmt: skip
                        continue
                    if sdk is None:
                        rows.append(FirstCallRow(f"{provider}: {label}", [], "",
                                                 error="n/a: did not install"))  # fmt: skip
                        continue
                    python = rel(sdk)
                command = [
                    "-m",
                    "benchmarks.first_call",
                    f"{who}-{provider}",
                    url,
                    str(credentials),
                ]
                rows.append(FirstCallRow(f"{provider}: {label}", command, python))
        for _ in range(repeats):
            for row in rows:
                if row.error:
                    continue
                env = {**os.environ, "PYTHONPATH": str(peers)}
                # Children reaped in between: only this run (the server is still running).
                used = resource.getrusage(resource.RUSAGE_CHILDREN)
                begun = time.perf_counter()
                child = subprocess.Popen(
                    [str(ROOT / row.python), *row.command],
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=env,
                )
                assert child.stdout is not None
                line = child.stdout.readline().strip()
                elapsed = time.perf_counter() - begun
                _, stderr = child.communicate()
                done = resource.getrusage(resource.RUSAGE_CHILDREN)
                provider = row.label.split(":")[0]
                if child.returncode != 0 or line != EXPECTED.get(provider, EXPECTED["telnyx"]):
                    row.error = f"failed: {line} {stderr.strip()[-300:]}"
                    continue
                row.samples.append(elapsed * 1000)
                cpu = done.ru_utime - used.ru_utime + done.ru_stime - used.ru_stime
                row.cpu.append(cpu * 1000)
        return rows, url, str(credentials)
    finally:
        server.terminate()
        server.wait()


def profile_first_call(url: str, credentials: str, top: int = 10) -> str:
    """cProfile of our telnyx first call (fresh process, byte-compiled)."""
    stats = ROOT / WORK / "first-call.prof"
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server", json.dumps(BODIES)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cProfile",
                "-o",
                str(stats),
                "-m",
                "benchmarks.first_call",
                "ours-telnyx",
                url,
                credentials,
            ],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
    finally:
        server.terminate()
        server.wait()
    return top_functions(stats, top)


def bench_overhead(rounds: int, calls: int) -> dict[str, dict[str, float]]:
    spec = listing_spec(ROOT / WORK)
    out = WORK / "listing"
    subprocess.run(
        commands("confgen", rel(spec), str(out), "bench_telnyx"),
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    numbers = (str(rounds), str(calls))
    done = subprocess.run(
        # The generated project folder: the package inside it is what is imported.
        [sys.executable, "-m", "benchmarks.overhead", str(out / "bench_telnyx"), *numbers],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"overhead benchmark failed: {done.stderr[-1500:]}", file=sys.stderr)
        return {}
    result: dict[str, dict[str, float]] = json.loads(done.stdout)
    return result


def bench_pagination(rounds: int) -> dict[str, float]:
    """Pagination throughput (10,000 items over a loopback server, ours vs a hand-written
    httpx loop) and the deepObject encoding cost: `benchmarks.pagination`."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.pagination", str(rounds)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"pagination benchmark failed: {done.stderr[-1500:]}", file=sys.stderr)
        return {}
    result: dict[str, float] = json.loads(done.stdout)
    return result


# --- report -----------------------------------------------------------------------------


def machine() -> str:
    model = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"{system} (Linux {platform.release()})"
    )


def _verdict(ok: bool | None) -> str:
    if ok is None:
        return "not measured in this run"
    return "met" if ok else "**missed**"


@dataclass
class Report:
    rows: list[Row]
    first: list[FirstCallRow]
    overhead: dict[str, dict[str, float]]
    runs: int
    repeats: int
    shared: bool
    profiles: dict[str, str] = field(default_factory=dict)
    pagination: dict[str, float] = field(default_factory=dict)


def _first_median(report: Report, provider: str, who: str, cpu: bool = False) -> float:
    row = next((r for r in report.first if r.label == f"{provider}: {who}"), None)
    values = (row.cpu if cpu else row.samples) if row else []
    return statistics.median(values) if values else float("nan")


def targets(report: Report) -> list[tuple[str, str, bool | None]]:
    """(target, figures, met) for each issue-17 and issue-13 target (met is None: not measured)."""
    found: list[tuple[str, str, bool | None]] = []
    for provider in PROVIDERS:
        ours = _first_median(report, provider, f"confgen_{provider}")
        hand = _first_median(report, provider, "httpx + pydantic by hand")
        ours_cpu = _first_median(report, provider, f"confgen_{provider}", cpu=True)
        hand_cpu = _first_median(report, provider, "httpx + pydantic by hand", cpu=True)
        found.append((
            f"{provider}: first call <= 1.0x hand-written httpx + pydantic",
            f"wall {ours / hand:.2f}x ({ours:.0f} ms vs {hand:.0f} ms), "
            f"CPU {ours_cpu / hand_cpu:.2f}x",
            ours / hand <= 1.0,
        ))  # fmt: skip
    create = report.overhead.get("sync create", {})
    overhead = create.get("overhead_us", float("nan"))
    found.append((
        "per-call overhead <= 5 µs over raw httpx (sync create, in memory)",
        f"{overhead:.1f} µs",
        overhead <= 5.0,
    ))  # fmt: skip
    paging = report.pagination
    wall_ratio = paging.get("wall_ratio", float("nan"))
    cpu_ratio = paging.get("cpu_ratio", float("nan"))
    found.append((
        "iterating 10,000 items over loopback <= 1.1x a hand-written httpx loop",
        f"wall {wall_ratio:.2f}x, CPU {cpu_ratio:.2f}x",
        max(wall_ratio, cpu_ratio) <= 1.1 if wall_ratio == wall_ratio else None,
    ))  # fmt: skip
    deep = paging.get("deep_object_us", float("nan"))
    found.append((
        "encoding a deepObject filter with three keys < 5 µs",
        f"{deep:.2f} µs",
        deep < 5.0 if deep == deep else None,
    ))  # fmt: skip
    for spec, limit in CPU_TARGET.items():
        cpu = ratio(report.rows, spec, "cpu")
        serial = ratio(report.rows, spec, "cpu", CONFGEN_SERIAL)
        found.append((
            f"{spec}: generation CPU <= {limit}x openapi-python-client's",
            f"{cpu:.2f}x (serial run: {serial:.2f}x)",
            cpu <= limit if cpu == cpu else None,
        ))  # fmt: skip
    for spec, today in TODAY_WALL_RATIO.items():
        wall = ratio(report.rows, spec, "wall")
        found.append((
            f"{spec}: generation wall never worse than before issue 17 ({today:.2f}x "
            "openapi-python-client's)",
            f"{wall:.2f}x",
            wall <= today if wall == wall else None,
        ))  # fmt: skip
    for spec in CPU_TARGET:
        peak = ratio(report.rows, spec, "peak_mb")
        found.append((
            f"{spec}: peak memory <= 1.0x openapi-python-client's",
            f"{peak:.2f}x",
            peak <= 1.0 if peak == peak else None,
        ))  # fmt: skip
    return found


def _fmt(value: object, digits: int = 1) -> str:
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return "" if value is None else str(value)


def write_results(report: Report) -> None:
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {machine()}.",
    ]
    if report.shared:
        lines += ["", "**The machine was shared with other work while this ran** (other "
                  "engineers' tests and builds on the same 2 cores): absolute figures are "
                  "noisy; ratios within one run are the figures to read, and a quiet-machine "
                  "re-run gives cleaner ones."]  # fmt: skip
    lines += [
        "",
        "Produced by `make bench` (`.venv/bin/python -m benchmarks.run`) in one run. Every "
        "command below runs as printed from the repository root (scratch output goes to the "
        "git-ignored `.cache/bench/`).",
        "",
        "## Generation",
        "",
        f"Each row: {report.runs} runs under `/usr/bin/time -v`; figures are median (min–max). "
        "CPU = user + system seconds of the process and every child it waited for (the "
        "process pool, ruff); peak = the largest process. `confgen (serial)` is the same "
        f"command with `{' '.join(f'{k}={v}' for k, v in SERIAL_ENV.items())}` (no process "
        "pool, ruff on one thread): its wall time is the algorithmic cost on one core. "
        f"GitHub's spec is `api.github.com.json` of `@octokit/openapi@{OCTOKIT_OPENAPI_VERSION}` "
        f"(`benchmarks/corpus.py` fetches it into `.cache/`); whole Telnyx is "
        f"`{rel(TELNYX_SPEC)}`. openapi-python-client runs with `{OPC_CONFIG}` "
        "(`literal_enums: true`, no post-hooks: its defaults fail on whole Telnyx); "
        "datamodel-code-generator renders models only (`--formatters builtin`). Import: "
        "median of 5 `python -X importtime -c 'import PKG'` after byte-compiling; mypy: "
        "`mypy --strict PKG` error count.",
        "",
        "| spec | tool | ok | wall s | CPU s | peak MB | files | KB | import ms | mypy errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in report.rows:
        if row.note:
            lines.append(f"| {row.spec} | {row.tool} | {row.note} |  |  |  |  |  |  |  |")
            continue
        size = row.facts.get("bytes")
        lines.append(
            f"| {row.spec} | {row.tool} | {'yes' if row.ok else 'NO'} | {row.spread('wall')} | "
            f"{row.spread('cpu')} | {row.spread('peak_mb', 0)} | {_fmt(row.facts.get('files'))} | "
            f"{_fmt(size / 1024, 0) if isinstance(size, int) else ''} | "
            f"{_fmt(row.facts.get('import_ms'))} | {_fmt(row.facts.get('mypy'))} |"
        )
    lines += ["", "### Ratios (confgen / peer, medians of the same run)", "",
              "| spec | confgen run | vs | wall | CPU | peak |", "|---|---|---|---|---|---|"]  # fmt: skip
    for spec in dict.fromkeys(r.spec for r in report.rows):
        for ours_tool in ("confgen", CONFGEN_SERIAL):
            ours = find(report.rows, spec, ours_tool)
            for peer in ("openapi-python-client", "datamodel-code-generator"):
                theirs = find(report.rows, spec, peer)
                if ours is None or theirs is None:
                    continue
                cells = " | ".join(
                    f"{ours.median(k) / theirs.median(k):.2f}" for k in ("wall", "cpu", "peak_mb")
                )
                lines.append(f"| {spec} | {ours_tool} | {peer} | {cells} |")
    lines += ["", "Commands:", ""]
    lines += [f"- {r.spec} / {r.tool}: `{r.command}`" for r in report.rows if r.command]

    lines += ["", f"## Time to first call (fresh process, byte-compiled, {report.repeats} "
              "interleaved runs)", "",
              "Each run is a new interpreter: `python -m benchmarks.first_call ROW URL "
              "CREDENTIALS`, timed by the parent from process start to the parsed result on "
              "its stdout (interpreter start-up included, the same for every row), against "
              "`python -m benchmarks.server` (a separate process on a free loopback port). "
              "Rows run A B C A B C …; every row imports its client, constructs it with "
              "credentials (Voximplant: a service-account `credentials.json`, its JWT signed "
              "with PyJWT by every row), sends the provider's create call and parses the "
              "response into typed objects. The hand-written rows declare pydantic models of "
              "the documented response fields with the spec's types and use one "
              "`httpx.Client` (which builds an SSL context, as ours does). "
              "openapi-python-client's client is generated from the same spec "
              "(`.cache/bench/peer/`); the official SDKs run from their own venv "
              f"(`{SDK_VENV}`, `{SDK_REQUIREMENTS}`). CPU is the user + system time of "
              "the row's whole process (start-up to exit, so the client's close and the "
              "interpreter's shutdown too), from `getrusage(RUSAGE_CHILDREN)`: on a shared "
              "machine it counts only the row's own work.", "",
              "| provider: client | median ms | min | max | vs hand-written | CPU ms | CPU vs "
              "hand-written |",
              "|---|---|---|---|---|---|---|"]  # fmt: skip
    for call in report.first:
        provider = call.label.split(":")[0]
        hand = _first_median(report, provider, "httpx + pydantic by hand")
        hand_cpu = _first_median(report, provider, "httpx + pydantic by hand", cpu=True)
        if call.error or not call.samples:
            lines.append(f"| {call.label} | {call.error or 'no samples'} |  |  |  |  |  |")
            continue
        median = statistics.median(call.samples)
        cpu = statistics.median(call.cpu)
        lines.append(
            f"| {call.label} | {median:.1f} | {min(call.samples):.1f} | {max(call.samples):.1f} "
            f"| {median / hand:.2f}x | {cpu:.1f} | {cpu / hand_cpu:.2f}x |"
        )
    lines += ["", "One run by hand: `.venv/bin/python -m benchmarks.server` (prints its port), "
              "then `PYTHONPATH=.cache/bench/peer .venv/bin/python -m benchmarks.first_call "
              "ours-telnyx http://127.0.0.1:PORT .cache/bench/voximplant-credentials.json` "
              "(after one `make bench` has written the credentials and the peers).", "",
              "TrueConf's client (WebSocket, AsyncAPI) is not in this table: its first call "
              "needs the test Room server (`tests/trueconf_server.py`); not measured yet."]  # fmt: skip

    lines += ["", "## Per-call overhead (in-memory transport)", "",
              "`python -m benchmarks.overhead .cache/bench/listing/bench_telnyx ROUNDS CALLS`: "
              "Telnyx's "
              "shipped create call and a purpose-written list call answering 100 conferences "
              "(`benchmarks/listing.py` adds it to the shipped spec; generated into "
              "`.cache/bench/listing/`), over one `httpx.MockTransport` answering the same "
              "bytes. The baseline is raw httpx sending the same request and parsing the body "
              "with pydantic into the same model classes, so the overhead is the client's own "
              "work. Interleaved rounds timed in CPU time (`time.process_time`: on a shared "
              "machine, wall time counts other processes too); overhead = median (min–max) of "
              "the rounds' per-call differences. The raw calls pass a path under the "
              "client's `base_url`, which httpx parses and joins on every call (about 20 µs); "
              "the client parses a query-less URL once (an LRU of `httpx.URL`), so its "
              "overhead can be negative: its other work (argument validation, the idempotency "
              "key, the request flow, the deadline) costs less than that parse.", "",
              "| call | raw httpx + pydantic µs | confgen µs | overhead µs |",
              "|---|---|---|---|"]  # fmt: skip
    for name, figures in report.overhead.items():
        lines.append(
            f"| {name} | {figures['raw_us']:.1f} | {figures['confgen_us']:.1f} | "
            f"{figures['overhead_us']:+.1f} ({figures['overhead_min_us']:+.1f}–"
            f"{figures['overhead_max_us']:+.1f}) |"
        )
    lines += ["", "## Pagination throughput (loopback server)", ""]
    paging = report.pagination
    if paging:
        lines += ["`python -m benchmarks.pagination ROUNDS`: "
                  f"{paging['items']:.0f} items in {paging['pages']:.0f} next-link pages "
                  "from `benchmarks/server.py` on 127.0.0.1, the runtime's `SyncPage` vs a "
                  "hand-written httpx loop parsing the same pydantic model; medians of "
                  f"{paging['rounds']:.0f} interleaved rounds.", "",
                  "| ours ms | by hand ms | wall ratio | CPU ratio | deepObject, 3 keys |",
                  "|---|---|---|---|---|",
                  f"| {paging['ours_ms']:.1f} | {paging['hand_ms']:.1f} | "
                  f"{paging['wall_ratio']:.2f}x | {paging['cpu_ratio']:.2f}x | "
                  f"{paging['deep_object_us']:.2f} µs |"]  # fmt: skip
    else:
        lines.append("Not measured in this run (see the error printed by `make bench`).")

    lines += ["", "## Targets (issues 17 and 13), from this run", "", "| target | this run | |",
              "|---|---|---|"]  # fmt: skip
    for target, shown, ok in targets(report):
        lines.append(f"| {target} | {shown} | {_verdict(ok)} |")
    for title, profile in report.profiles.items():
        lines += ["", f"### Where the time goes: {title}", "", "```", profile, "```"]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per generation row")
    parser.add_argument("--first-calls", type=int, default=15, help="runs per first-call row")
    parser.add_argument("--rounds", type=int, default=15, help="per-call overhead rounds")
    parser.add_argument("--calls", type=int, default=2000, help="calls per overhead round")
    parser.add_argument(
        "--quick", action="store_true", help="provider specs only, fewer runs, no mypy"
    )
    parser.add_argument(
        "--quiet-machine",
        action="store_true",
        help="say the machine was not shared (default: say it was)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.first_calls, args.rounds, args.calls = 3, 5, 5, 500
    specs = {
        name: f"specs/{name}.openapi.yaml"
        for name in PROVIDERS
        if (ROOT / f"specs/{name}.openapi.yaml").exists()
    }
    specs["trueconf"] = "specs/trueconf.asyncapi.yaml"
    if not args.quick:
        specs["whole Telnyx"] = rel(TELNYX_SPEC)
        specs["GitHub"] = rel(github_spec())
    (ROOT / WORK).mkdir(parents=True, exist_ok=True)
    rows = bench_generation(specs, args.runs, mypy=not args.quick)
    first, url, credentials = bench_first_call(args.first_calls)
    overhead = bench_overhead(args.rounds, args.calls)
    pagination = bench_pagination(args.rounds)
    report = Report(
        rows, first, overhead, args.runs, args.first_calls, not args.quiet_machine,
        pagination=pagination,
    )  # fmt: skip
    missed = {target for target, _, ok in targets(report) if ok is False}
    if any("first call" in t for t in missed):
        report.profiles["our first call (telnyx), cProfile, top 10 by own time"] = (
            profile_first_call(url, credentials)
        )
    if any("generation CPU" in t for t in missed):
        for spec in ("whole Telnyx", "GitHub"):
            if spec in specs:
                report.profiles[f"confgen generate, {spec}, serial, cProfile, top 10 by own "
                                "time"] = profile_generation(specs[spec], "profiled")  # fmt: skip
    write_results(report)
    print(f"wrote {rel(RESULTS)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
