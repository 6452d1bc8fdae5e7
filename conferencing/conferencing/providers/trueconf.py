"""TrueConf Room: the Room's JSON WebSocket API (``room.create_conference``...).

A Room runs one conference at a time, and the conference-control commands act on it;
each command's ack only says it was accepted, and the generated client completes it
with the notification that follows. What each verb maps to, and why:

- create_conference: ``createConference``. The Room must be logged in (appState 3);
  the conference exists once the Room reports ``conferenceCreated`` (or appState 5),
  which the generated client waits for; its ``joinUrl`` is the `Conference`'s
  ``join_url``. The facade fills the required fields the other providers do not have:
  ``conf_type`` ``"symmetric"``, ``auto_accept`` false and an empty ``invite_list``,
  each overridable as an option. ``casters_count`` is left to the Room's tariff unless
  given.
- get_conference / list_conferences: ``getConferences``, completed by
  ``conferenceList`` (one message, no pages); a conference not in it is `NotFoundError`.
- end_conference: ``hangUp`` with ``forAll`` (after checking ``getConferences`` lists the
  conference), completed by ``conferenceDeleted``.
- list_participants: ``getConferenceParticipants``, whose reply names the conference
  (``confId``) it lists; another conference is `NotFoundError`. The Room does not say
  who is muted (``muted`` is ``None``).
- remove_participant: ``kickPeer`` (completed by ``participantLeftConference``);
  mute_participant: ``turnRemoteMic`` with ``on`` = not ``muted`` (ack only: the
  participant is notified, not the sender). Both first check, as listing does, that the
  Room's conference is the one named.
- join_info: the ``joinUrl`` of the ``conferenceCreated`` this client received (no
  command returns it later): pass the ``client=`` that created the conference. The
  link is shared (``participant_name`` is chosen when joining) and has no expiry.
- list_recordings: unsupported: the Room API has no command that lists recordings.

Only the conference's owner (the connection that created it) may end it, remove or
mute participants: for those, pass that connection as ``client=``; a connection the
facade opens for one call is refused by the Room (`ProviderError`).
"""

from __future__ import annotations

import asyncio
import os
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final

from .._plan import Call, Emit, Plan
from .._result import Conference, JoinInfo, Participant
from ..errors import (
    AuthenticationError,
    ConferencingError,
    InvalidOptionsError,
    NotFoundError,
    ProviderError,
    UnavailableError,
)
from ._base import ProviderAdapter

if TYPE_CHECKING:
    from .._recording import Recording

__all__ = ["ADAPTER", "TrueConfAdapter"]

DEFAULT_URL: Final = "ws://localhost:8765"
RECORD_TIMEOUT: Final = 10.0


