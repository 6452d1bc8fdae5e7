"""Dry runs: what a facade call would send, recorded from the generated client.

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

import asyncio
import contextlib
import inspect
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from ._registry import get_adapter
from .redaction import REDACTED, redact_header, redact_message_fields, scrub, secret_values

if TYPE_CHECKING:
    import httpx

    from ._recording import Recording
    from .providers._base import Credentials, CredentialSpec, ProviderAdapter

__all__ = [
    "REDACTED",
    "Preview",
    "describe_recording",
    "describe_request",
    "preview_call",
    "preview_conference",
]

RECORD_TIMEOUT: Final = 10.0
"""How long a WebSocket dry run waits for the client to send its command."""


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
    return _preview(adapter, adapter.operation, settings, dummied, recording)


def preview_call(
    provider: str,
    verb: str,
    /,
    *args: Any,
    credentials: Credentials | None = None,
    base_url: str | None = None,
    **kwargs: Any,
) -> Preview:
    """What ``conferencing.<verb>(provider, *args, **kwargs)`` would send; sends nothing.

    The facade's own function runs, given a client that records instead of sending (an
    HTTP transport, or TrueConf's in-process socket), so the request is the one a real
    call builds. Only the first request or command is shown: a later one would depend on
    the answer to it. Missing credentials are replaced with dummies; the facade's refusals
    (`UnsupportedOperationError`, `InvalidOptionsError`) are raised as in a real call.
    """
    import conferencing

    adapter = get_adapter(provider)
    settings, dummied = adapter.settings(credentials, base_url, dummies=True)
    if adapter.transport == "websocket":
        function = getattr(conferencing, "a" + verb)
        recording = asyncio.run(_record_room(adapter, function, provider, args, kwargs, settings))
    else:
        recording = _record_http(
            adapter, getattr(conferencing, verb), provider, args, kwargs, settings
        )
    return _preview(adapter, verb, settings, dummied, recording)


def _record_http(
    adapter: ProviderAdapter,
    function: Callable[..., Any],
    provider: str,
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    settings: Mapping[str, Any],
) -> Recording:
    import httpx

    from ._recording import Recorded, Recording, RecordingTransport

    transport = RecordingTransport()
    with httpx.Client(transport=transport) as http:
        client = adapter.new_client(
            {**settings, "http_client": http, "max_retries": 0}, asynchronous=False
        )
        try:
            with contextlib.suppress(Recorded):
                result = function(provider, *args, client=client, **kwargs)
                if isinstance(result, Iterator):
                    next(result, None)  # a list sends its first request when read
        finally:
            client.close()
    requests = transport.requests
    target = str(requests[0].url) if requests else str(client.base_url)
    return Recording(target, requests=list(requests))


async def _record_room(
    adapter: ProviderAdapter,
    function: Callable[..., Any],
    provider: str,
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    settings: Mapping[str, Any],
) -> Recording:
    """Run the async facade call over an in-process `RecordingRoomSocket` until the
    client sends its command (nothing connects anywhere)."""
    from ._recording import Recording, RecordingRoomSocket

    settings = dict(settings)
    target = settings.pop(adapter.base_url_argument, None) or _room_url()
    socket = RecordingRoomSocket()
    room = adapter.new_client(
        {**settings, adapter.base_url_argument: target, "open_socket": socket.open},
        asynchronous=True,
    )

    async def call() -> None:
        result = function(provider, *args, client=room, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        if hasattr(result, "__anext__"):
            await result.__anext__()

    calling = asyncio.ensure_future(call())
    waiting = asyncio.ensure_future(socket.command_sent.wait())
    try:
        done, _ = await asyncio.wait(
            {calling, waiting}, timeout=RECORD_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        if calling in done:
            with contextlib.suppress(StopAsyncIteration):
                calling.result()  # raises what the facade refused (unsupported, bad options)
    finally:
        for task in (calling, waiting):
            task.cancel()
        await asyncio.gather(calling, waiting, return_exceptions=True)
        await room.close()
    return Recording(target, frames=socket.frames)


def _room_url() -> str:
    """The Room the client would reach without ``base_url`` (its environment, as the
    generated client reads it)."""
    url = os.environ.get("TRUECONF_ROOM_URL")
    if url:
        return url
    host = os.environ.get("TRUECONF_HOST")
    return f"ws://{host}:8765" if host else "ws://localhost:8765"


def _preview(
    adapter: ProviderAdapter,
    operation: str,
    settings: Mapping[str, Any],
    dummied: list[CredentialSpec],
    recording: Recording,
) -> Preview:
    secrets = secret_values(
        [settings.get(spec.argument) for spec in adapter.credentials if spec.secret]
        + [os.environ.get(spec.env) for spec in adapter.credentials if spec.secret]
    )
    return Preview(
        provider=adapter.name,
        operation=operation,
        transport=adapter.transport,
        target=scrub(recording.target, secrets),
        messages=[scrub(message, secrets) for message in describe_recording(adapter, recording)],
        dummies=[(spec.argument, spec.env) for spec in dummied],
    )
