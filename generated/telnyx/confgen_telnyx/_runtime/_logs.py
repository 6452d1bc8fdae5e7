"""Request logging: ``<PACKAGE>_LOG=debug|info`` and redaction of secrets in what is logged.

Each HTTP exchange is one ``INFO`` line (method, URL, status, elapsed seconds, retry
number); ``DEBUG`` adds the request headers. Secrets never reach a log: the
``Authorization``, ``Cookie`` and api-key headers, and query parameters whose names
say they carry a key, token, secret, password or signature, are shown as ``<redacted>``.

httpx's own ``httpx`` logger writes every request URL at ``INFO`` (``HTTP Request: GET
https://host/path?api_key=... "HTTP/1.1 200 OK"``), query API keys included. While a
client that sends a key in the query is alive, `add_url_secret` keeps a filter on that
logger which replaces exactly those key values (raw or percent-encoded) with
``<redacted>``: nothing else in anyone's httpx records changes, no level or handler is
set, and a process without such a client has no filter at all.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from typing import Final
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

__all__ = [
    "REDACTED",
    "add_secret_names",
    "add_url_secret",
    "redact_headers",
    "redact_url",
    "setup_logging",
]

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


_url_secrets: weakref.WeakKeyDictionary[object, str] = weakref.WeakKeyDictionary()
"""Secrets sent in URLs, by the object that sends them (gone with it)."""
_url_secrets_lock = threading.Lock()


class _URLSecretsFilter(logging.Filter):
    """Replaces the values in `_url_secrets` in a record's message and arguments (httpx
    passes the URL as an argument); never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        with _url_secrets_lock:
            secrets = {value for value in _url_secrets.values() if value}
        if not secrets:
            return True
        if isinstance(record.msg, str):
            record.msg = _scrub(record.msg, secrets)
        if isinstance(record.args, tuple):
            record.args = tuple(_scrub_arg(arg, secrets) for arg in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {key: _scrub_arg(arg, secrets) for key, arg in record.args.items()}
        return True


_HTTPX_FILTER: Final = _URLSecretsFilter()


def add_url_secret(owner: object, value: str) -> None:
    """Keep ``value`` out of the ``httpx`` logger's records for as long as ``owner`` (the
    authenticator that puts it in request URLs) lives."""
    with _url_secrets_lock:
        _url_secrets[owner] = value
    logging.getLogger("httpx").addFilter(_HTTPX_FILTER)  # once: addFilter skips a repeat


def _scrub_arg(arg: object, secrets: set[str]) -> object:
    if arg is None or isinstance(arg, int | float):
        return arg  # a status code: %d must still format it
    text = str(arg)
    scrubbed = _scrub(text, secrets)
    return arg if scrubbed == text else scrubbed


def _scrub(text: str, secrets: set[str]) -> str:
    for secret in secrets:
        # As given, and as a URL carries it (httpx encodes a query value like quote_plus).
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(form, REDACTED)
    return text
