"""Voximplant: ``client.scenarios.start_conference`` (Management API).

StartConference runs a video-conference session, or joins the running one of the same
name, so it is safe to retry. ``rule_id`` (the rule whose scenario runs) is required.
Errors come in the body under HTTP 200; the generated client raises them, and they
become `ProviderError` with ``status_code`` 200 and Voximplant's ``code``.

What each verb maps to, and why: only create_conference (``StartConference``). Its
answer carries the session's ``media_session_access_url`` (kept on ``raw``): the URL
through which the running scenario takes commands, which is how a Voximplant
conference is controlled — by the scenario's own code, not by the Management API.
Every other verb is unsupported: the spec has StartConference and StartScenarios only,
no operation that finds, lists, ends or reads a conference session, its participants
(calls and endpoints inside the scenario) or its recordings, and participants join
through the scenario (a call or a Web SDK login), not a link or token the API issues.
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


NO_OPERATION = (
    "the Management API has no {} (its spec has StartConference and StartScenarios only); "
    "the scenario's own code runs the conference"
)


class VoximplantAdapter(HttpAdapter):
    """Starts (or joins) a video-conference session by name."""

    mappings: ClassVar[Mapping[str, str]] = {
        "create_conference": "start-conference (StartConference; media_session_access_url on raw)",
    }
    unsupported: ClassVar[Mapping[str, str]] = {
        "get_conference": NO_OPERATION.format("conference or session lookup"),
        "list_conferences": NO_OPERATION.format("listing of conference sessions"),
        "end_conference": NO_OPERATION.format("operation that stops a session"),
        "list_participants": NO_OPERATION.format(
            "participant operation: participants are calls inside the scenario"
        ),
        "remove_participant": NO_OPERATION.format(
            "participant operation: participants are calls inside the scenario"
        ),
        "mute_participant": NO_OPERATION.format(
            "participant operation: participants are calls inside the scenario"
        ),
        "join_info": NO_OPERATION.format(
            "join link or token: participants join through the scenario (a call, a Web SDK login)"
        ),
        "list_recordings": NO_OPERATION.format("recording listing"),
    }

    name = "voximplant"
    operation_id = "start-conference"
    name_option = "conference_name"
    dummies: ClassVar[Mapping[str, Callable[[], Any]]] = {"credentials": dummy_credentials}
    package = "confgen_voximplant"
    client_class = "Voximplant"

    def conference(self, raw: Any, arguments: Mapping[str, Any]) -> Conference:
        history_id = raw.call_session_history_id
        return Conference(
            provider=self.name,
            id=None if history_id is None else str(history_id),
            name=str(arguments[self.name_option]),
            status="active",  # StartConference answers once the session runs
            join_url=None,  # media_session_access_url controls the session: it stays on raw
            raw=raw,
        )


ADAPTER = VoximplantAdapter()
