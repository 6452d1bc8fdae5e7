"""The base classes of a generated WebSocket client: settings, commands, events.

The generated ``_client.py`` subclasses `AsyncRoomClient` with one typed method per
command (each builds its arguments and calls `AsyncRoomClient._execute` with a
`Command`), and `SyncRoomClient` with the same methods run on a private loop.

A command runs in this order, each wait bounded by the call's timeout:

1. the arguments are validated against the command's strict model (nothing is sent
   if they do not fit: `RequestValidationError` names the field);
2. the connection is opened and authenticated if needed;
3. the precondition notification (``appStateChanged`` with ``appState`` 3) must be
   the latest one of its name (awaited if none came yet);
4. the command is sent; its reply must carry ``result: true``;
5. the completion notification is awaited (waiters are registered before sending, so
   one that arrives right after the reply is not missed).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar

from ._connection import (
    Connection,
    Credentials,
    Envelope,
    EventStream,
    Match,
    Notification,
    SocketOpener,
    discover_port,
)
from ._sync import LoopThread, iterate_events
from ._validation import validate_request
from .errors import (
    CommandRejectedError,
    CommandTimeoutError,
    NotLoggedInError,
    ProtocolError,
    RoomStateError,
)

if TYPE_CHECKING:
    from collections.abc import Coroutine

    from pydantic import BaseModel

__all__ = [
    "AsyncRoomClient",
    "ClientConfig",
    "Command",
    "Precondition",
    "SyncRoomClient",
]

_T = TypeVar("_T")
_E = TypeVar("_E")

DEFAULT_TIMEOUT: Final = 30.0
"""Seconds each wait of a command may take (reply, notification) unless told otherwise."""
DEFAULT_CONNECT_TIMEOUT: Final = 10.0
RESULT_GRACE: Final = 1.0
"""After a state signal completes a command, how long to wait for its result notification."""


@dataclass(frozen=True, slots=True)
class Precondition:
    """The notification that must hold before a command is sent (its latest instance).

    ``names`` maps the watched field's values to their documented names (for messages);
    ``login_needed`` is the value that means the Room has to log in first.
    """

    match: Match
    names: Mapping[Any, str] = field(default_factory=dict)
    login_needed: Any = None


@dataclass(frozen=True, slots=True)
class Command:
    """What the generator knows about one command, declared once at module level.

    ``completion``: notifications that signal the outcome (any one of them), ``result``
    the notification model returned (the completion without field conditions).
    """

    method: str
    request_model: type[BaseModel]
    reply_model: type[BaseModel]
    precondition: Precondition | None = None
    completion: tuple[Match, ...] = ()
    result_name: str | None = None
    result_model: type[BaseModel] | None = None


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """Spec-derived settings of a client class (the generated subclass sets them)."""

    default_host: str
    default_port: int
    url_env: str
    host_env: str
    pin_env: str
    password_env: str
    token_env: str
    discovery_url: str | None
    """``http://{host}:{http_port}/...``: where config.json publishes the WebSocket port."""
    port_path: tuple[str, ...]
    envelope: Envelope
    auth_method: str
    parse_notification: Any
    """``(name, payload) -> model``: the generated layer's notification parser."""


