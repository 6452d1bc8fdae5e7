"""The official signalwire-sdk, driven in its own venv through `signalwire_driver`."""

from __future__ import annotations

import fcntl
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.wire.capture import Captured
from tests.wire.spec import ROOT, SpecOperation, operations

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "sdk-requirements.txt"
VENV = ROOT / ".cache" / "wire-sdk-venv"
DRIVER = HERE / "signalwire_driver.py"
MARK = "/__wire_mark__/"
"""The driver requests ``MARK<n>`` before its n-th call, so captures split per call."""


def sdk_python() -> Path:
    """The venv's interpreter, made (pip's cache is warm) when the pins changed."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".requirements-sha256"
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    VENV.parent.mkdir(parents=True, exist_ok=True)
    # pytest-xdist workers may get here together: one makes the venv, the others wait.
    with (VENV.parent / "wire-sdk-venv.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not python.exists() or not stamp.exists() or stamp.read_text() != digest:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            subprocess.run(
                [str(python), "-m", "pip", "install", "-q", "--no-deps", "-r", str(REQUIREMENTS)],
                check=True,
                timeout=600,
            )
            stamp.write_text(digest)
    return python


def host(base: str) -> str:
    return base.removeprefix("http://")


def describe(base: str) -> dict[str, Any]:
    """``video.rooms.get`` -> its parameters (name, kind, required)."""
    out = subprocess.run(
        [str(sdk_python()), str(DRIVER), host(base), "list"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    described: dict[str, Any] = json.loads(out.stdout)
    return described


def call(base: str, calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Make ``calls`` ({name, args, kwargs}) in the SDK; one result per call."""
    out = subprocess.run(
        [str(sdk_python()), str(DRIVER), host(base), "call"],
        input=json.dumps(calls),
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return [json.loads(line) for line in out.stdout.splitlines()]


def spec_operation(method: str, path: str, parameter: str | None) -> SpecOperation | None:
    """The spec's operation for a request; where two path shapes match (``rooms/{id}`` and
    ``rooms/{name}``), the one whose placeholder is the SDK's parameter, an ``id`` for a
    ``resource_id``."""
    matches = [
        op for op in operations("signalwire") if op.method == method and op.pattern.match(path)
    ]
    if len(matches) > 1 and parameter:
        wanted = "id" if parameter == "resource_id" else parameter
        matches = [op for op in matches if op.path.rsplit("{", 1)[-1].rstrip("}") == wanted]
    return matches[0] if len(matches) == 1 else None


def split(seen: list[Captured], count: int) -> list[list[Captured]]:
    """The requests of each call, cut at the driver's marks."""
    calls: list[list[Captured]] = []
    for request in seen:
        if request.path.startswith(MARK):
            calls.append([])
        else:
            assert calls, f"a request before the first mark: {request}"
            calls[-1].append(request)
    assert len(calls) == count
    return calls


def _positional(described: dict[str, Any]) -> list[str]:
    return [p["name"] for p in described["params"] if p["kind"].startswith("POSITIONAL")]


def probe(base: str, seen: list[Captured]) -> dict[str, tuple[Any, dict[str, Any]]]:
    """SDK method -> (its spec operation or None, its description)."""
    described = describe(base)
    calls = []
    for name, info in sorted(described.items()):
        args = [f"probe-{i}" for i, _ in enumerate(_positional(info))]
        kwargs = {
            p["name"]: "x" for p in info["params"] if p["kind"] == "KEYWORD_ONLY" and p["required"]
        }
        calls.append({"name": name, "args": args, "kwargs": kwargs})
    seen.clear()
    call(base, calls)
    out = {}
    for entry, requests in zip(calls, split(seen, len(calls)), strict=True):
        assert requests, f"{entry['name']} sent nothing"
        first = requests[0]
        positional = _positional(described[entry["name"]])
        op = spec_operation(first.method, first.path, positional[-1] if positional else None)
        out[entry["name"]] = (op, described[entry["name"]])
    return out
