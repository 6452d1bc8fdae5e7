"""The providers the facade knows: one line each, naming the adapter module.

Modules load on first use, so ``import conferencing`` imports no generated package.
"""

from __future__ import annotations

import difflib
import importlib
from typing import TYPE_CHECKING, Final

from .errors import UnknownProviderError

if TYPE_CHECKING:
    from .providers._base import ProviderAdapter

__all__ = ["PROVIDERS", "get_adapter"]

PROVIDERS: Final[dict[str, str]] = {
    "signalwire": "conferencing.providers.signalwire",
    "telnyx": "conferencing.providers.telnyx",
    "trueconf": "conferencing.providers.trueconf",
    "voximplant": "conferencing.providers.voximplant",
}


def get_adapter(provider: str) -> ProviderAdapter:
    """The adapter registered as ``provider``; an unknown name is an `UnknownProviderError`."""
    module = PROVIDERS.get(provider)
    if module is None:
        close = difflib.get_close_matches(provider, PROVIDERS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnknownProviderError(
            f"unknown provider {provider!r}{hint}; known: {', '.join(sorted(PROVIDERS))}",
            provider=provider,
            known=sorted(PROVIDERS),
        )
    adapter: ProviderAdapter = importlib.import_module(module).ADAPTER
    return adapter
