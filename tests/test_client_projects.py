"""Every generated package is a standalone project: its pyproject.toml declares exactly
the distributions its modules import at run time (optional ones as extras), a version
from the spec and the generator, and a wheel that installs it as ``confgen_<provider>``
(no top-level ``generated``, no clash with a provider's own SDK)."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import confgen
from confgen.yamlio import load_yaml
from tests.conftest import ROOT

PROVIDERS = ["signalwire", "telnyx", "trueconf", "voximplant"]
SPECS = {
    "signalwire": "signalwire.openapi.yaml",
    "telnyx": "telnyx.openapi.yaml",
    "trueconf": "trueconf.asyncapi.yaml",
    "voximplant": "voximplant.openapi.yaml",
}
#: Import name -> the distribution that provides it (pydantic pins its own pydantic-core).
DISTRIBUTIONS = {
    "anyio": "anyio",
    "cryptography": "cryptography",
    "httpx": "httpx",
    "jwt": "pyjwt",
    "pydantic": "pydantic",
    "pydantic_core": "pydantic",
    "websockets": "websockets",
}
#: (provider, module) whose import is optional: only this feature needs it.
OPTIONAL = {("telnyx", "_runtime/webhooks.py"): "webhooks"}
OFFICIAL_SDKS = {"telnyx", "signalwire", "voximplant", "trueconf_room", "generated", "generator"}


def _project(provider: str) -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "generated" / provider / "pyproject.toml").read_text("utf-8"))


def _name(requirement: str) -> str:
    return requirement.split(">")[0].split("<")[0].split("=")[0].split("[")[0].lower()


def _imports(provider: str) -> dict[str, set[str]]:
    """Distribution -> the package's modules importing it (third-party imports only)."""
    found: dict[str, set[str]] = {}
    folder = ROOT / "generated" / provider / f"confgen_{provider}"
    assert folder.is_dir()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top in sys.stdlib_module_names or top == "__future__":
                    continue
                found.setdefault(DISTRIBUTIONS[top], set()).add(path.relative_to(folder).as_posix())
    return found


@pytest.mark.parametrize("provider", PROVIDERS)
def test_dependencies_are_exactly_what_the_package_imports(provider: str) -> None:
    project = _project(provider)["project"]
    required = {_name(r) for r in project["dependencies"]}
    extras = {
        extra: {_name(r) for r in requirements}
        for extra, requirements in project.get("optional-dependencies", {}).items()
    }
    expected_required: set[str] = set()
    expected_extras: dict[str, set[str]] = {}
    for distribution, modules in _imports(provider).items():
        features = {OPTIONAL.get((provider, module)) for module in modules}
        if None in features:
            expected_required.add(distribution)
        else:
            for feature in features:
                assert feature is not None
                expected_extras.setdefault(feature, set()).add(distribution)
    assert required == expected_required
    assert extras == expected_extras
    assert not required & {"ruff", "datamodel-code-generator", "jinja2", "rich", "pyyaml"}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_name_and_version_come_from_the_spec_and_the_generator(provider: str) -> None:
    project = _project(provider)["project"]
    spec = load_yaml((ROOT / "specs" / SPECS[provider]).read_text(encoding="utf-8"))
    assert project["name"] == f"confgen-{provider}"
    assert project["version"] == f"{spec['info']['version']}+confgen.{confgen.__version__}"
    assert project["requires-python"] == ">=3.11"
    assert (ROOT / "generated" / provider / "README.md").is_file()
    licence = (ROOT / "generated" / provider / "LICENSE").read_text(encoding="utf-8")
    assert licence == (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_the_generator_version_is_the_distributions() -> None:
    root = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert root["project"]["version"] == confgen.__version__


def test_a_client_wheel_installs_one_non_colliding_package(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT / "generated" / "telnyx"),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--disable-pip-version-check",
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("confgen_telnyx-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"confgen_telnyx"}
    assert not tops & OFFICIAL_SDKS
    assert "confgen_telnyx/operations.py" in names and "confgen_telnyx/py.typed" in names
    assert not [n for n in names if n.endswith(("pyproject.toml", ".confgen-generated"))]
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_spec_output_is_a_project_that_says_how_to_regenerate_it(tmp_path: Path) -> None:
    from confgen.cli import main

    spec = ROOT / "specs" / "voximplant.openapi.yaml"
    assert main(["generate", "--spec", str(spec), "--out", str(tmp_path), "--package", "vox"]) == 0
    project = tomllib.loads((tmp_path / "vox" / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == "vox"
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["vox"]
    advice = "confgen generate --spec voximplant.openapi.yaml --out DIR --package vox"
    # The project folder DIR/vox/ holds the package DIR/vox/vox/ (named as it is imported).
    for name in ("vox/__init__.py", "vox/_client.py", "pyproject.toml"):
        text = (tmp_path / "vox" / name).read_text(encoding="utf-8")
        assert advice in text and "make generate" not in text, name
    readme = (tmp_path / "vox" / "README.md").read_text(encoding="utf-8")
    # An HTML comment cannot hold "--" (spelled "- -" there): the words remain.
    assert "make generate" not in readme
    assert readme.count("confgen generate") == 2 and "--package vox` again" in readme
