"""Pydantic v2 model modules from the IR's schemas, via datamodel-code-generator in-process.

Two modules come from the same schemas:

- the request side (``_request_models.py``) is strict: unknown fields are refused
  (``extra="forbid"``), enums are closed ``Literal``s, every constraint is a ``Field``
  constraint, so a bad argument fails before anything is sent;
- the response side (``models.py``) is lenient: unknown fields are kept
  (``extra="allow"``) and every enum is widened at schema level first, so a value
  the spec does not know yet parses as a plain ``str``.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Mapping
from typing import Any

from generator.codegen.load import widen_enums
from generator.errors import ConfgenError

__all__ = ["render_models"]


# Formats pydantic can only check with an optional dependency (email-validator): the
# generated packages depend on httpx and pydantic alone, so these stay plain strings.
_EXTRA_DEPENDENCY_FORMATS = frozenset({"email", "idn-email"})


def _plain_formats(node: Any) -> Any:
    """A copy of a schema without the formats in `_EXTRA_DEPENDENCY_FORMATS`."""
    if isinstance(node, list):
        return [_plain_formats(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    return {
        key: _plain_formats(value)
        for key, value in node.items()
        if not (key == "format" and isinstance(value, str) and value in _EXTRA_DEPENDENCY_FORMATS)
    }


def _document(schemas: Mapping[str, Any]) -> dict[str, Any]:
    """A minimal OpenAPI document holding only ``schemas`` (no paths: models only)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": dict(schemas)},
    }


def render_models(
    schemas: Mapping[str, Any],
    *,
    header: str,
    strict: bool,
    source: str,
    snake_case_fields: bool = False,
) -> str:
    """The Python source of one model module (unformatted; ruff formats it later).

    ``header`` is the comment block put at the top; ``strict`` picks the request-side
    (closed) or response-side (open) flavour. A schema datamodel-code-generator cannot
    handle becomes a `ConfgenError` naming ``source``.
    """
    from datamodel_code_generator import (
        DatetimeClassType,
        InputFileType,
        LiteralType,
        PythonVersion,
        generate,
    )
    from datamodel_code_generator.enums import DataModelType, StrictTypes

    if not schemas:
        return header + "\nfrom __future__ import annotations\n"
    document = _document(_plain_formats(schemas) if strict else widen_enums(dict(schemas)))
    try:
        # The library prints progress and warnings of its own: keep the CLI output ours.
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            output = generate(
                document,
                input_file_type=InputFileType.OpenAPI,
                output_model_type=DataModelType.PydanticV2BaseModel,
                target_python_version=PythonVersion.PY_311,
                # Literal, not Enum: a plain str compares equal and serialises as itself.
                enum_field_as_literal=LiteralType.All,
                # Enum and alias schemas inline into their fields instead of RootModels,
                # so `conf.data.status` is a str, not a wrapper.
                collapse_root_models=True,
                use_union_operator=True,
                use_standard_collections=True,
                use_annotated=True,
                field_constraints=True,
                use_field_description=True,
                use_schema_description=True,
                use_double_quotes=True,
                output_datetime_class=DatetimeClassType.Datetime,
                extra_fields="forbid" if strict else "allow",
                # Outbound, "5" is not an int and "yes" is not a bool: no silent coercion.
                # Floats stay lax so that 5 is a valid number.
                strict_types=(
                    [StrictTypes.str, StrictTypes.int, StrictTypes.bool] if strict else None
                ),
                # Python names escaped with aliases; callers may use either on input.
                allow_population_by_field_name=True,
                # camelCase wire names (TrueConf) become snake_case fields with aliases.
                snake_case_field=snake_case_fields,
                disable_timestamp=True,
                custom_file_header=header,
                formatters=[],
            )
    except ConfgenError:
        raise
    except Exception as error:  # the library raises many types; all mean "cannot render"
        raise ConfgenError(
            f"datamodel-code-generator cannot render the schemas: {error}",
            source=source,
            pointer="/components/schemas",
        ) from None
    if not isinstance(output, str):
        raise ConfgenError("datamodel-code-generator returned no single module", source=source)
    return output
