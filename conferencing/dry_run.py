"""Dry runs: what `create_conference` would send, recorded from the generated client.

Nothing reaches the provider. Each adapter records the call (``ProviderAdapter.record``,
through the recording transports of ``conferencing._recording``): HTTP adapters build
their client over a transport that keeps each request and fails it before it leaves;
the TrueConf adapter gives its client an in-process recording socket (nothing listens,
nothing connects).
Requests are therefore built by the generated code itself, exactly as a real call
builds them. This module describes what the adapter recorded, redacted by
``conferencing.redaction`` (credential headers, the message fields the adapter declares
secret, every known secret value wherever it appears). Missing credentials are replaced
with dummies, and the preview says which.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ._registry import get_adapter
from .redaction import REDACTED, redact_header, redact_message_fields, scrub, secret_values

if TYPE_CHECKING:
    import httpx

    from ._recording import Recording
    from .providers._base import Credentials, ProviderAdapter

__all__ = ["REDACTED", "Preview", "describe_recording", "describe_request", "preview_conference"]


@dataclass(frozen=True, slots=True)
class Preview:
    """What a call would send.

    ``messages`` are HTTP requests (``method``, ``url``, ``headers``, ``body``) or
    WebSocket messages (``direction``, ``message``); ``dummies`` lists the
    ``(argument, environment variable)`` of each credential replaced by a dummy.
    """

    provider: str
    operation: str
    transport: Literal["http", "websocket"]
    target: str
    messages: list[dict[str, Any]]
    dummies: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The preview as a JSON-ready dict."""
        return {
            "dry_run": True,
            "sent": False,
            "provider": self.provider,
            "operation": self.operation,
            "transport": self.transport,
            "target": self.target,
            "dummy_credentials": [{"argument": a, "env": e} for a, e in self.dummies],
            "messages": self.messages,
        }

    def render(self) -> str:
        """The preview as text for a terminal."""
        lines = [f"DRY RUN: nothing was sent ({self.provider}, {self.operation})"]
        if self.dummies:
            named = ", ".join(f"{argument} (${env} not set)" for argument, env in self.dummies)
            lines.append(
                f"dummy credentials used for {named}: fine for a dry run; a real call needs "
                "real ones"
            )
        if self.transport == "websocket":
            lines.append(
                f"would connect to {self.target} and send these WebSocket messages "
                "(recorded in process, nothing reached a Room):"
            )
            for message in self.messages:
                lines.append(json.dumps(message["message"], ensure_ascii=False))
            return "\n".join(lines) + "\n"
        for message in self.messages:
            lines.append("")
            lines.append(f"{message['method']} {message['url']}")
            lines += [f"{name}: {value}" for name, value in message["headers"].items()]
            body = message["body"]
            if body is not None:
                lines.append("")
                lines.append(
                    body
                    if isinstance(body, str)
                    else json.dumps(body, indent=2, ensure_ascii=False)
                )
        return "\n".join(lines) + "\n"


def describe_request(request: httpx.Request) -> dict[str, Any]:
    """A recorded request as JSON-ready data, credential headers redacted."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in request.headers.raw:
        name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
        headers[name] = redact_header(name, value)
    content = request.read()
    body: Any = None
    if content:
        text = content.decode("utf-8", errors="replace")
        try:
            body = json.loads(text)
        except ValueError:
            body = text
    return {"method": request.method, "url": str(request.url), "headers": headers, "body": body}


def describe_recording(adapter: ProviderAdapter, recording: Recording) -> list[dict[str, Any]]:
    """What ``adapter`` recorded as JSON-ready messages: HTTP requests (credential headers
    redacted), then WebSocket messages sent (the adapter's secret fields redacted)."""
    messages = [describe_request(request) for request in recording.requests]
    messages += [
        {
            "direction": "sent",
            "message": redact_message_fields(frame, adapter.secret_message_fields),
        }
        for frame in recording.frames
    ]
    return messages


def preview_conference(
    provider: str,
    /,
    *,
    name: str,
    credentials: Credentials | None = None,
    base_url: str | None = None,
    **options: Any,
) -> Preview:
    """What ``create_conference(provider, name=..., ...)`` would send; sends nothing.

    Options are checked as for a real call (errors are the same); missing credentials
    are replaced with dummies.
    """
    adapter = get_adapter(provider)
    arguments = adapter.arguments(name, options)
    settings, dummied = adapter.settings(credentials, base_url, dummies=True)
    recording = adapter.record(arguments, settings)
    secrets = secret_values(
        [settings.get(spec.argument) for spec in adapter.credentials if spec.secret]
        + [os.environ.get(spec.env) for spec in adapter.credentials if spec.secret]
    )
    return Preview(
        provider=provider,
        operation=adapter.operation,
        transport=adapter.transport,
        target=scrub(recording.target, secrets),
        messages=[scrub(message, secrets) for message in describe_recording(adapter, recording)],
        dummies=[(spec.argument, spec.env) for spec in dummied],
    )
