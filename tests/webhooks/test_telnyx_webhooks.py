"""The generated Telnyx package's webhooks: verified, typed, lenient, generic when unknown."""

from __future__ import annotations

import base64
import datetime
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from confgen_telnyx import AsyncTelnyx, Telnyx
from confgen_telnyx import webhooks as telnyx_webhooks
from confgen_telnyx.errors import WebhookVerificationError
from confgen_telnyx.webhooks import (
    ConferenceCreatedWebhook,
    ConferenceEndedWebhook,
    ConferenceFloorChangedWebhook,
    ConferenceParticipantJoinedWebhook,
    ConferenceParticipantLeftWebhook,
    ConferenceRecordingSavedWebhook,
    UnknownEvent,
    unsafe_unwrap,
    unwrap,
)
from tests.webhooks.conftest import CALL_CONTROL_ID, CONFERENCE_ID, Signer, event

ROOT = Path(__file__).resolve().parents[2]
OCCURRED = datetime.datetime(2018, 2, 2, 22, 25, 27, 521000, tzinfo=datetime.UTC)
CLASSES: dict[str, type[Any]] = {
    "conference.created": ConferenceCreatedWebhook,
    "conference.participant.joined": ConferenceParticipantJoinedWebhook,
    "conference.participant.left": ConferenceParticipantLeftWebhook,
    "conference.ended": ConferenceEndedWebhook,
    "conference.recording.saved": ConferenceRecordingSavedWebhook,
    "conference.floor.changed": ConferenceFloorChangedWebhook,
}


def reason_of(body: bytes, headers: Any, **options: Any) -> str:
    with pytest.raises(WebhookVerificationError) as caught:
        unwrap(body, headers=headers, **options)
    return caught.value.reason


@pytest.mark.parametrize("event_type", list(CLASSES))
def test_each_signed_conference_event_is_accepted_and_typed(
    signer: Signer, event_type: str
) -> None:
    body, headers = signer.sign(event(event_type))
    parsed = unwrap(body, headers=headers, public_key=signer.public_key)
    assert type(parsed) is CLASSES[event_type]
    assert parsed.event_type == event_type
    assert parsed.event_id == "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
    assert parsed.data.payload is not None
    assert parsed.data.payload.conference_id == CONFERENCE_ID
    assert parsed.data.payload.call_control_id == CALL_CONTROL_ID
    assert parsed.meta == {"attempt": 1, "delivered_to": "https://example.com/hook"}


@pytest.mark.parametrize(
    "event_type", ["conference.created", "conference.participant.joined", "conference.ended"]
)
def test_occurred_at_is_read_at_event_level_or_inside_the_payload(
    signer: Signer, event_type: str
) -> None:
    body, headers = signer.sign(event(event_type))
    assert unwrap(body, headers=headers, public_key=signer.public_key).occurred_at == OCCURRED


def test_typed_fields_of_a_recording(signer: Signer) -> None:
    body, headers = signer.sign(event("conference.recording.saved"))
    parsed = unwrap(body, headers=headers, public_key=signer.public_key)
    assert isinstance(parsed, ConferenceRecordingSavedWebhook)
    payload = parsed.data.payload
    assert payload is not None and payload.recording_urls is not None
    assert payload.recording_urls.mp3 == "http://example.com/recording.mp3"
    assert isinstance(payload.recording_started_at, datetime.datetime)


def test_headers_are_case_insensitive_and_may_be_asgi_pairs(signer: Signer) -> None:
    body, headers = signer.sign(event("conference.created"))
    upper = {name.upper(): value for name, value in headers.items()}
    assert isinstance(
        unwrap(body, headers=upper, public_key=signer.public_key), ConferenceCreatedWebhook
    )
    pairs = [(name.title().encode(), value.encode()) for name, value in headers.items()]
    assert isinstance(
        unwrap(body, headers=pairs, public_key=signer.public_key), ConferenceCreatedWebhook
    )


