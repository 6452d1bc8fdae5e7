"""Webhooks from any OpenAPI 3.1 spec: a small non-Telnyx API, generated into tmp_path."""

from __future__ import annotations

import base64
import copy
import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from confgen.codegen.generate import Target, generate_packages
from confgen.codegen.http.load import load_api
from confgen.codegen.http.webhooks import load_webhooks
from confgen.errors import ConfgenError

ROOT = Path(__file__).resolve().parents[2]

ROOMS: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Rooms", "version": "1"},
    "servers": [{"url": "https://api.rooms.example/v1"}],
    "paths": {
        "/rooms": {
            "get": {
                "operationId": "listRooms",
                "tags": ["rooms"],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "webhooks": {
        # An envelope schema whose data names its type with a const.
        "roomStarted": {
            "post": {
                "summary": "A room started",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/RoomStartedEnvelope"}
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}},
            }
        },
        # An inline bare event without const: the webhook's name is its type.
        "room.finished": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "event_type": {"type": "string"},
                                    "id": {"type": "string"},
                                    "finished_at": {"type": "string", "format": "date-time"},
                                    "size": {"type": "string", "enum": ["small", "large"]},
                                },
                            }
                        }
                    }
                },
            }
        },
        # One schema, two event types (an enum).
        "participantChanged": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ParticipantEnvelope"}
                        }
                    }
                }
            }
        },
    },
    "components": {
        "schemas": {
            "RoomStarted": {
                "type": "object",
                "required": ["event_type", "id"],
                "properties": {
                    "event_type": {"const": "room.started"},
                    "id": {"type": "string"},
                    "payload": {"$ref": "#/components/schemas/Room"},
                },
            },
            "Room": {
                "type": "object",
                "properties": {"room_id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "RoomStartedEnvelope": {
                "type": "object",
                "properties": {"data": {"$ref": "#/components/schemas/RoomStarted"}},
            },
            "ParticipantEnvelope": {
                "type": "object",
                "properties": {
                    "data": {
                        "type": "object",
                        "properties": {
                            "event_type": {
                                "type": "string",
                                "enum": ["participant.joined", "participant.left"],
                            },
                            "id": {"type": "string"},
                            "who": {"type": "string"},
                        },
                    }
                },
            },
        }
    },
}
SIGNATURE = {
    "scheme": "ed25519",
    "signature-header": "X-Rooms-Signature",
    "timestamp-header": "X-Rooms-Timestamp",
    "signed-payload": "{timestamp}.{body}",
    "tolerance-seconds": 60,
    "public-key": {"argument": "verify_key", "env": "ROOMS_WEBHOOK_KEY"},
}


def _generate(tmp_path: Path, spec: dict[str, Any], package: str) -> ModuleType:
    spec_path = tmp_path / f"{package}.json"
    spec_path.write_text(json.dumps(spec))
    target = Target(
        spec=spec_path,
        out=tmp_path / "out" / package,
        package=package,
        client_class="Rooms",
        spec_source=f"{package}.json",
        import_path=package,
    )
    generate_packages([target])
    # The project folder (it holds the package) goes on sys.path; on_path takes it off.
    sys.path.insert(0, str(tmp_path / "out" / package))
    importlib.invalidate_caches()
    return importlib.import_module(f"{package}.webhooks")


@pytest.fixture
def on_path(tmp_path: Path) -> Iterator[Path]:
    try:
        yield tmp_path
    finally:
        for entry in [e for e in sys.path if e.startswith(str(tmp_path / "out"))]:
            sys.path.remove(entry)
        for name in [m for m in sys.modules if m.split(".")[0] in ("rooms", "signed_rooms")]:
            del sys.modules[name]


def test_any_spec_gets_one_class_per_webhook_and_a_union(on_path: Path) -> None:
    webhooks = _generate(on_path, ROOMS, "rooms")
    started = webhooks.unsafe_unwrap(
        b'{"data": {"event_type": "room.started", "id": "e1", "payload": {"room_id": 7}}}'
    )
    assert type(started).__name__ == "RoomStartedWebhook"
    assert started.data.payload.room_id == 7 and started.event_id == "e1"
    # The bare inline event, typed by the webhook's name; its enum stays lenient.
    finished = webhooks.unsafe_unwrap(
        {
            "event_type": "room.finished",
            "id": "e2",
            "size": "huge",
            "finished_at": "2024-05-01T10:00:00Z",
        }
    )
    assert type(finished).__name__ == "RoomFinishedWebhook"
    assert type(finished.data).__name__ == "RoomFinishedData"
    assert finished.data.size == "huge" and finished.data.finished_at.year == 2024
    for event_type in ("participant.joined", "participant.left"):
        parsed = webhooks.unsafe_unwrap({"data": {"event_type": event_type, "who": "ann"}})
        assert type(parsed).__name__ == "ParticipantChangedWebhook"
    unknown = webhooks.unsafe_unwrap({"data": {"event_type": "roomStarted", "x": 1}})
    assert type(unknown) is webhooks.UnknownEvent and unknown.data.model_extra == {"x": 1}


