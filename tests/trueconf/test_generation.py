"""Generating the TrueConf package: deterministic, lint-clean, lazy, and up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from confgen.codegen.generate import Target, build_package

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
TARGET = Target(
    spec=ROOT / "specs" / "trueconf.asyncapi.yaml",
    out=ROOT / "generated" / "trueconf",
    package="trueconf",
    client_class="TrueConfRoom",
    spec_source="specs/trueconf.asyncapi.yaml",
    import_path="confgen_trueconf",
    distribution="confgen-trueconf",
    **({"title": "TrueConf Room API"} if "title" in Target.__dataclass_fields__ else {}),
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    folder = tmp_path_factory.mktemp("first") / "trueconf"
    return folder, build_package(TARGET, folder)


def test_generation_is_deterministic(built: tuple[Path, dict[str, bytes]], tmp_path: Path) -> None:
    _, first = built
    second = build_package(TARGET, tmp_path / "trueconf")
    assert first == second
    assert "confgen_trueconf/_runtime/_connection.py" in first
    assert "confgen_trueconf/models.py" in first and "pyproject.toml" in first


def test_committed_package_is_what_the_spec_gives(built: tuple[Path, dict[str, bytes]]) -> None:
    _, files = built
    committed = {
        path.relative_to(TARGET.out).as_posix(): path.read_bytes()
        for path in TARGET.out.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert committed == files, "generated/trueconf is stale: run `confgen generate`"


def test_runtime_is_copied_verbatim(built: tuple[Path, dict[str, bytes]]) -> None:
    _, files = built
    runtime = ROOT / "generator" / "confgen" / "codegen" / "ws" / "runtime"
    sources = [*runtime.glob("*.py")]
    http_runtime = ROOT / "generator" / "confgen" / "codegen" / "http" / "runtime"
    sources += [http_runtime / name for name in ("_index.py", "_types.py", "_validation.py")]
    runtime_copy = "confgen_trueconf/_runtime/"  # in the project folder's package
    for source in sources:
        assert files[f"{runtime_copy}{source.name}"] == source.read_bytes()
    assert sorted(name for name in files if name.startswith(runtime_copy)) == sorted(
        f"{runtime_copy}{source.name}" for source in sources
    )


@pytest.mark.parametrize(
    "command",
    [
        [
            "ruff",
            "check",
            "--isolated",
            "--line-length",
            "100",
            "--select",
            "E,F,W,I,B,UP,SIM,RUF",
            "--ignore",
            "E501",
        ],
        ["ruff", "format", "--check", "--isolated", "--line-length", "100"],
        ["mypy", "--strict", "--no-incremental"],
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_generated_package_is_lint_clean(command: list[str]) -> None:
    result = subprocess.run(
        [str(BIN / command[0]), *command[1:], "generated/trueconf"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_is_lazy() -> None:
    code = (
        "import sys, confgen_trueconf as t; "
        "print(sorted(m for m in ('websockets', 'pydantic', 'httpx') if m in sys.modules)); "
        "t.AsyncTrueConfRoom; print('pydantic' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split("\n")[:2] == ["[]", "True"], result.stderr
