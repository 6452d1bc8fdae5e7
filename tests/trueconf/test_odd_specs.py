"""What a real AsyncAPI spec may hold still gives a client that imports and works, as for
OpenAPI: a ``pattern`` neither run-time regex engine compiles is left out, kept in the
description and noted (`tests/codegen/test_real_specs.py`); a union model that a field
also uses keeps the class the client names (`tests/codegen/test_model_names.py`)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from confgen.cli import main
from confgen.yamlio import dump_yaml, load_yaml

ROOT = Path(__file__).resolve().parent.parent.parent
PATTERN = "^\\p{L}+$"  # Unicode classes: pydantic-core's regex compiles it, Python's re does not


def test_an_uncompilable_pattern_is_noted_and_the_package_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = load_yaml((ROOT / "specs" / "trueconf.asyncapi.yaml").read_text(encoding="utf-8"))
    title = document["components"]["schemas"]["CreateConferenceRequest"]["properties"]["title"]
    title["pattern"] = PATTERN
    spec = tmp_path / "tcp.asyncapi.yaml"
    spec.write_text(dump_yaml(document), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "tcp"]) == 0
    err = capsys.readouterr().err
    assert (
        "note: tcp.asyncapi.yaml#/components/schemas/CreateConferenceRequest/properties/title"
        f"/pattern: pattern {PATTERN!r} is not checked" in err
    )
    request_models = (out / "tcp" / "tcp" / "_request_models.py").read_text(encoding="utf-8")
    assert "\\p{L}" in request_models  # kept for the reader, in the field's description
    assert (
        "pattern="
        not in request_models.split("class CreateConferenceRequest")[1].split("\nclass ")[0]
    )
    # Every module imports in a fresh interpreter (a bad pattern fails at import).
    check = (
        "import importlib, pkgutil, tcp\n"
        "for m in pkgutil.walk_packages(tcp.__path__, 'tcp.'): importlib.import_module(m.name)\n"
        "import tcp._request_models as r\n"
        "r.CreateConferenceRequest.model_rebuild()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=out / "tcp", capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert importlib.util.find_spec("tcp") is None  # nothing leaked onto this process's path


def test_a_union_notification_a_field_also_uses_keeps_its_class(tmp_path: Path) -> None:
    # The client names every notification's and reply's class (``models.X``): one that
    # is a union, and that a field of another model refers to, is not folded away.
    document = load_yaml((ROOT / "specs" / "trueconf.asyncapi.yaml").read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    deleted = schemas["ConferenceDeletedEvent"]
    schemas["ConferenceDeletedEvent"] = {
        "oneOf": [deleted, {**deleted, "properties": {**deleted["properties"], "why": {}}}]
    }
    created = schemas["ConferenceCreatedEvent"]["properties"]
    created["replaces"] = {"$ref": "#/components/schemas/ConferenceDeletedEvent"}
    spec = tmp_path / "tcu.asyncapi.yaml"
    spec.write_text(dump_yaml(document), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "tcu"]) == 0
    check = (
        "import importlib, pkgutil, tcu\n"
        "for m in pkgutil.walk_packages(tcu.__path__, 'tcu.'): importlib.import_module(m.name)\n"
        "from tcu import models\n"
        "e = models.ConferenceDeletedEvent.model_validate("
        "{'method': 'event', 'event': 'conferenceDeleted', 'confId': 'c1'})\n"
        "assert e.root.conf_id == 'c1', e\n"
        "c = models.ConferenceCreatedEvent.model_validate({'method': 'event', "
        "'event': 'conferenceCreated', 'replaces': {'method': 'event', "
        "'event': 'conferenceDeleted', 'confId': 'c0'}})\n"
        "assert c.replaces.conf_id == 'c0', c\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=out / "tcu", capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
