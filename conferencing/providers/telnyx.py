"""Telnyx: ``client.conferences.create_conference`` (Call Control API)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from .._result import Conference
from ..errors import ConferencingError, ProviderError, RateLimitedError
from ._base import HttpAdapter

__all__ = ["ADAPTER", "TelnyxAdapter"]

RATE_LIMITED_CODE = "10011"
"""Telnyx's error code for rate limiting (DESIGN.md), whatever the status says."""


class TelnyxAdapter(HttpAdapter):
    """Creates a conference from an existing call leg (``call_control_id`` is required)."""

    name = "telnyx"
    operation_id = "create-conference"
    name_option = "name"
    dummies: ClassVar[Mapping[str, Callable[[], Any]]] = {"api_key": lambda: "KEY-dry-run"}
    package = "generated.telnyx"
    client_class = "Telnyx"

    def conference(self, raw: Any, arguments: Mapping[str, Any]) -> Conference:
        data = raw.data
        if data is None:
            raise ProviderError("Telnyx answered without a conference", provider=self.name)
        return Conference(provider=self.name, id=data.id, name=data.name, join_url=None, raw=raw)

    def status_error_class(self, status: int, code: int | str | None) -> type[ConferencingError]:
        if str(code) == RATE_LIMITED_CODE:
            return RateLimitedError
        return super().status_error_class(status, code)


ADAPTER = TelnyxAdapter()
