"""Dry runs: what `create_conference` would send, recorded from the generated client.

Nothing reaches the provider. HTTP adapters build their client over a transport that
records each request and fails it before it leaves; the TrueConf adapter points its
client at a recording stand-in Room on 127.0.0.1. Requests are therefore built by the
generated code itself, exactly as a real call builds them. Secrets are redacted:
credential headers, the ``auth`` message's ``credentials``, and every known secret
value wherever it appears. Missing credentials are replaced with dummies, and the
preview says which.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from ._registry import get_adapter

if TYPE_CHECKING:
    import httpx

    from .providers._base import Credentials

__all__ = ["REDACTED", "Preview", "describe_request", "preview_conference"]

REDACTED: Final = "<redacted>"
_SECRET_HEADERS: Final = frozenset(
    {"authorization", "proxy-authorization", "cookie", "x-api-key", "api-key"}
)


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
                "(recorded by a stand-in Room on 127.0.0.1):"
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
        lowered = name.lower()
        if lowered in _SECRET_HEADERS or "token" in lowered or "secret" in lowered:
            scheme, _, rest = value.partition(" ")
            value = (
                f"{scheme} {REDACTED}" if rest and lowered.endswith("authorization") else REDACTED
            )
        headers[name] = value
    content = request.read()
    body: Any = None
    if content:
        text = content.decode("utf-8", errors="replace")
        try:
            body = json.loads(text)
        except ValueError:
            body = text
    return {"method": request.method, "url": str(request.url), "headers": headers, "body": body}


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
    target, messages = adapter.record(arguments, settings)
    secrets = _secret_values(
        [settings.get(spec.argument) for spec in adapter.credentials if spec.secret]
        + [os.environ.get(spec.env) for spec in adapter.credentials if spec.secret]
    )
    return Preview(
        provider=provider,
        operation=adapter.operation,
        transport=adapter.transport,
        target=_scrub(target, secrets),
        messages=[_scrub(message, secrets) for message in messages],
        dummies=[(spec.argument, spec.env) for spec in dummied],
    )


def _secret_values(values: Iterable[object]) -> list[str]:
    found: set[str] = set()
    for value in values:
        if isinstance(value, str) and len(value) >= 4:
            found.add(value)
        elif isinstance(value, Mapping):
            found |= {item for item in value.values() if isinstance(item, str) and len(item) >= 16}
    return sorted(found, key=len, reverse=True)


def _scrub(value: Any, secrets: list[str]) -> Any:
    """``value`` with every secret string replaced, however deep."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, REDACTED)
        return value
    if isinstance(value, Mapping):
        return {key: _scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item, secrets) for item in value]
    return value
