"""The ``User-Agent`` every call sends: the package, its version, Python and httpx.

``confgen-telnyx/2.0.0+confgen.0.1.0 python/3.11.9 httpx/0.28.1``: the distribution's
name and its real version (the spec's ``info.version`` and the generator's, as in the
package's ``pyproject.toml``), then the interpreter and the HTTP library, so a provider
can tell which generated client and which generator release sent a request.
"""

from __future__ import annotations

import functools
import platform
import re
from typing import Final

import httpx

__all__ = ["user_agent"]

# RFC 9110 token characters: all a product name or version may hold.
_NOT_TOKEN: Final = re.compile(r"[^A-Za-z0-9!#$%&'*+.^_`|~-]+")


def _token(text: str) -> str:
    """``text`` as a header token: runs of other characters (spaces, ``/``, non-ASCII)
    become ``-``; ``0`` when nothing is left."""
    return _NOT_TOKEN.sub("-", text).strip("-") or "0"


@functools.lru_cache(maxsize=16)
def user_agent(product: str, version: str) -> str:
    """``<product>/<version> python/<x.y.z> httpx/<version>``, every part a token, so
    the header is ASCII whatever the spec's title or version holds."""
    parts = (
        (product, version),
        ("python", platform.python_version()),
        ("httpx", httpx.__version__),
    )
    return " ".join(f"{_token(name)}/{_token(value)}" for name, value in parts)
