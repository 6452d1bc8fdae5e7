"""Helpers for the verb tests: generated clients against Prism that record what they send."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx

from tests.facade.conftest import CLIENT_CLASSES, package


@dataclass(frozen=True)
class Sent:
    """One request as sent: method, path, decoded JSON body (``None``: no body), query."""

    method: str
    path: str
    body: Any
    query: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass
class VerbClient:
    """A sync and an async generated client of one provider against its Prism server,
    both recording into ``sent``."""

    sync: Any
    asynchronous: Any
    sent: list[Sent]


def _record(sent: list[Sent]) -> Callable[[httpx.Request], None]:
    def hook(request: httpx.Request) -> None:
        content = request.read()
        body = json.loads(content) if content else None
        query = dict(parse_qsl(request.url.query.decode()))
        sent.append(Sent(request.method, request.url.path, body, query))

    return hook


def verb_client(provider: str, base_url: str, settings: dict[str, Any]) -> VerbClient:
    pkg = package(provider)
    sent: list[Sent] = []
    hook = _record(sent)

    async def ahook(request: httpx.Request) -> None:
        hook(request)

    name = CLIENT_CLASSES[provider]
    sync = getattr(pkg, name)(
        base_url=base_url,
        max_retries=0,
        timeout=10.0,
        http_client=httpx.Client(event_hooks={"request": [hook]}),
        **settings,
    )
    asynchronous = getattr(pkg, "Async" + name)(
        base_url=base_url,
        max_retries=0,
        timeout=10.0,
        http_client=httpx.AsyncClient(event_hooks={"request": [ahook]}),
        **settings,
    )
    return VerbClient(sync, asynchronous, sent)
