"""Lenient response parsing: a body the server answered with success is never refused.

A success body is first validated as usual (fast, from bytes). Only when that fails —
a required field missing, a value of the wrong scalar type, an object that matches no
``oneOf``/``anyOf`` variant or carries an unknown discriminator tag — is it rebuilt
here, field by field:

- a field that validates on its own is typed as usual;
- an object under a model-typed field is rebuilt the same way (recursively, and item by
  item in lists and maps), so typed access keeps working below a bad value;
- a missing required field reads as ``None``; anything else that does not fit (a wrong
  scalar, an unknown variant) is kept as the JSON value received (a ``str``, ``dict``...);
- unknown fields stay in ``model_extra`` as always.

The models are built with ``model_construct`` (no second validation), and each value
kept this way is one ``DEBUG`` line on the client's logger (``<package>``) naming the
operation and the JSON path (``$.data.lines[0]``). ``strict_responses=True`` on the
client (or ``<PACKAGE>_STRICT_RESPONSES=1``) raises `APIResponseValidationError`
instead, for tests that pin the spec down.
"""

from __future__ import annotations

import logging
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Final, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

if TYPE_CHECKING:
    from pydantic import TypeAdapter
    from pydantic.fields import FieldInfo

__all__ = ["PARSING", "Parsing", "lenient_model"]

PARSING: Final = "confgen.parsing"
"""The `httpx.Response.extensions` key the client sets to a `Parsing` for the call."""

_MAX_LOGGED: Final = 20
"""Debug lines per response at most (the count of the rest is logged)."""

_UNION_TYPES: Final = (Union, types.UnionType)
_LIST_TYPES: Final = (list, tuple, set, frozenset, typing.Sequence)


@dataclass(frozen=True, slots=True)
class Parsing:
    """How one call's success body is parsed: ``strict`` raises on a mismatch; otherwise
    what is kept is logged (``DEBUG``) on ``logger`` naming ``operation``."""

    strict: bool
    logger: logging.Logger
    operation: str


def lenient_model(cls: type[BaseModel], data: Any) -> tuple[Any, list[tuple[str, str]]]:
    """``data`` as ``cls``, rebuilt where it does not fit, and the ``(JSON path, what was
    kept)`` of each value that did not."""
    problems: list[tuple[str, str]] = []
    return _model(cls, data, "$", problems), problems


def log_problems(parsing: Parsing, model: str, problems: list[tuple[str, str]]) -> None:
    """One debug line per value kept as received (at most `_MAX_LOGGED`)."""
    logger = parsing.logger
    if not logger.isEnabledFor(logging.DEBUG):
        return
    for path, what in problems[:_MAX_LOGGED]:
        # Paths and pydantic's messages only: never a value, which may be personal data.
        logger.debug("%s: response %s at %s: %s", parsing.operation, model, path, what)
    if len(problems) > _MAX_LOGGED:
        logger.debug(
            "%s: response %s: %d more value(s) kept as received",
            parsing.operation,
            model,
            len(problems) - _MAX_LOGGED,
        )


def _model(cls: type[BaseModel], data: Any, path: str, problems: list[tuple[str, str]]) -> Any:
    # Imported here: only a body that failed validation gets this far (a first call
    # that succeeds loads neither module).
    from pydantic import RootModel

    if issubclass(cls, RootModel):
        root = cls.model_fields["root"]
        return cls.model_construct(root=_value(_annotated(root), data, path, problems))
    if not isinstance(data, Mapping):
        problems.append((path, f"expected an object for {cls.__name__}, kept as received"))
        return data
    values: dict[str, Any] = {}
    seen: set[str] = set()
    for name, field in cls.model_fields.items():
        key = _wire_key(name, field, data)
        if key is None:
            if field.is_required():
                problems.append((_join(path, field.alias or name), "required field missing"))
                values[name] = None
            continue
        seen.add(key)
        values[name] = _value(_annotated(field), data[key], _join(path, key), problems)
    fields_set = set(values)
    if cls.model_config.get("extra") == "allow":
        for key, value in data.items():
            if key not in seen and key not in values:
                values[key] = value
    return cls.model_construct(_fields_set=fields_set, **values)


def _value(annotation: Any, value: Any, path: str, problems: list[tuple[str, str]]) -> Any:
    adapter = _adapter(annotation)
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        error = exc.errors(include_url=False, include_context=False, include_input=False)
        reason = error[0]["msg"] if error else "does not match"
    bare = _bare(annotation)
    origin = get_origin(bare)
    if isinstance(value, Mapping):
        models = [t for t in _members(bare) if isinstance(t, type) and issubclass(t, BaseModel)]
        if len(models) == 1:
            return _model(models[0], value, path, problems)
        if origin in (dict, Mapping, typing.Mapping) and len(get_args(bare)) == 2:
            item = get_args(bare)[1]
            return {k: _value(item, v, _join(path, str(k)), problems) for k, v in value.items()}
    if isinstance(value, list):
        lists = [t for t in _members(bare) if get_origin(t) in _LIST_TYPES and get_args(t)]
        if len(lists) == 1:
            item = get_args(lists[0])[0]
            return [_value(item, v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    problems.append((path, f"{reason}; kept as received"))
    return value


def _annotated(field: FieldInfo) -> Any:
    """The field's type with its constraints and discriminator, for a `TypeAdapter`."""
    if field.metadata or field.discriminator is not None:
        extra = [*field.metadata]
        if field.discriminator is not None:
            from pydantic import Field

            extra.append(Field(discriminator=field.discriminator))
        return Annotated[(field.annotation, *extra)]
    return field.annotation


def _bare(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _members(annotation: Any) -> list[Any]:
    """The union's members (``Annotated`` stripped), or the type itself."""
    if get_origin(annotation) in _UNION_TYPES:
        return [_bare(arg) for arg in get_args(annotation) if arg is not type(None)]
    return [annotation]


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(annotation: Any) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    try:
        return _ADAPTERS[annotation]
    except KeyError:
        pass
    except TypeError:  # unhashable metadata: build one each time (rare, error path only)
        return TypeAdapter(annotation)
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    _ADAPTERS[annotation] = adapter
    return adapter


def _wire_key(name: str, field: FieldInfo, data: Mapping[str, Any]) -> str | None:
    """The key of ``data`` holding the field: its alias, else its name."""
    for key in (field.validation_alias, field.alias, name):
        if isinstance(key, str) and key in data:
            return key
    return None


def _join(path: str, key: str) -> str:
    if key.isidentifier():
        return f"{path}.{key}"
    return f"{path}[{key!r}]"
