"""`create_conference` and `acreate_conference`: one call over every provider."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._registry import get_adapter
from ._result import Conference
from .providers._base import Credentials, ProviderAdapter

__all__ = ["acreate_conference", "create_conference"]


def create_conference(
    provider: str,
    /,
    *,
    name: str,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
    **options: Any,
) -> Conference:
    """Create a conference with ``provider`` and return it normalised.

    Args:
        provider: A registered provider: ``telnyx``, ``signalwire``, ``voximplant``,
            ``trueconf`` (see ``confgen providers``).
        name: The conference name (Telnyx/SignalWire ``name``, Voximplant
            ``conference_name``, TrueConf ``title``).
        credentials: The client's credential arguments as a mapping (``{"api_key":
            ...}``), or the main credential alone; default: the environment.
        client: A configured generated client (sync) to use instead, so base URL,
            timeouts and retries stay yours; it is not closed.
        base_url: Overrides the provider's server URL (a mock, a proxy).
        **options: The provider's own request fields, checked against its request
            model before anything is sent.

    Raises:
        conferencing.errors.ConferencingError: its subclasses say what failed.
        TypeError: ``client`` is not a sync client of this provider.
    """
    call = _prepare(provider, name, credentials, client, base_url, options, asynchronous=False)
    try:
        with call.adapter.normalised_errors():
            raw = call.adapter.method(call.client)(**call.arguments)
        conference = call.adapter.conference(raw, call.arguments)
        call.adapter.created(call.client, conference)
    finally:
        if call.owned:
            call.adapter.close(call.client)
    return conference


async def acreate_conference(
    provider: str,
    /,
    *,
    name: str,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
    **options: Any,
) -> Conference:
    """`create_conference` for async code; ``client`` must be the async client."""
    call = _prepare(provider, name, credentials, client, base_url, options, asynchronous=True)
    try:
        with call.adapter.normalised_errors():
            raw = await call.adapter.method(call.client)(**call.arguments)
        conference = call.adapter.conference(raw, call.arguments)
        call.adapter.created(call.client, conference)
    finally:
        if call.owned:
            await call.adapter.aclose(call.client)
    return conference


@dataclass(frozen=True)
class _Call:
    """What one facade call works with: the adapter, the client, and its arguments."""

    adapter: ProviderAdapter
    client: Any
    owned: bool
    arguments: dict[str, Any]


def _prepare(
    provider: str,
    name: str,
    credentials: Credentials | None,
    client: Any,
    base_url: str | None,
    options: dict[str, Any],
    *,
    asynchronous: bool,
) -> _Call:
    """Check the options (before any I/O), then build or check the client."""
    adapter = get_adapter(provider)
    arguments = adapter.arguments(name, options)
    if client is None:
        settings, _ = adapter.settings(credentials, base_url)
        return _Call(
            adapter, adapter.new_client(settings, asynchronous=asynchronous), True, arguments
        )
    _refuse_settings_with_client(adapter, credentials, base_url)
    adapter.check_client(client, asynchronous=asynchronous)
    return _Call(adapter, client, False, arguments)


def _refuse_settings_with_client(
    adapter: ProviderAdapter, credentials: object, base_url: object
) -> None:
    # The client already holds its settings: silently ignoring these would mislead.
    if credentials is not None or base_url is not None:
        raise TypeError(
            f"create_conference({adapter.name!r}, client=...): configure credentials and "
            "base_url on the client, not here"
        )
