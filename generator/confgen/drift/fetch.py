"""Downloading the providers' published doc pages (``confgen drift --fetch``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from confgen.errors import ConfgenError
from confgen.manifest import PublishedSource, SourcePage

Source = SourcePage | PublishedSource


class FetchError(ConfgenError):
    """A doc page that could not be downloaded."""


@dataclass(frozen=True)
class FetchPolicy:
    """How hard to try: ``attempts`` in all, waiting ``backoff * 2**n`` seconds between
    them; only connection errors, timeouts and 5xx answers are tried again."""

    attempts: int = 4
    backoff: float = 0.5
    timeout: float = 20.0


def fetch_page(
    client: httpx.Client,
    page: Source,
    policy: FetchPolicy = FetchPolicy(),
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """The text at ``page.fetch_url`` (a page's text form, a published source's raw
    file); ``FetchError`` (naming the URL) once retries run out."""
    problem = ""
    for attempt in range(policy.attempts):
        if attempt:
            sleep(policy.backoff * 2 ** (attempt - 1))
        try:
            response = client.get(page.fetch_url)
        except (httpx.TransportError, httpx.TimeoutException) as error:
            problem = f"{type(error).__name__}: {error}"
            continue
        if response.status_code >= 500:
            problem = f"HTTP {response.status_code}"
            continue
        if response.status_code != 200:
            raise FetchError(f"HTTP {response.status_code}", source=page.fetch_url)
        return response.text
    raise FetchError(f"gave up after {policy.attempts} attempts ({problem})", source=page.fetch_url)


def fetch_pages(
    pages: Sequence[Source],
    *,
    policy: FetchPolicy = FetchPolicy(),
    transport: httpx.BaseTransport | None = None,
) -> dict[Source, str]:
    """Every page's published text, by page (all downloaded before any is used)."""
    headers = {"user-agent": "confgen-drift (+https://github.com/; spec drift check)"}
    with httpx.Client(
        timeout=policy.timeout, follow_redirects=True, headers=headers, transport=transport
    ) as client:
        return {page: fetch_page(client, page, policy) for page in pages}
