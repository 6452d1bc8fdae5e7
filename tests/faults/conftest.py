"""Fixtures: the fault server, and a small API generated into a temporary folder."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from confgen.cli import main
from tests.faults.fault_server import FaultServer

_ITEM = {
    "description": "the item",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
}

FAULT_API: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Fault API", "version": "1.0.0"},
    "servers": [{"url": "http://127.0.0.1:1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}},
            },
            "NewItem": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}},
            },
        },
    },
    "paths": {
        "/faults/{fault}": {
            "parameters": [
                {"name": "fault", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": {
                "operationId": "getFault",
                "tags": ["faults"],
                "responses": {"200": _ITEM},
            },
            "post": {
                "operationId": "createFault",
                "tags": ["faults"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/NewItem"}}
                    },
                },
                "responses": {"201": _ITEM},
            },
        }
    },
}


@pytest.fixture(scope="session")
def faultapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The generated package (``Faultapi``, ``AsyncFaultapi``, ``errors``), imported."""
    folder = tmp_path_factory.mktemp("faultapi")
    spec = folder / "faults.json"
    spec.write_text(json.dumps(FAULT_API))
    out = folder / "out"
    argv = ["generate", "--spec", str(spec), "--out", str(out), "--package", "faultapi"]
    assert main(argv) == 0
    sys.path.insert(0, str(out / "faultapi"))  # the project folder holds the package
    try:
        yield importlib.import_module("faultapi")
    finally:
        sys.path.remove(str(out / "faultapi"))
        for name in [m for m in sys.modules if m == "faultapi" or m.startswith("faultapi.")]:
            del sys.modules[name]


@pytest.fixture(scope="session")
def fault_server() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


@pytest.fixture
def server(fault_server: FaultServer) -> FaultServer:
    """The session's fault server, its counts reset for this test."""
    fault_server.reset()
    return fault_server
