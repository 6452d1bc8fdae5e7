"""SignalWire: ``client.conferences.create_video_conference`` (Video REST API).

``display_name`` defaults to the name. Create is not idempotent: the generated client
retries only what cannot have been acted on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from .._result import Conference
from ._base import HttpAdapter

__all__ = ["ADAPTER", "SignalWireAdapter"]


class SignalWireAdapter(HttpAdapter):
    """Creates a video conference in a SignalWire Space."""

    name = "signalwire"
    operation_id = "create-video-conference"
    name_option = "name"
    dummies: ClassVar[Mapping[str, Callable[[], Any]]] = {
        "project_id": lambda: "dry-run-project",
        "api_token": lambda: "PTdryrun",
        "space": lambda: "example",
    }
    package = "generated.signalwire"
    client_class = "SignalWire"

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
