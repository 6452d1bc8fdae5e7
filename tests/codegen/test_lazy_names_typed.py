"""The lazy package roots and model packages load names on first use (a module
``__getattr__``), yet a type checker sees only the names that exist: ``mypy --strict``
flags a misspelt client, error or model name instead of typing it ``Any``; at run time
the same names load lazily and an unknown one is an ``AttributeError``."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from confgen.cli import main
from confgen.codegen.http import render

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Lazy", "version": "1"},
    "servers": [{"url": "https://api.lazy.test"}],
    "paths": {
        "/things/{id}": {
            "get": {
                "operationId": "getThing",
                "tags": ["things"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "properties": {"part": {"$ref": "#/components/schemas/Part"}},
            },
            "Part": {"type": "object", "properties": {"size": {"type": "integer"}}},
        }
    },
}


@pytest.fixture(scope="module")
def lazy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("lazy")
    spec = folder / "lazy.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "SPLIT_MODELS_ABOVE", 1)  # a whole API's lazy models package
        assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "lazy"]) == 0
    assert (out / "lazy" / "lazy" / "models" / "__init__.py").exists()
    yield out / "lazy"
    for name in [m for m in sys.modules if m == "lazy" or m.startswith("lazy.")]:
        del sys.modules[name]


def test_mypy_flags_a_name_the_lazy_packages_do_not_have(lazy: Path, tmp_path: Path) -> None:
    use = tmp_path / "use.py"
    use.write_text(
        "import lazy\n"
        "from lazy import models\n"
        "client: lazy.Lazy = lazy.Lazy()\n"
        "thing: models.Thing | None = None\n"
        "part: lazy.models.Part | None = None\n"
        "error: type[lazy.APIError] = lazy.APIError\n"
        "a = lazy.Lazzy\n"
        "b = models.Thingg\n"
        "c = lazy.models.Nope\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(use)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"MYPYPATH": str(lazy), "PATH": ""},
        check=False,
    )
    errors = [line for line in run.stdout.splitlines() if ": error:" in line]
    assert [e.split(":")[1] for e in errors] == ["7", "8", "9"], run.stdout
    assert all("has no attribute" in e for e in errors)


def test_at_run_time_the_names_load_lazily(lazy: Path) -> None:
    sys.path.insert(0, str(lazy))
    try:
        package = importlib.import_module("lazy")
        assert "lazy._client" not in sys.modules  # nothing loaded by the import itself
        assert package.models.Thing.model_validate({"part": {"size": 2}}).part.size == 2
        assert package.Lazy.__name__ == "Lazy"
        with pytest.raises(AttributeError):
            _ = package.Lazzy
        with pytest.raises(AttributeError):
            _ = package.models.Thingg
    finally:
        sys.path.remove(str(lazy))
