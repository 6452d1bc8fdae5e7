"""One JSON-over-WebSocket connection: connect, authenticate, read, match, fan out.

A single reader task owns the socket's receive side. It routes each frame:

- a reply (its ``requestId`` is awaited) resolves that command's future, so several
  commands can be in flight at once and replies may come in any order;
- a notification (``method`` equal to the envelope's notification method) is parsed by
  the generated layer and handed to every waiter and event subscriber;
- anything else (not JSON, not an object, unknown method or requestId, a notification
  its model refuses) is logged and skipped: a bad frame never stops the reader.

When the connection drops, every pending command and waiter fails at once with
`ConnectionLostError`. The next call reconnects and authenticates with the token the
last ``auth`` reply carried (falling back to the configured credentials if the token is
refused). Credentials and tokens never appear in a repr, a log line or an error.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Generic, Literal, Protocol, TypeVar

from .errors import (
    APIConnectionError,
    AuthenticationError,
    CommandTimeoutError,
    ConnectionLostError,
    EventStreamOverflowError,
    ProtocolError,
)

__all__ = [
    "EVENT_BACKLOG",
    "LATEST_NOTIFICATIONS",
    "Connection",
    "Credentials",
    "Envelope",
    "EventStream",
    "Match",
    "Notification",
    "Socket",
    "SocketOpener",
    "discover_port",
]

logger: Final = logging.getLogger(__name__)

_E = TypeVar("_E")

_wire_logger: Final = logging.getLogger(f"{__name__}.wire")
# websockets logs every frame at DEBUG, and the auth frame carries the PIN or token: its
# logger is ours, pinned above DEBUG, so turning on DEBUG logging cannot leak them.
_wire_logger.setLevel(logging.INFO)


class Socket(Protocol):
    """What the connection needs of an open WebSocket (a websockets ``ClientConnection``
    is one): send a text frame, close, and iterate over the frames received."""

    async def send(self, message: str, /) -> None: ...

    async def close(self) -> None: ...

    def __aiter__(self) -> AsyncIterator[str | bytes]: ...


SocketOpener = Callable[[str], Awaitable[Socket]]
"""``async (url) -> Socket``: opens the connection instead of websockets' ``connect``."""

LATEST_NOTIFICATIONS: Final = 64
"""How many notification names a connection remembers the latest instance of (least
recently received forgotten first); waiting needs none of them, only preconditions."""

EVENT_BACKLOG: Final = 10_000
"""How many unread notifications one ``events()`` stream holds before it overflows."""

_LOG_EXCERPT: Final = 80
"""How much of a bad frame a log line shows (frames from the server carry no secret we
send, but an ``auth`` reply carries a token: replies are never logged)."""


@dataclass(frozen=True, slots=True)
class Envelope:
    """The keys every message shares (the spec's ``x-confgen-envelope``)."""

    method_key: str = "method"
    request_id_key: str = "requestId"
    result_key: str = "result"
    notification_method: str = "event"
    notification_name_key: str = "event"


@dataclass(frozen=True, slots=True)
class Credentials:
    """How the connection authenticates: ``secured`` with a secret (PIN, password or
    token), or ``unsecured``. The secret is never shown."""

    kind: Literal["secured", "unsecured"]
    secret: str | None = field(default=None, repr=False)
    source: str = "unsecured"
    """What the secret is (``pin``, ``password``, ``token``): used in messages only."""

    def __repr__(self) -> str:
        shown = "***" if self.secret is not None else "None"
        return f"Credentials(kind={self.kind!r}, source={self.source!r}, secret={shown})"


@dataclass(frozen=True, slots=True)
class Notification:
    """A notification as received: its name, the raw payload, and its typed model."""

    name: str
    payload: Mapping[str, Any]
    parsed: object


@dataclass(frozen=True, slots=True)
class Match:
    """A notification to wait for: its name and, optionally, field values it must have."""

    name: str
    where: Mapping[str, Any] = field(default_factory=dict)

    def matches(self, notification: Notification) -> bool:
        """Whether ``notification`` is this one."""
        if notification.name != self.name:
            return False
        return all(notification.payload.get(key) == value for key, value in self.where.items())

    def describe(self) -> str:
        """``appStateChanged with appState=5``: for timeout messages."""
        if not self.where:
            return self.name
        fields = ", ".join(f"{key}={value!r}" for key, value in self.where.items())
        return f"{self.name} with {fields}"


_LOST: Final = object()
_OVERFLOW: Final = object()
"""Put in subscriber queues when the connection drops."""


