"""Idempotency overlays on any spec: ``x-confgen-retry`` on an operation, and the
document-wide ``x-confgen-idempotency``; one key is reused across every retry."""

from __future__ import annotations

import importlib
import json
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from confgen.cli import main
from confgen.codegen.http.load import load_api

from .conftest import Wire, reply


def _post(operation_id: str, properties: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {
        "post": {
            "operationId": operation_id,
            "tags": ["orders"],
            "requestBody": {
                "content": {
                    "application/json": {"schema": {"type": "object", "properties": properties}}
                }
            },
            "responses": {"204": {"description": "done"}},
            **more,
        }
    }


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Orders", "version": "1"},
    "servers": [{"url": "https://api.example.test"}],
    "x-confgen-idempotency": {"in": "header", "name": "Idempotency-Key"},
    "paths": {
        "/orders": _post("createOrder", {"item": {"type": "string"}}),
        "/payments": _post(
            "createPayment",
            {"amount": {"type": "integer"}, "request_id": {"type": "string"}},
            **{
                "x-confgen-retry": {
                    "mode": "idempotency-key",
                    "key": {"in": "body", "name": "request_id"},
                }
            },
        ),
    },
}


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("orders")
    spec = folder / "orders.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "orders"]) == 0
    sys.path.insert(0, str(out / "orders"))  # the project folder holds the package
    try:
        yield importlib.import_module("orders")
    finally:
        sys.path.remove(str(out / "orders"))
        for name in [m for m in sys.modules if m == "orders" or m.startswith("orders.")]:
            del sys.modules[name]


def test_the_ir_takes_the_document_default_and_the_operations_own() -> None:
    api = load_api(SPEC, source="orders.json", package="orders", client_class="Orders")
    got = {op.operation_id: (op.retry_mode, op.idempotency_key) for op in api.operations}
    assert got == {
        "createOrder": ("idempotency-key", ("header", "Idempotency-Key")),
        "createPayment": ("idempotency-key", ("body", "request_id")),
    }


def test_one_key_is_reused_across_retries_and_a_callers_key_is_kept(orders: Any) -> None:
    wire = Wire([reply(503), reply(503), reply(204)])
    client = orders.Orders(http_client=wire.client())
    client._sleep = lambda seconds: None
    client.orders.create_order(item="book")
    keys = [r.headers["Idempotency-Key"] for r in wire.requests]
    assert len(keys) == 3 and len(set(keys)) == 1 and uuid.UUID(keys[0]).version == 4

    wire = Wire([reply(503), reply(204)])
    client = orders.Orders(http_client=wire.client())
    client._sleep = lambda seconds: None
    client.orders.create_payment(amount=5)
    bodies = [json.loads(r.content) for r in wire.requests]
    assert bodies[0]["request_id"] == bodies[1]["request_id"] and bodies[0]["amount"] == 5
    client.orders.create_payment(amount=5, request_id="mine")
    assert json.loads(wire.last.content)["request_id"] == "mine"
    client.orders.create_order(item="x", extra_headers={"Idempotency-Key": "chosen"})
    assert wire.last.headers["Idempotency-Key"] == "chosen"
