"""Generation never deletes what it did not write; temporary folders go on SIGTERM/SIGINT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from confgen.codegen.generate import MARKER

from .conftest import openapi_doc
from .test_invalid import run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_a_folder_confgen_did_not_write_is_never_replaced(tmp_path: Path) -> None:
    """`--out dir --package mycode` over the user's own dir/mycode/: refused, kept."""
    mine = tmp_path / "out" / "mycode"
    mine.mkdir(parents=True)
    (mine / "__init__.py").write_text("# my own code\n", encoding="utf-8")
    (mine / "notes.txt").write_text("precious\n", encoding="utf-8")
    code, _, err, _ = run_cli(tmp_path, openapi_doc("plain"), package="mycode")
    assert code == 1
    assert err == (
        f"confgen: error: {mine}: refusing to replace a folder confgen did not write (it has"
        f" no {MARKER}); move it away or pick another --out/--package\n"
    )
    assert sorted(p.name for p in mine.iterdir()) == ["__init__.py", "notes.txt"]
    assert (mine / "__init__.py").read_text(encoding="utf-8") == "# my own code\n"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["mycode"]  # no staging left


def test_a_file_a_user_added_to_a_generated_package_stops_the_run(tmp_path: Path) -> None:
    code, _, _, folder = run_cli(tmp_path, openapi_doc("plain"))
    assert code == 0
    project = folder.parent  # the marker covers the whole project folder
    listed = (project / MARKER).read_text(encoding="utf-8").splitlines()[2:]
    on_disk = sorted(
        p.relative_to(project).as_posix()
        for p in project.rglob("*")
        if p.is_file() and p.name != MARKER
    )
    assert listed == on_disk
    (folder / "resources" / "mine.py").write_text("x = 1\n", encoding="utf-8")
    document = openapi_doc("plain")
    document["info"]["title"] = "changed"  # so the package would be rewritten
    code, _, err, _ = run_cli(tmp_path, document)
    assert code == 1
    assert err == (
        f"confgen: error: {project}: holds 1 file(s) confgen did not write:"
        f" {folder.name}/resources/mine.py;"
        " move them out of the package (it is replaced whole) and run again\n"
    )
    assert (folder / "resources" / "mine.py").read_text(encoding="utf-8") == "x = 1\n"
    assert "changed" not in (folder / "__init__.py").read_text(encoding="utf-8")
    # Caches are not the user's files: regenerating over an imported package works.
    (folder / "resources" / "mine.py").unlink()
    (folder / "__pycache__").mkdir(exist_ok=True)
    (folder / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    code, _, _, _ = run_cli(tmp_path, document)
    assert code == 0
    assert "changed" in (folder / "__init__.py").read_text(encoding="utf-8")


def test_the_marker_is_deterministic_and_committed_with_every_package() -> None:
    for package in ("signalwire", "telnyx", "trueconf", "voximplant"):
        marker = ROOT / "generated" / package / MARKER
        lines = marker.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# Written by confgen")
        assert lines[2:] == sorted(lines[2:])
        inside = f"confgen_{package}/"  # the project folder's package
        assert f"{inside}__init__.py" in lines and f"{inside}_runtime/__init__.py" in lines
        assert "pyproject.toml" in lines and "README.md" in lines and "LICENSE" in lines


_SLOW_SPEC = """
import sys, time
import confgen.codegen.generate as generate

real = generate.build_package
def slow(*args, **kwargs):
    built = real(*args, **kwargs)
    print("built", flush=True)
    time.sleep(60)
    return built
generate.build_package = slow
from confgen.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_temporary_folders_are_removed_on_a_signal(tmp_path: Path, signum: int) -> None:
    import json

    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(openapi_doc("plain")), encoding="utf-8")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", _SLOW_SPEC, "generate", "--spec", str(spec)]
    command += ["--out", str(tmp_path / "out"), "--package", "pkg"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "built\n"
        assert next(p.name for p in scratch.iterdir()).startswith("confgen-generate-")
        process.send_signal(signum)
        code = process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert code == (143 if signum == signal.SIGTERM else 130)
    assert list(scratch.iterdir()) == []
    assert not (tmp_path / "out").exists()
