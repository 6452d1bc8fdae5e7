"""`make bench`: confgen vs openapi-python-client and datamodel-code-generator, one run,
written to ``benchmarks/RESULTS.md``.

Generation: wall time and peak RSS (``/usr/bin/time -v``, median of ``--runs``), output
size, import time of the output (``python -X importtime``), ``mypy --strict`` errors.
Calls: a create-conference call through our sync and async clients, raw httpx, and the
openapi-python-client client against a loopback server (calls/s), async throughput at
200 concurrent calls, and the cost of import + construct + one call.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.corpus import OCTOKIT_OPENAPI_VERSION, ROOT, TELNYX_SPEC, github_spec

BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
MYPY_TIMEOUT = 240


@dataclass
class Run:
    ok: bool
    seconds: float
    peak_mb: float


def timed(command: Sequence[str], cwd: Path) -> Run:
    """Wall seconds and peak RSS (largest process of the run) of ``command``."""
    begun = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command], cwd=cwd, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - begun
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    peak = int(match.group(1)) / 1024 if match else float("nan")
    return Run(result.returncode == 0, seconds, peak)


def tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return len(files), sum(p.stat().st_size for p in files)


def import_ms(folder: Path, package: str) -> float:
    """Median cumulative ``-X importtime`` of ``import package`` (byte-compiled first)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(folder / package)],
        capture_output=True,
        check=False,
    )
    samples = []
    for _ in range(5):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {package}"],
            cwd=folder,
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
            [str(BIN / "mypy"), "--strict", "--no-incremental", "--cache-dir", "/dev/null", target],
            cwd=folder,
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


def commands(tool: str, spec: Path, out: Path, package: str, *, write: bool = True) -> list[str]:
    """The command line of ``tool``; ``write`` creates the config file it names."""
    if tool == "confgen":
        return [str(BIN / "confgen"), "generate", "--spec", str(spec), "--out", str(out),
                "--package", package]  # fmt: skip
    if tool == "openapi-python-client":
        config = out.parent / f"{package}-opc.json"
        if not write:
            return [str(BIN / "openapi-python-client"), "generate", "--path", str(spec),
                    "--output-path", str(out / package), "--meta", "none", "--config",
                    str(config), "--overwrite"]  # fmt: skip
        config.write_text(
            json.dumps(
                {
                    "literal_enums": True,
                    "post_hooks": [],
                    "project_name_override": package,
                    "package_name_override": package,
                }
            )
        )
        return [str(BIN / "openapi-python-client"), "generate", "--path", str(spec),
                "--output-path", str(out / package), "--meta", "none", "--config", str(config),
                "--overwrite"]  # fmt: skip
    return [str(BIN / "datamodel-codegen"), "--input", str(spec), "--input-file-type", "openapi",
            "--output", str(out / package / "models.py"), "--output-model-type",
            "pydantic_v2.BaseModel", "--formatters", "builtin"]  # fmt: skip


TOOLS = ("confgen", "openapi-python-client", "datamodel-code-generator")