class _Waiter:
    """A pending wait for the first notification matching any of ``matches``."""

    def __init__(self, matches: Sequence[Match]) -> None:
        self.matches = tuple(matches)
        self.future: asyncio.Future[Notification] = asyncio.get_running_loop().create_future()

    def describe(self) -> str:
        return " or ".join(match.describe() for match in self.matches)


class EventStream(Generic[_E]):
    """The notifications received from the moment it was created, as an async iterator.

    Ends with `ConnectionLostError` when the connection drops, and stops after `aclose`.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._closed = False
        connection._subscribers.add(self._queue)

    def __aiter__(self) -> EventStream[_E]:
        return self

    async def __anext__(self) -> _E:
        if self._closed:
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is _LOST:
            self._detach()
            raise ConnectionLostError(f"connection to {self._connection.url} lost")
        if item is _OVERFLOW:
            self._detach()
            raise EventStreamOverflowError(
                f"the event stream was not read while {EVENT_BACKLOG} notifications arrived; "
                "it stopped there (open a new one)",
                backlog=EVENT_BACKLOG,
            )
        if item is StopAsyncIteration:
            raise StopAsyncIteration
        return item  # type: ignore[return-value]  # parsed by the generated layer

    async def aclose(self) -> None:
        """Stop receiving: a pending ``__anext__`` ends the iteration."""
        self._detach()
        self._queue.put_nowait(StopAsyncIteration)

    def _detach(self) -> None:
        self._closed = True
        self._connection._subscribers.discard(self._queue)

    async def __aenter__(self) -> EventStream[_E]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


NotificationParser = Callable[[str, Mapping[str, Any]], object]
"""Turns a notification's name and payload into its typed model (raises if it does not fit)."""


