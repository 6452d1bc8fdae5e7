"""conferencing.redaction: the one home of what a dry run may show."""

from __future__ import annotations

import pytest

from conferencing.redaction import (
    REDACTED,
    redact_header,
    redact_message_fields,
    scrub,
    secret_values,
)


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("Authorization", "Bearer abc.def", "Bearer <redacted>"),
        ("Proxy-Authorization", "Basic dXNlcg==", "Basic <redacted>"),
        ("authorization", "opaque", REDACTED),
        ("Cookie", "session=1", REDACTED),
        ("X-API-Key", "k", REDACTED),
        ("X-Auth-Token", "t", REDACTED),
        ("X-Client-Secret", "s", REDACTED),
        ("Content-Type", "application/json", "application/json"),
        ("Accept", "application/json", "application/json"),
    ],
)
def test_credential_headers_lose_their_value(name: str, value: str, shown: str) -> None:
    assert redact_header(name, value) == shown


def test_declared_message_fields_are_redacted_only_in_their_message() -> None:
    secret = {"auth": frozenset({"credentials"})}
    auth = {"method": "auth", "requestId": "1", "type": "secured", "credentials": "1234"}
    assert redact_message_fields(auth, secret) == {**auth, "credentials": REDACTED}
    other = {"method": "createConference", "credentials": "not a secret here"}
    assert redact_message_fields(other, secret) == other
    assert redact_message_fields({"method": "auth", "type": "unsecured"}, secret) == {
        "method": "auth",
        "type": "unsecured",
    }


def test_secret_values_are_scrubbed_everywhere_longest_first() -> None:
    key = {"private_key": "-----BEGIN PRIVATE KEY-----abc", "account_id": "42"}
    secrets = secret_values(["abcd", "abcdefgh", "abc", None, key])
    # Short strings (< 4) and a mapping's short values are not worth scrubbing.
    assert secrets == ["-----BEGIN PRIVATE KEY-----abc", "abcdefgh", "abcd"]
    value = {"url": "https://x/?k=abcdefgh", "body": ["abcd", ("abcdefgh!",)], "n": 4}
    assert scrub(value, secrets) == {
        "url": f"https://x/?k={REDACTED}",
        "body": [REDACTED, [f"{REDACTED}!"]],
        "n": 4,
    }