def test_without_a_signature_scheme_there_is_no_verification(on_path: Path) -> None:
    webhooks = _generate(on_path, ROOMS, "rooms")
    package = on_path / "out" / "rooms" / "rooms"
    assert not (package / "_runtime" / "webhooks.py").exists()
    assert not hasattr(webhooks, "unwrap") and "WebhookVerificationError" not in webhooks.__all__
    client_module = importlib.import_module("rooms")
    client = client_module.Rooms()
    assert type(client.webhooks.unsafe_unwrap({"event_type": "room.finished"})).__name__ == (
        "RoomFinishedWebhook"
    )


def test_a_declared_signature_scheme_is_verified_generically(
    on_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = copy.deepcopy(ROOMS) | {"x-confgen-webhook-signature": SIGNATURE}
    webhooks = _generate(on_path, spec, "signed_rooms")
    assert (on_path / "out" / "signed_rooms" / "signed_rooms" / "_runtime" / "webhooks.py").exists()
    private = Ed25519PrivateKey.generate()
    key = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    monkeypatch.setenv("ROOMS_WEBHOOK_KEY", base64.b64encode(key).decode())
    body = b'{"data": {"event_type": "room.started", "id": "e1"}}'
    stamp = str(int(time.time()))
    headers = {
        "x-rooms-signature": base64.b64encode(private.sign(f"{stamp}.".encode() + body)).decode(),
        "x-rooms-timestamp": stamp,
    }
    assert type(webhooks.unwrap(body, headers=headers)).__name__ == "RoomStartedWebhook"
    with pytest.raises(webhooks.WebhookVerificationError) as caught:
        webhooks.unwrap(body, headers=headers, verify_key=base64.b64encode(bytes(32)).decode())
    assert caught.value.reason in ("signature-mismatch", "bad-key")
    old = {**headers, "x-rooms-timestamp": str(int(stamp) - 61)}
    with pytest.raises(webhooks.WebhookVerificationError) as caught:
        webhooks.unwrap(body, headers=old)
    assert caught.value.reason == "stale-timestamp"


def test_generated_webhook_modules_are_ruff_and_mypy_strict_clean(on_path: Path) -> None:
    _generate(on_path, ROOMS, "rooms")
    _generate(
        on_path, copy.deepcopy(ROOMS) | {"x-confgen-webhook-signature": SIGNATURE}, "signed_rooms"
    )
    from ruff.__main__ import find_ruff_bin

    # The generated layer (the runtime is checked where it is written, generator/confgen/codegen/http/runtime).
    files = [
        str(path)
        for name in ("rooms", "signed_rooms")
        for path in (on_path / "out" / name / name).glob("*.py")
    ]
    ruff = subprocess.run(
        [
            str(find_ruff_bin()),
            "check",
            "--isolated",
            "--line-length",
            "100",
            "--select",
            "E,F,W,I,B,UP,SIM,RUF",
            "--ignore",
            "E501,RUF001,RUF002,RUF003",
            *files,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout
    mypy = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "rooms/rooms",
            "signed_rooms/signed_rooms",
        ],
        cwd=on_path / "out",
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MYPY_FORCE_COLOR": "0"},
    )
    assert mypy.returncode == 0, mypy.stdout


def _name_room_like_an_event_class(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    schemas["RoomStartedWebhook"] = schemas.pop("Room")
    schemas["RoomStarted"]["properties"]["payload"] = {
        "$ref": "#/components/schemas/RoomStartedWebhook"
    }


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        (
            lambda s: s["webhooks"]["participantChanged"]["post"]["requestBody"]["content"][
                "application/json"
            ]["schema"].update({"$ref": "#/components/schemas/RoomStartedEnvelope"}),
            "/webhooks/participantChanged/post",
            "event type 'room.started' is claimed by webhooks 'roomStarted' and 'participantChanged'",
        ),
        (
            lambda s: s.update({"x-confgen-webhook-signature": {**SIGNATURE, "scheme": "hmac"}}),
            "/x-confgen-webhook-signature/scheme",
            "unsupported webhook signature scheme 'hmac'",
        ),
        (
            _name_room_like_an_event_class,
            None,
            "both become 'RoomStartedWebhook'",
        ),
    ],
)
def test_what_cannot_be_rendered_is_a_located_error(
    change: Any, pointer: str | None, words: str
) -> None:
    spec = copy.deepcopy(ROOMS)
    change(spec)
    api = load_api(spec, source="rooms.json", package="rooms", client_class="Rooms")
    with pytest.raises(ConfgenError) as caught:
        load_webhooks(spec, api)
    assert caught.value.source == "rooms.json"
    if pointer is not None:
        assert caught.value.pointer == pointer
    assert words in str(caught.value)
