"""The error tree of a generated WebSocket client.

::

    APIError
    ├── APIConnectionError          cannot connect, or the connection dropped
    │   └── ConnectionLostError         it dropped while commands were awaiting replies
    ├── AuthenticationError         the ``auth`` command was refused
    ├── CommandRejectedError        a reply with ``result: false`` (carries the reply)
    ├── RoomStateError              the application state forbids the command
    │   └── NotLoggedInError            ... because the Room needs a login (appState 2)
    ├── CommandTimeoutError         a reply or notification did not arrive in time
    ├── EventStreamOverflowError    an ``events()`` stream fell too far behind
    └── ProtocolError               a frame that breaks the protocol (not JSON, fields missing)
    RequestValidationError(ValueError)  arguments refused before anything is sent

The names mirror the HTTP packages (``APIError``, ``APIConnectionError``,
``AuthenticationError``, ``RequestValidationError``), so code handling several providers
catches the same names everywhere. Messages never carry credentials or tokens.
"""

from __future__ import annotations

# Defined once, in the file both runtimes share (copied from generator/confgen/codegen/http/runtime/).
from ._validation import RequestValidationError

__all__ = [
    "APIConnectionError",
    "APIError",
    "AuthenticationError",
    "CommandRejectedError",
    "CommandTimeoutError",
    "ConnectionLostError",
    "EventStreamOverflowError",
    "NotLoggedInError",
    "ProtocolError",
    "RequestValidationError",
    "RoomStateError",
]


class APIError(Exception):
    """Base of every error the client raises about the connection or a command."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class APIConnectionError(APIError):
    """The WebSocket (or the config.json port discovery) could not be reached or dropped."""


class ConnectionLostError(APIConnectionError):
    """The connection dropped; every command still awaiting a reply fails with this."""


class AuthenticationError(APIError):
    """The ``auth`` command was refused (``result`` false or a non-zero ``resultCode``)."""

    result_code: int | None

    def __init__(self, message: str, *, result_code: int | None = None) -> None:
        super().__init__(message)
        self.result_code = result_code


class CommandRejectedError(APIError):
    """The Room answered a command with ``result: false``; ``reply`` is its decoded reply."""

    method: str
    reply: object

    def __init__(self, message: str, *, method: str, reply: object) -> None:
        super().__init__(message)
        self.method = method
        self.reply = reply


class RoomStateError(APIError):
    """The application state (``appState``) does not allow the command."""

    app_state: int | None
    required: int

    def __init__(self, message: str, *, app_state: int | None, required: int) -> None:
        super().__init__(message)
        self.app_state = app_state
        self.required = required


class NotLoggedInError(RoomStateError):
    """The Room is not logged in to a server (appState 2, "login needed")."""


class CommandTimeoutError(APIError, TimeoutError):
    """What was awaited (``awaited``: a reply or a notification) did not come in time."""

    awaited: str
    timeout: float

    def __init__(self, message: str, *, awaited: str, timeout: float) -> None:
        super().__init__(message)
        self.awaited = awaited
        self.timeout = timeout


class EventStreamOverflowError(APIError):
    """An ``events()`` stream was not read while ``backlog`` notifications arrived: what
    it holds can still be read, then this is raised and the stream stops (open a new one)."""

    backlog: int

    def __init__(self, message: str, *, backlog: int) -> None:
        super().__init__(message)
        self.backlog = backlog


class ProtocolError(APIError):
    """A frame from the server that breaks the protocol: not JSON, or fields missing."""
