"""Voximplant: ``client.scenarios.start_conference`` (Management API).

StartConference runs a video-conference session, or joins the running one of the same
name, so it is safe to retry. ``rule_id`` (the rule whose scenario runs) is required.
Errors come in the body under HTTP 200; the generated client raises them, and they
become `ProviderError` with ``status_code`` 200 and Voximplant's ``code``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from .._result import Conference
from ._base import HttpAdapter

__all__ = ["ADAPTER", "VoximplantAdapter"]


def dummy_credentials() -> dict[str, str]:
    """A service-account credentials.json with a fresh throwaway RSA key (dry runs)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {"account_id": "0", "key_id": "dry-run", "private_key": pem}


class VoximplantAdapter(HttpAdapter):
    """Starts (or joins) a video-conference session by name."""

    name = "voximplant"
    operation_id = "start-conference"
    name_option = "conference_name"
    dummies: ClassVar[Mapping[str, Callable[[], Any]]] = {"credentials": dummy_credentials}
    package = "generated.voximplant"
    client_class = "Voximplant"

    def conference(self, raw: Any, arguments: Mapping[str, Any]) -> Conference:
        history_id = raw.call_session_history_id
        return Conference(
            provider=self.name,
            id=None if history_id is None else str(history_id),
            name=str(arguments[self.name_option]),
            # media_session_access_url controls the session, not a join link: it stays on raw
            # (the generated client's media_session(conference.raw) sends to it).
            join_url=None,
            raw=raw,
        )


ADAPTER = VoximplantAdapter()
