"""A vendored page carrying an injection goes through `confgen extract` and `confgen
generate` (on a copy of the project layout) and yields a safe, importable package."""

from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path

import pytest

from confgen.codegen.generate import generate_packages, targets_from_manifest
from confgen.extract.pipeline import extract_specs
from confgen.manifest import load_manifest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of specs/ (manifest, sources, overlays, schemas) and generated/voximplant."""
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    shutil.copytree(ROOT / "generated" / "voximplant", tmp_path / "generated" / "voximplant")
    return tmp_path


def test_a_malicious_operation_id_on_a_vendored_page_stays_text(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sentinel = project / "PWNED"
    page = project / "specs" / "sources" / "voximplant-StartConference.md"
    text = page.read_text(encoding="utf-8")
    hostile = (
        '"x\\"\\"\\"\\nimport os; open('
        + repr(str(sentinel)).replace("'", "\\u0027")
        + ', \\"w\\")'
        '\\n\\"\\"\\"  # {{ 7*7 }}"'
    )
    assert "      operationId: start-conference\n" in text
    page.write_text(
        text.replace(
            "      operationId: start-conference\n", f"      operationId: {hostile}\n"
        ).replace("      summary: StartConference\n", f"      summary: {hostile}\n"),
        encoding="utf-8",
    )
    providers = [
        p for p in load_manifest(project / "specs" / "providers.toml") if p.name == "voximplant"
    ]
    extract_specs(providers)
    spec = (project / "specs" / "voximplant.openapi.yaml").read_text(encoding="utf-8")
    assert "import os; open(" in spec  # the payload reached the spec, as data
    result = generate_packages(targets_from_manifest(providers))
    assert result.written == [project / "generated" / "voximplant"]
    package_dir = project / "generated" / "voximplant"
    for path in package_dir.rglob("*.py"):
        compile(path.read_bytes(), str(path), "exec")
    # The copy's package, not the checkout's (installed editable): set aside while it runs.
    monkeypatch.syspath_prepend(str(package_dir))
    copy = "confgen_voximplant"
    for name in [n for n in sys.modules if n == copy or n.startswith(copy + ".")]:
        monkeypatch.delitem(sys.modules, name)
    package = importlib.import_module("confgen_voximplant")
    assert package.__file__ == str(package_dir / "confgen_voximplant" / "__init__.py")
    assert package.Voximplant is not None
    resource = importlib.import_module("confgen_voximplant.resources.scenarios")
    methods = [n for n in vars(resource.ScenariosResource) if n.startswith("x_import_os")]
    assert len(methods) == 1
    assert not sentinel.exists()
    doc = getattr(resource.ScenariosResource, methods[0]).__doc__
    assert doc.startswith('x"""\n        import os; open(')  # shown, as text
    for name in [n for n in sys.modules if n == copy or n.startswith(copy + ".")]:
        del sys.modules[name]  # the copy's modules; monkeypatch puts the checkout's back
