"""Property-based request tests (no Prism, fast): for any valid input drawn from an
operation's request schema, the request the generated client builds validates against
the spec; an input that breaks a constraint is refused before anything is sent."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.contract.conftest import (
    Captured,
    Case,
    ClientFactory,
    all_cases,
    call,
    capture_transport,
    minimal_arguments,
    require_spec,
    strategy_for,
    wire,
)

CASES = all_cases()
BASE_URL = "http://client.test"


def capture(
    make_client: ClientFactory, case: Case, arguments: dict[str, Any]
) -> list[httpx.Request]:
    requests: list[httpx.Request] = []
    with httpx.Client(transport=capture_transport(requests)) as http_client:
        client = make_client(case.provider, BASE_URL, http_client=http_client)
        try:
            call(client, case, arguments)
        except Exception as error:  # the client wraps Captured as a connection error
            if not requests:
                raise
            assert isinstance(error.__cause__ or error.__context__ or error, Exception)
    return requests


def query_value(raw: str, schema: dict[str, Any]) -> Any:
    """A query string value read back as its schema's type (query values are text)."""
    kind = schema.get("type")
    if kind == "integer":
        return int(raw)
    if kind == "number":
        return float(raw)
    if kind == "boolean":
        assert raw in ("true", "false"), raw
        return raw == "true"
    return raw


def typed_value(raw: str, schema: dict[str, Any]) -> Any:
    """A serialised leaf read back as its schema's type; arrays are comma-joined (the
    spelling deepObject members use, as the official SDKs send them)."""
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "array" in kinds:
        items = schema.get("items") or {}
        return [typed_value(part, items) for part in raw.split(",")] if raw else []
    for kind in kinds:
        try:
            return query_value(raw, {"type": kind})
        except (ValueError, AssertionError):
            continue
    return raw


def decode_deep_object(pairs: list[tuple[str, str]], name: str, schema: dict[str, Any]) -> Any:
    """``name[a]=1&name[b][c]=x`` read back into ``{"a": 1, "b": {"c": "x"}}``, each leaf
    typed by its property's schema."""
    decoded: dict[str, Any] = {}
    for key, raw in pairs:
        if not key.startswith(name + "["):
            continue
        parts = re.findall(r"\[([^\]]*)\]", key[len(name) :])
        node, sub = decoded, schema
        for part in parts[:-1]:
            sub = (sub.get("properties") or {}).get(part) or {}
            node = node.setdefault(part, {})
        node[parts[-1]] = typed_value(raw, (sub.get("properties") or {}).get(parts[-1]) or {})
    return decoded


