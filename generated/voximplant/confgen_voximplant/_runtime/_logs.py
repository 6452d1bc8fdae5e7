"""Request logging: ``<PACKAGE>_LOG=debug|info`` and redaction of secrets in what is logged.

Each HTTP exchange is one ``INFO`` line (method, URL, status, elapsed seconds, retry
number); ``DEBUG`` adds the request headers. Secrets never reach a log: the
``Authorization``, ``Cookie`` and api-key headers, and query parameters whose names
say they carry a key, token, secret, password or signature, are shown as ``<redacted>``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["REDACTED", "add_secret_names", "redact_headers", "redact_url", "setup_logging"]

REDACTED: Final = "<redacted>"
_SECRET_NAME: Final = re.compile(
    r"(^|[-_.\[])(api[-_]?key|key|token|access[-_]?token|secret|password|passwd|signature|sig|"
    r"auth|authorization|credentials?|cookie|session)($|[-_.\]])",
    re.IGNORECASE,
)
_LEVELS: Final = {"debug": logging.DEBUG, "info": logging.INFO}
_configured: set[str] = set()
_extra_secret_names: set[str] = set()
"""Lower-cased names of the api-key headers, query parameters and cookies in use."""


def add_secret_names(names: Iterable[str]) -> None:
    """Redact these header / query parameter names too (a spec's ``apiKey`` names)."""
    _extra_secret_names.update(name.lower() for name in names)


def is_secret(name: str) -> bool:
    """Whether a header or query parameter of this name carries a secret."""
    return _SECRET_NAME.search(name) is not None or name.lower() in _extra_secret_names


def redact_url(url: str) -> str:
    """``url`` without userinfo and with secret query values replaced by ``<redacted>``."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_secret(name) for name, _ in pairs):
            query = urlencode(
                [(name, REDACTED if is_secret(name) else value) for name, value in pairs],
                safe="[]<>,|",
            )
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with secret values replaced by ``<redacted>``."""
    return {name: REDACTED if is_secret(name) else value for name, value in headers.items()}


def setup_logging(logger: logging.Logger, env: str) -> None:
    """Honour ``env`` (``debug`` or ``info``) once per logger: set its level and, when
    nothing handles its records yet, add a stderr handler."""
    if logger.name in _configured:
        return
    _configured.add(logger.name)
    level = _LEVELS.get(os.environ.get(env, "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    if not logger.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        logger.addHandler(handler)
