"""What every provider adapter shares: option checking, credentials, the call, errors.

An adapter says which generated client to build, which method creates a conference,
how the facade's ``name`` maps onto the request, and how the response becomes a
`Conference`. The generated client does the work; the adapter only translates.
Generated packages are imported inside methods, so importing an adapter is cheap.
"""

from __future__ import annotations

import abc
import contextlib
import difflib
import functools
import importlib
import operator
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from .._plan import Plan
from .._result import Conference, JoinInfo
from ..errors import (
    AuthenticationError,
    ConferencingError,
    ConflictError,
    InvalidOptionsError,
    MissingCredentialsError,
    NotFoundError,
    ProviderError,
    RateLimitedError,
    UnavailableError,
    UnsupportedOperationError,
    ValidationError,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .._recording import Recording

__all__ = ["VERBS", "CredentialSpec", "HttpAdapter", "OptionSpec", "ProviderAdapter"]

VERBS: tuple[str, ...] = (
    "create_conference",
    "get_conference",
    "list_conferences",
    "end_conference",
    "list_participants",
    "remove_participant",
    "mute_participant",
    "join_info",
    "list_recordings",
)
"""The facade's verbs, in the order ``confgen providers`` shows them (each has an
``a``-prefixed async twin)."""

Credentials = Mapping[str, Any] | str | os.PathLike[str]
"""What ``credentials=`` takes: the client's keyword arguments as a mapping, or a bare
value for the provider's main credential (Telnyx API key, Voximplant credentials.json)."""


@dataclass(frozen=True, slots=True)
class CredentialSpec:
    """One setting the generated client reads from an argument or the environment, as the
    package's index (``<package>.operations.CREDENTIALS``) describes it."""

    argument: str
    """The generated client's keyword argument (``api_key``)."""
    env: str
    """The environment variable it falls back to (``TELNYX_API_KEY``)."""
    description: str
    required: bool = True
    secret: bool = True
    """Whether the value must never be shown (dry-run output redacts it)."""
    dummy: Callable[[], Any] | None = None
    scheme: str = ""
    """The security scheme it belongs to (``""``: not a credential); the client needs
    every credential of one scheme its requirements accept."""
    """Makes a stand-in value for dry runs (none: the setting is simply left out)."""
    alternative: bool = False
    """Meets its scheme on its own, instead of the scheme's other credentials (an OAuth2
    access token instead of a client id and secret)."""


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """One provider option (a field of the provider's request model)."""

    name: str
    required: bool
    default: Any = None
    """The facade's default, when it fills one (``display_name`` = the name...)."""


class ProviderAdapter(abc.ABC):
    """Turns ``create_conference(provider, name=..., **options)`` into one generated call."""

    name: ClassVar[str]
    """The registry name (``telnyx``)."""
    package: ClassVar[str]
    """The generated package (``confgen_telnyx``): its public index
    (``<package>.operations``) says what the adapter calls and which settings it takes."""
    operation_id: ClassVar[str]
    """The operation that creates a conference, as the spec names it (``createConference``)."""
    name_option: ClassVar[str]
    """The request field the facade's ``name`` fills."""
    credential_arguments: ClassVar[tuple[str, ...] | None] = None
    """The index's settings the facade takes, main credential first (``None``: all of
    them, in the index's order)."""
    dummies: ClassVar[Mapping[str, Callable[[], Any]]] = {}
    """Stand-in values for dry runs, by argument (a setting without one is left out)."""
    base_url_argument: ClassVar[str] = "base_url"
    """The client keyword the facade's ``base_url`` goes to."""
    hidden_fields: ClassVar[frozenset[str]] = frozenset()
    secret_message_fields: ClassVar[Mapping[str, frozenset[str]]] = {}
    """WebSocket message fields that carry a credential, by message ``method`` (dry-run
    output redacts them)."""
    """Request-model fields the client fills itself (message envelopes)."""
    transport: ClassVar[Literal["http", "websocket"]] = "http"
    mappings: ClassVar[Mapping[str, str]] = {}
    """What each verb the provider can do maps to, in a line (``confgen providers``)."""
    list_operation_id: ClassVar[str | None] = None
    """The operation ``list_conferences`` calls: its parameters are the filters."""
    unsupported: ClassVar[Mapping[str, str]] = {}
    """The verbs this provider's API cannot do, each with the reason (shown by
    ``confgen providers`` and carried by `UnsupportedOperationError`)."""

    # ---------------------------------------------------------------- capabilities

    def capabilities(self) -> frozenset[str]:
        """The verbs this provider can do."""
        return frozenset(verb for verb in VERBS if verb not in self.unsupported)

    def require(self, verb: str) -> None:
        """Refuse a verb the provider cannot do, before any I/O or credential check."""
        reason = self.unsupported.get(verb)
        if reason is not None:
            raise UnsupportedOperationError(provider=self.name, operation=verb, reason=reason)

    # ---------------------------------------------------------------- the verbs' plans
    # Each is a plan (`conferencing._plan`): the steps it needs, in order. A verb listed
    # in ``unsupported`` keeps the default, which is never reached (`require` refuses).

    def get_conference(self, conference_id: str) -> Plan[Conference]:
        """The conference ``conference_id``."""
        raise self._not_planned("get_conference")

    def list_conferences(self, filters: Mapping[str, Any]) -> Plan[None]:
        """Emit every conference (`Conference`), across pages."""
        raise self._not_planned("list_conferences")

    def end_conference(self, conference_id: str) -> Plan[None]:
        """End the conference for everyone in it."""
        raise self._not_planned("end_conference")

    def list_participants(self, conference_id: str) -> Plan[None]:
        """Emit every participant (`Participant`)."""
        raise self._not_planned("list_participants")

    def remove_participant(self, conference_id: str, participant_id: str) -> Plan[None]:
        """Take one participant out of the conference."""
        raise self._not_planned("remove_participant")

    def mute_participant(
        self, conference_id: str, participant_id: str, *, muted: bool
    ) -> Plan[None]:
        """Mute (or unmute) one participant's audio."""
        raise self._not_planned("mute_participant")

    def join_info(
        self, conference_id: str, *, participant_name: str | None, client: Any
    ) -> Plan[JoinInfo]:
        """What a participant needs to join (``client``: the client in use, for
        providers whose join link is only known to the connection that created it)."""
        raise self._not_planned("join_info")

    def list_recordings(self, conference_id: str) -> Plan[None]:
        """Emit every recording (`Recording`)."""
        raise self._not_planned("list_recordings")

    def check_filters(self, filters: Mapping[str, Any]) -> None:
        """Refuse ``list_conferences`` filters its list operation does not take, before
        anything is sent (values are checked by the generated method)."""
        if not filters:
            return
        valid: list[str] = []
        if self.list_operation_id is not None:
            models = self.index.operation(self.list_operation_id).request_models()
            valid = sorted({field for model in models for field in model.model_fields})
        unknown = sorted(set(filters) - set(valid))
        if not unknown:
            return
        suggestions = {
            name: close[0]
            for name in unknown
            if (close := difflib.get_close_matches(name, valid, n=1, cutoff=0.6))
        }
        described = ", ".join(
            repr(name) + (f" (did you mean {suggestions[name]!r}?)" if name in suggestions else "")
            for name in unknown
        )
        takes = f"valid filters: {', '.join(valid)}" if valid else "it takes no filters"
        raise InvalidOptionsError(
            f"{self.name} list_conferences does not take {described}; {takes}",
            provider=self.name,
            valid=valid,
            suggestions=suggestions,
        )

    def created(self, client: Any, conference: Conference) -> None:
        """Called after ``client`` created ``conference`` (TrueConf remembers its link)."""
        del client, conference

    def _not_planned(self, verb: str) -> UnsupportedOperationError:
        return UnsupportedOperationError(
            provider=self.name,
            operation=verb,
            reason=self.unsupported.get(verb, "not implemented by this adapter"),
        )

    # ---------------------------------------------------------------- the package's index

    @functools.cached_property
    def index(self) -> ModuleType:
        """The generated package's public index module (``<package>.operations``).

        A client not installed is a `ModuleNotFoundError` naming the extra that brings it
        (``confgen-conferencing[telnyx]``)."""
        try:
            return importlib.import_module(f"{self.package}.operations")
        except ModuleNotFoundError as error:
            if error.name != self.package:
                raise
            raise ModuleNotFoundError(
                f"the {self.name} client ({self.package}) is not installed: "
                f"pip install 'confgen-conferencing[{self.name}]'",
                name=self.package,
            ) from error

    @property
    def title(self) -> str:
        """The API's title, from the index."""
        title: str = self.index.API_TITLE
        return title

    @property
    def operation(self) -> str:
        """The generated method, relative to the client (``conferences.create_conference``)."""
        attribute: str = self.index.operation(self.operation_id).attribute
        return attribute

    @functools.cached_property
    def credentials(self) -> tuple[CredentialSpec, ...]:
        """The client settings the facade fills, as the index describes them."""
        index = self.index
        arguments = self.credential_arguments or tuple(c.argument for c in index.CREDENTIALS)
        specs = []
        for argument in arguments:
            info = index.credential(argument)
            specs.append(
                CredentialSpec(
                    argument=info.argument,
                    env=info.env,
                    description=info.description,
                    required=info.required,
                    secret=info.secret,
                    dummy=self.dummies.get(argument),
                    scheme=info.scheme,
                    alternative=info.alternative,
                )
            )
        return tuple(specs)

    def request_models(self) -> tuple[type[BaseModel], ...]:
        """The generated request models the options are checked against (the index's)."""
        models: tuple[type[BaseModel], ...] = self.index.operation(
            self.operation_id
        ).request_models()
        return models

    # ---------------------------------------------------------------- per provider

    @abc.abstractmethod
    def client_classes(self) -> tuple[type[Any], type[Any]]:
        """The generated ``(sync, async)`` client classes."""

    @abc.abstractmethod
    def conference(self, raw: Any, arguments: Mapping[str, Any]) -> Conference:
        """The normalised result from the generated method's return value."""

    @abc.abstractmethod
    def normalise(self, exc: BaseException) -> ConferencingError | None:
        """The facade error for a generated client's exception (``None``: not ours)."""

    @contextlib.contextmanager
    def normalised_errors(self) -> Iterator[None]:
        """Inside, a generated client's exception leaves as its facade error, chained;
        an exception the adapter does not know leaves unchanged."""
        try:
            yield
        except Exception as exc:
            error = self.normalise(exc)
            if error is None:
                raise
            raise error from exc

    @abc.abstractmethod
    def record(self, arguments: Mapping[str, Any], settings: Mapping[str, Any]) -> Recording:
        """Dry run: what the call would send, recorded from the generated client, sending
        nothing. Recorded as sent: ``conferencing.dry_run`` describes and redacts it."""

    def defaults(self, name: str) -> dict[str, Any]:
        """Options the facade fills when the caller does not (overridable)."""
        del name
        return {}

    # ---------------------------------------------------------------- options

    def options(self, name: str = "<name>") -> list[OptionSpec]:
        """The options this provider takes, required ones first, then alphabetical."""
        defaults = self.defaults(name)
        found = [
            OptionSpec(field, info.is_required() and field not in defaults, defaults.get(field))
            for model in self.request_models()
            for field, info in model.model_fields.items()
            if field not in self.hidden_fields and field != self.name_option
        ]
        return sorted(found, key=lambda option: (not option.required, option.name))

    def arguments(self, name: str, options: Mapping[str, Any]) -> dict[str, Any]:
        """The generated method's keyword arguments; unknown or missing options are an
        `InvalidOptionsError` (values are checked by the generated method, also before
        anything is sent)."""
        known = self.options(name)
        valid = [option.name for option in known]
        if self.name_option in options:
            raise InvalidOptionsError(
                f"{self.name}: give the conference name as name=..., not {self.name_option}=...",
                provider=self.name,
                valid=valid,
            )
        unknown = [option for option in options if option not in valid]
        if unknown:
            # The name field is a candidate too: a misspelt name means the name= argument.
            candidates = {**{option: option for option in valid}, self.name_option: "name"}
            suggestions = {
                option: candidates[close[0]]
                for option in unknown
                if (close := difflib.get_close_matches(option, candidates, n=1, cutoff=0.6))
            }
            described = ", ".join(
                f"{option!r}"
                + (f" (did you mean {suggestions[option]!r}?)" if option in suggestions else "")
                for option in unknown
            )
            noun = "option" if len(unknown) == 1 else "options"
            raise InvalidOptionsError(
                f"{self.name} does not take the {noun} {described}; valid options: "
                f"{', '.join(valid)}",
                provider=self.name,
                valid=valid,
                suggestions=suggestions,
            )
        arguments = {**self.defaults(name), **options, self.name_option: name}
        missing = [
            option.name for option in known if option.required and option.name not in arguments
        ]
        if missing:
            raise InvalidOptionsError(
                f"{self.name} needs the option{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (pass {missing[0]}=...)",
                provider=self.name,
                valid=valid,
            )
        return arguments

    # ---------------------------------------------------------------- clients

    def settings(
        self,
        credentials: Credentials | None,
        base_url: str | None,
        *,
        dummies: bool = False,
    ) -> tuple[dict[str, Any], list[CredentialSpec]]:
        """The client's keyword arguments, and the settings filled with dummies.

        Settings not given are left to the generated client, which reads the
        environment; one that is required and in neither place is a
        `MissingCredentialsError` naming every missing argument and variable (with
        ``dummies``, a dry-run stand-in is used instead).
        """
        given = self._given(credentials)
        settings: dict[str, Any] = dict(given)
        missing: list[CredentialSpec] = []
        needed = self._scheme_needed(given)
        for spec in self.credentials:
            if spec.argument in given or os.environ.get(spec.env):
                continue
            if spec.required or spec.argument in needed or (dummies and spec.dummy is not None):
                missing.append(spec)
        dummied: list[CredentialSpec] = []
        if missing and dummies:
            for spec in missing:
                if spec.dummy is not None:
                    settings[spec.argument] = spec.dummy()
                    dummied.append(spec)
            missing = [
                spec
                for spec in missing
                if spec.dummy is None and (spec.required or spec.argument in needed)
            ]
        if missing:
            names = ", ".join(
                f"{spec.argument} (environment variable {spec.env})" for spec in missing
            )
            example = ", ".join(f"{spec.argument!r}: ..." for spec in missing)
            raise MissingCredentialsError(
                f"{self.name} needs credentials that were not given: {names}. Set the "
                f"environment variable{'s' if len(missing) > 1 else ''} or pass "
                f"credentials={{{example}}}",
                provider=self.name,
                missing=[(spec.argument, spec.env) for spec in missing],
            )
        if base_url is not None:
            settings[self.base_url_argument] = base_url
        return settings, dummied

    def _scheme_needed(self, given: Mapping[str, Any]) -> set[str]:
        """When the client takes one of several schemes (Telnyx: an API key or OAuth2)
        and none is complete: the arguments of the one begun, else of the first."""
        # One entry per way to meet a scheme (a ready access token is a way of its own).
        schemes: dict[tuple[str, bool], list[CredentialSpec]] = {}
        for spec in self.credentials:
            if spec.scheme:
                schemes.setdefault((spec.scheme, spec.alternative), []).append(spec)

        def has(spec: CredentialSpec) -> bool:
            return spec.argument in given or bool(os.environ.get(spec.env))

        if not schemes or any(all(has(s) for s in specs) for specs in schemes.values()):
            return set()
        begun = [specs for specs in schemes.values() if any(has(s) for s in specs)]
        chosen = begun[0] if begun else next(iter(schemes.values()))
        return {spec.argument for spec in chosen}

    def _given(self, credentials: Credentials | None) -> dict[str, Any]:
        if credentials is None:
            return {}
        arguments = {spec.argument for spec in self.credentials}
        if isinstance(credentials, Mapping) and credentials and set(credentials) <= arguments:
            return {key: value for key, value in credentials.items() if value is not None}
        # A bare value is the main credential (the first one listed).
        return {self.credentials[0].argument: credentials}

    def new_client(self, settings: Mapping[str, Any], *, asynchronous: bool) -> Any:
        """A generated client built from ``settings`` (no I/O)."""
        sync_class, async_class = self.client_classes()
        with self.normalised_errors():
            return (async_class if asynchronous else sync_class)(**settings)

    def check_client(
        self, client: object, *, asynchronous: bool, verb: str = "create_conference"
    ) -> None:
        """Refuse a client of the wrong provider or kind (sync vs async) with a TypeError."""
        sync_class, async_class = self.client_classes()
        wanted, other = (async_class, sync_class) if asynchronous else (sync_class, async_class)
        if isinstance(client, wanted):
            return
        function = f"a{verb}" if asynchronous else verb
        hint = ""
        if isinstance(client, other):
            hint = f"; use {verb if asynchronous else 'a' + verb} for a {other.__name__}"
        raise TypeError(
            f"{function}({self.name!r}, client=...) needs a {wanted.__module__.rsplit('.', 1)[0]}."
            f"{wanted.__name__}, got {type(client).__name__}{hint}"
        )

    def method(self, client: Any) -> Callable[..., Any]:
        """The bound generated method that creates a conference."""
        method: Callable[..., Any] = operator.attrgetter(self.operation)(client)
        return method

    def close(self, client: Any) -> None:
        """Close a client the facade built."""
        client.close()

    async def aclose(self, client: Any) -> None:
        """Close an async client the facade built."""
        await client.close()


def _body_message(body: object) -> str | None:
    """The provider's own words from an error body (model or decoded JSON), if any.

    Shapes: ``{"error": "text"}``, ``{"error": {"msg"|"message": ...}}``, ``{"errors":
    [{"detail"|"message"|"title"|"msg": ...}, ...]}`` (the first entry).
    """
    if hasattr(body, "model_dump"):
        body = body.model_dump(mode="json", by_alias=True)
    if not isinstance(body, Mapping):
        return body if isinstance(body, str) and body else None
    entry: object = body.get("error")
    if not entry:
        errors = body.get("errors")
        entry = errors[0] if isinstance(errors, list) and errors else None
    if isinstance(entry, str):
        return entry or None
    if isinstance(entry, Mapping):
        for key in ("detail", "message", "msg", "title"):
            value = entry.get(key)
            if isinstance(value, str) and value:
                return value
    return None


class HttpAdapter(ProviderAdapter):
    """An adapter over a generated HTTP package (the shared runtime's error tree)."""

    client_class: ClassVar[str]
    """Its sync client class (public, from the manifest); the async one is ``Async`` + this."""

    def client_classes(self) -> tuple[type[Any], type[Any]]:
        package = importlib.import_module(self.package)
        return getattr(package, self.client_class), getattr(package, "Async" + self.client_class)

    def normalise(self, exc: BaseException) -> ConferencingError | None:
        errors = importlib.import_module(f"{self.package}.errors")
        provider = self.name
        if isinstance(exc, errors.RequestValidationError):
            return InvalidOptionsError(str(exc), provider=provider)
        if isinstance(exc, errors.MissingConfigurationError):
            return MissingCredentialsError(str(exc), provider=provider, missing=())
        if isinstance(exc, errors.APITimeoutError):
            return UnavailableError("the server did not answer in time", provider=provider)
        if isinstance(exc, errors.APIConnectionError):
            return UnavailableError(f"cannot reach the server: {exc.message}", provider=provider)
        if isinstance(exc, errors.APIStatusError):
            status: int = exc.status_code
            message = _body_message(exc.body) or exc.message
            error_class = self.status_error_class(status, exc.code)
            return error_class(message, provider=provider, status_code=status, code=exc.code)
        if isinstance(exc, errors.APIResponseValidationError):
            return ProviderError(
                f"unexpected response body: {exc.message}",
                provider=provider,
                status_code=exc.status_code,
            )
        if isinstance(exc, errors.APIError):
            return ProviderError(exc.message, provider=provider)
        return None

    def record(self, arguments: Mapping[str, Any], settings: Mapping[str, Any]) -> Recording:
        import httpx

        from .._recording import Recorded, Recording, RecordingTransport

        transport = RecordingTransport()
        with httpx.Client(transport=transport) as http:
            client = self.new_client(
                {**settings, "http_client": http, "max_retries": 0}, asynchronous=False
            )
            try:
                with self.normalised_errors(), contextlib.suppress(Recorded):
                    self.method(client)(**arguments)
            finally:
                client.close()
        requests = transport.requests
        target = str(requests[0].url) if requests else str(client.base_url)
        return Recording(target, requests=list(requests))

    def status_error_class(self, status: int, code: int | str | None) -> type[ConferencingError]:
        """The facade error for an error response (override for provider codes)."""
        del code
        if status in (401, 403):
            return AuthenticationError
        if status in (400, 422):
            return ValidationError
        if status == 404:
            return NotFoundError
        if status == 409:
            return ConflictError
        if status == 429:
            return RateLimitedError
        if status >= 500:
            return UnavailableError
        return ProviderError
