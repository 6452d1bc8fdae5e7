"""SignalWire: video conferences of the Video REST API (``client.conferences.*``...).

What each verb maps to, and why:

- create_conference: ``create-video-conference``; ``display_name`` defaults to the
  name. Create is not idempotent: the generated client retries only what cannot have
  been acted on.
- get_conference: ``get_video_conference`` with ``include_active_session``;
  list_conferences: ``list_video_conferences``, every page.
- list_participants: the members (``list_room_session_members``) of the conference's
  active room session, those who have not left; none without an active session. The
  API does not say whether a member is muted (``muted`` is ``None``).
- join_info: the conference's tokens (``list_conference_tokens``): the least privileged
  one (fewest scopes, the guest token), for the Video SDK to join with. Conference
  tokens are shared and do not expire (``expires_at`` is ``None``; rotate them with
  ``reset_conference_token``), so ``participant_name`` is chosen when joining.
- list_recordings: the recordings of the active room session
  (``list_room_session_recordings``).
- end_conference, remove_participant, mute_participant: unsupported. The REST API has
  no operation that acts on a running session or its members; that is done in the
  session itself (the Video SDK, with a token carrying the ``room.member.*`` scopes).

Lists: each call of a generated list method gives one page (a `SyncPage`, whose model
holds ``links``); the adapter asks for the next one with the page parameters of its
``links.next`` (``page_number`` / ``page_token``) until there is none, a link repeats,
or it carries no page parameter.

Statuses: an active session (``in-progress``) -> active; none -> idle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Final
from urllib.parse import parse_qsl, urlsplit

from .._plan import Call, Emit, Plan
from .._result import Conference, JoinInfo, Participant, Recording, RecordingStatus
from ..errors import ProviderError
from ._base import HttpAdapter

PAGE_PARAMETERS: Final = ("page_number", "page_size", "page_token")
"""The query parameters of a ``links.next`` URL that ask for the next page."""

RECORDING_STATUSES: Final[Mapping[str, RecordingStatus]] = {
    "recording": "recording",
    "paused": "paused",
    "processing": "processing",
    "completed": "completed",
}

NO_SESSION_CONTROL = (
    "the Video REST API has no operation that acts on a running session or its members; "
    "that is done inside the session (the Video SDK, with a token's room.* scopes)"
)

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
    package = "confgen_signalwire"
    client_class = "SignalWire"

    list_operation_id = "list_video_conferences"
    mappings: ClassVar[Mapping[str, str]] = {
        "create_conference": "create-video-conference",
        "get_conference": "get_video_conference (with its active session)",
        "list_conferences": "list_video_conferences, every page (links.next)",
        "list_participants": "list_room_session_members of the active room session",
        "join_info": "list_conference_tokens: the least privileged token (no expiry)",
        "list_recordings": "list_room_session_recordings of the active room session",
    }
    unsupported: ClassVar[Mapping[str, str]] = {
        "end_conference": NO_SESSION_CONTROL,
        "remove_participant": NO_SESSION_CONTROL,
        "mute_participant": NO_SESSION_CONTROL,
    }

    def defaults(self, name: str) -> dict[str, Any]:
        return {"display_name": name}

    def conference(self, raw: Any, arguments: Mapping[str, Any]) -> Conference:
        session = raw.active_session
        running = session is not None and session.status != "completed"
        return Conference(
            provider=self.name,
            id=raw.id,
            name=raw.name,
            status="active" if running else "idle",
            provider_status=None if session is None else session.status,
            created_at=raw.created_at,
            join_url=None,  # the response has no join link (preview_url is a preview video)
            raw=raw,
        )

    def get_conference(self, conference_id: str) -> Plan[Conference]:
        raw = yield Call(
            "get_video_conference", {"id": conference_id, "include_active_session": True}
        )
        return self.conference(raw, {})

    def list_conferences(self, filters: Mapping[str, Any]) -> Plan[None]:
        arguments = {"include_active_session": True, **filters}
        yield from self._pages(
            "list_video_conferences", arguments, lambda raw: self.conference(raw, {})
        )

    def _active_session(self, conference_id: str) -> Plan[str | None]:
        raw = yield Call(
            "get_video_conference", {"id": conference_id, "include_active_session": True}
        )
        session = raw.active_session
        if session is None or session.status == "completed":
            return None
        identifier: str = session.id
        return identifier

    def list_participants(self, conference_id: str) -> Plan[None]:
        session = yield from self._active_session(conference_id)
        if session is None:
            return
        yield from self._pages(
            "list_room_session_members", {"id": session}, self._participant, present_only=True
        )

    def _participant(self, member: Any) -> Participant:
        return Participant(
            id=member.id, name=member.name, muted=None, joined_at=member.join_time, raw=member
        )

    def join_info(
        self, conference_id: str, *, participant_name: str | None, client: Any
    ) -> Plan[JoinInfo]:
        del participant_name, client  # shared tokens: the name is given when joining
        page = yield Call("list_conference_tokens", {"id": conference_id})
        tokens = list(page.data)
        if not tokens:
            raise ProviderError(
                f"conference {conference_id!r} has no conference token to join with",
                provider=self.name,
            )
        guest = min(tokens, key=lambda token: (len(token.scopes), token.name or "", token.id))
        return JoinInfo(url=None, token=guest.token, expires_at=None, raw=guest)

    def list_recordings(self, conference_id: str) -> Plan[None]:
        session = yield from self._active_session(conference_id)
        if session is None:
            return
        yield from self._pages("list_room_session_recordings", {"id": session}, self._recording)

    def _recording(self, raw: Any) -> Recording:
        return Recording(
            id=raw.id,
            status=RECORDING_STATUSES.get(raw.status or "", "unknown"),
            provider_status=raw.status,
            duration=None if raw.duration is None else float(raw.duration),
            download_url=raw.uri,
            raw=raw,
        )

    def _pages(
        self,
        operation_id: str,
        arguments: Mapping[str, Any],
        convert: Callable[[Any], Any],
        *,
        present_only: bool = False,
    ) -> Plan[None]:
        """Emit every item of every page, following ``links.next``."""
        seen: set[str] = set()
        arguments = dict(arguments)
        while True:
            page = yield Call(operation_id, arguments)
            items = [i for i in page.data if not (present_only and i.leave_time is not None)]
            yield Emit([convert(item) for item in items])
            # The generated list method returns its page (`SyncPage`): the body's links
            # are on the page's model.
            next_url = page.model.links.next
            following = _next_page(next_url)
            if not following or next_url in seen or not page.data:
                return
            seen.add(next_url)
            arguments = {**arguments, **following}


def _next_page(url: str | None) -> dict[str, Any]:
    """The page parameters of a ``links.next`` URL (empty: no next page to ask for)."""
    if not url:
        return {}
    query = dict(parse_qsl(urlsplit(url).query))
    found: dict[str, Any] = {key: query[key] for key in PAGE_PARAMETERS if key in query}
    if "page_number" not in found and "page_token" not in found:
        return {}
    for key in ("page_number", "page_size"):
        if key in found:
            if not str(found[key]).isdigit():
                return {}
            found[key] = int(found[key])
    return found


ADAPTER = SignalWireAdapter()
