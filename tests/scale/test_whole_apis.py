"""Whole real APIs (Telnyx, GitHub): generation succeeds, every skip is reported, and the
output imports lazily. Every operation against Prism: `test_whole_prism`.

Slow (each spec takes tens of seconds to generate): `make test-slow`. Each API is generated
once per session (`conftest.generate_whole`) and its tests kept on one xdist worker.
"""

from __future__ import annotations

import compileall
import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest

from tests.scale.whole import Generated

pytestmark = pytest.mark.slow

PACKAGES = ("telnyx_api", "github_api")
_SUMMARY = re.compile(r"^(\w+): (\d+) operations, (\d+) models, (\d+) files, (\d+) skipped")


@pytest.fixture(
    params=PACKAGES,
)
def generated(request: pytest.FixtureRequest, generate_whole: Any) -> Generated:
    result: Generated = generate_whole(request.param)
    return result


def test_generation_succeeds(generated: Generated) -> None:
    assert generated.code == 0, generated.stderr[-3000:]
    assert (generated.out / generated.package / "__init__.py").exists()
    assert "Traceback" not in generated.stderr


def test_summary_counts_equal_the_warnings(generated: Generated) -> None:
    lines = generated.stderr.splitlines()
    warnings = [line for line in lines if line.startswith("warning: ")]
    summary = [m for m in map(_SUMMARY.match, lines) if m]
    assert len(summary) == 1, generated.stderr[-2000:]
    assert int(summary[0].group(5)) == len(warnings)
    for warning in warnings:  # each names the spec, a JSON pointer and a reason
        assert re.match(r"warning: [^#]+#/\S*: skipped: .+", warning), warning


@pytest.mark.parametrize(
    "generated",
    [pytest.param("telnyx_api", marks=pytest.mark.xdist_group("telnyx_api"))],
    indirect=True,
)
def test_every_telnyx_operation_is_generated(generated: Generated) -> None:
    summary = next(m for m in map(_SUMMARY.match, generated.stderr.splitlines()) if m)
    assert int(summary.group(2)) == 1156


def test_output_byte_compiles_and_imports_lazily(generated: Generated) -> None:
    package = generated.out / generated.package
    assert compileall.compile_dir(str(package), quiet=2, force=True)
    code = (
        f"import sys; sys.path.insert(0, {str(generated.out)!r}); import {generated.package}; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('httpx', 'pydantic'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


def test_every_model_class_the_code_names_exists(generated: Generated) -> None:
    # Import and ``mypy --strict`` cannot see a missing one (the lazy models package's
    # module ``__getattr__`` answers any name): ask the package, as the generality run does.
    from tests.generality.corpus import IMPORT_WALK

    result = subprocess.run(
        [sys.executable, "-c", IMPORT_WALK, generated.package],
        cwd=generated.out,
        env={**os.environ, "PYTHONPATH": str(generated.out)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == {}
