"""Webhook signature verification, copied verbatim into packages whose spec declares
``x-confgen-webhook-signature`` (as ``_runtime/webhooks.py``).

The generated ``webhooks`` module describes the scheme (`SignatureScheme`) and calls
`verify_signature` before it parses a body. cryptography loads on the first
verification, not on import, so ``import <package>`` stays light.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

__all__ = ["Headers", "SignatureScheme", "WebhookVerificationError", "verify_signature"]

Headers = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]
"""Request headers: a mapping (any case) or ASGI-style ``(name, value)`` pairs."""

_DIGITS: Final = re.compile(r"[0-9]{1,15}")
_ED25519_KEY_BYTES: Final = 32
_ED25519_SIGNATURE_BYTES: Final = 64


class WebhookVerificationError(ValueError):
    """A webhook delivery that must not be trusted; ``reason`` says why.

    Reasons: ``missing-key`` (no public key configured), ``bad-key`` (not a base64
    32-byte Ed25519 key), ``missing-header``, ``bad-timestamp`` (not unix seconds),
    ``stale-timestamp`` / ``future-timestamp`` (outside the tolerance),
    ``malformed-signature`` (not base64, or not 64 bytes), ``signature-mismatch``
    (tampered body or timestamp, or another key signed it).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{message} ({reason})")
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class SignatureScheme:
    """How a provider signs deliveries (from the spec's ``x-confgen-webhook-signature``)."""

    algorithm: str
    """Only ``ed25519`` for now."""
    signature_header: str
    timestamp_header: str
    signed_payload: str
    """What is signed: a template with ``{timestamp}`` and ``{body}`` (the raw bytes)."""
    tolerance_seconds: float
    public_key_argument: str
    public_key_env: str


def header_value(headers: Headers, name: str) -> str | None:
    """The first value of header ``name`` (case-insensitive), or ``None``."""
    wanted = name.lower()
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    for key, value in pairs:
        text = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if text.lower() == wanted:
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def _required_header(headers: Headers, name: str) -> str:
    value = header_value(headers, name)
    if not value:
        raise WebhookVerificationError("missing-header", f"no {name} header")
    return value


def _public_key(scheme: SignatureScheme, public_key: str | bytes | None) -> bytes:
    value: str | bytes | None = public_key or os.environ.get(scheme.public_key_env) or None
    if value is None:
        raise WebhookVerificationError(
            "missing-key",
            f"no webhook public key: pass {scheme.public_key_argument}=... or set "
            f"{scheme.public_key_env}",
        )
    if isinstance(value, bytes) and len(value) == _ED25519_KEY_BYTES:
        return value  # the raw key (its base64 text is 44 characters long)
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError("bad-key", "the public key is not valid base64") from None
    if len(raw) != _ED25519_KEY_BYTES:
        raise WebhookVerificationError(
            "bad-key", f"the public key is {len(raw)} bytes, an Ed25519 key is 32"
        )
    return raw


def _signed_payload(template: str, timestamp: str, body: bytes) -> bytes:
    # Split at {body} first: the body's own bytes are never searched for placeholders.
    head, _, tail = template.partition("{body}")
    before, after = (
        part.replace("{timestamp}", timestamp).encode("utf-8") for part in (head, tail)
    )
    return before + body + after


def verify_signature(
    scheme: SignatureScheme,
    body: bytes | str,
    headers: Headers,
    *,
    public_key: str | bytes | None = None,
    tolerance_seconds: float | None = None,
    now: float | None = None,
) -> None:
    """Check that ``body`` was signed by the holder of ``public_key``, recently.

    ``body`` must be the raw request body, byte for byte (re-serialised JSON does not
    verify). ``public_key`` is the base64 key (default: the scheme's environment
    variable). Raises `WebhookVerificationError` with a ``reason``.
    """
    key = _public_key(scheme, public_key)
    signature_text = _required_header(headers, scheme.signature_header)
    timestamp_text = _required_header(headers, scheme.timestamp_header).strip()
    if not _DIGITS.fullmatch(timestamp_text):
        raise WebhookVerificationError(
            "bad-timestamp", f"{scheme.timestamp_header} is not unix seconds"
        )
    tolerance = scheme.tolerance_seconds if tolerance_seconds is None else tolerance_seconds
    age = (time.time() if now is None else now) - int(timestamp_text)
    if age > tolerance:
        raise WebhookVerificationError(
            "stale-timestamp", f"signed {int(age)} s ago (tolerance {tolerance:g} s)"
        )
    if -age > tolerance:
        raise WebhookVerificationError(
            "future-timestamp", f"signed {int(-age)} s ahead (tolerance {tolerance:g} s)"
        )
    try:
        signature = base64.b64decode(signature_text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError(
            "malformed-signature", f"{scheme.signature_header} is not valid base64"
        ) from None
    if len(signature) != _ED25519_SIGNATURE_BYTES:
        raise WebhookVerificationError(
            "malformed-signature",
            f"{scheme.signature_header} is {len(signature)} bytes, an Ed25519 signature is 64",
        )
    # Imported here: cryptography loads on the first verification only.
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        verifier = Ed25519PublicKey.from_public_bytes(key)
    except ValueError:
        raise WebhookVerificationError("bad-key", "not an Ed25519 public key") from None
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    try:
        verifier.verify(signature, _signed_payload(scheme.signed_payload, timestamp_text, raw))
    except InvalidSignature:
        raise WebhookVerificationError(
            "signature-mismatch", "the signature does not match the body and timestamp"
        ) from None
