"""`Operation`: what the generator knows about one endpoint, precomputed once."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Literal

from ._params import ParamStyle, encode_path
from ._retry import RetryMode, default_retry_mode

if TYPE_CHECKING:
    from pydantic import BaseModel


__all__ = ["ErrorModels", "KeyLocation", "Operation", "Pagination"]

KeyLocation = Literal["body", "header", "query"]
"""Where an operation's idempotency key travels."""

ErrorModels = Mapping["int | str", "type[BaseModel]"]
"""Error body models by status: an exact ``int``, ``"4XX"``/``"5XX"``, or ``"default"``."""

_PLACEHOLDER: Final = re.compile(r"\{([^{}]+)\}")
_EMPTY_MODELS: Final[Mapping[int | str, type[BaseModel]]] = MappingProxyType({})
_NO_STYLES: Final[Mapping[str, ParamStyle]] = MappingProxyType({})
_SIMPLE: Final = ParamStyle("simple", False)


@dataclass(frozen=True, slots=True)
class Pagination:
    """One operation's pagination scheme; every path is a tuple of JSON keys.

    - ``items``: where the items are in the body (``("data",)``; ``()``: the body).
    - ``param``: the query parameter to set (``("page", "number")`` is ``page[number]``
      of a deepObject ``page``; ``("offset",)``).
    - ``total_pages``: (page-number) where the number of pages is.
    - ``cursor``: (cursor) where the next cursor is; ``next``: (next-link) the next URL.
    - ``start``: (page-number) the first page's number when the call gives none.
    """

    kind: Literal["page-number", "offset", "cursor", "next-link", "link-header"]
    items: tuple[str, ...] = ("data",)
    param: tuple[str, ...] = ()
    total_pages: tuple[str, ...] | None = None
    cursor: tuple[str, ...] | None = None
    next: tuple[str, ...] | None = None
    start: int = 1


# eq=False: operations are module-level constants, compared (and hashed) by identity.
@dataclass(frozen=True, slots=True, eq=False)
class Operation:
    """One API operation, as the generated code declares it at module level.

    - ``retry``: the overlay's retry mode; ``None`` picks the default for ``method``
      (GET/HEAD/PUT/DELETE/OPTIONS idempotent, POST/PATCH unprocessed).
    - ``idempotency_key``: ``(location, wire_name)`` of the key that mode
      ``"idempotency-key"`` fills with a fresh UUID4 when the caller gave none.
    - ``body_errors``: keys of a JSON object body that make it an error whatever the
      HTTP status; ``None`` inherits the client's ``body_errors``, ``()`` turns it off.
    - ``error_models``: models to decode error bodies with (exact status, then
      ``"4XX"``/``"5XX"``, then ``"default"``); or a function returning them, called
      at the first error (generated code passes one, so that importing a resource
      builds no error model class).
    - ``query_styles``, ``path_styles``, ``header_styles``, ``cookie_styles``: the
      OpenAPI ``style``/``explode``/``allowReserved`` of each parameter (by wire name)
      that does not use its location's default (query/cookie ``form`` exploded,
      path/header ``simple``); see `_params`.
    """

    method: str
    path: str
    retry: RetryMode | None = None
    idempotency_key: tuple[KeyLocation, str] | None = None
    body_errors: tuple[str, ...] | None = None
    error_models: (
        Mapping[int | str, type[BaseModel]] | Callable[[], Mapping[int | str, type[BaseModel]]]
    ) = field(default_factory=lambda: _EMPTY_MODELS)
    query_styles: Mapping[str, ParamStyle] = field(default_factory=lambda: _NO_STYLES)
    path_styles: Mapping[str, ParamStyle] = field(default_factory=lambda: _NO_STYLES)
    header_styles: Mapping[str, ParamStyle] = field(default_factory=lambda: _NO_STYLES)
    cookie_styles: Mapping[str, ParamStyle] = field(default_factory=lambda: _NO_STYLES)
    form_styles: Mapping[str, ParamStyle] = field(default_factory=lambda: _NO_STYLES)
    """A form body's fields' ``encoding`` styles (serialised as query parameters are)."""
    pagination: Pagination | None = None
    """How a list operation's next page is asked for (`SyncPage`/`AsyncPage`)."""
    accept: str | None = None
    """The ``Accept`` header: the success media types, when not JSON."""
    response_kind: Literal["json", "binary", "text", "event-stream"] = "json"
    """How a success body is returned: parsed JSON, `BinaryResponse`, ``str``, or (an
    event stream) a `Stream` of `ServerSentEvent`."""
    operation_id: str = ""
    """The spec's ``operationId`` (names the operation in errors and log lines)."""
    security: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...] | None = None
    """The operation's own security requirement alternatives (``()``: none needed);
    ``None``: the API's default ones (see `_auth.Security`)."""
    retry_mode: RetryMode = field(init=False)
    """The effective retry mode (``retry`` or the method's default)."""
    _path_parts: tuple[str, ...] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        method = self.method.upper()
        mode = self.retry or default_retry_mode(method)
        if mode == "idempotency-key" and self.idempotency_key is None:
            raise ValueError(
                f"{method} {self.path}: retry mode 'idempotency-key' needs idempotency_key"
            )
        # Split "/a/{id}/b" once into ("/a/", "id", "/b"): odd indexes are parameter
        # names, so rendering is one join and no regex at call time.
        parts = tuple(_PLACEHOLDER.split(self.path))
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "retry_mode", mode)
        object.__setattr__(self, "_path_parts", parts if len(parts) > 1 else None)

    def render_path(self, path_params: Mapping[str, object] | None) -> str:
        """The path with each ``{name}`` replaced by its value in the parameter's style
        (``simple`` unless ``path_styles`` says otherwise), percent-encoded."""
        parts = self._path_parts
        if parts is None:
            return self.path
        if path_params is None:
            path_params = {}
        rendered = list(parts)
        for index in range(1, len(parts), 2):
            name = parts[index]
            try:
                value = path_params[name]
            except KeyError:
                raise ValueError(
                    f"{self.method} {self.path}: missing path parameter {name!r}"
                ) from None
            # Percent-encoded, so a "/" or "?" in a value cannot change which resource is hit.
            rendered[index] = encode_path(name, value, self.path_styles.get(name, _SIMPLE))
        return "".join(rendered)

    def error_model(self, status: int) -> type[BaseModel] | None:
        """The model for an error body with this status, if the operation has one."""
        models = self.error_models
        if callable(models):
            models = models()
            object.__setattr__(self, "error_models", models)  # called once
        if not models:
            return None
        return models.get(status) or models.get(f"{status // 100}XX") or models.get("default")
