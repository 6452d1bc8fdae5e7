"""A TrueConf Room stand-in on loopback that plays the protocol as documented.

Sources: DESIGN.md ("TrueConf Room" facts) and the createConference page
(specs/sources/trueconf-createConference.txt). It does not follow what our client
happens to do:

- ``GET http://127.0.0.1:<http_port>/public/default/config.json`` returns
  ``{"config": {"websocket": {"port": P}, "http": {"port": H}}}`` (the layout TrueConf's
  own Python samples read: ``data["config"]["websocket"]["port"]``).
- ``auth``: ``{"type": "secured", "credentials": <pin|password|token>}`` or
  ``{"type": "unsecured"}`` (accepted only when no PIN is set). The reply echoes
  ``method``/``requestId`` and carries ``result``, ``resultCode`` (0 on success, 1
  otherwise), ``token`` and the protocol's own ``previleges`` spelling. A token from an
  earlier reply is accepted as credentials. After success the Room reports its state
  with ``appStateChanged``.
- Commands before a successful ``auth`` are refused (``result: false``).
- ``createConference``: ``result: false`` unless appState is 3 (normal) and the required
  fields are present; otherwise the ack ``result: true``, then ``conferenceCreated``
  (confId, confTitle, numeric confType, joinUrl) and ``appStateChanged`` 5.
- The conference-control commands (the wrapper, specs/sources/trueconf/methods.py and
  consts.py; each ack only says the command was accepted), on the conference the
  connection created (its owner) and its participants (the inviteList, then the invited):
  ``getConferences``: ack (``confId``), then ``conferenceList`` (cnt, conferences,
  succeed); ``getConferenceParticipants``: the reply carries ``confId`` and
  ``participants``; ``inviteToConference`` (owner): ack, then ``inviteSent`` (peerId,
  peerDn, confType, confId); ``kickPeer`` (owner, a participant): ack, then
  ``participantLeftConference`` (peerId); ``hangUp``: with ``forAll`` only the owner may
  (anyone else gets ``result: false``): ack, ``conferenceDeleted`` (confId), appState 3;
  without it, ack and appState 3; ``turnRemoteMic`` / ``turnRemoteCamera`` (owner, a
  participant, ``on``): ack only (the participant, not the sender, is notified).
  Without a conference, or from a non-owner where the owner is needed: ``result: false``.
- An unknown method is answered ``result: false``.

Faults are attributes a test sets (see `Faults`); `push` sends any frame to every
connected client.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

HOST = "127.0.0.1"

# Numeric conference types for conferenceCreated (test values: the page only gives names).
CONF_TYPE_CODES = {"symmetric": 0, "asymmetric": 1, "role": 3}
REQUIRED_CREATE_FIELDS = ("title", "confType", "autoAccept", "inviteList")

Drop = Literal["before_ack", "after_ack"]
Notify = Literal["both", "conferenceCreated", "appState", "none"]


@dataclass
class Faults:
    """What the server does wrong, set by a test. One-shot faults clear themselves."""

    drop: Drop | None = None
    """Abort the connection on the next createConference, before or after its ack (once)."""
    notify: Notify = "both"
    """Which notifications follow a createConference ack."""
    garbage_after_auth: list[str | bytes] = field(default_factory=list)
    """Frames sent right after a successful auth (then the appStateChanged)."""
    hold_replies: int = 0
    """Hold createConference acks until this many arrived, then reply in reverse order."""
    reply_delay: float = 0.0
    """Seconds to wait before each createConference ack."""


@dataclass
class Session:
    """One client connection as the server saw it."""

    socket: ServerConnection
    authenticated: bool = False


class RoomServer:
    """The Room WebSocket API and its config.json, each on a free loopback port."""

    def __init__(self, *, pin: str | None = "1234", app_state: int = 3) -> None:
        self.pin = pin
        self.app_state = app_state
        self.faults = Faults()
        self.received: list[dict[str, Any]] = []
        """Every JSON object a client sent, in order."""
        self.auth_attempts: list[tuple[str, str | None]] = []
        """(type, credentials) of every auth, in order."""
        self.tokens_issued: list[str] = []
        self.sessions: list[Session] = []
        self._tokens = (f"token-{n}" for n in itertools.count(1))
        self._conf_ids = (f"conf-{n}" for n in itertools.count(1))
        self._held: list[tuple[Session, dict[str, Any]]] = []
        self.conference: dict[str, Any] | None = None
        """The running conference: confId, title, confType, owner session, participants."""
        self.remote_states: list[tuple[str, str, bool]] = []
        """(command, peerId, on) of every accepted turnRemoteMic / turnRemoteCamera."""
        self._server: Server | None = None
        self._http: asyncio.Server | None = None
        self.port = 0
        self.http_port = 0

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:<port>``."""
        return f"ws://{HOST}:{self.port}"

    async def __aenter__(self) -> RoomServer:
        self._server = await serve(self._handle, HOST, 0, compression=None)
        self.port = self._server.sockets[0].getsockname()[1]
        self._http = await asyncio.start_server(self._serve_config, HOST, 0)
        self.http_port = self._http.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._http is not None:
            self._http.close()
            await self._http.wait_closed()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    # ------------------------------------------------------------------ test controls

    async def push(self, frame: dict[str, Any] | str | bytes) -> None:
        """Send ``frame`` (an object is JSON-encoded) to every authenticated client."""
        data = frame if isinstance(frame, str | bytes) else json.dumps(frame)
        for session in list(self.sessions):
            if session.authenticated:
                with contextlib.suppress(ConnectionClosed):
                    await session.socket.send(data)

    async def set_app_state(self, state: int) -> None:
        """Change the Room's state and notify every client, as the Room does."""
        self.app_state = state
        await self.push({"method": "event", "event": "appStateChanged", "appState": state})

    def commands(self, method: str) -> list[dict[str, Any]]:
        """The frames received for ``method``."""
        return [frame for frame in self.received if frame.get("method") == method]

    # ------------------------------------------------------------------ config.json

    async def _serve_config(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            request_line = await reader.readline()
            while (await reader.readline()).strip():
                pass
            parts = request_line.decode("latin-1").split()
            if len(parts) >= 2 and parts[0] == "GET" and parts[1] == "/public/default/config.json":
                body = json.dumps(
                    {"config": {"websocket": {"port": self.port}, "http": {"port": self.http_port}}}
                ).encode()
                status = "200 OK"
            else:
                body, status = b"not found", "404 Not Found"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        finally:
            writer.close()

    # ------------------------------------------------------------------ the Room API

    async def _handle(self, socket: ServerConnection) -> None:
        session = Session(socket)
        self.sessions.append(session)
        try:
            async for data in socket:
                try:
                    frame = json.loads(data)
                except ValueError:
                    continue
                if not isinstance(frame, dict):
                    continue
                self.received.append(frame)
                await self._on_command(session, frame)
        except ConnectionClosed:
            pass
        finally:
            self.sessions.remove(session)

    async def _reply(self, session: Session, frame: dict[str, Any], **fields: Any) -> None:
        reply = {"method": frame.get("method"), "requestId": frame.get("requestId", ""), **fields}
        await session.socket.send(json.dumps(reply))

    async def _on_command(self, session: Session, frame: dict[str, Any]) -> None:
        method = frame.get("method")
        if method == "auth":
            await self._auth(session, frame)
        elif not session.authenticated:
            await self._reply(session, frame, result=False, error="not authorized")
        elif method == "createConference":
            await self._create_conference(session, frame)
        elif method in self._CONTROL:
            await getattr(self, self._CONTROL[method])(session, frame)
        else:
            await self._reply(session, frame, result=False, error="unknown method")

    _CONTROL: ClassVar[dict[str, str]] = {
        "getConferences": "_get_conferences",
        "getConferenceParticipants": "_get_participants",
        "inviteToConference": "_invite",
        "kickPeer": "_kick",
        "hangUp": "_hang_up",
        "turnRemoteMic": "_turn_remote",
        "turnRemoteCamera": "_turn_remote",
    }

    async def _event(self, session: Session, event: str, **fields: Any) -> None:
        await session.socket.send(json.dumps({"method": "event", "event": event, **fields}))

    def _owns(self, session: Session) -> bool:
        return self.conference is not None and self.conference["owner"] is session

    async def _get_conferences(self, session: Session, frame: dict[str, Any]) -> None:
        conference = self.conference
        await self._reply(
            session, frame, result=True, confId=conference["confId"] if conference else ""
        )
        listed = [] if conference is None else [
            {"confId": conference["confId"], "confTitle": conference["title"]}
        ]  # fmt: skip
        await self._event(
            session, "conferenceList", cnt=len(listed), conferences=listed, succeed=True
        )

    async def _get_participants(self, session: Session, frame: dict[str, Any]) -> None:
        if self.conference is None:
            await self._reply(session, frame, result=False)
            return
        await self._reply(
            session,
            frame,
            result=True,
            confId=self.conference["confId"],
            participants=[{"peerId": peer} for peer in self.conference["participants"]],
        )

    async def _invite(self, session: Session, frame: dict[str, Any]) -> None:
        peer = frame.get("peerId")
        if not self._owns(session) or not isinstance(peer, str) or self.conference is None:
            await self._reply(session, frame, result=False)
            return
        await self._reply(session, frame, result=True)
        self.conference["participants"].append(peer)
        await self._event(
            session, "inviteSent", peerId=peer, peerDn=peer.split("@")[0],
            confType=self.conference["confType"], confId=self.conference["confId"],
        )  # fmt: skip

    async def _kick(self, session: Session, frame: dict[str, Any]) -> None:
        peer = frame.get("peerId")
        if (
            not self._owns(session)
            or self.conference is None
            or peer not in self.conference["participants"]
        ):
            await self._reply(session, frame, result=False)
            return
        await self._reply(session, frame, result=True)
        self.conference["participants"].remove(peer)
        await self._event(session, "participantLeftConference", peerId=peer)

    async def _hang_up(self, session: Session, frame: dict[str, Any]) -> None:
        for_all = frame.get("forAll") is True
        if self.conference is None or (for_all and not self._owns(session)):
            await self._reply(session, frame, result=False)
            return
        await self._reply(session, frame, result=True)
        if for_all:
            conf_id, self.conference = self.conference["confId"], None
            await self._event(session, "conferenceDeleted", confId=conf_id)
        self.app_state = 3
        await self._event(session, "appStateChanged", appState=3)

    async def _turn_remote(self, session: Session, frame: dict[str, Any]) -> None:
        if (
            not self._owns(session)
            or self.conference is None
            or frame.get("peerId") not in self.conference["participants"]
            or not isinstance(frame.get("on"), bool)
        ):
            await self._reply(session, frame, result=False)
            return
        self.remote_states.append((str(frame["method"]), str(frame["peerId"]), frame["on"]))
        await self._reply(session, frame, result=True)

    async def _auth(self, session: Session, frame: dict[str, Any]) -> None:
        kind, credentials = frame.get("type"), frame.get("credentials")
        self.auth_attempts.append(
            (str(kind), credentials if isinstance(credentials, str) else None)
        )
        if kind == "unsecured":
            accepted = self.pin is None
        elif kind == "secured" and isinstance(credentials, str):
            accepted = credentials == self.pin or credentials in self.tokens_issued
        else:
            accepted = False
        if not accepted:
            await self._reply(session, frame, result=False, resultCode=1)
            return
        token = next(self._tokens)
        self.tokens_issued.append(token)
        session.authenticated = True
        await self._reply(
            session, frame, result=True, resultCode=0, token=token,
            tokenForHttpServer=f"http-{token}", previleges=2,
        )  # fmt: skip
        for garbage in self.faults.garbage_after_auth:
            await session.socket.send(garbage)
        await session.socket.send(
            json.dumps({"method": "event", "event": "appStateChanged", "appState": self.app_state})
        )

    async def _create_conference(self, session: Session, frame: dict[str, Any]) -> None:
        faults = self.faults
        if faults.drop == "before_ack":
            faults.drop = None
            session.socket.transport.abort()
            return
        if self.app_state != 3 or any(key not in frame for key in REQUIRED_CREATE_FIELDS):
            await self._reply(session, frame, result=False)
            return
        if faults.hold_replies:
            self._held.append((session, frame))
            if len(self._held) < faults.hold_replies:
                return
            held, self._held = self._held, []
            for held_session, held_frame in reversed(held):
                await self._reply(held_session, held_frame, result=True)
            return
        if faults.reply_delay:
            await asyncio.sleep(faults.reply_delay)
        await self._reply(session, frame, result=True)
        self.conference = {
            "confId": next(self._conf_ids),
            "title": frame["title"],
            "confType": CONF_TYPE_CODES.get(str(frame["confType"]), 0),
            "owner": session,
            "participants": [p for p in frame["inviteList"] if isinstance(p, str)],
        }
        if faults.drop == "after_ack":
            faults.drop = None
            session.socket.transport.abort()
            return
        if faults.notify in ("both", "conferenceCreated"):
            await session.socket.send(
                json.dumps(
                    {
                        "method": "event",
                        "event": "conferenceCreated",
                        "confId": self.conference["confId"],
                        "confTitle": frame["title"],
                        "confType": CONF_TYPE_CODES.get(str(frame["confType"]), 0),
                        "joinUrl": f"https://video.example/c/{len(self.tokens_issued)}",
                    }
                )
            )
        if faults.notify in ("both", "appState"):
            await self.set_app_state(5)


# ---------------------------------------------------------------------- events (i16-events)


async def participant_joins(server: RoomServer, peer_id: str) -> None:
    """``peer_id`` joins the running conference: it becomes a participant, and every
    client hears ``newParticipantInConference`` (peerId, peerDn, confId: the fields the
    wrapper's consts.py gives the notification)."""
    conference = server.conference
    if conference is None:
        raise RuntimeError("no conference is running")
    conference["participants"].append(peer_id)
    await server.push(
        {
            "method": "event",
            "event": "newParticipantInConference",
            "peerId": peer_id,
            "peerDn": peer_id.split("@")[0],
            "confId": conference["confId"],
        }
    )
