"""The conference lifecycle after creation: every verb, sync and ``a``-prefixed async.

Each verb checks, in this order and before any I/O: the provider exists
(`UnknownProviderError`), can do the verb (`UnsupportedOperationError`), and has its
credentials (`MissingCredentialsError`) or a client of the right kind (``TypeError``).
Then the provider's adapter plan runs (`conferencing._plan`) over the given client, or
over one built for the call and closed after it. The ``list_*`` verbs return lazy
iterators: the checks happen when called, the requests while iterating (a client
built for the call is closed when the iteration ends or the iterator is closed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from ._plan import Plan, aiterate, arun, iterate, run
from ._registry import get_adapter
from ._result import Conference, JoinInfo, Participant, Recording
from .providers._base import Credentials, ProviderAdapter

__all__ = [
    "aend_conference",
    "aget_conference",
    "ajoin_info",
    "alist_conferences",
    "alist_participants",
    "alist_recordings",
    "amute_participant",
    "aremove_participant",
    "capabilities",
    "end_conference",
    "get_conference",
    "join_info",
    "list_conferences",
    "list_participants",
    "list_recordings",
    "mute_participant",
    "remove_participant",
]

_T = TypeVar("_T")
_PlanFor = Callable[[ProviderAdapter, Any], Plan[Any]]
"""Builds the verb's plan from the adapter and the client in use."""


def capabilities(provider: str, /) -> frozenset[str]:
    """The verbs ``provider`` can do (``"create_conference"``, ``"mute_participant"``...);
    `UnknownProviderError` for an unknown name. No I/O, no credentials needed."""
    return get_adapter(provider).capabilities()


# ------------------------------------------------------------------------------ get


