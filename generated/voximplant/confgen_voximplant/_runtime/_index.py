"""The records of a generated package's public index (``<package>.operations``).

Shared by the HTTP and the WebSocket runtimes (the generator copies this file into both):
a tool, the docs or the facade read a package's operations and credentials from
``OPERATIONS`` and ``CREDENTIALS``, never from a private module or a class name the
generator made up. Importing it loads neither httpx nor pydantic.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["CredentialInfo", "OperationInfo", "credential", "operation"]

Transport = Literal["http", "websocket"]


@dataclass(frozen=True, slots=True)
class OperationInfo:
    """One operation of the API: what it sends and where the client exposes it."""

    operation_id: str
    """The spec's ``operationId`` (HTTP) or operation key (AsyncAPI): ``createConference``."""
    transport: Transport
    method: str
    """The HTTP method (``POST``) or the WebSocket command (``createConference``)."""
    path: str | None
    """The path template (``/conferences/{id}``); ``None`` for a WebSocket command."""
    resource: str | None
    """The client attribute holding the method (``conferences``); ``None``: the method is
    the client's own (WebSocket clients)."""
    name: str
    """The Python method name (``create_conference``)."""
    retry_mode: str
    """``idempotent``, ``idempotency-key``, ``unprocessed`` or ``never``."""
    pagination: str | None
    """How a list operation pages: ``page-number``, ``offset``, ``cursor``, ``next-link``
    or ``link-header`` (``None``: it does not; then the method returns one response)."""
    summary: str
    request_module: str
    """The module holding the request models (imported only by `request_models`)."""
    request_model_names: tuple[str, ...]
    """The strict models the keyword arguments are checked against, in order: the
    parameters' model, then the body's (HTTP); the command's message (WebSocket)."""

    @property
    def attribute(self) -> str:
        """The method's dotted path from the client: ``conferences.create_conference``."""
        return self.name if self.resource is None else f"{self.resource}.{self.name}"

    def request_models(self) -> tuple[type[BaseModel], ...]:
        """The request model classes (imports pydantic and the package's models)."""
        module = importlib.import_module(self.request_module)
        return tuple(getattr(module, name) for name in self.request_model_names)


@dataclass(frozen=True, slots=True)
class CredentialInfo:
    """One setting the client takes as a constructor argument or from the environment."""

    argument: str
    """The constructor's keyword argument (``api_key``)."""
    env: str
    """The environment variable read when the argument is not given (``TELNYX_API_KEY``)."""
    secret: bool
    """Whether the value must never be shown (logs, dry runs)."""
    required: bool
    """Whether the client refuses to work without it (argument or variable): a
    credential of a scheme that every default security alternative needs."""
    description: str
    scheme: str = ""
    """The spec's security scheme the credential belongs to (``""``: not a credential,
    e.g. a server variable); a scheme is usable when all its credentials are given, or
    one marked ``alternative``."""
    alternative: bool = False
    """Whether the credential meets its scheme on its own, instead of the scheme's other
    credentials (an OAuth2 access token instead of a client id and secret)."""


def operation(operations: Iterable[OperationInfo], operation_id: str) -> OperationInfo:
    """The operation called ``operation_id``; `KeyError` naming it when there is none."""
    for info in operations:
        if info.operation_id == operation_id:
            return info
    raise KeyError(f"no operation {operation_id!r}")


def credential(credentials: Iterable[CredentialInfo], argument: str) -> CredentialInfo:
    """The credential taken as ``argument``; `KeyError` naming it when there is none."""
    for info in credentials:
        if info.argument == argument:
            return info
    raise KeyError(f"no credential {argument!r}")
