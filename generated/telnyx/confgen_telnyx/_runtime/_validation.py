"""Request validation: pydantic's errors turned into one readable `RequestValidationError`.

Shared by both runtimes: this file lives once, here in the HTTP runtime, and the generator
copies it into every generated package, HTTP and WebSocket alike; each runtime's
``errors.py`` re-exports `RequestValidationError` from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

__all__ = ["RequestValidationError", "validate_request"]


class RequestValidationError(ValueError):
    """Arguments that do not satisfy the request model (an operation's or a command's);
    raised before anything is sent.

    The message names each offending field (wire name, and Python name when it
    differs) with the failed constraint; input values are left out, as they may be
    secrets. ``errors`` keeps pydantic's error dicts (without inputs).
    """

    model: type[Any]
    errors: Sequence[Mapping[str, Any]]

    def __init__(
        self, message: str, *, model: type[Any], errors: Sequence[Mapping[str, Any]]
    ) -> None:
        super().__init__(message)
        self.model = model
        self.errors = errors


_ModelT = TypeVar("_ModelT", bound=BaseModel)


def validate_request(model_cls: type[_ModelT], data: object) -> _ModelT:
    """Build ``model_cls`` from ``data``; raise `RequestValidationError` if it does not fit.

    Call it before sending, so invalid arguments never reach the network.
    """
    try:
        return model_cls.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        lines = [_describe(model_cls, error) for error in errors]
        noun = "error" if len(lines) == 1 else "errors"
        message = f"invalid {model_cls.__name__}: {len(lines)} {noun}\n  " + "\n  ".join(lines)
        # `from None`: pydantic's own message shows the input values, which may be secrets.
        raise RequestValidationError(message, model=model_cls, errors=errors) from None


def _describe(model_cls: type[BaseModel], error: Mapping[str, Any]) -> str:
    wire, python = _locations(model_cls, tuple(error.get("loc", ())))
    where = f"{wire!r}" if python == wire else f"{wire!r} (Python name {python!r})"
    return f"{where}: {error.get('msg', 'invalid')} [type={error.get('type', '?')}]"


def _locations(model_cls: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[str, str]:
    """The error location spelled with wire names and with Python names.

    pydantic reports whichever key the input used, so each part is looked up both ways.
    """
    wire: list[str] = []
    python: list[str] = []
    current: type[BaseModel] | None = model_cls
    for part in loc:
        found = _field_for(current, part) if current is not None else None
        if found is None:
            wire.append(str(part))
            python.append(str(part))
            current = None if isinstance(part, str) else current
            continue
        name, alias, annotation = found
        wire.append(alias)
        python.append(name)
        current = _model_in(annotation)
    return ".".join(wire) or "<request>", ".".join(python) or "<request>"


def _field_for(model_cls: type[BaseModel], key: int | str) -> tuple[str, str, Any] | None:
    """``(python_name, wire_name, annotation)`` of the field ``key`` names, if any."""
    if not isinstance(key, str):
        return None
    for name, info in model_cls.model_fields.items():
        alias = info.alias or name
        if key in (name, alias, info.validation_alias):
            return name, alias, info.annotation
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class a field holds, directly or inside Optional/list/dict, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
