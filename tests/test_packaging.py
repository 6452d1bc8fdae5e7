"""The wheels: the generator's carries its package data (a plain, non-editable install
finds the AsyncAPI schema, the templates and the runtime sources inside the package), and
no wheel installs a top-level ``generated`` or ``generator``: the generator installs
``confgen``, the facade ``conferencing``, each client ``confgen_<provider>``."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from confgen.extract import validate
from tests.conftest import ROOT

#: The generator's package, as it sits in the repository (its wheel holds it as confgen/).
PACKAGE = ROOT / "generator" / "confgen"

#: Files the generator reads at run time, as paths inside the package (= the wheel's
#: ``confgen/`` folder).
PACKAGE_DATA = [
    "schemas/asyncapi-3.0.0.schema.json",
    *(
        path.relative_to(PACKAGE).as_posix()
        for folder in (
            "codegen/templates",
            "codegen/http/templates",
            "codegen/http/runtime",
            "codegen/ws/templates",
            "codegen/ws/runtime",
        )
        for path in sorted((PACKAGE / folder).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ),
]


#: Names no wheel may install at the top level: the repository's folders, and the
#: official SDKs' import names.
FORBIDDEN_TOPS = {"generated", "generator", "telnyx", "signalwire", "voximplant", "trueconf_room"}


def _build(project: Path, out: Path, pattern: str) -> zipfile.ZipFile:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(project),
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
    (built,) = out.glob(pattern)
    return zipfile.ZipFile(built)


def _tops(wheel: zipfile.ZipFile) -> set[str]:
    """The top-level names a wheel installs (its .dist-info aside)."""
    return {
        name.split("/")[0]
        for name in wheel.namelist()
        if not name.split("/")[0].endswith(".dist-info")
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    return _build(ROOT, tmp_path_factory.mktemp("wheel"), "confgen-*.whl")


def test_the_generator_wheel_installs_confgen_only(wheel: zipfile.ZipFile) -> None:
    assert _tops(wheel) == {"confgen"}
    assert not _tops(wheel) & FORBIDDEN_TOPS
    names = wheel.namelist()
    assert "confgen/cli.py" in names
    # Neither the clients nor the facade come with the generator.
    assert not [n for n in names if n.startswith(("confgen_", "conferencing"))]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "confgen = confgen.cli:main" in wheel.read(entry_points).decode("utf-8")


def test_the_facade_wheel_installs_conferencing_only(tmp_path: Path) -> None:
    facade = _build(ROOT / "conferencing", tmp_path, "confgen_conferencing-*.whl")
    assert _tops(facade) == {"conferencing"}
    names = facade.namelist()
    assert "conferencing/cli.py" in names and "conferencing/providers/telnyx.py" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = facade.read(entry_points).decode("utf-8")
    assert "[confgen.commands]" in text and "conferencing = conferencing.cli:register" in text
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    wheel_text = facade.read(metadata).decode("utf-8")
    for provider in ("telnyx", "signalwire", "voximplant", "trueconf"):
        assert f"Requires-Dist: confgen-{provider}; extra == '{provider}'" in wheel_text
    # Only what the facade itself imports is required; no generator tool.
    required = [
        line
        for line in wheel_text.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    assert sorted(required) == ["Requires-Dist: httpx<1,>=0.27", "Requires-Dist: pydantic<3,>=2.7"]


def test_package_data_is_listed() -> None:
    # The list below is what the wheel must hold: make sure it is not trivially short.
    assert any(name.startswith("codegen/http/templates/") for name in PACKAGE_DATA)
    assert any(name.startswith("codegen/ws/templates/") for name in PACKAGE_DATA)
    assert "codegen/http/runtime/_validation.py" in PACKAGE_DATA
    assert "codegen/ws/runtime/_connection.py" in PACKAGE_DATA
    assert "codegen/templates/pyproject.toml.jinja" in PACKAGE_DATA


def test_wheel_holds_schema_templates_and_runtime_sources(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    missing = [name for name in PACKAGE_DATA if f"confgen/{name}" not in names]
    assert not missing, f"not in the wheel: {missing}"
    for name in PACKAGE_DATA:
        assert wheel.read(f"confgen/{name}") == (PACKAGE / name).read_bytes(), name


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
