"""`conferencing.webhooks.parse` for Telnyx: one normalised `Event`, verified, the
provider's ids and typed raw kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conferencing.errors import ConferencingError, UnknownProviderError
from conferencing.webhooks import WebhookVerificationError, parse
from confgen_telnyx.errors import WebhookVerificationError as TelnyxVerificationError
from confgen_telnyx.webhooks import ConferenceRecordingSavedWebhook, UnknownEvent
from tests.webhooks.conftest import CALL_CONTROL_ID, CONFERENCE_ID, Signer, event

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("event_type", "kind"),
    [
        ("conference.created", "conference_started"),
        ("conference.ended", "conference_ended"),
        ("conference.participant.joined", "participant_joined"),
        ("conference.participant.left", "participant_left"),
        ("conference.recording.saved", "recording_saved"),
        ("conference.floor.changed", "other"),
    ],
)
def test_each_event_is_normalised_with_the_providers_ids(
    signer: Signer, event_type: str, kind: str
) -> None:
    body, headers = signer.sign(event(event_type, event_id="evt-1"))
    parsed = parse("telnyx", body, headers, signer.public_key)
    assert (parsed.provider, parsed.kind, parsed.event_type) == ("telnyx", kind, event_type)
    assert (parsed.event_id, parsed.conference_id) == ("evt-1", CONFERENCE_ID)
    assert parsed.participant_id == CALL_CONTROL_ID  # Telnyx participants are call legs
    assert parsed.raw.event_type == event_type and parsed.verified is True


def test_the_raw_event_is_the_generated_typed_model(signer: Signer) -> None:
    body, headers = signer.sign(event("conference.recording.saved"))
    parsed = parse("telnyx", body, headers, signer.public_key)
    assert isinstance(parsed.raw, ConferenceRecordingSavedWebhook)
    assert parsed.occurred_at is None  # the recording event carries none


def test_an_unknown_event_is_kept_as_other(signer: Signer) -> None:
    body, headers = signer.sign(
        event(
            "conference.lobby.opened", payload={"conference_id": "c-9", "call_control_id": "v3:x"}
        )
    )
    parsed = parse("telnyx", body, headers, signer.public_key)
    assert parsed.kind == "other" and parsed.event_type == "conference.lobby.opened"
    assert (parsed.conference_id, parsed.participant_id) == ("c-9", "v3:x")
    assert isinstance(parsed.raw, UnknownEvent)


def test_a_typed_event_without_a_facade_kind_is_other_to_the_facade(signer: Signer) -> None:
    # conference.speak.started is one of the published spec's conference webhooks: the
    # package types it, the facade has no kind for it.
    body, headers = signer.sign(
        event(
            "conference.speak.started", payload={"conference_id": "c-9", "call_control_id": "v3:x"}
        )
    )
    parsed = parse("telnyx", body, headers, signer.public_key)
    assert parsed.kind == "other" and parsed.event_type == "conference.speak.started"
    assert (parsed.conference_id, parsed.participant_id) == ("c-9", "v3:x")
    assert type(parsed.raw).__name__ == "ConferenceSpeakStartedWebhook"


def test_a_refused_delivery_is_a_conferencing_error_with_its_reason(signer: Signer) -> None:
    body, headers = signer.sign(event("conference.created"))
    with pytest.raises(WebhookVerificationError) as caught:
        parse("telnyx", body, headers, Signer.new().public_key)
    assert isinstance(caught.value, ConferencingError)
    assert caught.value.reason == "signature-mismatch" and caught.value.provider == "telnyx"
    assert isinstance(caught.value.__cause__, TelnyxVerificationError)


def test_a_signed_body_that_is_not_an_event_is_malformed(signer: Signer) -> None:
    body = b'"just a string"'
    with pytest.raises(WebhookVerificationError) as caught:
        parse("telnyx", body, signer.headers(body), signer.public_key)
    assert caught.value.reason == "malformed-body"


def test_a_provider_without_webhooks_is_an_unknown_provider_error() -> None:
    with pytest.raises(UnknownProviderError, match="did you mean 'telnyx'") as caught:
        parse("telnix", b"{}", {})
    assert isinstance(caught.value, ConferencingError) and caught.value.provider == "telnix"


def test_a_tampered_body_is_refused_before_it_is_parsed(signer: Signer) -> None:
    body, headers = signer.sign(event("conference.created"))
    tampered = body.replace(CONFERENCE_ID.encode(), b"00000000-0000-0000-0000-000000000000")
    with pytest.raises(WebhookVerificationError) as caught:
        parse("telnyx", tampered, headers, signer.public_key)
    assert caught.value.reason == "signature-mismatch"


def test_importing_the_facade_webhooks_loads_no_generated_package() -> None:
    code = (
        "import sys, conferencing.webhooks\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('confgen_', 'cryptography', 'pydantic')))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