class TrueConfAdapter(ProviderAdapter):
    """Creates a group conference on a TrueConf Room."""

    name = "trueconf"
    package = "confgen_trueconf"
    operation_id = "createConference"
    name_option = "title"
    # host is left out: the facade's base_url is the Room's url.
    credential_arguments = ("pin", "password", "token", "url")
    base_url_argument = "url"
    hidden_fields = frozenset({"method", "request_id"})
    secret_message_fields: ClassVar[Mapping[str, frozenset[str]]] = {
        "auth": frozenset({"credentials"})
    }
    transport = "websocket"
    mappings: ClassVar[Mapping[str, str]] = {
        "create_conference": "createConference, completed by conferenceCreated",
        "get_conference": "getConferences, completed by conferenceList",
        "list_conferences": "getConferences, completed by conferenceList",
        "end_conference": "hangUp forAll (owner), completed by conferenceDeleted",
        "list_participants": "getConferenceParticipants (its confId checked)",
        "remove_participant": "kickPeer (owner), completed by participantLeftConference",
        "mute_participant": "turnRemoteMic on=not muted (owner)",
        "join_info": "joinUrl of the client's conferenceCreated",
    }
    unsupported: ClassVar[Mapping[str, str]] = {
        "list_recordings": "the Room API has no command that lists recordings",
    }

    def __init__(self) -> None:
        self._join_urls: weakref.WeakKeyDictionary[Any, dict[str, str]] = (
            weakref.WeakKeyDictionary()
        )
        """Per client: the ``joinUrl`` of each conference it created (from
        ``conferenceCreated``; the Room sends it nowhere else)."""

    def defaults(self, name: str) -> dict[str, Any]:
        return {
            "conf_type": "symmetric",
            "auto_accept": False,
            "invite_list": [],
        }

    def client_classes(self) -> tuple[type[Any], type[Any]]:
        from confgen_trueconf import AsyncTrueConfRoom, TrueConfRoom

        return TrueConfRoom, AsyncTrueConfRoom

    def conference(self, raw: Any, arguments: Mapping[str, Any]) -> Conference:
        return Conference(
            provider=self.name,
            id=raw.conf_id,
            name=raw.conf_title or str(arguments[self.name_option]),
            status="active",  # conferenceCreated: it is running
            join_url=raw.join_url,
            raw=raw,
        )

    def created(self, client: Any, conference: Conference) -> None:
        if conference.id is not None and conference.join_url is not None:
            self._join_urls.setdefault(client, {})[conference.id] = conference.join_url

    # ---------------------------------------------------------------- the verbs

    def _listed(self, entry: Any) -> Conference:
        """A ``conferenceList`` entry (the spec leaves it untyped: a JSON object)."""
        fields = entry if isinstance(entry, Mapping) else {}
        identifier = fields.get("confId")
        return Conference(
            provider=self.name,
            id=None if identifier is None else str(identifier),
            name=str(fields.get("confTitle") or fields.get("title") or ""),
            status="active",  # the Room lists running conferences
            join_url=fields.get("joinUrl"),
            raw=entry,
        )

    def _conferences(self) -> Plan[list[Conference]]:
        listing = yield Call("getConferences")
        entries = listing.conferences if isinstance(listing.conferences, list) else []
        return [self._listed(entry) for entry in entries]

    def _find(self, conference_id: str) -> Plan[Conference]:
        for conference in (yield from self._conferences()):
            if conference.id == conference_id:
                return conference
        raise NotFoundError(
            f"the Room has no conference {conference_id!r} (getConferences)", provider=self.name
        )

    def get_conference(self, conference_id: str) -> Plan[Conference]:
        return (yield from self._find(conference_id))

    def list_conferences(self, filters: Mapping[str, Any]) -> Plan[None]:
        del filters  # none: getConferences takes none (check_filters refuses any)
        yield Emit((yield from self._conferences()))

    def end_conference(self, conference_id: str) -> Plan[None]:
        yield from self._find(conference_id)
        yield Call("hangUp", {"for_all": True})

    def _participants(self, conference_id: str) -> Plan[list[Any]]:
        reply = yield Call("getConferenceParticipants")
        if reply.conf_id is None or str(reply.conf_id) != conference_id:
            raise NotFoundError(
                f"the Room's conference is {reply.conf_id!r}, not {conference_id!r}",
                provider=self.name,
            )
        return list(reply.participants) if isinstance(reply.participants, list) else []

    def list_participants(self, conference_id: str) -> Plan[None]:
        entries = yield from self._participants(conference_id)
        yield Emit([self._participant(entry) for entry in entries])

    def _participant(self, entry: Any) -> Participant:
        fields = entry if isinstance(entry, Mapping) else {"peerId": entry}
        name = fields.get("peerDn") or fields.get("displayName")
        return Participant(
            id=str(fields.get("peerId")),
            name=None if name is None else str(name),
            muted=None,  # the Room does not report it
            joined_at=None,
            raw=entry,
        )

    def _check_participant(self, conference_id: str, participant_id: str) -> Plan[None]:
        entries = yield from self._participants(conference_id)
        if participant_id not in {self._participant(entry).id for entry in entries}:
            raise NotFoundError(
                f"{participant_id!r} is not in conference {conference_id!r}", provider=self.name
            )

    def remove_participant(self, conference_id: str, participant_id: str) -> Plan[None]:
        yield from self._check_participant(conference_id, participant_id)
        yield Call("kickPeer", {"peer_id": participant_id})

    def mute_participant(
        self, conference_id: str, participant_id: str, *, muted: bool
    ) -> Plan[None]:
        yield from self._check_participant(conference_id, participant_id)
        yield Call("turnRemoteMic", {"peer_id": participant_id, "on": not muted})

    def join_info(
        self, conference_id: str, *, participant_name: str | None, client: Any
    ) -> Plan[JoinInfo]:
        del participant_name  # one shared link
        yield from ()  # no command returns the link: nothing is sent
        url = self._join_urls.get(client, {}).get(conference_id)
        if url is None:
            raise ProviderError(
                f"no join link known for conference {conference_id!r}: the Room sends it "
                "only in conferenceCreated, so pass the client= that created the conference",
                provider=self.name,
            )
        return JoinInfo(url=url, token=None, expires_at=None)

    def record(self, arguments: Mapping[str, Any], settings: Mapping[str, Any]) -> Recording:
        settings = dict(settings)
        target = settings.pop("url", None) or os.environ.get("TRUECONF_ROOM_URL")
        if not target:
            host = os.environ.get("TRUECONF_HOST")
            target = f"ws://{host}:8765" if host else DEFAULT_URL
        from .._recording import Recording

        return Recording(target, frames=asyncio.run(self._record(target, arguments, settings)))

    async def _record(
        self, target: str, arguments: Mapping[str, Any], settings: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Run the generated client over an in-process `RecordingRoomSocket` until it
        sends the command (nothing connects anywhere)."""
        from .._recording import RecordingRoomSocket

        socket = RecordingRoomSocket()
        room = self.new_client(
            {**settings, "url": target, "open_socket": socket.open}, asynchronous=True
        )
        call = asyncio.ensure_future(self.method(room)(**arguments))
        waiting = asyncio.ensure_future(socket.command_sent.wait())
        try:
            with self.normalised_errors():
                done, _ = await asyncio.wait(
                    {call, waiting},
                    timeout=RECORD_TIMEOUT,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if call in done:
                    call.result()  # raises what the client refused (bad options...)
        finally:
            for task in (call, waiting):
                task.cancel()
            await asyncio.gather(call, waiting, return_exceptions=True)
            await room.close()
        return socket.frames

    def normalise(self, exc: BaseException) -> ConferencingError | None:
        from confgen_trueconf import errors

        provider = self.name
        if isinstance(exc, errors.RequestValidationError):
            return InvalidOptionsError(str(exc), provider=provider)
        if isinstance(exc, errors.AuthenticationError):
            return AuthenticationError(exc.message, provider=provider, code=exc.result_code)
        if isinstance(exc, errors.APIConnectionError | errors.CommandTimeoutError):
            return UnavailableError(exc.message, provider=provider)
        if isinstance(exc, errors.APIError):
            # Rejections, wrong Room state (not logged in...), protocol breaks: a retry
            # of the same command does not help until something else changes.
            return ProviderError(exc.message, provider=provider)
        return None


ADAPTER = TrueConfAdapter()
