"""Type fuzzing: every node of a spec replaced by a value of each other JSON type.

For each mutant the generation runs in-process, lenient and strict. The outcome must be
exactly one of: the package renders and every Python file compiles, or a `ConfgenError`
whose one-line message is located (``spec.json#/json/pointer: ...``). Any other
exception fails the test, naming the mutation.

Exhaustive over nodes and types (deterministic): the hostile suite's OpenAPI and
AsyncAPI documents, and the shipped Voximplant spec.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from confgen.codegen.generate import Target, render_target
from confgen.errors import ConfgenError
from confgen.yamlio import load_yaml

from .conftest import asyncapi_doc, openapi_doc

ROOT = Path(__file__).resolve().parents[2]

Pointer = tuple[Any, ...]

#: Where a value is a JSON Schema (so ``true``/``false`` are valid schemas there).
_SCHEMA_PARENTS = frozenset(
    {"schema", "items", "additionalProperties", "payload", "not", "contains", "headers"}
)
_SCHEMA_MAPS = frozenset({"properties", "schemas", "patternProperties", "$defs"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})

#: A value of each JSON type (empty containers: a container's items are nodes too).
_VALUES: dict[str, Any] = {
    "null": None,
    "true": True,
    "int": 7,
    "str": "x",
    "list": [],
    "dict": {},
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "int"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    return "dict"


def _is_schema_place(path: Pointer) -> bool:
    if not path:
        return False
    last = path[-1]
    parent = path[-2] if len(path) > 1 else None
    return (
        last in _SCHEMA_PARENTS and isinstance(last, str) and parent != "properties"
    ) or parent in _SCHEMA_MAPS | _SCHEMA_LISTS


def _nodes(node: Any, path: Pointer = ()) -> Iterator[tuple[Pointer, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nodes(value, (*path, index))


def mutants(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(name, mutant)`` for every node (but the root) and every other JSON type; a
    schema also becomes ``false`` (``true`` is the boolean already)."""
    for path, value in list(_nodes(document)):
        if not path:
            continue
        kinds = dict(_VALUES)
        if _is_schema_place(path):
            kinds["false"] = False
        for kind, replacement in kinds.items():
            if kind == _json_type(value):
                continue
            mutant = copy.deepcopy(document)
            node = mutant
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = copy.deepcopy(replacement)
            yield "/" + "/".join(str(p) for p in path) + f" = {kind}", mutant


#: ``spec.json[:line[:column]]#/pointer: message`` on one line.
_LOCATED = re.compile(r"^spec\.json(:\d+(:\d+)?)?#/\S*: \S")


def outcome(tmp_path: Path, document: dict[str, Any], *, strict: bool) -> str:
    """``"rendered"`` or ``"located"``; anything else raises (the test fails)."""
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    target = Target(
        spec=spec,
        out=tmp_path / "out",
        package="fuzzed",
        client_class="Fuzzed",
        spec_source="spec.json",
        import_path="fuzzed",
        strict=strict,
    )
    try:
        files, _ = render_target(target)
    except ConfgenError as error:
        message = str(error)
        assert "\n" not in message, message
        assert _LOCATED.match(message), f"not located: {message}"
        return "located"
    for relative, data in files.items():
        if relative.endswith(".py") and not relative.startswith("fuzzed/_runtime/"):
            compile(data, relative, "exec")
    return "rendered"


