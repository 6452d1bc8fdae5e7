"""Wire identity with the official ``telnyx`` SDK for every conferencing method it has.

Every method under ``client.conferences`` and ``client.rooms*`` (found by introspecting the
installed SDK, mapped to the spec's operation by HTTP method and path) is called with the
same arguments as ours, sync and async (generated from specs/telnyx.openapi.yaml: path
parameters, every query parameter, deepObject ``filter``/``page`` included, and every
top-level body field) against a loopback capture server; method, path, decoded sorted query and JSON body must be
equal, except the differences in `EXPECTED` (the SDK wrong by the spec, in the spec's words)
and the ``command_id`` ours adds (a field the spec defines, reused across retries).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import telnyx  # the official SDK: a dev dependency, pinned in constraints.txt

from confgen.codegen.naming import RESERVED_ARGUMENTS, python_identifier, snake_case
from confgen_telnyx import AsyncTelnyx, Telnyx
from tests.wire.capture import Captured, capture_server
from tests.wire.spec import call_async, load, responder, sample
from tests.wire.telnyx_side import our_methods, sdk_methods, spec_operation

EXPECTED: dict[str, str] = {}
"""SDK method -> why its request differs, quoting the spec (empty: none differs)."""

SDK_CANNOT_SEND: dict[str, list[str]] = {
    # The spec's Conference pagination documents cursor members the SDK has no argument for:
    # "page[after]: Opaque identifier of next page", "page[before]", "page[limit]".
    "conferences.list": ["page[after]", "page[before]", "page[limit]"],
    "conferences.list_participants": ["page[after]", "page[before]", "page[limit]"],
}
"""SDK method -> spec parameters its signature has no argument for (left out of both calls)."""

NOT_OURS: list[str] = []
"""SDK conferencing methods with no operation of ours (the coverage gap; empty: none)."""


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[Captured]]]:
    with capture_server(responder("telnyx")) as running:
        yield running


def _arguments(
    op: Any, sdk_fn: Any, template: str, ours_fn: Any, unsendable: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The same call for both; what the SDK's signature cannot take is left out of both
    (and named in ``unsendable``)."""
    import inspect

    document = load("telnyx")
    sdk_sig = inspect.signature(sdk_fn).parameters
    our_sig = inspect.signature(ours_fn).parameters
    ours: dict[str, Any] = {}
    sdk: dict[str, Any] = {}
    spec_path = re.findall(r"\{([^}]*)\}", op.path)
    sdk_path = re.findall(r"\{([^}]*)\}", template)
    for index, (name, sdk_name) in enumerate(zip(spec_path, sdk_path, strict=True)):
        schema = op.params[f"path:{name}"].get("schema") or {}
        value = sample(document, schema)
        if value == "x":
            value = f"id-{index}"
        our_name = python_identifier(name, reserved=RESERVED_ARGUMENTS)
        ours[our_name if our_name in our_sig else f"path_{our_name}"] = value
        sdk[sdk_name] = value
    for key, param in op.params.items():
        where, wire = key.split(":", 1)
        if where != "query":
            continue
        value = sample(document, param.get("schema") or {})
        flat = snake_case(wire)
        if flat in sdk_sig:
            sdk[flat] = value
        elif isinstance(value, Mapping):
            kept = {}
            for member, item in value.items():
                if f"{flat}_{snake_case(member)}" in sdk_sig:
                    sdk[f"{flat}_{snake_case(member)}"] = item
                    kept[member] = item
                else:
                    unsendable.append(f"{wire}[{member}]")
            if not kept:
                continue
            value = kept
        else:
            unsendable.append(wire)
            continue
        our_name = python_identifier(wire, reserved=RESERVED_ARGUMENTS)
        ours[our_name if our_name in our_sig else f"query_{our_name}"] = value
    for name, prop in ((op.body or {}).get("properties") or {}).items():
        if name == "command_id":
            continue  # ours adds it: the spec's retry-safety field
        if name not in sdk_sig:
            unsendable.append(name)
            continue
        value = sample(document, prop)
        our_name = python_identifier(name, reserved=RESERVED_ARGUMENTS)
        ours[our_name if our_name in our_sig else f"body_{our_name}"] = value
        sdk[name] = value
    return ours, sdk


def _last(seen: list[Captured], call: Any, kwargs: dict[str, Any]) -> Captured:
    seen.clear()
    try:
        call(**kwargs)
    except Exception as exc:  # a parse failure after the request is still a request to compare
        if not seen:
            raise AssertionError(f"no request sent: {type(exc).__name__}: {exc}") from exc
    assert len(seen) == 1, seen
    return seen[0]


def _view(request: Captured) -> tuple[str, str, list[tuple[str, str]], Any]:
    return request.method, request.path, request.query, request.body


def _without_command_id(view: tuple[str, str, list[tuple[str, str]], Any]) -> Any:
    body = view[3]
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k != "command_id"}
    return (*view[:3], body)


def test_every_sdk_conferencing_method_is_ours(server: tuple[str, list[Captured]]) -> None:
    base, _ = server
    sdk = sdk_methods(telnyx.Telnyx(api_key="k", base_url=base, max_retries=0))
    ours = our_methods(Telnyx(api_key="k", base_url=base, max_retries=0))
    missing = []
    for name, (_, method, template) in sdk.items():
        op = spec_operation(method, template)
        if op is None or op.operation_id not in ours:
            missing.append(name)
    assert len(sdk) >= 48
    assert missing == NOT_OURS


def test_same_requests_as_the_official_sdk(
    server: tuple[str, list[Captured]], capsys: pytest.CaptureFixture[str]
) -> None:
    base, seen = server
    sdk = sdk_methods(telnyx.Telnyx(api_key="k", base_url=base, max_retries=0))
    ours = our_methods(Telnyx(api_key="k", base_url=base, max_retries=0))
    identical, compared = 0, 0
    differing: dict[str, Any] = {}
    unsendable: dict[str, list[str]] = {}
    for name, (sdk_fn, method, template) in sorted(sdk.items()):
        op = spec_operation(method, template)
        assert op is not None, name
        our_fn = ours[op.operation_id]
        left: list[str] = []
        our_args, sdk_args = _arguments(op, sdk_fn, template, our_fn, left)
        if left:
            unsendable[name] = left
        mine = _view(_last(seen, our_fn, our_args))
        mine_async = _view(
            call_async(
                seen,
                lambda: AsyncTelnyx(api_key="k", base_url=base, max_retries=0),
                "telnyx",
                op.operation_id,
                our_args,
            )
        )
        assert _without_command_id(mine_async) == _without_command_id(mine), name
        theirs = _view(_last(seen, sdk_fn, sdk_args))
        compared += 1
        body_props = (op.body or {}).get("properties") or {}
        if isinstance(mine[3], dict) and "command_id" in body_props and theirs[3] is not None:
            assert isinstance(mine[3].get("command_id"), str) and mine[3]["command_id"]
            mine = (*mine[:3], {k: v for k, v in mine[3].items() if k != "command_id"})
        if mine == theirs:
            identical += 1
        else:
            differing[name] = (mine, theirs)
    with capsys.disabled():
        print(f"\ntelnyx wire: {identical} identical / {compared} compared")
        for name, (mine, theirs) in differing.items():
            print(f"  {name}: ours {mine}\n  {'':{len(name)}}  SDK  {theirs}")
        for name, left in unsendable.items():
            print(f"  {name}: the SDK cannot send {left}")
    assert compared == len(sdk)
    assert sorted(differing) == sorted(EXPECTED)
    assert unsendable == SDK_CANNOT_SEND
