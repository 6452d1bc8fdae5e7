"""The WebSocket target's intermediate representation: an AsyncAPI 3.0 document's
commands and notifications, as `confgen.codegen.ws.render` reads them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from confgen.codegen.diagnostics import Diagnostic

__all__ = ["WsApi", "WsArgument", "WsCommand", "WsMatch", "WsNotification"]


@dataclass(frozen=True)
class WsArgument:
    """One keyword argument of a command method."""

    name: str
    wire_name: str
    required: bool
    annotation: str
    description: str


@dataclass(frozen=True)
class WsMatch:
    """A notification (and field values) a command waits for."""

    message: str
    where: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class WsCommand:
    """One command: a method on the client."""

    operation_id: str
    """The operation's key in the spec's ``operations``."""
    method: str
    name: str
    summary: str
    description: str
    request_model: str
    reply_model: str
    arguments: tuple[WsArgument, ...]
    precondition: WsMatch | None
    state_names: tuple[tuple[Any, str], ...]
    login_needed: Any
    completion: tuple[WsMatch, ...]
    result_message: str | None
    result_model: str | None

    @property
    def constant_name(self) -> str:
        """The module-level name of the command's runtime descriptor."""
        # Never two leading underscores: inside a class body that name would be mangled.
        return ("_OP" if self.name.startswith("_") else "_") + self.name.upper()

    @property
    def returns(self) -> str:
        """The return annotation of the method."""
        return f"models.{self.result_model or self.reply_model}"


@dataclass(frozen=True)
class WsNotification:
    """A notification the Room sends, and its model."""

    name: str
    model: str
    summary: str


@dataclass(frozen=True)
class WsApi:
    """Everything one generated WebSocket package is made from."""

    package: str
    client_class: str
    title: str
    description: str
    spec_source: str
    default_host: str
    default_port: int
    env_prefix: str
    url_env: str
    host_env: str
    discovery_url: str | None
    port_path: tuple[str, ...]
    envelope: Mapping[str, str]
    auth_method: str
    commands: tuple[WsCommand, ...]
    notifications: tuple[WsNotification, ...]
    request_schemas: dict[str, Any]
    response_schemas: dict[str, Any]
    skipped: tuple[Diagnostic, ...] = ()
    """Never filled (a WebSocket spec is loaded strictly): the summary's shape."""
    renamed: tuple[Diagnostic, ...] = ()
    """Notes on what was generated differently from the spec (an uncompilable pattern)."""
