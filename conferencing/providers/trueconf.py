"""TrueConf Room: ``room.create_conference`` over the Room's JSON WebSocket API.

The Room must be logged in (appState 3); the conference exists once the Room reports
``conferenceCreated`` (or appState 5), which the generated client waits for. The
facade fills the required fields the other providers do not have: ``conf_type``
``"symmetric"``, ``auto_accept`` false and an empty ``invite_list``, each overridable as
an option. ``casters_count`` is left to the Room's tariff unless given.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final

from .._result import Conference
from ..errors import (
    AuthenticationError,
    ConferencingError,
    InvalidOptionsError,
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
    package = "generated.trueconf"
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

    def defaults(self, name: str) -> dict[str, Any]:
        return {
            "conf_type": "symmetric",
            "auto_accept": False,
            "invite_list": [],
        }

    def client_classes(self) -> tuple[type[Any], type[Any]]:
        from generated.trueconf import AsyncTrueConfRoom, TrueConfRoom

        return TrueConfRoom, AsyncTrueConfRoom

    def conference(self, raw: Any, arguments: Mapping[str, Any]) -> Conference:
        return Conference(
            provider=self.name,
            id=raw.conf_id,
            name=raw.conf_title or str(arguments[self.name_option]),
            join_url=raw.join_url,
            raw=raw,
        )

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
        from generated.trueconf import errors

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