def _shipped(name: str) -> dict[str, Any]:
    document = load_yaml((ROOT / "specs" / name).read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


DOCUMENTS = {
    "openapi": lambda: openapi_doc("plain"),
    "asyncapi": lambda: asyncapi_doc("plain"),
    "voximplant": lambda: _shipped("voximplant.openapi.yaml"),
}


def _check(document: str, strict: bool, tmp_path: Path, sample: int | None) -> dict[str, int]:
    base = DOCUMENTS[document]()
    assert outcome(tmp_path, base, strict=strict) == "rendered"
    every = list(mutants(base))
    if sample is not None:
        every = random.Random(f"{document}-{strict}").sample(every, min(sample, len(every)))
    failures: list[str] = []
    counts = {"rendered": 0, "located": 0}
    for name, mutant in every:
        try:
            counts[outcome(tmp_path, mutant, strict=strict)] += 1
        except Exception as error:  # every surprise is reported, by mutation
            failures.append(f"{name}: {type(error).__name__}: {error}"[:300])
    assert not failures, f"{len(failures)} of {len(every)}:\n" + "\n".join(failures)
    return counts


#: Mutants per document and mode in the quick run (about 0.1 s each).
SAMPLE = 25


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_sampled_mutants_render_or_are_located(document: str, strict: bool, tmp_path: Path) -> None:
    counts = _check(document, strict, tmp_path, SAMPLE)
    assert sum(counts.values()) == SAMPLE


#: Mutants per document and mode in the slow run. The documents have 628 (openapi),
#: 1,455 (voximplant) and 6,964 (asyncapi) mutants: the first two are run whole, asyncapi
#: a sample of 1,500 drawn with the seed ``"asyncapi-<strict>"`` (`_check`; the same on
#: every run), which keeps the slow run's fuzzing near 2.5 minutes instead of 6.
SLOW_BUDGET = 1500


@pytest.mark.slow
@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_mutants_within_budget_render_or_are_located(
    document: str, strict: bool, tmp_path: Path
) -> None:
    counts = _check(document, strict, tmp_path, SLOW_BUDGET)
    assert sum(counts.values()) == min(SLOW_BUDGET, sum(1 for _ in mutants(DOCUMENTS[document]())))
    # Both outcomes occur: the mutations reach the loaders, and not all are refused.
    assert counts["rendered"] > 0 and counts["located"] > 0, counts


# --- the classes the fuzzer found, one case each ---------------------------------------

_OP = ("paths", "/things/{thing_id}/plain", "post")


def _at(document: dict[str, Any], path: Pointer, value: Any) -> dict[str, Any]:
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return document


# Valid by JSON Schema 2020-12 / OpenAPI 3.1: each renders, lenient and strict.
VALID = {
    "parameter-schema-true": (*_OP, "parameters", 1, "schema"),
    "property-true": ("components", "schemas", "Thing", "properties", "count"),
    "component-false": ("components", "schemas", "Thing"),  # the request body
    "response-schema-true": (*_OP, "responses", "200", "content", "application/json", "schema"),
    "webhook-property-false": (
        "webhooks", "plain", "post", "requestBody", "content", "application/json", "schema",
        "properties", "plain",
    ),
}  # fmt: skip


@pytest.mark.parametrize("value", [True, False], ids=["true", "false"])
@pytest.mark.parametrize("place", sorted(VALID))
def test_boolean_schemas_render(place: str, value: bool, tmp_path: Path) -> None:
    document = _at(openapi_doc("plain"), VALID[place], value)
    assert outcome(tmp_path, document, strict=False) == "rendered"
    if place == "component-false":
        # The request body's schema: strict refuses a body without properties, as for {}.
        assert outcome(tmp_path, document, strict=True) == "located"
    else:
        assert outcome(tmp_path, document, strict=True) == "rendered"


@pytest.mark.parametrize(
    "values", [[[]], [{}], [[1, 2], "a"], [{"a": 1}, None]], ids=["list", "dict", "mixed", "null"]
)
def test_enums_of_non_scalars_render(values: list[Any], tmp_path: Path) -> None:
    for path in [
        (*_OP, "parameters", 1, "schema"),
        ("components", "schemas", "Thing", "properties", "count"),
    ]:
        document = _at(openapi_doc("plain"), path, {"enum": values})
        for strict in (False, True):
            assert outcome(tmp_path, document, strict=strict) == "rendered"


# Invalid extension values: one located error, at the value the extension schema refuses.
_SERVER = ("servers", "room")
EXTENSION_CASES = [
    ("envelope-a-list", ("x-confgen-envelope",), [], "/x-confgen-envelope"),
    ("envelope-key-an-int", ("x-confgen-envelope", "method-key"), 3, "/x-confgen-envelope/method-key"),
    ("precondition-a-string", ("operations", "createConference", "x-confgen-precondition"), "x",
     "/operations/createConference/x-confgen-precondition"),
    ("precondition-no-message", ("operations", "createConference", "x-confgen-precondition"), {},
     "/operations/createConference/x-confgen-precondition"),
    ("completion-any-a-dict", ("operations", "createConference", "x-confgen-completion", "any"), {},
     "/operations/createConference/x-confgen-completion/any"),
    ("completion-where-a-list",
     ("operations", "createConference", "x-confgen-completion", "any", 1, "where"), [],
     "/operations/createConference/x-confgen-completion/any/1/where"),
    ("discovery-url-an-int", (*_SERVER, "x-confgen-port-discovery", "url"), 80,
     "/servers/room/x-confgen-port-discovery/url"),
    ("discovery-port-path-a-string", (*_SERVER, "x-confgen-port-discovery", "port-path"), "port",
     "/servers/room/x-confgen-port-discovery/port-path"),
    ("envelope-reply-key-a-list", ("x-confgen-envelope", "reply-result-key"), ["r"],
     "/x-confgen-envelope/reply-result-key"),
    ("envelope-without-a-key", ("x-confgen-envelope",), {"method-key": "method"},
     "/x-confgen-envelope"),
    ("enum-names-a-bool",
     ("components", "schemas", "AppStateChangedEvent", "properties", "appState", "x-enum-names"),
     True, "/components/schemas/AppStateChangedEvent/properties/appState/x-enum-names"),
    ("kind-unknown", ("components", "messages", "conferenceCreated", "x-confgen-kind"), "nope",
     "/components/messages/conferenceCreated/x-confgen-kind"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "pointer"), [c[1:] for c in EXTENSION_CASES],
                         ids=[c[0] for c in EXTENSION_CASES])  # fmt: skip
def test_wrong_extensions_are_located(
    path: Pointer, value: Any, pointer: str, tmp_path: Path
) -> None:
    document = asyncapi_doc("plain")
    _at(document, path, value)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    target = Target(spec=spec, out=tmp_path / "out", package="fuzzed", client_class="Fuzzed",
                    spec_source="spec.json", import_path="fuzzed")  # fmt: skip
    with pytest.raises(ConfgenError) as raised:
        render_target(target)
    assert str(raised.value).startswith(f"spec.json#{pointer}: x-"), str(raised.value)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (
            ("components", "schemas", "AppStateChangedEvent", "properties", "appState", "enum", 0),
            [],
        ),
        (
            ("components", "schemas", "AppStateChangedEvent", "properties", "appState", "enum", 0),
            {},
        ),
        (("operations",), None),
    ],
    ids=["state-enum-a-list", "state-enum-a-dict", "no-operations"],
)
def test_valid_asyncapi_variants_render(path: Pointer, value: Any, tmp_path: Path) -> None:
    document = _at(asyncapi_doc("plain"), path, value)
    for strict in (False, True):
        assert outcome(tmp_path, document, strict=strict) == "rendered"
