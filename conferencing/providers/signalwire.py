"""SignalWire: ``client.conferences.create_video_conference`` (Video REST API).

``display_name`` defaults to the name. Create is not idempotent: the generated client
retries only what cannot have been acted on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._result import Conference
from ._base import CredentialSpec, HttpAdapter

__all__ = ["ADAPTER", "SignalWireAdapter"]


class SignalWireAdapter(HttpAdapter):
    """Creates a video conference in a SignalWire Space."""

    name = "signalwire"
    title = "SignalWire Video REST API"
    operation = "conferences.create_video_conference"
    name_option = "name"
    credentials = (
        CredentialSpec(
            "project_id", "SIGNALWIRE_PROJECT_ID", "project ID", dummy=lambda: "dry-run-project"
        ),
        CredentialSpec("api_token", "SIGNALWIRE_API_TOKEN", "API token", dummy=lambda: "PTdryrun"),
        CredentialSpec(
            "space",
            "SIGNALWIRE_SPACE",
            "Space name (https://<space>.signalwire.com)",
            secret=False,
            dummy=lambda: "example",
        ),
    )
    package = "generated.signalwire"
    client_class = "SignalWire"
    request_model_name = "CreateConferenceRequest"

    def defaults(self, name: str) -> dict[str, Any]:
        return {"display_name": name}

    def conference(self, raw: Any, arguments: Mapping[str, Any]) -> Conference:
        return Conference(
            provider=self.name,
            id=raw.id,
            name=raw.name,
            join_url=None,  # the response has no join link (preview_url is a preview video)
            raw=raw,
        )


ADAPTER = SignalWireAdapter()
