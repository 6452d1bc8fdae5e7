"""The wheel carries the generator's package data: a plain (non-editable) install finds
the AsyncAPI schema, the templates and the runtime sources inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.extract import validate
from tests.conftest import ROOT

#: Files the generator reads at run time, as paths inside the repository (= the wheel).
PACKAGE_DATA = [
    "generator/schemas/asyncapi-3.0.0.schema.json",
    *(
        path.relative_to(ROOT).as_posix()
        for folder in (
            "codegen/templates",
            "codegen/http/templates",
            "codegen/http/runtime",
            "codegen/ws/templates",
            "codegen/ws/runtime",
        )
        for path in sorted((ROOT / "generator" / folder).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ),
]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--disable-pip-version-check",
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("confgen-*.whl")
    return zipfile.ZipFile(built)


def test_package_data_is_listed() -> None:
    # The list below is what the wheel must hold: make sure it is not trivially short.
    assert any(name.startswith("generator/codegen/http/templates/") for name in PACKAGE_DATA)
    assert any(name.startswith("generator/codegen/ws/templates/") for name in PACKAGE_DATA)
    assert "generator/codegen/http/runtime/_validation.py" in PACKAGE_DATA
    assert "generator/codegen/ws/runtime/_connection.py" in PACKAGE_DATA


def test_wheel_holds_schema_templates_and_runtime_sources(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    missing = [name for name in PACKAGE_DATA if name not in names]
    assert not missing, f"not in the wheel: {missing}"
    for name in PACKAGE_DATA:
        assert wheel.read(name) == (ROOT / name).read_bytes(), name


def test_wheel_carries_the_licence(wheel: zipfile.ZipFile) -> None:
    (licence,) = [name for name in wheel.namelist() if name.endswith(".dist-info/licenses/LICENSE")]
    text = wheel.read(licence).decode("utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert text == (ROOT / "LICENSE").read_text(encoding="utf-8")
    metadata = next(name for name in wheel.namelist() if name.endswith(".dist-info/METADATA"))
    assert "License-Expression: Apache-2.0" in wheel.read(metadata).decode("utf-8")


def test_schema_is_found_inside_the_package_not_the_checkout() -> None:
    # importlib.resources: the schema sits beside the generator's modules, wherever they
    # are installed, not in a specs/ folder of a checkout.
    schema = Path(str(validate.ASYNCAPI_SCHEMA))
    assert schema.is_file()
    assert schema.parent.parent == Path(validate.__file__).resolve().parent.parent
