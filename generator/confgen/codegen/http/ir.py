"""The intermediate representation between a spec and the templates.

Small and flat on purpose: the templates only read these fields, and `load` is the one
place that knows OpenAPI. Every tuple is in a deterministic order (the spec's, or
sorted where the spec gives none), so rendering is a pure function of the IR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from confgen.codegen.annotations import TypedDictSpec
from confgen.codegen.diagnostics import Diagnostic

ParameterLocation = Literal["path", "query", "header", "cookie", "body"]


@dataclass(frozen=True)
class Parameter:
    """One keyword argument of a generated method."""

    name: str
    """The Python keyword (escaped: ``from_``)."""
    wire_name: str
    """The name on the wire (``from``)."""
    location: ParameterLocation
    required: bool
    annotation: str
    """The type in the method signature (without ``| NotGiven``)."""
    description: str
    example: Any
    """A value to show in the README (from the spec's examples, else a placeholder)."""
    has_example: bool
    """Whether ``example`` comes from the spec rather than a placeholder."""
    style: str = ""
    """OpenAPI ``style`` (its default for the location when the spec gives none:
    ``form`` for query and cookie, ``simple`` for path and header; ``""`` for body)."""
    explode: bool = False
    """OpenAPI ``explode`` (default: true for ``form``, false otherwise)."""
    allow_reserved: bool = False
    """OpenAPI ``allowReserved`` (query only)."""
    deprecated: bool = False
    """``deprecated: true``: giving it warns (`DeprecationWarning`)."""

    @property
    def default_style(self) -> bool:
        """Whether the parameter is serialised as its location's default (nothing to declare)."""
        if self.location == "body":
            return True
        default = "form" if self.location in ("query", "cookie") else "simple"
        return (self.style, self.explode, self.allow_reserved) == (
            default,
            default == "form",
            False,
        )


@dataclass(frozen=True)
class ErrorModel:
    """The model an error body decodes into, for one status key."""

    status: str
    """``"404"``, ``"4XX"`` or ``"default"``."""
    model: str


@dataclass(frozen=True)
class Pagination:
    """How a list operation's next page is asked for (see the runtime's `_pagination`).

    Every path is a tuple of JSON keys: ``items`` in the body, ``param`` in the query
    (``("page", "number")`` is ``page[number]``), ``total_pages``/``cursor``/``next``
    in the body.
    """

    kind: str
    """``page-number``, ``offset``, ``cursor``, ``next-link`` or ``link-header``."""
    items: tuple[str, ...]
    param: tuple[str, ...] = ()
    total_pages: tuple[str, ...] | None = None
    cursor: tuple[str, ...] | None = None
    next: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SessionUrl:
    """``x-confgen-session-url``: the success body holds the URL of the session the call
    started (Voximplant ``media_session_access_url``); the client gets a method ``name``
    that returns it as a `SessionURL` of the runtime."""

    name: str
    """The client method's name (``media_session``)."""
    url: str
    """Wire name of the plain URL field."""
    secure_url: str | None = None
    """Wire name of the HTTPS URL field, when the body has one."""


@dataclass(frozen=True)
class Operation:
    """One API operation: a method on a resource."""

    operation_id: str
    name: str
    """The Python method name (snake_case of the operationId)."""
    resource: str
    http_method: str
    """Upper case: ``POST``."""
    path: str
    summary: str
    description: str
    pointer: str
    """JSON pointer of the operation in the spec (for messages)."""
    parameters: tuple[Parameter, ...]
    """Required first, then optional, each in spec order."""
    params_model: str | None
    """Strict request model of the path/query/header parameters."""
    body_model: str | None
    """Strict request model of the body (its properties are the body arguments)."""
    body_content_type: str | None
    body_style: str
    """``fields`` (one argument per body property), ``single`` (one ``body`` argument
    holding the whole JSON body) or ``raw`` (``body`` bytes/str sent as is)."""
    response_model: str | None
    """Lenient model of the success body (``None``: no JSON body)."""
    error_models: tuple[ErrorModel, ...]
    retry_mode: str | None
    """``x-confgen-retry.mode``; ``None`` lets the runtime pick the method's default."""
    idempotency_key: tuple[str, str] | None
    """``(location, wire_name)`` of the key that retry mode ``idempotency-key`` fills."""
    mutually_exclusive: tuple[tuple[str, ...], ...]
    """Groups of wire names of which at most one may be given."""
    pagination: Pagination | None = None
    """How to fetch the next page (``x-confgen-pagination``, or detected); ``None``: not a list."""
    item_model: str | None = None
    """The class of one item of a paginated list (``None``: untyped items)."""
    accept: str | None = None
    """The ``Accept`` header when the success responses are not JSON (their media types)."""
    multipart_encoding: tuple[tuple[str, str], ...] = ()
    """``(field, content type)`` from a multipart body's ``encoding``."""
    form_encoding: tuple[tuple[str, str, bool, bool], ...] = ()
    """``(field, style, explode, allowReserved)`` from a form body's ``encoding``, for
    the fields that do not use the default (``form``, exploded)."""
    deprecated: bool = False
    """``deprecated: true``: calling it warns (`DeprecationWarning`)."""
    session_url: SessionUrl | None = None
    """The session control URL the success body holds (``x-confgen-session-url``)."""
    response_kind: str = "json"
    """``json`` (the response model, or ``None``), ``binary`` (``BinaryResponse``),
    ``text`` (``str``) or ``event-stream`` (a `Stream` of events whose ``data`` is
    ``response_model``, or ``str`` when it is ``None``): how a success body is returned."""
    security: tuple[Requirement, ...] | None = None
    """The operation's own ``security`` alternatives (``()``: ``security: []``, send
    nothing); ``None``: the document's (`Auth.default`)."""

    @property
    def constant_name(self) -> str:
        """The module-level name of the operation's runtime descriptor."""
        # Never two leading underscores: inside a class body that name would be mangled.
        return ("_OP" if self.name.startswith("_") else "_") + self.name.upper()

    def by_location(self, location: ParameterLocation) -> tuple[Parameter, ...]:
        """The parameters that travel in ``location``."""
        return tuple(p for p in self.parameters if p.location == location)


@dataclass(frozen=True)
class Resource:
    """A client attribute (``client.scenarios``) grouping the operations of one tag."""

    name: str
    class_name: str
    """``Scenarios``: the resource classes are ``ScenariosResource`` and ``AsyncScenariosResource``."""
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class Credential:
    """A constructor argument that carries a secret, and its environment variable."""

    argument: str
    env: str
    description: str = "A credential."
    annotation: str = "str"
    """The argument's type (without ``| None``)."""


SchemeKind = Literal[
    "bearer",
    "basic",
    "api-key",
    "oauth2-client-credentials",
    "access-token",
    "service-account-jwt",
]
"""``access-token``: an OAuth2 scheme without a client-credentials flow (authorization
code, implicit, password, device) or OpenID Connect: the caller gives a token it holds."""


@dataclass(frozen=True)
class SecurityScheme:
    """One ``components.securitySchemes`` entry the client can satisfy."""

    name: str
    """The scheme's name in the spec (what requirements refer to)."""
    kind: SchemeKind
    credentials: tuple[Credential, ...]
    """Every one must be given (argument or environment) for the scheme to be usable."""
    location: str = ""
    """``api-key``: ``header``, ``query`` or ``cookie``."""
    parameter: str = ""
    """``api-key``: the header, query parameter or cookie name."""
    token_url: str = ""
    """``oauth2-client-credentials``: the token endpoint (may be relative to the server)."""
    lifetime_seconds: int | None = None
    """``service-account-jwt``: the JWT lifetime."""
    access_token: Credential | None = None
    """``oauth2-client-credentials``: a ready access token that meets the scheme instead
    of ``credentials`` (it wins when both are given; never refreshed)."""

    @property
    def arguments(self) -> tuple[Credential, ...]:
        """Every constructor argument of the scheme: ``credentials``, then ``access_token``."""
        return self.credentials + ((self.access_token,) if self.access_token else ())


Requirement = tuple[tuple[str, tuple[str, ...]], ...]
"""One security requirement: ``(scheme name, scopes)`` pairs, all needed together;
``()`` is the empty requirement (no credentials)."""


@dataclass(frozen=True)
class Auth:
    """How the client authenticates: the schemes it takes, and the spec's global
    requirement alternatives (`Operation.security` overrides them per operation)."""

    schemes: tuple[SecurityScheme, ...] = ()
    default: tuple[Requirement, ...] = ()
    """The document's ``security``: alternatives, any one of which is enough."""

    @property
    def credentials(self) -> tuple[Credential, ...]:
        """Every credential argument, scheme by scheme (`SecurityScheme.arguments`)."""
        return tuple(c for scheme in self.schemes for c in scheme.arguments)

    def has(self, kind: str) -> bool:
        """Whether a scheme of ``kind`` is offered."""
        return any(scheme.kind == kind for scheme in self.schemes)


@dataclass(frozen=True)
class ServerVariable:
    """A ``{name}`` in the server URL, filled from a required constructor argument."""

    name: str
    argument: str
    env: str
    description: str


@dataclass(frozen=True)
class Api:
    """Everything one generated package is made from."""

    package: str
    """The Python package name (last component: ``telnyx``)."""
    client_class: str
    title: str
    description: str
    spec_source: str
    """The spec path as it appears in file headers (stable: relative, forward slashes)."""
    base_url: str
    """The server URL, with ``{name}`` for each server variable; ``""`` when the spec
    gives none (or only a relative one): the client then requires ``base_url``."""
    server_variables: tuple[ServerVariable, ...]
    auth: Auth
    resources: tuple[Resource, ...]
    body_errors: tuple[tuple[str, ...], str] | None
    """``(keys, model)`` from ``x-confgen-body-errors``."""
    request_schemas: dict[str, Any] = field(default_factory=dict)
    """Schemas for the strict request module (component closure plus synthesized)."""
    response_schemas: dict[str, Any] = field(default_factory=dict)
    """Schemas for the lenient public models module."""
    skipped: tuple[Diagnostic, ...] = ()
    """What was left out (only when loaded with ``strict=False``; strict loads raise)."""
    strict: bool = True
    """Whether the spec was loaded strictly (later stages skip what they cannot render
    when it was not, and add it to ``skipped``)."""
    renamed: tuple[Diagnostic, ...] = ()
    """Names changed to avoid a collision (``strict=False`` only): generated, but renamed."""
    server_path: str = ""
    """A relative ``servers[0].url`` (``/v2``): appended to a ``base_url`` that is an
    origin only (``https://host``); a ``base_url`` with a path is used as it is."""
    typed_dicts: tuple[TypedDictSpec, ...] = ()
    """The ``TypedDict``s of the ``params`` module (nested request objects), by name."""
    version: str = "0"
    """The spec's ``info.version`` as a header token; with the generator's, the package's
    version (`confgen.codegen.project.package_version`, sent in the ``User-Agent``)."""

    @property
    def operations(self) -> tuple[Operation, ...]:
        """Every operation, resource by resource."""
        return tuple(op for resource in self.resources for op in resource.operations)

    @property
    def env_prefix(self) -> str:
        """``TELNYX``: the prefix of default environment variable names."""
        return self.package.upper()
