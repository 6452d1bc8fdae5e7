"""Voximplant service-account auth: RS256 JWTs signed from a ``credentials.json``.

The only runtime module that imports PyJWT and cryptography; the generator copies it
only into packages that need it, and the client imports it when it is constructed.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Generator, Mapping
from pathlib import Path
from typing import Any, Final

import httpx
import jwt
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

__all__ = ["CredentialsError", "ServiceAccountJWTAuth"]

MAX_LIFETIME: Final = 3600
"""Voximplant refuses tokens whose ``exp`` is more than an hour after ``iat``."""
CLOCK_SKEW: Final = 5
"""``iat`` is backdated this many seconds, so a server clock slightly behind accepts it."""
REFRESH_MARGIN: Final = 60
"""A token is replaced this many seconds before it expires."""

_REQUIRED: Final = ("account_id", "key_id", "private_key")


class CredentialsError(ValueError):
    """The service-account credentials are missing, unreadable or incomplete.

    The message names the source (a file path, or "dict"/"JSON string") and what is
    wrong; it never contains the private key.
    """


class ServiceAccountJWTAuth(httpx.Auth):
    """Sends ``Authorization: Bearer <jwt>``, signing a new JWT only when needed.

    ``credentials`` is a path to ``credentials.json``, its parsed dict, or its JSON
    text; the keys (``account_id``, ``key_id``, ``private_key``, optional
    ``account_email``) may be at the top level or under ``"result"``. The token has
    header ``kid`` = key_id and claims ``iss`` = account_id, ``iat`` (now - 5 s) and
    ``exp`` = iat + ``lifetime_seconds`` (at most 3600); it is reused until 60 s before
    ``exp``. Safe to share between threads and event loops.
    """

    def __init__(
        self,
        credentials: str | os.PathLike[str] | Mapping[str, Any],
        lifetime_seconds: int = MAX_LIFETIME,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not 0 < lifetime_seconds <= MAX_LIFETIME:
            raise ValueError(
                f"lifetime_seconds must be in 1..{MAX_LIFETIME}, got {lifetime_seconds}"
            )
        data, source = _load(credentials)
        self.account_id = str(data["account_id"])
        self.key_id = str(data["key_id"])
        self.account_email: str | None = data.get("account_email")
        self._key = _private_key(data["private_key"], source)
        self._lifetime = lifetime_seconds
        self._margin = min(REFRESH_MARGIN, lifetime_seconds // 2)
        self._clock = clock
        self._lock = threading.Lock()
        self._token = ""
        self._refresh_at = 0.0

    def token(self) -> str:
        """The current JWT, signed anew when the cached one is about to expire."""
        with self._lock:
            now = self._clock()
            if now >= self._refresh_at:
                iat = int(now) - CLOCK_SKEW
                exp = iat + self._lifetime
                self._token = jwt.encode(
                    {"iss": self.account_id, "iat": iat, "exp": exp},
                    self._key,
                    algorithm="RS256",
                    headers={"kid": self.key_id},
                )
                self._refresh_at = exp - self._margin
            return self._token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        yield request

    def __repr__(self) -> str:
        return f"ServiceAccountJWTAuth(account_id={self.account_id!r}, key_id={self.key_id!r})"


def _load(credentials: str | os.PathLike[str] | Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    if isinstance(credentials, Mapping):
        data: object = credentials
        source = "credentials dict"
    elif isinstance(credentials, str) and credentials.lstrip().startswith("{"):
        source = "credentials JSON string"
        data = _parse_json(credentials, source)
    else:
        path = Path(credentials)
        source = f"credentials file {str(path)!r}"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CredentialsError(f"{source} does not exist") from None
        except OSError as exc:
            raise CredentialsError(f"{source} cannot be read: {exc.strerror}") from None
        data = _parse_json(text, source)
    if not isinstance(data, Mapping):
        raise CredentialsError(f"{source} is not a JSON object")
    # The console's download wraps the keys in {"result": {...}}; accept both layouts.
    result = data.get("result")
    if isinstance(result, Mapping) and not all(key in data for key in _REQUIRED):
        data = result
    missing = [key for key in _REQUIRED if not data.get(key)]
    if missing:
        raise CredentialsError(f"{source} is missing {', '.join(missing)}")
    return data, source


def _parse_json(text: str, source: str) -> object:
    try:
        return json.loads(text)
    except ValueError as exc:
        # Position only: the text holds the private key.
        raise CredentialsError(
            f"{source} is not valid JSON (line {getattr(exc, 'lineno', '?')})"
        ) from None


def _private_key(pem: object, source: str) -> RSAPrivateKey:
    if not isinstance(pem, str):
        raise CredentialsError(f"{source}: private_key is not a PEM string")
    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise CredentialsError(
            f"{source}: private_key is not a valid unencrypted PEM key"
        ) from None
    if not isinstance(key, RSAPrivateKey):
        raise CredentialsError(f"{source}: private_key is not an RSA key (RS256 needs one)")
    return key