def assert_request_matches_spec(case: Case, request: httpx.Request) -> None:
    sent = wire(request)
    assert sent["method"] == case.method
    template = case.path
    assert sent["path"].endswith(template.split("{")[0].rstrip("/")) or "{" in template
    pairs: list[tuple[str, str]] = list(sent["query"])
    query = dict(pairs)
    known = {param.name: param for param in case.params if param.location == "query"}
    values: dict[str, Any] = {}
    for name, param in known.items():
        members = {key for key, _ in pairs if key.startswith(name + "[")}
        if param.style == "deepObject" and members:
            values[name] = decode_deep_object(pairs, name, param.schema)
            for key in members:
                query.pop(key)
        elif name in query:
            values[name] = query_value(query[name], param.schema)
    unknown = set(query) - set(known)
    assert not unknown, f"unknown query parameters: {unknown}"
    for name, param in known.items():
        if param.required:
            assert name in values, f"required query parameter {name} missing"
        if name in values:
            jsonschema.validate(values[name], param.schema)
    if case.body_schema is not None:
        assert sent["content_type"] == case.content_type
        body = sent["body"]
        if case.content_type == "application/x-www-form-urlencoded":
            body = dict(body)
        jsonschema.Draft202012Validator(case.body_schema).validate(body)
    else:
        assert sent["body"] is None


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_valid_input_gives_a_request_the_spec_accepts(
    case: Case, make_client: ClientFactory
) -> None:
    require_spec(case)

    @settings(
        max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        arguments = data.draw(strategy_for(case.arguments_schema()), label="arguments")
        requests = capture(make_client, case, arguments)
        assert len(requests) == 1
        assert_request_matches_spec(case, requests[0])

    check()


def violations(case: Case) -> list[tuple[str, Any, str]]:
    """(argument, bad value, which rule) for every constraint of the method's inputs."""
    schema = case.arguments_schema()
    path_arguments = {param.argument for param in case.params if param.location == "path"}
    found = []
    for name, sub in schema["properties"].items():
        kind = sub.get("type")
        if kind == "string" and sub.get("format") == "uuid":
            found.append((name, "not-a-uuid", "format"))
        if name in path_arguments and int(sub.get("minLength", 0)) > 0:
            found.append((name, "", "minLength"))  # an empty path segment is another path
        if "enum" in sub:
            found.append((name, "not-" + "-".join(map(str, sub["enum"]))[:40], "enum"))
        if "maxLength" in sub:
            found.append((name, "x" * (int(sub["maxLength"]) + 1), "maxLength"))
        if int(sub.get("minLength", 0)) > 0 and "allowEmptyValue" not in sub:
            pass  # empty query values: see the note in conftest (not refused by the client yet)
        if "pattern" in sub:
            found.append((name, "has spaces & symbols!", "pattern"))
        if "maximum" in sub:
            found.append((name, sub["maximum"] + 1, "maximum"))
        if "minimum" in sub:
            found.append((name, sub["minimum"] - 1, "minimum"))
        if kind == "integer":
            found.append((name, "not a number", "type"))
        if kind == "boolean":
            found.append((name, "maybe", "type"))
        found.extend((name, bad, rule) for bad, rule in nested_violations(sub))
    for group in case.mutually_exclusive:
        found.append(("|".join(group), None, "mutually-exclusive"))
    return found


def nested_violations(schema: dict[str, Any]) -> list[tuple[Any, str]]:
    """(bad value, rule) for the constraints inside an object argument (a deepObject
    ``filter`` or ``page``): the object with one member broken, the rest left out."""
    found: list[tuple[Any, str]] = []
    if schema.get("type") != "object":
        return found
    for member, sub in (schema.get("properties") or {}).items():
        kind = sub.get("type")
        if "enum" in sub:
            found.append(({member: "not-" + "-".join(map(str, sub["enum"]))[:40]}, "enum"))
        if "maximum" in sub:
            found.append(({member: sub["maximum"] + 1}, "maximum"))
        if "minimum" in sub:
            found.append(({member: sub["minimum"] - 1}, "minimum"))
        if kind == "integer":
            found.append(({member: "not a number"}, "type"))
        if kind == "boolean":
            found.append(({member: "maybe"}, "type"))
        found.extend(({member: bad}, rule) for bad, rule in nested_violations(sub))
    # Request models are closed (extra="forbid") where the spec lists properties; a
    # free-form object (no properties) takes any member.
    if schema.get("properties") and not schema.get("additionalProperties"):
        found.append(({"not_a_member_of_the_spec": "x"}, "additionalProperties"))
    return found


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_input_breaking_a_constraint_is_refused_before_sending(
    case: Case, make_client: ClientFactory
) -> None:
    require_spec(case)
    from confgen.codegen.http.runtime.errors import RequestValidationError as RuntimeError_

    package = __import__(f"confgen_{case.provider}", fromlist=["RequestValidationError"])
    refused = (package.RequestValidationError, RuntimeError_)
    problems = violations(case)
    assert problems, "no constraint to break"
    base = minimal_arguments(case)
    full = minimal_arguments(case, all_optional=True)
    failures: list[str] = []
    for name, bad, rule in problems:
        if rule == "mutually-exclusive":
            arguments = dict(full)
            group = name.split("|")
            arguments.update({member: full.get(member, "x") for member in group})
            sample = minimal_arguments_for_group(case, group)
            arguments.update(sample)
        else:
            arguments = {**base, name: bad}
        requests: list[httpx.Request] = []
        with httpx.Client(transport=capture_transport(requests)) as http_client:
            client = make_client(case.provider, BASE_URL, http_client=http_client)
            try:
                call(client, case, arguments)
            except refused:
                pass
            except Captured:
                sent = json.dumps(wire(requests[0]), default=str)
                failures.append(f"{name}={bad!r} breaks {rule} but was sent: {sent}")
            else:
                failures.append(f"{name}={bad!r} breaks {rule} but the call returned")
        assert not requests or failures
    assert not failures, "\n".join(failures)


def minimal_arguments_for_group(case: Case, group: list[str]) -> dict[str, Any]:
    """A valid value for every member of a mutually exclusive group."""
    values: dict[str, Any] = {}
    for param in case.params:
        if param.name in group:
            values[param.argument] = 1 if param.schema.get("type") == "integer" else "x"
    return values


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_lookalike_values_of_the_wrong_type_are_refused(
    case: Case, make_client: ClientFactory
) -> None:
    """Outbound is strict: "yes" is not a bool and "5" is not an int; nothing is sent."""
    require_spec(case)
    base = minimal_arguments(case)
    coerced = set()
    for name, sub in case.arguments_schema()["properties"].items():
        lookalike = {"boolean": "yes", "integer": "5", "number": "5"}.get(sub.get("type", ""))
        if lookalike is None or "enum" in sub:
            continue
        requests: list[httpx.Request] = []
        with httpx.Client(transport=capture_transport(requests)) as http_client:
            client = make_client(case.provider, BASE_URL, http_client=http_client)
            try:
                call(client, case, {**base, name: lookalike})
            except Captured:
                coerced.add((case.provider, case.wire_name(name), lookalike))
            except ValueError:  # RequestValidationError: refused before anything was sent
                assert requests == []
    assert coerced == set()