class AsyncRoomClient:
    """Connection settings, credentials and the command machinery (async).

    ``open_socket`` (``async (url) -> Socket``) opens the connection instead of
    websockets' ``connect``: an in-process socket for tests or a recording dry run.
    """

    _config: ClassVar[ClientConfig]

    def __init__(
        self,
        *,
        url: str | None = None,
        host: str | None = None,
        port: int | None = None,
        http_port: int | None = None,
        pin: str | None = None,
        password: str | None = None,
        token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        open_socket: SocketOpener | None = None,
    ) -> None:
        config = self._config
        secrets = {"pin": pin, "password": password, "token": token}
        given = [name for name, value in secrets.items() if value is not None]
        if len(given) > 1:
            raise ValueError(f"give at most one of pin, password, token (got {', '.join(given)})")
        if not given:
            for name, env in (
                ("pin", config.pin_env),
                ("password", config.password_env),
                ("token", config.token_env),
            ):
                if os.environ.get(env):
                    secrets[name], given = os.environ[env], [name]
                    break
        credentials = (
            Credentials("secured", secrets[given[0]], given[0])
            if given
            else Credentials("unsecured", None, "unsecured")
        )
        if timeout <= 0 or connect_timeout <= 0:
            raise ValueError("timeout and connect_timeout must be positive seconds")
        self.timeout = timeout
        fixed, resolve = self._address(url, host, port, http_port, connect_timeout)
        self._connection = Connection(
            url=fixed,
            credentials=credentials,
            parse_notification=config.parse_notification,
            envelope=config.envelope,
            auth_method=config.auth_method,
            connect_timeout=connect_timeout,
            resolve_url=resolve,
            open_socket=open_socket,
        )

    def _address(
        self,
        url: str | None,
        host: str | None,
        port: int | None,
        http_port: int | None,
        connect_timeout: float,
    ) -> tuple[str | None, Any]:
        config = self._config
        if url is not None and (host, port, http_port) != (None, None, None):
            raise ValueError("give either url or host/port/http_port, not both")
        if url is None and (host, port, http_port) == (None, None, None):
            url = os.environ.get(config.url_env) or None
        if url is not None:
            if not url.startswith(("ws://", "wss://")):
                raise ValueError(f"url must start with ws:// or wss://, got {url!r}")
            return url, None
        host = host or os.environ.get(config.host_env) or config.default_host
        if port is not None and http_port is not None:
            raise ValueError("give port (the WebSocket port) or http_port (to discover it)")
        if http_port is None or config.discovery_url is None:
            return f"ws://{host}:{port or config.default_port}", None
        discovery = config.discovery_url.format(host=host, http_port=http_port)

        async def resolve() -> str:
            found = await discover_port(discovery, path=config.port_path, timeout=connect_timeout)
            return f"ws://{host}:{found}"

        return None, resolve

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._connection.url}>"

    @property
    def url(self) -> str:
        """The WebSocket URL (after discovery, once connected)."""
        return self._connection.url

    @property
    def connected(self) -> bool:
        """Whether the connection is open and authenticated."""
        return self._connection.connected

    async def connect(self) -> None:
        """Connect and authenticate now (commands do it on demand, reconnecting too)."""
        await self._connection.ensure_connected()

    async def close(self) -> None:
        """Close the connection; the client cannot be used afterwards."""
        await self._connection.close()

    async def __aenter__(self: _T) -> _T:
        await self.connect()  # type: ignore[attr-defined]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def _events(self) -> EventStream[Any]:
        return self._connection.events()

    async def request(
        self, method: str, params: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> dict[str, Any]:
        """Send any command by name (for commands the spec does not describe) and return
        its decoded reply; ``result: false`` raises `CommandRejectedError`."""
        connection = self._connection
        envelope = self._config.envelope
        frame = {
            **dict(params or {}),
            envelope.method_key: method,
            envelope.request_id_key: connection.new_request_id(),
        }
        reply = await connection.call(frame, timeout=self._timeout(timeout))
        if reply.get(envelope.result_key) is False:
            raise CommandRejectedError(f"the Room rejected {method}", method=method, reply=reply)
        return reply

    def _timeout(self, timeout: float | None) -> float:
        if timeout is None:
            return self.timeout
        if timeout <= 0:
            raise ValueError("timeout must be positive seconds")
        return timeout

    async def _execute(
        self, command: Command, arguments: Mapping[str, Any], timeout: float | None
    ) -> Any:
        seconds = self._timeout(timeout)
        connection = self._connection
        envelope = self._config.envelope
        request = validate_request(
            command.request_model,
            {
                **arguments,
                envelope.method_key: command.method,
                envelope.request_id_key: connection.new_request_id(),
            },
        )
        frame = request.model_dump(mode="json", by_alias=True, exclude_unset=True)
        await connection.ensure_connected()
        if command.precondition is not None:
            await self._require(command, command.precondition, seconds)
        waiter = connection.expect(command.completion) if command.completion else None
        result_waiter = (
            connection.expect((Match(command.result_name),))
            if waiter is not None and command.result_name is not None
            else None
        )
        try:
            reply = await connection.call(frame, timeout=seconds)
            parsed = self._parse_reply(command, reply)
            if reply.get(envelope.result_key) is not True:
                self._rejected(command, parsed)
            if waiter is None:
                return parsed
            done = await connection.wait(
                waiter, timeout=seconds, after=f"{command.method} was accepted"
            )
            return await self._result(command, done, result_waiter)
        finally:
            for pending in (waiter, result_waiter):
                if pending is not None:
                    connection.cancel(pending)

    async def _require(self, command: Command, precondition: Precondition, seconds: float) -> None:
        connection = self._connection
        match = precondition.match
        latest = connection.latest(match.name)
        if latest is None:
            waiter = connection.expect((Match(match.name),))
            try:
                latest = await connection.wait(
                    waiter, timeout=seconds, after=f"before {command.method}"
                )
            except CommandTimeoutError as exc:
                raise CommandTimeoutError(
                    f"{command.method} needs {match.describe()}, but the Room reported no "
                    f"{match.name} within {seconds:g} s",
                    awaited=match.name,
                    timeout=seconds,
                ) from exc
        if match.matches(latest):
            return
        self._raise_state(command, precondition, latest)

    @staticmethod
    def _raise_state(command: Command, precondition: Precondition, latest: Notification) -> None:
        match = precondition.match
        key, wanted = next(iter(match.where.items()))
        value = latest.payload.get(key)
        name = precondition.names.get(value)
        current = f"{key} {value!r}" + (f" ({name})" if name else "")
        required = f"{key} {wanted!r}" + (
            f" ({precondition.names[wanted]})" if wanted in precondition.names else ""
        )
        state = value if isinstance(value, int) else None
        wanted_state = wanted if isinstance(wanted, int) else -1
        if precondition.login_needed is not None and value == precondition.login_needed:
            raise NotLoggedInError(
                f"cannot {command.method}: the Room is not logged in ({current}); "
                f"log the Room in to a server first",
                app_state=state,
                required=wanted_state,
            )
        raise RoomStateError(
            f"cannot {command.method}: the Room is in {current}, it needs {required}",
            app_state=state,
            required=wanted_state,
        )

    def _parse_reply(self, command: Command, reply: Mapping[str, Any]) -> BaseModel:
        from pydantic import ValidationError

        try:
            return command.reply_model.model_validate(reply)
        except ValidationError as exc:
            fields = ", ".join(
                ".".join(str(part) for part in error["loc"]) or "<reply>"
                for error in exc.errors(include_input=False, include_url=False)
            )
            raise ProtocolError(
                f"the reply to {command.method} does not fit {command.reply_model.__name__}: "
                f"{fields}"
            ) from None

    def _rejected(self, command: Command, reply: BaseModel) -> None:
        precondition = command.precondition
        if precondition is not None:
            latest = self._connection.latest(precondition.match.name)
            if latest is not None and not precondition.match.matches(latest):
                try:
                    self._raise_state(command, precondition, latest)
                except RoomStateError as exc:
                    raise type(exc)(
                        f"the Room rejected {command.method}: {exc.message}",
                        app_state=exc.app_state,
                        required=exc.required,
                    ) from None
        raise CommandRejectedError(
            f"the Room rejected {command.method} (result false)",
            method=command.method,
            reply=reply,
        )

    async def _result(self, command: Command, done: Notification, result_waiter: Any) -> Any:
        if command.result_name is None or done.name == command.result_name:
            return done.parsed
        # Only a state signal came (appState 5): give the result notification a moment,
        # then return an empty one (every field None) rather than fail a started conference.
        connection = self._connection
        try:
            found = await connection.wait(
                result_waiter, timeout=RESULT_GRACE, after=f"{command.method} completed"
            )
            return found.parsed
        except CommandTimeoutError:
            pass
        assert command.result_model is not None
        envelope = self._config.envelope
        return command.result_model.model_validate(
            {
                envelope.method_key: envelope.notification_method,
                envelope.notification_name_key: command.result_name,
            }
        )


class SyncRoomClient:
    """The synchronous face of an `AsyncRoomClient`: its coroutines run on a private
    event loop in a background thread (one implementation of the protocol)."""

    _async_class: ClassVar[type[AsyncRoomClient]]

    def __init__(
        self,
        *,
        url: str | None = None,
        host: str | None = None,
        port: int | None = None,
        http_port: int | None = None,
        pin: str | None = None,
        password: str | None = None,
        token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        open_socket: SocketOpener | None = None,
    ) -> None:
        self._async = self._async_class(
            url=url,
            host=host,
            port=port,
            http_port=http_port,
            pin=pin,
            password=password,
            token=token,
            timeout=timeout,
            connect_timeout=connect_timeout,
            open_socket=open_socket,
        )
        self._runner = LoopThread(f"{type(self).__name__}-loop")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._async.url}>"

    def _run(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        return self._runner.run(coroutine)

    @property
    def url(self) -> str:
        """The WebSocket URL (after discovery, once connected)."""
        return self._async.url

    @property
    def connected(self) -> bool:
        """Whether the connection is open and authenticated."""
        return self._async.connected

    def connect(self) -> None:
        """Connect and authenticate now."""
        self._run(self._async.connect())

    def request(
        self, method: str, params: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> dict[str, Any]:
        """Send any command by name and return its decoded reply (see the async client)."""
        return self._run(self._async.request(method, params, timeout=timeout))

    def close(self) -> None:
        """Close the connection and stop the private loop (idempotent)."""
        if self._runner._closed:
            return
        try:
            self._run(self._async.close())
        finally:
            self._runner.close()

    def __enter__(self: _T) -> _T:
        try:
            self.connect()  # type: ignore[attr-defined]
        except BaseException:
            self.close()  # type: ignore[attr-defined]
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _iterate(self, timeout: float | None) -> Iterator[Any]:
        async def open_stream() -> EventStream[Any]:
            await self._async.connect()
            return self._async._events()

        stream = self._run(open_stream())
        return iterate_events(self._runner, stream, timeout)
