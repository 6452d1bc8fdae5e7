"""The parameter census of a whole API: how many method arguments are typed, how many are
not, and why (``python -m tests.scale.census [SPEC]``; default: whole Telnyx).

An argument is *typed* when its annotation holds no ``Any``: scalars, enums as
``Literal``, arrays of typed items, nested objects as ``TypedDict``s of the ``params``
module. The rest are counted by the reason their schema gives: it has no type (any value
is valid), or it is a free-form object (no ``properties``: its keys are not known), or
an object with ``properties`` that is still ``Mapping[str, Any]`` (a generator gap).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benchmarks.corpus import TELNYX_SPEC
from confgen.codegen.http.ir import Api, Operation, Parameter
from confgen.codegen.http.load import load_api
from confgen.codegen.spec import Spec, boolean_schemas_as_objects
from confgen.errors import ConfgenError
from confgen.yamlio import load_yaml

_ANY = re.compile(r"\bAny\b")
_PARAMS_NAME = re.compile(r"\b_params\.\w+")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _schema_of(spec: Spec, op: Operation, parameter: Parameter) -> Any:
    """The spec's schema of one argument (a body property's, a parameter's)."""
    parts = [_unescape(part) for part in op.pointer.split("/")[1:]]
    item = spec.deref(spec.document["paths"][parts[1]], ())
    node = item[parts[2]]
    if parameter.location == "body":
        body = spec.deref(node["requestBody"], ())
        for media in sorted(body.get("content") or {}):
            schema = spec.deref((body["content"][media] or {}).get("schema") or {}, ())
            if parameter.wire_name == "body" and "properties" not in schema:
                return schema
            if isinstance(schema.get("properties"), Mapping):
                return schema["properties"].get(parameter.wire_name, {})
        return {}
    for raw in [*(node.get("parameters") or []), *(item.get("parameters") or [])]:
        found = spec.deref(raw, ())
        if found.get("in") == parameter.location and found.get("name") == parameter.wire_name:
            return found.get("schema") or {}
    return {}


def _has_properties(spec: Spec, schema: Any, depth: int = 0) -> bool:
    """Whether an untyped schema (or a branch, an item of it) gives ``properties``."""
    if depth > 10 or not isinstance(schema, Mapping):
        return False
    schema = spec.deref(schema, ())
    if isinstance(schema.get("properties"), Mapping) and schema["properties"]:
        return True
    children = [schema.get("items")] + [
        branch for key in ("oneOf", "anyOf", "allOf") for branch in schema.get(key) or []
    ]
    return any(_has_properties(spec, child, depth + 1) for child in children)


def reason(spec: Spec, op: Operation, parameter: Parameter) -> str | None:
    """``None`` for a typed argument, else why it is not."""
    annotation = _PARAMS_NAME.sub("P", parameter.annotation)
    if not _ANY.search(annotation):
        return None
    if _has_properties(spec, _schema_of(spec, op, parameter)):
        return "an object with properties left untyped (generator gap)"
    if annotation == "Any":
        return "no type in the spec (any JSON value)"
    if "Mapping[str, Any]" in annotation:
        return "a free-form object (no properties in the spec)"
    return "items or branches with no type in the spec"


def census(api: Api, spec: Spec) -> tuple[int, Counter[str]]:
    """``(typed, untyped by reason)`` over every argument of every operation."""
    typed, untyped = 0, Counter[str]()
    for op in api.operations:
        for parameter in op.parameters:
            why = reason(spec, op, parameter)
            if why is None:
                typed += 1
            else:
                untyped[why] += 1
    return typed, untyped


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else TELNYX_SPEC
    document = boolean_schemas_as_objects(load_yaml(path.read_text(encoding="utf-8")))
    try:
        api = load_api(document, source=path.name, package="census", client_class="C", strict=False)
    except ConfgenError as error:
        print(error, file=sys.stderr)
        return 1
    typed, untyped = census(api, Spec(document, path.name, strict=False))
    total = typed + sum(untyped.values())
    print(f"{path.name}: {len(api.operations)} operations, {total} parameters")
    print(f"  typed: {typed} ({100 * typed / max(total, 1):.1f} %)")
    print(f"  untyped: {sum(untyped.values())}")
    for why, count in untyped.most_common():
        print(f"    {count:5d}  {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
