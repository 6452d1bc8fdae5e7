"""`confgen extract`: determinism, check mode, atomic writes and located errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from confgen.cli import main
from tests.conftest import ROOT

PROVIDERS = ["voximplant"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of specs/ (sources, overlays, manifest, committed specs) in a temp folder."""
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    return tmp_path


def extract(project: Path, *extra: str) -> int:
    args = ["--manifest", str(project / "specs/providers.toml"), "extract"]
    for name in PROVIDERS:
        args += ["--provider", name]
    return main([*args, *extra])


def test_committed_specs_are_what_the_sources_give() -> None:
    args = ["--manifest", str(ROOT / "specs/providers.toml"), "extract", "--check"]
    for name in PROVIDERS:
        args += ["--provider", name]
    assert main(args) == 0


def test_second_run_changes_no_byte(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = project / "specs/voximplant.openapi.yaml"
    spec.unlink()
    assert extract(project) == 0
    first = spec.read_bytes()
    mtime = spec.stat().st_mtime_ns
    assert extract(project) == 0
    assert spec.read_bytes() == first
    assert spec.stat().st_mtime_ns == mtime  # an unchanged file is not rewritten
    assert "0 changed" in capsys.readouterr().out


def test_check_names_a_stale_spec(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = project / "specs/voximplant.openapi.yaml"
    spec.write_text(spec.read_text() + "# edited by hand\n")
    assert extract(project, "--check") == 1
    assert "stale: " in capsys.readouterr().err
    assert spec.read_text().endswith("# edited by hand\n")  # --check writes nothing


def test_bad_page_fails_with_its_place_and_keeps_the_previous_spec(project: Path) -> None:
    spec = project / "specs/voximplant.openapi.yaml"
    before = spec.read_bytes()
    page = project / "specs/sources/voximplant-StartScenarios.md"
    text = page.read_text()
    page.write_text(text[: text.index("servers:\n")])  # the fence never closes
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "confgen.cli",
            "--manifest",
            str(project / "specs/providers.toml"),
            "extract",
            "--provider",
            "voximplant",
        ],
        capture_output=True,
        text=True,
        cwd=project,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    fence_line = text.splitlines().index("```yaml") + 1
    assert f"voximplant-StartScenarios.md:{fence_line}:" in result.stderr
    assert "never closes" in result.stderr
    assert spec.read_bytes() == before
    assert not list(spec.parent.glob(".*.tmp"))


def test_overlay_error_names_the_overlay_action(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlay = project / "specs/overlays/voximplant.overlay.yaml"
    overlay.write_text(
        overlay.read_text().replace("$.paths['/StartScenarios'].post", "$.paths['/Nope'].post")
    )
    assert extract(project) == 1
    err = capsys.readouterr().err
    assert "voximplant.overlay.yaml#/actions/" in err
    assert "/paths/~1Nope" in err


def test_unknown_provider_is_a_clear_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["--manifest", str(project / "specs/providers.toml"), "extract", "--provider", "zoom"]
    )
    assert code == 1
    assert "unknown provider zoom; known: " in capsys.readouterr().err


def test_usage_error_exits_2() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["extract", "--no-such-flag"])
    assert caught.value.code == 2
