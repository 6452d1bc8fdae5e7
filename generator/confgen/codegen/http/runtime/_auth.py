"""Credentials and security requirements: which credential each operation gets.

The generated client declares its schemes (`SchemeSpec`) and the spec's requirements;
`build_security` turns what the caller gave (arguments, else environment variables)
into a `Security`, and `Security.auth_for` picks, per operation, the first requirement
alternative the given credentials satisfy: an `httpx.Auth` that sends exactly those
credentials, ``None`` for ``security: []``, or `MissingCredentialsError` before any I/O.

Schemes on the wire:

- `BearerAuth`: ``Authorization: Bearer <token>``.
- `BasicAuth`: ``Authorization: Basic base64(user:password)``.
- `ApiKeyAuth`: the key in the named header, query parameter or cookie.
- `OAuth2ClientCredentials`: a token from the ``tokenUrl`` (``grant_type=client_credentials``,
  client id and secret as HTTP Basic, RFC 6749 section 2.3.1), sent as a bearer token,
  cached until shortly before ``expires_in``, fetched anew once on a 401.
- An access token the caller holds (OAuth2 authorization code, implicit, password or
  device flows; OpenID Connect; or instead of a client-credentials fetch): `BearerAuth`,
  never refreshed, so a 401 is an ``AuthenticationError``.
- ``ServiceAccountJWTAuth`` (`jwt_auth`, Voximplant): a signed RS256 JWT as a bearer token.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

import httpx

from ._logs import add_secret_names, add_url_secret
from .errors import (
    APIResponseValidationError,
    MissingConfigurationError,
    MissingCredentialsError,
    status_error_class,
)

if TYPE_CHECKING:
    import anyio

    from ._operation import Operation

__all__ = [
    "ApiKeyAuth",
    "BasicAuth",
    "BearerAuth",
    "OAuth2ClientCredentials",
    "Requirement",
    "SchemeSpec",
    "Security",
    "build_security",
]

Requirement = tuple[tuple[str, tuple[str, ...]], ...]
"""One security requirement: ``(scheme name, scopes)`` pairs, all needed together;
``()`` needs nothing."""

SchemeKind = Literal[
    "bearer",
    "basic",
    "api-key",
    "oauth2-client-credentials",
    "access-token",
    "service-account-jwt",
]

TOKEN_EXPIRY_SKEW: Final = 30.0
"""A token is replaced this many seconds before its ``expires_in`` runs out (at most
half its lifetime), so a request never carries one that expires on the way."""
MAX_TOKEN_RESPONSE: Final = 64 * 1024
"""The largest token endpoint answer read (bytes)."""


class BearerAuth(httpx.Auth):
    """Sends ``Authorization: Bearer <token>`` (an API key, e.g. Telnyx, or an access
    token the caller holds)."""

    __slots__ = ("_header",)

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("the bearer token is empty")
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(token='***')"


class BasicAuth(httpx.Auth):
    """Sends HTTP Basic credentials (e.g. SignalWire's project id and API token).

    The username is shown in the repr (it is an identifier); the password never is.
    """

    __slots__ = ("_header", "username")

    def __init__(self, username: str, password: str) -> None:
        if not username or not password:
            raise ValueError("basic auth needs both a username and a password")
        self.username = username
        self._header = _basic(username, password)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password='***')"


class ApiKeyAuth(httpx.Auth):
    """Sends an API key in a header, a query parameter or a cookie (OpenAPI ``apiKey``).

    The name is added to the log redaction list, so the key never reaches a log line of
    the package's; a key in the query is kept out of httpx's own log lines too (see
    `_logs.add_url_secret`).
    """

    __slots__ = ("_key", "location", "name")

    def __init__(
        self, key: str, *, name: str, location: Literal["header", "query", "cookie"]
    ) -> None:
        if not key:
            raise ValueError(f"the API key for {location} {name!r} is empty")
        if location not in ("header", "query", "cookie"):
            raise ValueError(f"an API key goes in a header, query or cookie, not {location!r}")
        self._key = key
        self.name = name
        self.location = location
        add_secret_names((name,))
        if location == "query":
            add_url_secret(self, key)  # httpx's own logger writes every request URL

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # Set, never added: a retried request is the same object, already carrying it.
        if self.location == "header":
            request.headers[self.name] = self._key
        elif self.location == "query":
            request.url = request.url.copy_set_param(self.name, self._key)
        else:
            # One Cookie header (RFC 6265 section 5.4), after the operation's own cookies.
            prefix = f"{self.name}="
            pairs = [
                pair
                for pair in request.headers.get("Cookie", "").split("; ")
                if pair and not pair.startswith(prefix)
            ]
            request.headers["Cookie"] = "; ".join([*pairs, prefix + self._key])
        yield request

    def __repr__(self) -> str:
        return f"ApiKeyAuth(name={self.name!r}, location={self.location!r}, key='***')"


class OAuth2ClientCredentials(httpx.Auth):
    """OAuth2 client credentials (RFC 6749 section 4.4): a bearer token from ``token_url``.

    The token request goes through the same httpx client as the call (its transport,
    proxies and limits): ``POST token_url`` with ``grant_type=client_credentials`` (and
    ``scope``, space-separated, when the operation's requirement lists scopes), the client
    id and secret as HTTP Basic. Each scope set's token is cached until
    `TOKEN_EXPIRY_SKEW` seconds before ``expires_in`` (no ``expires_in``: until a 401).
    A 401 answer drops the token, fetches a new one and sends the request once more.

    Thread-safe (one token request at a time in the sync client) and task-safe (in the
    async client, concurrent tasks that need a token wait for one request). Neither the
    secret nor a token appears in a repr, an error message or a log line.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        token_url: str | httpx.URL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not client_id or not client_secret:
            raise ValueError("OAuth2 client credentials need both a client id and a secret")
        self.client_id = client_id
        self.token_url = httpx.URL(token_url)
        self._basic = _basic(client_id, client_secret)
        self._clock = clock
        self._tokens: dict[tuple[str, ...], tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._async_lock: anyio.Lock | None = None
        self.token_requests = 0
        """How many token requests this object has sent (for tests and diagnostics)."""

    def with_scopes(self, scopes: Sequence[str]) -> httpx.Auth:
        """An authenticator asking for ``scopes`` and sharing this one's token cache."""
        return _Scoped(self, tuple(sorted(set(scopes))))

    def __repr__(self) -> str:
        return f"OAuth2ClientCredentials(client_id={self.client_id!r}, token_url={str(self.token_url)!r})"

    # httpx drives these two; the request flow is the same, only the I/O differs.

    def sync_auth_flow(
        self, request: httpx.Request, scopes: tuple[str, ...] = ()
    ) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._cached(scopes)
        if token is None:
            with self._lock:
                token = self._cached(scopes)
                if token is None:
                    response = yield self._token_request(request, scopes)
                    token = self._store(scopes, response, _read_sync(response))
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        with self._lock:
            fresh = self._drop(scopes, token)
            if fresh is None:
                answer = yield self._token_request(request, scopes)
                fresh = self._store(scopes, answer, _read_sync(answer))
        request.headers["Authorization"] = f"Bearer {fresh}"
        yield request

    async def async_auth_flow(
        self, request: httpx.Request, scopes: tuple[str, ...] = ()
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self._cached(scopes)
        if token is None:
            async with self._get_async_lock():
                token = self._cached(scopes)
                if token is None:
                    response = yield self._token_request(request, scopes)
                    token = self._store(scopes, response, await _read_async(response))
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        async with self._get_async_lock():
            fresh = self._drop(scopes, token)
            if fresh is None:
                answer = yield self._token_request(request, scopes)
                fresh = self._store(scopes, answer, await _read_async(answer))
        request.headers["Authorization"] = f"Bearer {fresh}"
        yield request

    def _get_async_lock(self) -> anyio.Lock:
        if self._async_lock is None:
            import anyio  # here: sync-only users never load it

            with self._lock:
                if self._async_lock is None:
                    self._async_lock = anyio.Lock()
        return self._async_lock

    def _cached(self, scopes: tuple[str, ...]) -> str | None:
        entry = self._tokens.get(scopes)
        if entry is None or self._clock() >= entry[1]:
            return None
        return entry[0]

    def _drop(self, scopes: tuple[str, ...], rejected: str) -> str | None:
        """Forget ``rejected``; a newer token another caller fetched meanwhile, if any."""
        entry = self._tokens.get(scopes)
        if entry is not None and entry[0] != rejected and self._clock() < entry[1]:
            return entry[0]
        self._tokens.pop(scopes, None)
        return None

    def _token_request(self, request: httpx.Request, scopes: tuple[str, ...]) -> httpx.Request:
        self.token_requests += 1
        form = {"grant_type": "client_credentials"}
        if scopes:
            form["scope"] = " ".join(scopes)
        return httpx.Request(
            "POST",
            self.token_url,
            headers={
                "Authorization": self._basic,
                "Accept": "application/json",
                "User-Agent": request.headers.get("User-Agent", "python-httpx"),
            },
            data=form,
            extensions={"timeout": dict(request.extensions.get("timeout") or {})},
        )

    def _store(self, scopes: tuple[str, ...], response: httpx.Response, body: bytes) -> str:
        if response.status_code >= 400:
            error = status_error_class(response.status_code)
            # The token endpoint's own error (RFC 6749 section 5.2); never the secret.
            raise error(
                f"the OAuth2 token endpoint answered HTTP {response.status_code}"
                + _oauth_error(body),
                response=response,
                body=None,
            )
        try:
            data = json.loads(body)
            token = data["access_token"]
            if not isinstance(token, str) or not token:
                raise TypeError
        except (ValueError, TypeError, KeyError):
            raise APIResponseValidationError(
                response=response,
                body=None,
                message="the OAuth2 token endpoint's answer holds no access_token",
            ) from None
        expires_in = data.get("expires_in")
        now = self._clock()
        if isinstance(expires_in, int | float) and not isinstance(expires_in, bool):
            lifetime = max(float(expires_in), 0.0)
            expires_at = now + lifetime - min(TOKEN_EXPIRY_SKEW, lifetime / 2)
        else:
            expires_at = float("inf")  # no lifetime given: used until the server says 401
        self._tokens[scopes] = (token, expires_at)
        return token


class _Scoped(httpx.Auth):
    """`OAuth2ClientCredentials` asking for one requirement's scopes."""

    def __init__(self, parent: OAuth2ClientCredentials, scopes: tuple[str, ...]) -> None:
        self._parent = parent
        self._scopes = scopes

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        return self._parent.sync_auth_flow(request, self._scopes)

    def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        return self._parent.async_auth_flow(request, self._scopes)

    def __repr__(self) -> str:
        return f"{self._parent!r}.with_scopes({list(self._scopes)!r})"


class _AllOf(httpx.Auth):
    """Several schemes one requirement needs together (``{api_key: [], app_id: []}``):
    every one but the last only sets its credential; the last runs its whole flow (an
    OAuth2 token fetch is always put last)."""

    def __init__(self, auths: Sequence[httpx.Auth]) -> None:
        self._first = tuple(auths[:-1])
        self._last = auths[-1]

    def _apply_first(self, request: httpx.Request) -> None:
        for auth in self._first:
            next(auth.sync_auth_flow(request))

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        self._apply_first(request)
        yield from self._last.sync_auth_flow(request)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        self._apply_first(request)
        flow = self._last.async_auth_flow(request)
        step = await flow.__anext__()
        while True:
            response = yield step
            try:
                step = await flow.asend(response)
            except StopAsyncIteration:
                return

    def __repr__(self) -> str:
        return f"_AllOf({[*self._first, self._last]!r})"


@dataclass(frozen=True, slots=True)
class SchemeSpec:
    """One security scheme as the generated client declares it.

    ``credentials`` are ``(argument, environment variable)`` pairs, all needed;
    ``location``/``parameter`` are an api key's; ``token_url`` an OAuth2 scheme's;
    ``lifetime_seconds`` a service-account JWT's; ``access_token`` the pair of a ready
    token that meets a client-credentials scheme instead of ``credentials`` (see
    `build_security` for which wins when both are given).
    """

    name: str
    kind: SchemeKind
    credentials: tuple[tuple[str, str], ...]
    location: Literal["header", "query", "cookie", ""] = ""
    parameter: str = ""
    token_url: str = ""
    lifetime_seconds: int | None = None
    access_token: tuple[str, str] | None = None

    @property
    def ways(self) -> tuple[tuple[tuple[str, str], ...], ...]:
        """Each set of ``(argument, variable)`` pairs that meets the scheme on its own."""
        if self.access_token is None:
            return (self.credentials,)
        return (self.credentials, (self.access_token,))


class Security:
    """The credentials a client was given, and the spec's default requirements.

    `auth_for` answers, for one operation, the `httpx.Auth` its first satisfiable
    requirement alternative needs (``None``: it needs none), remembered per operation.
    """

    def __init__(
        self,
        given: Mapping[str, httpx.Auth],
        default: tuple[Requirement, ...],
        schemes: Sequence[SchemeSpec],
    ) -> None:
        self._given = dict(given)
        self._default = default
        self._schemes = {scheme.name: scheme for scheme in schemes}
        # Operations compare by identity (module-level constants): a cheap key.
        self._chosen: dict[Operation, httpx.Auth | None] = {}

    @property
    def schemes(self) -> frozenset[str]:
        """The names of the schemes whose credentials were given."""
        return frozenset(self._given)

    def auth_for(self, operation: Operation) -> httpx.Auth | None:
        """The authenticator for ``operation`` (`MissingCredentialsError` when no
        requirement alternative can be met from the credentials given)."""
        try:
            return self._chosen[operation]
        except KeyError:
            pass
        requirements = self._default if operation.security is None else operation.security
        what = operation.operation_id or f"{operation.method} {operation.path}"
        auth = self.choose(requirements, what)
        self._chosen[operation] = auth
        return auth

    def choose(self, requirements: tuple[Requirement, ...], what: str) -> httpx.Auth | None:
        """The authenticator of the first alternative of ``requirements`` that can be met."""
        if not requirements:
            return None
        for requirement in requirements:
            if all(name in self._given for name, _ in requirement):
                auths = [self._scoped(name, scopes) for name, scopes in requirement]
                if not auths:
                    return None
                # A token fetch runs its whole flow: last (see _AllOf).
                auths.sort(key=lambda auth: isinstance(auth, OAuth2ClientCredentials | _Scoped))
                return auths[0] if len(auths) == 1 else _AllOf(auths)
        raise MissingCredentialsError(f"{what} needs credentials: {self.describe(requirements)}")

    def describe(self, requirements: tuple[Requirement, ...]) -> str:
        """What would satisfy ``requirements``: arguments and variables, never values."""
        options: list[str] = []
        for requirement in requirements:
            # One option per way to meet every scheme of the requirement (a client-
            # credentials scheme has two: client id and secret, or an access token).
            combos: list[list[str]] = [[]]
            for name, _ in requirement:
                scheme = self._schemes.get(name)
                ways = (
                    [[f"scheme {name!r} (not supported by this client)"]]
                    if scheme is None
                    else [[f"{arg}= (or {env})" for arg, env in way] for way in scheme.ways]
                )
                combos = [combo + way for combo in combos for way in ways]
            options.extend(" and ".join(combo) for combo in combos)
        return "pass " + " or ".join(f"[{option}]" for option in options)

    def _scoped(self, name: str, scopes: tuple[str, ...]) -> httpx.Auth:
        auth = self._given[name]
        if scopes and isinstance(auth, OAuth2ClientCredentials):
            return auth.with_scopes(scopes)
        return auth

    def __repr__(self) -> str:
        return f"Security(given={sorted(self._given)!r})"


def build_security(
    schemes: Sequence[SchemeSpec],
    values: Mapping[str, object | None],
    default: tuple[Requirement, ...],
    *,
    server_url: str,
    base_url: str,
) -> Security:
    """The client's `Security` from its constructor ``values`` (by argument name; a
    ``None`` or empty value falls back to the argument's environment variable).

    A scheme is offered when all its credentials are given; one given in part is a
    `MissingConfigurationError` naming what is missing. So is a client given nothing at
    all when every default requirement needs something (no call could succeed).

    A client-credentials scheme is met by its client id and secret or by a ready
    ``access_token``; given both, the token wins, an argument before an environment
    variable: the ``access_token`` argument, else the client id and secret arguments,
    else the access token's variable, else the client id's and secret's.
    ``server_url`` is the spec's server, ``base_url`` the one the client uses: a relative
    ``tokenUrl``, or one under the spec's server, is resolved against ``base_url``.
    """
    given: dict[str, httpx.Auth] = {}
    for scheme in schemes:
        token = _ready_token(scheme, values)
        if token is not None:
            given[scheme.name] = BearerAuth(token)
            continue
        found = {arg: _value(values.get(arg), env) for arg, env in scheme.credentials}
        if all(value is None for value in found.values()):
            continue
        missing = [(arg, env) for arg, env in scheme.credentials if found[arg] is None]
        if missing:
            arg, env = missing[0]
            raise MissingConfigurationError(
                f"{arg} is required with "
                + ", ".join(a for a, _ in scheme.credentials if a != arg)
                + f": pass {arg}=... or set the {env} environment variable"
            )
        given[scheme.name] = _make(
            scheme, [found[arg] for arg, _ in scheme.credentials], server_url, base_url
        )
    security = Security(given, default, schemes)
    if not given and default and all(requirement for requirement in default):
        first = next((s for name, _ in default[0] if (s := security._schemes.get(name))), None)
        if first is not None and len(default) == 1 and len(first.ways) == 1:
            arg, env = first.credentials[0]
            raise MissingConfigurationError(
                f"{arg} is required: pass {arg}=... or set the {env} environment variable"
            )
        raise MissingConfigurationError(f"credentials are required: {security.describe(default)}")
    return security


def _ready_token(scheme: SchemeSpec, values: Mapping[str, object | None]) -> str | None:
    """The access token given for a client-credentials scheme, when it wins (see
    `build_security`): its argument, else its variable unless a client id or secret
    argument was given."""
    if scheme.access_token is None:
        return None
    argument, env = scheme.access_token
    value = values.get(argument)
    if value is not None and value != "":
        return str(value)
    if any(values.get(arg) not in (None, "") for arg, _ in scheme.credentials):
        return None
    return os.environ.get(env) or None


def _value(value: object | None, env: str) -> object | None:
    if value is None or value == "":
        return os.environ.get(env) or None
    return value


def _make(scheme: SchemeSpec, values: list[Any], server_url: str, base_url: str) -> httpx.Auth:
    kind = scheme.kind
    if kind in ("bearer", "access-token"):
        return BearerAuth(str(values[0]))
    if kind == "basic":
        return BasicAuth(str(values[0]), str(values[1]))
    if kind == "api-key":
        assert scheme.location  # the generator always sets it for api keys
        return ApiKeyAuth(str(values[0]), name=scheme.parameter, location=scheme.location)
    if kind == "oauth2-client-credentials":
        return OAuth2ClientCredentials(
            str(values[0]),
            str(values[1]),
            token_url=resolve_token_url(scheme.token_url, server_url, base_url),
        )
    # Imported here, by name: PyJWT and cryptography load only when a client needs them,
    # and packages without a service-account scheme do not carry the module at all.
    jwt_auth: Any = importlib.import_module(".jwt_auth", __package__)
    if scheme.lifetime_seconds:
        return jwt_auth.ServiceAccountJWTAuth(values[0], lifetime_seconds=scheme.lifetime_seconds)  # type: ignore[no-any-return]
    return jwt_auth.ServiceAccountJWTAuth(values[0])  # type: ignore[no-any-return]


def resolve_token_url(token_url: str, server_url: str, base_url: str) -> str:
    """Where the token is fetched: ``token_url`` made absolute against the client's base
    URL (the server URL taken as a directory), and moved along with it when the caller
    overrides ``base_url`` and ``token_url`` lies under the spec's own server."""
    server = server_url.rstrip("/")
    base = base_url.rstrip("/")
    if token_url.startswith(server + "/") and base != server:
        return base + token_url[len(server) :]
    return str(httpx.URL(base + "/").join(token_url))


def _basic(username: str, password: str) -> str:
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def _oauth_error(body: bytes) -> str:
    """``: <error>`` from an RFC 6749 error body, when there is one (a code, no secret)."""
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError):
        return ""
    return f": {error}" if isinstance(error, str) and error.isascii() and len(error) < 100 else ""


def _read_sync(response: httpx.Response) -> bytes:
    chunks, size = [], 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_TOKEN_RESPONSE:
                break
            chunks.append(chunk)
    finally:
        response.close()
    # What Response.read() assigns: httpx reads each auth-flow response once more.
    response._content = body = b"".join(chunks)
    return body


async def _read_async(response: httpx.Response) -> bytes:
    chunks, size = [], 0
    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > MAX_TOKEN_RESPONSE:
                break
            chunks.append(chunk)
    finally:
        await response.aclose()
    response._content = body = b"".join(chunks)
    return body
