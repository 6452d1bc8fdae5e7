"""Validation of extracted specs: OpenAPI 3.x and AsyncAPI 3.0."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from confgen.errors import SpecValidationError, json_pointer

#: The AsyncAPI 3.0.0 JSON Schema, shipped as package data of ``generator`` (found through
#: ``importlib.resources``, so it is there after a plain, non-editable install too).
ASYNCAPI_SCHEMA = resources.files("confgen") / "schemas" / "asyncapi-3.0.0.schema.json"


def validate_openapi(document: dict[str, Any], *, source: str) -> None:
    """Raise ``SpecValidationError`` at the first problem openapi-spec-validator finds."""
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    try:
        validate(document)
    except OpenAPIValidationError as error:
        path = list(getattr(error, "absolute_path", []) or [])
        raise SpecValidationError(
            f"not valid OpenAPI {document.get('openapi', '?')}: {error.message}",
            source=source,
            pointer=json_pointer(path),
        ) from None


@functools.cache
def _asyncapi_validator() -> Any:
    import jsonschema

    schema = json.loads(ASYNCAPI_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def validate_asyncapi(document: dict[str, Any], *, source: str) -> None:
    """Raise ``SpecValidationError`` for the most relevant AsyncAPI 3.0 schema violation."""
    import jsonschema

    error = jsonschema.exceptions.best_match(_asyncapi_validator().iter_errors(document))
    if error is not None:
        raise SpecValidationError(
            f"not valid AsyncAPI 3.0: {error.message}",
            source=source,
            pointer=json_pointer(list(error.absolute_path)),
        )