def get_conference(
    provider: str,
    /,
    conference_id: str,
    *,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> Conference:
    """The conference ``conference_id``, normalised.

    ``client`` is a configured sync client of the provider's generated package (not
    closed for you); otherwise ``credentials`` (default: the environment) and
    ``base_url`` build one for this call.

    Raises:
        conferencing.errors.ConferencingError: its subclasses say what failed
            (`NotFoundError` when there is no such conference).
    """
    setup = _Setup.prepare("get_conference", provider, credentials, client, base_url, False)
    return setup.run(lambda adapter, _: adapter.get_conference(conference_id))


async def aget_conference(
    provider: str,
    /,
    conference_id: str,
    *,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> Conference:
    """`get_conference` for async code; ``client`` must be the async client."""
    setup = _Setup.prepare("get_conference", provider, credentials, client, base_url, True)
    return await setup.arun(lambda adapter, _: adapter.get_conference(conference_id))


# ------------------------------------------------------------------------------ list


def list_conferences(
    provider: str,
    /,
    *,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
    **filters: Any,
) -> Iterator[Conference]:
    """Every conference, across all pages (fetched as the iteration reaches them).

    ``filters`` are the provider's own list parameters (Telnyx ``filter={"status":
    "in_progress"}``, SignalWire ``starts_after=...``), checked by the generated client
    before anything is sent.
    """
    _check_filters(provider, filters)
    setup = _Setup.prepare("list_conferences", provider, credentials, client, base_url, False)
    return setup.iterate(lambda adapter, _: adapter.list_conferences(filters))


def alist_conferences(
    provider: str,
    /,
    *,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
    **filters: Any,
) -> AsyncIterator[Conference]:
    """`list_conferences` for async code: ``async for conference in alist_conferences(...)``."""
    _check_filters(provider, filters)
    setup = _Setup.prepare("list_conferences", provider, credentials, client, base_url, True)
    return setup.aiterate(lambda adapter, _: adapter.list_conferences(filters))


# ------------------------------------------------------------------------------ end


def end_conference(
    provider: str,
    /,
    conference_id: str,
    *,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> None:
    """End the conference for everyone in it."""
    setup = _Setup.prepare("end_conference", provider, credentials, client, base_url, False)
    setup.run(lambda adapter, _: adapter.end_conference(conference_id))


async def aend_conference(
    provider: str,
    /,
    conference_id: str,
    *,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> None:
    """`end_conference` for async code."""
    setup = _Setup.prepare("end_conference", provider, credentials, client, base_url, True)
    await setup.arun(lambda adapter, _: adapter.end_conference(conference_id))


# ------------------------------------------------------------------------------ participants


def list_participants(
    provider: str,
    /,
    conference_id: str,
    *,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> Iterator[Participant]:
    """Everyone in the conference, across all pages."""
    setup = _Setup.prepare("list_participants", provider, credentials, client, base_url, False)
    return setup.iterate(lambda adapter, _: adapter.list_participants(conference_id))


def alist_participants(
    provider: str,
    /,
    conference_id: str,
    *,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> AsyncIterator[Participant]:
    """`list_participants` for async code."""
    setup = _Setup.prepare("list_participants", provider, credentials, client, base_url, True)
    return setup.aiterate(lambda adapter, _: adapter.list_participants(conference_id))


def remove_participant(
    provider: str,
    /,
    conference_id: str,
    participant_id: str,
    *,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> None:
    """Take ``participant_id`` (a `Participant.id`) out of the conference."""
    setup = _Setup.prepare("remove_participant", provider, credentials, client, base_url, False)
    setup.run(lambda adapter, _: adapter.remove_participant(conference_id, participant_id))


async def aremove_participant(
    provider: str,
    /,
    conference_id: str,
    participant_id: str,
    *,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> None:
    """`remove_participant` for async code."""
    setup = _Setup.prepare("remove_participant", provider, credentials, client, base_url, True)
    await setup.arun(lambda adapter, _: adapter.remove_participant(conference_id, participant_id))


def mute_participant(
    provider: str,
    /,
    conference_id: str,
    participant_id: str,
    *,
    muted: bool = True,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> None:
    """Mute ``participant_id``'s audio (``muted=False``: unmute it)."""
    _check_muted(muted)
    setup = _Setup.prepare("mute_participant", provider, credentials, client, base_url, False)
    setup.run(
        lambda adapter, _: adapter.mute_participant(conference_id, participant_id, muted=muted)
    )


async def amute_participant(
    provider: str,
    /,
    conference_id: str,
    participant_id: str,
    *,
    muted: bool = True,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> None:
    """`mute_participant` for async code."""
    _check_muted(muted)
    setup = _Setup.prepare("mute_participant", provider, credentials, client, base_url, True)
    await setup.arun(
        lambda adapter, _: adapter.mute_participant(conference_id, participant_id, muted=muted)
    )


def _check_filters(provider: str, filters: dict[str, Any]) -> None:
    # Like create's options: refused before credentials are looked for.
    adapter = get_adapter(provider)
    adapter.require("list_conferences")
    adapter.check_filters(filters)


def _check_muted(muted: object) -> None:
    # A truthy string ("false") must not mute by accident.
    if not isinstance(muted, bool):
        raise TypeError(f"muted must be True or False, not {muted!r}")


# ------------------------------------------------------------------------------ join


def join_info(
    provider: str,
    /,
    conference_id: str,
    *,
    participant_name: str | None = None,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> JoinInfo:
    """What a participant needs to join: a URL and/or a token, with its expiry.

    ``participant_name`` is used where the provider issues per-participant credentials;
    SignalWire's conference tokens and TrueConf's join link are shared, and the name is
    then chosen when joining (see each provider module).
    """
    setup = _Setup.prepare("join_info", provider, credentials, client, base_url, False)
    return setup.run(
        lambda adapter, used: adapter.join_info(
            conference_id, participant_name=participant_name, client=used
        )
    )


async def ajoin_info(
    provider: str,
    /,
    conference_id: str,
    *,
    participant_name: str | None = None,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> JoinInfo:
    """`join_info` for async code."""
    setup = _Setup.prepare("join_info", provider, credentials, client, base_url, True)
    return await setup.arun(
        lambda adapter, used: adapter.join_info(
            conference_id, participant_name=participant_name, client=used
        )
    )


# ------------------------------------------------------------------------------ recordings


def list_recordings(
    provider: str,
    /,
    conference_id: str,
    *,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> Iterator[Recording]:
    """The conference's recordings, across all pages."""
    setup = _Setup.prepare("list_recordings", provider, credentials, client, base_url, False)
    return setup.iterate(lambda adapter, _: adapter.list_recordings(conference_id))


def alist_recordings(
    provider: str,
    /,
    conference_id: str,
    *,
    credentials: Credentials | None = None,
    client: Any = None,
    base_url: str | None = None,
) -> AsyncIterator[Recording]:
    """`list_recordings` for async code."""
    setup = _Setup.prepare("list_recordings", provider, credentials, client, base_url, True)
    return setup.aiterate(lambda adapter, _: adapter.list_recordings(conference_id))


# ------------------------------------------------------------------------------ running


@dataclass(frozen=True, slots=True)
class _Setup:
    """A checked call: the adapter, and the given client or the settings to build one."""

    adapter: ProviderAdapter
    client: Any
    settings: dict[str, Any]
    asynchronous: bool

    @classmethod
    def prepare(
        cls,
        verb: str,
        provider: str,
        credentials: Credentials | None,
        client: Any,
        base_url: str | None,
        asynchronous: bool,
    ) -> _Setup:
        adapter = get_adapter(provider)
        adapter.require(verb)  # before credentials: an unsupported verb needs none
        if client is None:
            settings, _ = adapter.settings(credentials, base_url)
            return cls(adapter, None, settings, asynchronous)
        if credentials is not None or base_url is not None:
            # The client already holds its settings: silently ignoring these would mislead.
            name = f"a{verb}" if asynchronous else verb
            raise TypeError(
                f"{name}({adapter.name!r}, client=...): configure credentials and base_url "
                "on the client, not here"
            )
        adapter.check_client(client, asynchronous=asynchronous, verb=verb)
        return cls(adapter, client, {}, asynchronous)

    def _client(self) -> tuple[Any, bool]:
        if self.client is not None:
            return self.client, False
        return self.adapter.new_client(self.settings, asynchronous=self.asynchronous), True

    def run(self, plan: Callable[[ProviderAdapter, Any], Plan[_T]]) -> _T:
        client, owned = self._client()
        try:
            return run(self.adapter, client, plan(self.adapter, client))
        finally:
            if owned:
                self.adapter.close(client)

    async def arun(self, plan: Callable[[ProviderAdapter, Any], Plan[_T]]) -> _T:
        client, owned = self._client()
        try:
            return await arun(self.adapter, client, plan(self.adapter, client))
        finally:
            if owned:
                await self.adapter.aclose(client)

    def iterate(self, plan: _PlanFor) -> Iterator[Any]:
        # A generator: nothing is built or sent until the first item is asked for.
        client, owned = self._client()
        try:
            yield from iterate(self.adapter, client, plan(self.adapter, client))
        finally:
            if owned:
                self.adapter.close(client)

    async def aiterate(self, plan: _PlanFor) -> AsyncIterator[Any]:
        client, owned = self._client()
        try:
            async for item in aiterate(self.adapter, client, plan(self.adapter, client)):
                yield item
        finally:
            if owned:
                await self.adapter.aclose(client)