def test_the_key_comes_from_the_environment(
    signer: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    body, headers = signer.sign(event("conference.created"))
    assert reason_of(body, headers) == "missing-key"
    monkeypatch.setenv("TELNYX_PUBLIC_KEY", signer.public_key)
    assert isinstance(unwrap(body, headers=headers), ConferenceCreatedWebhook)


def test_a_tampered_body_is_a_signature_mismatch(signer: Signer) -> None:
    body, headers = signer.sign(event("conference.created"))
    tampered = body.replace(CONFERENCE_ID.encode(), b"00000000-abf3-3bc1-b7f4-5013ef9657c1")
    assert reason_of(tampered, headers, public_key=signer.public_key) == "signature-mismatch"


def test_a_changed_timestamp_is_a_signature_mismatch(signer: Signer) -> None:
    body, headers = signer.sign(event("conference.created"))
    headers["telnyx-timestamp"] = str(int(headers["telnyx-timestamp"]) - 1)
    assert reason_of(body, headers, public_key=signer.public_key) == "signature-mismatch"


def test_another_key_is_a_signature_mismatch(signer: Signer) -> None:
    body, headers = signer.sign(event("conference.created"))
    assert reason_of(body, headers, public_key=Signer.new().public_key) == "signature-mismatch"


def test_a_stale_timestamp_is_refused(signer: Signer) -> None:
    body, headers = signer.sign(event("conference.created"), timestamp=int(time.time()) - 301)
    assert reason_of(body, headers, public_key=signer.public_key) == "stale-timestamp"
    # The tolerance is the caller's to widen.
    assert unwrap(body, headers=headers, public_key=signer.public_key, tolerance_seconds=600)


def test_a_future_timestamp_is_refused(signer: Signer) -> None:
    body, headers = signer.sign(event("conference.created"), timestamp=int(time.time()) + 301)
    assert reason_of(body, headers, public_key=signer.public_key) == "future-timestamp"


@pytest.mark.parametrize("missing", ["telnyx-signature-ed25519", "telnyx-timestamp"])
def test_a_missing_header_is_refused(signer: Signer, missing: str) -> None:
    body, headers = signer.sign(event("conference.created"))
    del headers[missing]
    assert reason_of(body, headers, public_key=signer.public_key) == "missing-header"


def test_a_timestamp_that_is_not_unix_seconds_is_refused(signer: Signer) -> None:
    body, headers = signer.sign(event("conference.created"))
    headers["telnyx-timestamp"] = "2024-01-01T00:00:00Z"
    assert reason_of(body, headers, public_key=signer.public_key) == "bad-timestamp"


@pytest.mark.parametrize(
    "signature",
    ["not base64!", "QUJD", base64.b64encode(b"x" * 63).decode()],
    ids=["not-base64", "too-short", "63-bytes"],
)
def test_a_malformed_signature_is_refused(signer: Signer, signature: str) -> None:
    body, headers = signer.sign(event("conference.created"))
    headers["telnyx-signature-ed25519"] = signature
    assert reason_of(body, headers, public_key=signer.public_key) == "malformed-signature"


@pytest.mark.parametrize(
    "key", ["not base64!", base64.b64encode(b"k" * 31).decode()], ids=["not-base64", "31-bytes"]
)
def test_a_malformed_key_is_refused(signer: Signer, key: str) -> None:
    body, headers = signer.sign(event("conference.created"))
    assert reason_of(body, headers, public_key=key) == "bad-key"


def test_an_unknown_event_type_stays_generic_with_every_field(signer: Signer) -> None:
    body, headers = signer.sign(
        event("conference.participant.speak_started", payload={"conference_id": "c", "x": [1]})
    )
    parsed = unwrap(body, headers=headers, public_key=signer.public_key)
    assert type(parsed) is UnknownEvent
    assert parsed.event_type == "conference.participant.speak_started"
    assert parsed.event_id == "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
    assert parsed.data.model_dump() == json.loads(body)["data"]


@pytest.mark.parametrize(
    "event_type", ["conference.created.v2", "Conference.Created", "conference", "", None, 7]
)
def test_a_lookalike_event_type_is_never_taken_for_a_known_one(event_type: Any) -> None:
    body = event("conference.created")
    body["data"]["event_type"] = event_type
    assert type(unsafe_unwrap(body)) is UnknownEvent


def test_a_body_without_the_data_wrapper_parses_as_the_same_event(signer: Signer) -> None:
    bare = event("conference.floor.changed")["data"]
    body, headers = signer.sign(bare)
    parsed = unwrap(body, headers=headers, public_key=signer.public_key)
    assert isinstance(parsed, ConferenceFloorChangedWebhook)
    assert parsed.event_id == bare["id"] and parsed.meta is None
    assert parsed.occurred_at == OCCURRED
    wrapped = unsafe_unwrap(event("conference.floor.changed"))
    assert wrapped.data == parsed.data


def test_unknown_fields_and_enum_values_are_kept() -> None:
    body = event("conference.ended")
    body["data"]["payload"]["reason"] = "moderator_ended"
    body["data"]["payload"]["brand_new"] = {"a": 1}
    parsed = unsafe_unwrap(body)
    assert isinstance(parsed, ConferenceEndedWebhook)
    assert parsed.data.payload is not None
    assert parsed.data.payload.reason == "moderator_ended"
    assert parsed.data.payload.model_extra == {"brand_new": {"a": 1}}


def test_a_signed_body_that_is_not_an_event_object_is_a_validation_error(signer: Signer) -> None:
    body = b"[1, 2]"
    with pytest.raises(ValidationError):
        unwrap(body, headers=signer.headers(body), public_key=signer.public_key)


def test_both_clients_offer_the_same_webhook_methods(signer: Signer) -> None:
    body, headers = signer.sign(event("conference.ended"))
    for client in (Telnyx(api_key="k"), AsyncTelnyx(api_key="k")):
        parsed = client.webhooks.unwrap(body, headers=headers, public_key=signer.public_key)
        assert isinstance(parsed, ConferenceEndedWebhook)
        assert isinstance(client.webhooks.unsafe_unwrap(body), ConferenceEndedWebhook)
    assert telnyx_webhooks.Webhooks().unsafe_unwrap(body) == unsafe_unwrap(body)


def test_importing_the_package_loads_no_cryptography_until_a_verification() -> None:
    code = (
        "import sys, confgen_telnyx\n"
        "from confgen_telnyx import Telnyx, WebhookVerificationError\n"
        "Telnyx(api_key='k').webhooks\n"
        "assert 'cryptography' not in sys.modules, 'too early'\n"
        "from confgen_telnyx.webhooks import unwrap\n"
        "try:\n"
        "    unwrap(b'{}', headers={'telnyx-timestamp': '1', 'telnyx-signature-ed25519': 'A' * 86 + '=='},\n"
        "           public_key='A' * 43 + '=', tolerance_seconds=1e12)\n"
        "except WebhookVerificationError:\n"
        "    pass\n"
        "assert 'cryptography' in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