class Connection:
    """A reconnecting, authenticated JSON-over-WebSocket connection.

    ``url`` is fixed, or ``None`` with ``resolve_url`` computing it on each connect (for
    port discovery). ``parse_notification`` comes from the generated layer.
    ``open_socket`` replaces websockets' ``connect`` (an in-process socket: tests, a
    recording dry run); it gets the URL and returns an open `Socket`.
    """

    def __init__(
        self,
        *,
        url: str | None,
        credentials: Credentials,
        parse_notification: NotificationParser,
        envelope: Envelope = Envelope(),
        auth_method: str = "auth",
        connect_timeout: float = 10.0,
        resolve_url: Callable[[], Any] | None = None,
        open_socket: SocketOpener | None = None,
    ) -> None:
        self.url = url or "<not resolved yet>"
        self._open_socket = open_socket
        self._fixed_url = url
        self._resolve_url = resolve_url
        self._credentials = credentials
        self._parse = parse_notification
        self._envelope = envelope
        self._auth_method = auth_method
        self._connect_timeout = connect_timeout
        self._ids = itertools.count(1)
        self._socket: Socket | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: dict[str, tuple[str, asyncio.Future[dict[str, Any]]]] = {}
        self._waiters: set[_Waiter] = set()
        self._subscribers: set[asyncio.Queue[object]] = set()
        # Bounded: a server may send any number of distinct names; preconditions only
        # ever look up a few (the state notifications), which stay recently used.
        self._latest: OrderedDict[str, Notification] = OrderedDict()
        self._token: str | None = None
        self._connect_lock: asyncio.Lock | None = None
        self._closed = False
        self.authentications: list[str] = []
        """How each successful ``auth`` was made (``pin``, ``token``...), oldest first."""

    def __repr__(self) -> str:
        state = "connected" if self.connected else "closed" if self._closed else "disconnected"
        return f"<Connection {self.url} {state}>"

    # ------------------------------------------------------------------ state

    @property
    def connected(self) -> bool:
        """Whether a socket is open and its reader running."""
        return self._socket is not None and self._reader is not None and not self._reader.done()

    @property
    def token(self) -> str | None:
        """The token of the last successful ``auth`` reply (used to re-authenticate)."""
        return self._token

    def latest(self, name: str) -> Notification | None:
        """The last notification called ``name`` received on the current connection."""
        return self._latest.get(name)

    def new_request_id(self) -> str:
        """A ``requestId`` never used before on this client."""
        return str(next(self._ids))

    # ------------------------------------------------------------------ connect

    async def ensure_connected(self) -> None:
        """Connect and authenticate unless already connected."""
        if self._closed:
            raise APIConnectionError("the client is closed")
        if self.connected:
            return
        if self._connect_lock is None:
            self._connect_lock = asyncio.Lock()
        async with self._connect_lock:
            if not self.connected:
                await self._connect()

    async def _connect(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import WebSocketException

        if self._resolve_url is not None and self._fixed_url is None:
            self.url = await self._resolve_url()
        socket: Socket
        try:
            if self._open_socket is not None:
                socket = await self._open_socket(self.url)
            else:
                socket = await connect(
                    self.url,
                    open_timeout=self._connect_timeout,
                    max_size=2**24,
                    compression=None,
                    logger=_wire_logger,
                )
        except (OSError, TimeoutError, WebSocketException) as exc:
            raise APIConnectionError(
                f"cannot connect to {self.url}: {type(exc).__name__}: {exc}"
            ) from None
        self._socket = socket
        self._latest.clear()
        self._reader = asyncio.get_running_loop().create_task(self._read(socket))
        try:
            await self._authenticate()
        except BaseException:
            await self._drop_socket()
            raise

    async def _authenticate(self) -> None:
        attempts: list[Credentials] = []
        if self._token is not None:
            attempts.append(Credentials("secured", self._token, "token"))
        attempts.append(self._credentials)
        for position, credentials in enumerate(attempts):
            frame: dict[str, Any] = {
                self._envelope.method_key: self._auth_method,
                self._envelope.request_id_key: self.new_request_id(),
                "type": credentials.kind,
            }
            if credentials.secret is not None:
                frame["credentials"] = credentials.secret
            reply = await self.call(frame, timeout=self._connect_timeout, connect=False)
            code = reply.get("resultCode")
            if reply.get(self._envelope.result_key) is True and code in (None, 0):
                token = reply.get("token")
                self._token = token if isinstance(token, str) and token else self._token
                self.authentications.append(credentials.source)
                return
            last = position == len(attempts) - 1
            if credentials.source == "token" and not last:
                logger.info("the Room refused the saved token; authenticating again")
                self._token = None
                continue
            raise AuthenticationError(
                f"{self._auth_method} ({credentials.kind}, {credentials.source}) refused by "
                f"{self.url}: result={reply.get(self._envelope.result_key)!r}, resultCode={code!r}",
                result_code=code if isinstance(code, int) else None,
            )

    async def close(self) -> None:
        """Close the connection; pending commands fail with `ConnectionLostError`."""
        self._closed = True
        await self._drop_socket()
        for queue in list(self._subscribers):
            queue.put_nowait(StopAsyncIteration)
        self._subscribers.clear()

    async def _drop_socket(self) -> None:
        socket, reader = self._socket, self._reader
        if socket is not None:
            await socket.close()
        if reader is not None:
            try:
                await asyncio.wait_for(asyncio.shield(reader), timeout=self._connect_timeout)
            except (TimeoutError, asyncio.CancelledError):
                reader.cancel()
        self._fail_everything("the connection was closed")

    # ------------------------------------------------------------------ commands

    async def call(
        self, frame: Mapping[str, Any], *, timeout: float, connect: bool = True
    ) -> dict[str, Any]:
        """Send a command frame (it holds ``method`` and a fresh ``requestId``) and return
        its reply, decoded but not checked: the caller looks at ``result``."""
        if connect:
            await self.ensure_connected()
        socket = self._socket
        if socket is None or not self.connected:
            raise ConnectionLostError(f"not connected to {self.url}")
        method = str(frame[self._envelope.method_key])
        request_id = str(frame[self._envelope.request_id_key])
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = (method, future)
        try:
            try:
                await socket.send(json.dumps(frame, ensure_ascii=False))
            except Exception as exc:
                raise ConnectionLostError(
                    f"connection to {self.url} lost while sending {method}: {type(exc).__name__}"
                ) from None
            try:
                return await asyncio.wait_for(asyncio.shield(future), timeout)
            except TimeoutError:
                raise CommandTimeoutError(
                    f"no reply to {method} (requestId {request_id}) within {timeout:g} s",
                    awaited=f"{method} reply",
                    timeout=timeout,
                ) from None
        finally:
            self._pending.pop(request_id, None)
            if not future.done():
                future.cancel()

    def expect(self, matches: Sequence[Match]) -> _Waiter:
        """Start waiting for a notification (before sending what causes it, so that a
        notification arriving right after the reply is not missed)."""
        waiter = _Waiter(matches)
        self._waiters.add(waiter)
        return waiter

    async def wait(self, waiter: _Waiter, *, timeout: float, after: str) -> Notification:
        """The notification ``waiter`` awaits; `CommandTimeoutError` names it if late."""
        try:
            return await asyncio.wait_for(asyncio.shield(waiter.future), timeout)
        except TimeoutError:
            awaited = waiter.describe()
            raise CommandTimeoutError(
                f"{after}, but no {awaited} notification arrived within {timeout:g} s",
                awaited=awaited,
                timeout=timeout,
            ) from None
        finally:
            self.cancel(waiter)

    def cancel(self, waiter: _Waiter) -> None:
        """Stop waiting (idempotent)."""
        self._waiters.discard(waiter)
        if not waiter.future.done():
            waiter.future.cancel()
        elif not waiter.future.cancelled():
            waiter.future.exception()  # retrieved: a failure nobody awaits is not an error

    def events(self) -> EventStream[Any]:
        """A stream of every notification from now on."""
        return EventStream(self)

    # ------------------------------------------------------------------ reading

    async def _read(self, socket: Socket) -> None:
        from websockets.exceptions import ConnectionClosed

        reason = "the server closed the connection"
        try:
            async for frame in socket:
                try:
                    self._dispatch(frame)
                except Exception:  # a bug in dispatch must not stop the reader
                    logger.exception("could not dispatch a frame from %s", self.url)
        except ConnectionClosed as exc:
            reason = f"the connection closed ({exc.rcvd.code if exc.rcvd else 'no close frame'})"
        except Exception as exc:
            reason = f"{type(exc).__name__} while reading"
        finally:
            if self._socket is socket:
                self._socket = None
            self._fail_everything(f"connection to {self.url} lost: {reason}")

    def _dispatch(self, frame: str | bytes) -> None:
        envelope = self._envelope
        try:
            message = json.loads(frame)
        except ValueError:
            logger.warning("skipped a frame that is not JSON: %r", _excerpt(frame))
            return
        if not isinstance(message, dict):
            logger.warning("skipped a frame that is not a JSON object: %r", _excerpt(frame))
            return
        method = message.get(envelope.method_key)
        if method == envelope.notification_method:
            self._on_notification(message)
            return
        request_id = message.get(envelope.request_id_key)
        pending = self._pending.get(str(request_id)) if request_id is not None else None
        if pending is None:
            logger.warning(
                "skipped a %s frame that answers no pending command (requestId %r)",
                method if isinstance(method, str) else "method-less",
                request_id,
            )
            return
        expected, future = pending
        if future.done():
            return
        if method != expected:
            future.set_exception(
                ProtocolError(f"the reply to {expected} (requestId {request_id}) names {method!r}")
            )
            return
        future.set_result(message)

    def _on_notification(self, message: dict[str, Any]) -> None:
        name = message.get(self._envelope.notification_name_key)
        if not isinstance(name, str) or not name:
            logger.warning(
                "skipped a notification without %r", self._envelope.notification_name_key
            )
            return
        try:
            parsed = self._parse(name, message)
        except Exception as exc:
            logger.warning("skipped a %s notification that does not fit its model: %s", name, exc)
            return
        notification = Notification(name, message, parsed)
        latest = self._latest
        latest[name] = notification
        latest.move_to_end(name)
        if len(latest) > LATEST_NOTIFICATIONS:
            latest.popitem(last=False)
        for waiter in list(self._waiters):
            if not waiter.future.done() and any(m.matches(notification) for m in waiter.matches):
                waiter.future.set_result(notification)
        for queue in list(self._subscribers):
            if queue.qsize() >= EVENT_BACKLOG:  # an unread stream must not grow forever
                self._subscribers.discard(queue)
                queue.put_nowait(_OVERFLOW)
                continue
            queue.put_nowait(parsed)

    def _fail_everything(self, reason: str) -> None:
        pending, self._pending = self._pending, {}
        for method, future in pending.values():
            if not future.done():
                future.set_exception(ConnectionLostError(f"{reason} (awaiting the {method} reply)"))
        for waiter in list(self._waiters):
            if not waiter.future.done():
                waiter.future.set_exception(
                    ConnectionLostError(f"{reason} (awaiting {waiter.describe()})")
                )
        self._waiters.clear()
        if not self._closed:
            for queue in self._subscribers:
                queue.put_nowait(_LOST)
            self._subscribers.clear()


def _excerpt(frame: str | bytes) -> str | bytes:
    return frame if len(frame) <= _LOG_EXCERPT else frame[:_LOG_EXCERPT]


async def discover_port(
    url: str, *, path: Sequence[str], timeout: float, transport: Any = None
) -> int:
    """The WebSocket port published in the instance's config.json at ``url``.

    ``path`` is the chain of keys leading to the port (``("config", "websocket",
    "port")`` for TrueConf Room). Any failure is an `APIConnectionError`.
    """
    import httpx

    try:
        async with httpx.AsyncClient(timeout=timeout, transport=transport) as client:
            response = await client.get(url)
            response.raise_for_status()
            value: Any = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise APIConnectionError(
            f"cannot read the WebSocket port from {url}: {type(exc).__name__}: {exc}"
        ) from None
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 65536:
        raise APIConnectionError(f"{url} has no port at {'.'.join(path)}")
    return value