def bench_generation(specs: dict[str, Path], runs: int, work: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for label, spec in specs.items():
        package = re.sub(r"\W", "_", label)
        for tool in TOOLS:
            if spec.name.endswith(".asyncapi.yaml") and tool != "confgen":
                rows.append({"spec": label, "tool": tool, "note": "n/a (AsyncAPI)"})
                continue
            measured: list[Run] = []
            out = work / tool / package
            for _ in range(runs if label in ("whole Telnyx", "GitHub") else max(runs, 3)):
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir(parents=True)
                if tool == "datamodel-code-generator":
                    (out / package).mkdir()
                measured.append(timed(commands(tool, spec, out, package), cwd=work))
            produced = (out / package).exists() and any((out / package).rglob("*.py"))
            row: dict[str, object] = {
                "spec": label,
                "tool": tool,
                "ok": all(r.ok for r in measured) and produced,
                "seconds": statistics.median(r.seconds for r in measured),
                "peak_mb": statistics.median(r.peak_mb for r in measured),
                "command": " ".join(commands(tool, spec, Path("OUT"), package, write=False)),
            }
            if produced:
                files, size = tree_size(out / package)
                row.update(files=files, bytes=size)
                if tool != "datamodel-code-generator":
                    row["import_ms"] = import_ms(out, package)
                row["mypy"] = mypy_errors(out, package)
            rows.append(row)
            print(f"{label} / {tool}: {row}", file=sys.stderr)
    return rows


# --- calls ------------------------------------------------------------------------------

SERVER = r"""
import asyncio, sys
BODY = sys.argv[1].encode()
RESPONSE = (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
            + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)
class Proto(asyncio.Protocol):
    def connection_made(self, transport): self.t, self.buf = transport, b""
    def data_received(self, data):
        self.buf += data
        while True:
            head, sep, rest = self.buf.partition(b"\r\n\r\n")
            if not sep: return
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"): length = int(line.split(b":")[1])
            if len(rest) < length: return
            self.buf = rest[length:]
            self.t.write(RESPONSE)
async def main():
    server = await asyncio.get_running_loop().create_server(Proto, "127.0.0.1", 0, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()
asyncio.run(main())
"""

CONFERENCE = {
    "data": {
        "record_type": "conference",
        "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "name": "All hands meeting",
        "created_at": "2019-01-23T18:10:02.574Z",
        "expires_at": "2019-01-23T18:10:02.574Z",
        "region": "sv1",
        "status": "init",
    }
}

CALLS = r"""
import asyncio, json, statistics, sys, time
sys.path.insert(0, sys.argv[3])
import httpx
url, n = sys.argv[1], int(sys.argv[2])
body = {"call_control_id": "v3:abc", "name": "All hands meeting"}
out = {}

# Client-side overhead, without the network: every client over the same in-memory
# transport answering the same bytes, in interleaved rounds; the overhead is the median of
# the rounds' per-call differences to raw httpx.
conference = sys.argv[4].encode()
def answer(request):
    return httpx.Response(200, content=conference, headers={"content-type": "application/json"})
def in_memory_client():
    return httpx.Client(base_url=url, transport=httpx.MockTransport(answer))
from generated.telnyx import Telnyx, AsyncTelnyx
memory = {}
memory_raw = in_memory_client()
memory["raw httpx (sync)"] = lambda: memory_raw.post("/conferences", json=body).json()
memory_ours = Telnyx(api_key="k", base_url=url, max_retries=0, http_client=in_memory_client())
memory["confgen sync"] = lambda: memory_ours.conferences.create_conference(**body)
try:
    from peer_telnyx import AuthenticatedClient
    from peer_telnyx.api.conferences import create_conference as peer_call
    from peer_telnyx.models import CreateConferenceRequest
    memory_peer = AuthenticatedClient(base_url=url, token="k")
    memory_peer.set_httpx_client(in_memory_client())
    memory_request = CreateConferenceRequest.from_dict(body)
    memory["openapi-python-client sync"] = lambda: peer_call.sync(client=memory_peer, body=memory_request)
except Exception:
    pass
for fn in memory.values():
    fn()
memory_seconds = {name: [] for name in memory}
for _ in range(15):
    for name, fn in memory.items():
        begun = time.perf_counter()
        for _ in range(2000):
            fn()
        memory_seconds[name].append((time.perf_counter() - begun) / 2000)
out["_in_memory_us"] = {name: statistics.median(values) * 1e6 for name, values in memory_seconds.items()}
out["_in_memory_overhead_us"] = {
    name: statistics.median(a - b for a, b in zip(values, memory_seconds["raw httpx (sync)"])) * 1e6
    for name, values in memory_seconds.items() if name != "raw httpx (sync)"
}

# Sync clients: interleaved rounds, so machine noise hits every client alike; the rate is
# the median round's, the overhead the median of each round's difference to raw httpx.
ROUNDS = 9
per_round = max(1, n // ROUNDS)
sync = {}
raw = httpx.Client(base_url=url)
sync["raw httpx (sync)"] = lambda: raw.post("/conferences", json=body).json()
ours = Telnyx(api_key="k", base_url=url, max_retries=0)
sync["confgen sync"] = lambda: ours.conferences.create_conference(**body)
try:
    from peer_telnyx import AuthenticatedClient
    from peer_telnyx.api.conferences import create_conference as peer_call
    from peer_telnyx.models import CreateConferenceRequest
    peer = AuthenticatedClient(base_url=url, token="k")
    request = CreateConferenceRequest.from_dict(body)
    sync["openapi-python-client sync"] = lambda: peer_call.sync(client=peer, body=request)
except Exception as error:
    out["openapi-python-client sync"] = f"n/a ({type(error).__name__}: {error})"
for fn in sync.values():
    fn()
seconds = {name: [] for name in sync}
for _ in range(ROUNDS):
    for name, fn in sync.items():
        begun = time.perf_counter()
        for _ in range(per_round):
            fn()
        seconds[name].append((time.perf_counter() - begun) / per_round)
for name, values in seconds.items():
    out[name] = 1 / statistics.median(values)
out["_paired_overhead_us"] = {
    name: statistics.median(a - b for a, b in zip(values, seconds["raw httpx (sync)"])) * 1e6
    for name, values in seconds.items() if name != "raw httpx (sync)"
}
raw.close()
ours.close()

async def arate(make, n, concurrency):
    sem = asyncio.Semaphore(concurrency)
    async def one():
        async with sem:
            await make()
    await one()
    begun = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(n)))
    return n / (time.perf_counter() - begun)

async def amain():
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=url, limits=limits) as raw:
        async def raw_call():
            (await raw.post("/conferences", json=body)).json()
        out["raw httpx (async, 1 at a time)"] = await arate(raw_call, n, 1)
        out["raw httpx (async, 200 concurrent)"] = await arate(raw_call, n, 200)
    async with AsyncTelnyx(api_key="k", base_url=url, max_retries=0,
                           http_client=httpx.AsyncClient(limits=limits)) as ours:
        async def our_call():
            await ours.conferences.create_conference(**body)
        out["confgen async (1 at a time)"] = await arate(our_call, n, 1)
        out["confgen async (200 concurrent)"] = await arate(our_call, n, 200)
asyncio.run(amain())
print(json.dumps(out))
"""

FIRST_CALL = r"""
import sys, time
begun = time.perf_counter()
sys.path.insert(0, sys.argv[3])
import httpx, pydantic
body = {"call_control_id": "v3:abc", "name": "n"}
if sys.argv[2] == "hand":
    # The least a typed httpx + pydantic client does: one model, one client, one call.
    from pydantic import BaseModel, ConfigDict

    class Conference(BaseModel):
        model_config = ConfigDict(extra="allow")
        id: str
        name: str

    class ConferenceResponse(BaseModel):
        data: Conference

    with httpx.Client(base_url=sys.argv[1]) as raw:
        ConferenceResponse.model_validate_json(raw.post("/conferences", json=body).content)
elif sys.argv[2] == "peer":
    from peer_telnyx import AuthenticatedClient
    from peer_telnyx.api.conferences import create_conference
    from peer_telnyx.models import CreateConferenceRequest

    with AuthenticatedClient(base_url=sys.argv[1], token="k") as peer:
        create_conference.sync(client=peer, body=CreateConferenceRequest.from_dict(body))
elif sys.argv[2] == "client":
    import importlib
    package = importlib.import_module(sys.argv[4])
    cls = getattr(package, sys.argv[5])
    with cls(api_key="k", base_url=sys.argv[1], max_retries=0) as client:
        getattr(getattr(client, sys.argv[6]), sys.argv[7])(**body)
print((time.perf_counter() - begun) * 1000)
"""

# Rows of the first-call table: (label, FIRST_CALL mode); the figures of our clients
# are compared with BASELINES below.
IMPORTS_ONLY = "import httpx + pydantic (nothing else)"
HAND_WRITTEN = "httpx + pydantic by hand: import, httpx.Client, 1 call, validate"
FIRST_CALL_BUDGET_MS = 50.0
"""Issue 8: a generated client's first call costs at most this much more than the baseline."""


def bench_calls(work: Path, calls: int, whole_telnyx: Path | None) -> dict[str, object]:
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, json.dumps(CONFERENCE)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        peer_root = work / "peer-calls"
        out = peer_root / "peer_telnyx"
        shutil.rmtree(peer_root, ignore_errors=True)
        peer_root.mkdir(parents=True)
        config = peer_root / "config.json"
        config.write_text(json.dumps({"package_name_override": "peer_telnyx",
                                      "project_name_override": "peer_telnyx"}))  # fmt: skip
        subprocess.run(
            [
                str(BIN / "openapi-python-client"),
                "generate",
                "--path",
                str(ROOT / "specs/telnyx.openapi.yaml"),
                "--output-path",
                str(out),
                "--meta",
                "none",
                "--config",
                str(config),
                "--overwrite",
            ],
            capture_output=True,
            check=False,
        )
        env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{peer_root}"}
        result = subprocess.run(
            [sys.executable, "-c", CALLS, url, str(calls), str(ROOT), json.dumps(CONFERENCE)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        rates = json.loads(result.stdout) if result.returncode == 0 else {"error": result.stderr}
        first: dict[str, float] = {}

        def median_ms(args: list[str], cwd: Path, path: Path = ROOT) -> float:
            # Byte-compiled first, as an installed package is (PYTHONDONTWRITEBYTECODE may
            # be set, and compiling on import is not what a user's process pays).
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(path)],
                capture_output=True,
                check=False,
            )
            values = []
            for _ in range(7):
                done = subprocess.run(
                    [sys.executable, "-c", FIRST_CALL, url, *args],
                    capture_output=True,
                    text=True,
                    cwd=cwd,
                    env=env,
                    check=False,
                )
                if done.returncode != 0:
                    print(f"first call {args}: {done.stderr.strip()[-500:]}", file=sys.stderr)
                    return float("nan")
                values.append(float(done.stdout.strip().splitlines()[-1]))
            return statistics.median(values)

        first[IMPORTS_ONLY] = median_ms(["imports", str(ROOT)], ROOT)
        first[HAND_WRITTEN] = median_ms(["hand", str(ROOT)], ROOT)
        first["openapi-python-client (telnyx): import + construct + 1 call"] = median_ms(
            ["peer", str(ROOT)], ROOT, peer_root / "peer_telnyx"
        )
        first["generated.telnyx: import + construct + 1 call"] = median_ms(
            ["client", str(ROOT), "generated.telnyx", "Telnyx", "conferences", "create_conference"],
            ROOT,
            ROOT / "generated" / "telnyx",
        )
        if whole_telnyx is not None:
            first["whole Telnyx: import + construct + 1 call"] = median_ms(
                [
                    "client",
                    str(whole_telnyx),
                    "whole_Telnyx",
                    "WholeTelnyx",
                    "conference_commands",
                    "create_conference",
                ],
                whole_telnyx,
                whole_telnyx / "whole_Telnyx",
            )
        return {"rates": rates, "first_call_ms": first}
    finally:
        server.terminate()
        server.wait()


# --- report -----------------------------------------------------------------------------


def machine() -> str:
    model = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"nproc {os.cpu_count()}, {model}, Python {platform.python_version()}"


def fmt(value: object, digits: int = 2) -> str:
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return "" if value is None else str(value)


def _ratio(rows: list[dict[str, object]], spec: str, key: str) -> float:
    """confgen's ``key`` over openapi-python-client's, for ``spec`` (NaN when missing)."""
    found = {
        row["tool"]: row.get(key)
        for row in rows
        if row["spec"] == spec and "note" not in row and row.get("ok")
    }
    ours, peer = found.get("confgen"), found.get("openapi-python-client")
    if isinstance(ours, float) and isinstance(peer, float) and peer:
        return ours / peer
    return float("nan")


def _targets(
    rows: list[dict[str, object]], first: dict[str, float], paired: dict[str, float]
) -> list[str]:
    """The issue 8 targets, each met or missed by this run's figures."""

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    lines = ["", "## Targets (issue 8), from this run", "",
             "| target | this run | |", "|---|---|---|"]  # fmt: skip
    for spec, limit in (("whole Telnyx", 0.5), ("GitHub", 1.0)):
        wall = _ratio(rows, spec, "seconds")
        lines.append(
            f"| {spec}: generation wall <= {limit}x openapi-python-client's | {wall:.2f}x "
            f"| {verdict(wall <= limit)} |"
        )
    for spec in ("whole Telnyx", "GitHub"):
        peak = _ratio(rows, spec, "peak_mb")
        lines.append(
            f"| {spec}: peak memory <= 1.5x openapi-python-client's | {peak:.2f}x "
            f"| {verdict(peak <= 1.5)} |"
        )
    overhead = paired.get("confgen sync", float("nan"))
    lines.append(
        f"| per-call overhead of the sync client over raw httpx <= 15 µs (in memory) "
        f"| {overhead:.1f} µs "
        f"| {verdict(overhead <= 15)} |"
    )
    whole = next((r for r in rows if r["spec"] == "whole Telnyx" and r["tool"] == "confgen"), {})
    import_ms, mypy = whole.get("import_ms"), whole.get("mypy")
    if isinstance(import_ms, float):
        lines.append(
            f"| whole Telnyx: `import` under 50 ms | {import_ms:.1f} ms "
            f"| {verdict(import_ms < 50)} |"
        )
    if mypy is not None:
        lines.append(
            f"| whole Telnyx: mypy --strict errors on the output = 0 | {mypy} "
            f"| {verdict(str(mypy) == '0')} |"
        )
    hand, imports = first.get(HAND_WRITTEN, float("nan")), first.get(IMPORTS_ONLY, float("nan"))
    for name in ("generated.telnyx", "whole Telnyx"):
        value = next((v for k, v in first.items() if k.startswith(name)), float("nan"))
        lines.append(
            f"| {name}: first call <= {FIRST_CALL_BUDGET_MS:.0f} ms over hand-written "
            f"httpx + pydantic | {value - hand:+.1f} ms "
            f"| {verdict(value - hand <= FIRST_CALL_BUDGET_MS)} |"
        )
        lines.append(
            f"| {name}: first call <= {FIRST_CALL_BUDGET_MS:.0f} ms over the bare imports "
            f"(no client, no model) | {value - imports:+.1f} ms "
            f"| {verdict(value - imports <= FIRST_CALL_BUDGET_MS)} |"
        )
    return lines


def write_results(rows: list[dict[str, object]], calls: dict[str, object], runs: int) -> None:
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {machine()}. Produced by `make bench` (`python -m benchmarks.run`) in one run;",
        f"generation figures are the median of {runs} runs (3 for the small specs), each under",
        "`/usr/bin/time -v` (peak = largest process of the run). GitHub's spec is",
        f"`api.github.com.json` of `@octokit/openapi@{OCTOKIT_OPENAPI_VERSION}`; whole Telnyx is",
        f"`{TELNYX_SPEC}`. openapi-python-client runs with `literal_enums: true` and no",
        "post-hooks (its defaults fail on whole Telnyx); datamodel-code-generator renders models",
        "only (`--formatters builtin`). Import time: median of 5 `python -X importtime -c 'import",
        "PKG'` after byte-compiling. mypy: `mypy --strict PKG` error count.",
        "",
        "## Generation",
        "",
        "| spec | tool | ok | wall s | peak MB | files | KB | import ms | mypy --strict errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if "note" in row:
            lines.append(f"| {row['spec']} | {row['tool']} | {row['note']} |  |  |  |  |  |  |")
            continue
        size = row.get("bytes")
        lines.append(
            f"| {row['spec']} | {row['tool']} | {'yes' if row['ok'] else 'NO'} | "
            f"{fmt(row['seconds'])} | {fmt(row['peak_mb'], 0)} | {fmt(row.get('files'))} | "
            f"{fmt(size / 1024, 0) if isinstance(size, int) else ''} | "
            f"{fmt(row.get('import_ms'), 1)} | {fmt(row.get('mypy'))} |"
        )
    lines += ["", "### Ratios (confgen / peer, same run)", "", "| spec | vs | wall | peak |",
              "|---|---|---|---|"]  # fmt: skip
    for spec in dict.fromkeys(str(r["spec"]) for r in rows):
        ours = next((r for r in rows if r["spec"] == spec and r["tool"] == "confgen"), None)
        for peer in rows:
            if peer["spec"] != spec or peer["tool"] == "confgen" or "note" in peer or not ours:
                continue
            lines.append(
                f"| {spec} | {peer['tool']} | {float(ours['seconds']) / float(peer['seconds']):.2f} "  # type: ignore[arg-type]
                f"| {float(ours['peak_mb']) / float(peer['peak_mb']):.2f} |"  # type: ignore[arg-type]
            )
    lines += ["", "Commands (OUT = a scratch folder):", ""]
    for row in rows:
        if "command" in row:
            lines.append(f"- {row['spec']} / {row['tool']}: `{row['command']}`")
    measured = calls.get("rates")
    rates: dict[str, object] = dict(measured) if isinstance(measured, dict) else {}
    found = rates.pop("_paired_overhead_us", {})
    paired: dict[str, float] = dict(found) if isinstance(found, dict) else {}
    found = rates.pop("_in_memory_us", {})
    in_memory: dict[str, float] = dict(found) if isinstance(found, dict) else {}
    found = rates.pop("_in_memory_overhead_us", {})
    in_memory_overhead: dict[str, float] = dict(found) if isinstance(found, dict) else {}
    lines += ["", "## Calls: create conference on a loopback server", "",
              "`benchmarks/run.py` (a raw-asyncio HTTP/1.1 server answering a fixed Conference "
              "body). Sync clients run in 9 interleaved rounds: calls/s is the median round's, "
              "the overhead the median of the rounds' per-call differences to raw httpx. Async "
              "figures are calls per second over one loop.", "",
              "| client | calls/s | vs raw httpx | overhead per call (µs) |", "|---|---|---|---|"]  # fmt: skip
    if isinstance(rates, dict):
        base_sync = rates.get("raw httpx (sync)")
        base_async = rates.get("raw httpx (async, 1 at a time)")
        base_conc = rates.get("raw httpx (async, 200 concurrent)")
        for name, value in rates.items():
            base = base_conc if "200" in name else base_async if "async" in name else base_sync
            if isinstance(value, float) and isinstance(base, float):
                overhead = paired.get(name, (1 / value - 1 / base) * 1e6)
                lines.append(f"| {name} | {value:.0f} | {value / base:.2f} | {overhead:.1f} |")
            else:
                lines.append(f"| {name} | {value} |  |  |")
    lines += ["", "### Client-side overhead (in-memory transport)", "",
              "The same create-conference call with every client over one in-memory "
              "`httpx.MockTransport` answering the same bytes: no network, so the difference to "
              "raw httpx (which only decodes the JSON) is the client's own work (argument "
              "validation, request building, typed parsing). 15 interleaved rounds of 2,000 "
              "calls; overhead = median of the rounds' differences.", "",
              "| client | µs per call | overhead over raw httpx (µs) |", "|---|---|---|"]  # fmt: skip
    for name, value in in_memory.items():
        extra = in_memory_overhead.get(name, 0.0)
        lines.append(f"| {name} | {value:.1f} | {extra:+.1f} |")
    first = calls.get("first_call_ms")
    first = first if isinstance(first, dict) else {}
    hand, imports = first.get(HAND_WRITTEN), first.get(IMPORTS_ONLY)
    lines += ["", "## Import, construct, one call (fresh process, byte-compiled, median of 7)",
              "", "Every row runs in a fresh interpreter against the loopback server, from "
              "before `import httpx, pydantic` to the parsed result. `import pydantic` "
              "alone loads little (pydantic loads `BaseModel` and its schema machinery on "
              "first use), and `httpx.Client()` imports httpcore and builds an SSL context: "
              "the hand-written row pays both, as every httpx + pydantic client does.", "",
              "| what | ms | over hand-written ms | over imports only ms |",
              "|---|---|---|---|"]  # fmt: skip
    for name, value in first.items():
        over_hand = value - hand if isinstance(hand, float) else float("nan")
        over_imports = value - imports if isinstance(imports, float) else float("nan")
        lines.append(f"| {name} | {value:.1f} | {over_hand:+.1f} | {over_imports:+.1f} |")
    lines += _targets(rows, first, in_memory_overhead)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per whole-API generation")
    parser.add_argument("--calls", type=int, default=3000, help="calls per client loop")
    parser.add_argument("--quick", action="store_true", help="provider specs only")
    args = parser.parse_args(argv)
    specs = {
        name: ROOT / f"specs/{name}.openapi.yaml"
        for name in ("voximplant", "signalwire", "telnyx")
        if (ROOT / f"specs/{name}.openapi.yaml").exists()
    }
    specs["trueconf"] = ROOT / "specs/trueconf.asyncapi.yaml"
    if not args.quick:
        specs["whole Telnyx"] = TELNYX_SPEC
        specs["GitHub"] = github_spec()
    with tempfile.TemporaryDirectory(prefix="confgen-bench-") as scratch:
        work = Path(scratch)
        rows = bench_generation(specs, args.runs, work)
        whole = work / "confgen" / "whole_Telnyx"
        calls = bench_calls(work, args.calls, whole if whole.exists() else None)
    write_results(rows, calls, args.runs)
    print(f"wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
