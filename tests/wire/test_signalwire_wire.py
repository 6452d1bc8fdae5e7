"""Wire identity with the official ``signalwire-sdk`` for every ``client.video`` method.

The SDK (its dependency tree is heavy: fastapi, uvicorn, aiohttp, lxml, ...) lives in its own
venv made from tests/wire/sdk-requirements.txt and is driven in a subprocess
(`signalwire_driver`). Its methods are enumerated by introspection; a probe call of each
finds the request it makes, mapped to the spec's operation by method and path. Then both
clients (ours sync and async) make the same call (arguments generated from specs/signalwire.openapi.yaml: path
parameters, every query parameter, pagination included, and every top-level body field)
against a loopback capture server; method, path, decoded sorted query and JSON body must be
equal, except the differences in `EXPECTED` (the SDK wrong by the spec, in its words).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

import pytest

from confgen.codegen.naming import RESERVED_ARGUMENTS, python_identifier
from confgen_signalwire import AsyncSignalWire, SignalWire
from tests.wire import signalwire_side
from tests.wire.capture import Captured, capture_server
from tests.wire.spec import call_async, load, our_methods, responder, sample

BOOLEAN_QUERY = (
    'the spec: `include_active_session` (in: query) "Specifies whether to include information '
    "about the conference's active session\", `schema: type: boolean`: a boolean parameter is "
    "sent as its JSON value `true`; the SDK url-encodes Python's `True` as `True`"
)
_BOOLEAN_DIFF = ([("include_active_session", "true")], [("include_active_session", "True")])

EXPECTED: dict[str, tuple[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]]] = {
    "video.conferences.list": (BOOLEAN_QUERY, _BOOLEAN_DIFF),
    "video.conferences.paginate": (BOOLEAN_QUERY, _BOOLEAN_DIFF),
    "video.rooms.list": (BOOLEAN_QUERY, _BOOLEAN_DIFF),
    "video.rooms.paginate": (BOOLEAN_QUERY, _BOOLEAN_DIFF),
}
"""SDK method -> (why its request differs, quoting the spec; the query pairs only ours sends,
only the SDK sends). Method, path and body of these must still be equal."""

SDK_CANNOT_SEND: dict[str, list[str]] = {
    # GET /api/video/conferences/{id} and /rooms/{id} document `include_active_session`;
    # the SDK's inherited `get(resource_id)` takes no query parameters at all.
    "video.conferences.get": ["include_active_session"],
    "video.rooms.get": ["include_active_session"],
}
"""SDK method -> spec parameters its signature has no way to send (left out of both calls)."""

NOT_OURS: list[str] = []
"""SDK video methods with no operation of ours (the coverage gap; empty: none)."""


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[Captured]]]:
    with capture_server(responder("signalwire")) as running:
        yield running


def _arguments(
    op: Any, info: dict[str, Any], our_fn: Any, unsendable: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    document = load("signalwire")
    our_sig = inspect.signature(our_fn).parameters
    sdk_params = {p["name"]: p for p in info["params"]}
    takes_query = "params" in sdk_params and sdk_params["params"]["kind"] == "VAR_KEYWORD"
    takes_extras = "extras" in sdk_params
    ours: dict[str, Any] = {}
    sdk: dict[str, Any] = {"args": [], "kwargs": {}}

    def ours_name(name: str, where: str) -> str:
        plain = python_identifier(name, reserved=RESERVED_ARGUMENTS)
        return plain if plain in our_sig else f"{where}_{plain}"

    for name in re.findall(r"\{([^}]*)\}", op.path):
        value = sample(document, op.params[f"path:{name}"].get("schema") or {})
        ours[ours_name(name, "path")] = value
        sdk["args"].append(value)
    for key, param in op.params.items():
        where, wire = key.split(":", 1)
        if where != "query":
            continue
        if not takes_query:
            unsendable.append(wire)
            continue
        value = sample(document, param.get("schema") or {})
        ours[ours_name(wire, "query")] = value
        sdk["kwargs"][wire] = value
    extras: dict[str, Any] = {}
    for name, prop in ((op.body or {}).get("properties") or {}).items():
        if resolve_read_only(document, prop):
            continue
        value = sample(document, prop)
        if name in sdk_params and sdk_params[name]["kind"] == "KEYWORD_ONLY":
            sdk["kwargs"][name] = value
        elif takes_extras:
            extras[name] = value
        else:
            unsendable.append(name)
            continue
        ours[ours_name(name, "body")] = value
    if extras:
        sdk["kwargs"]["extras"] = extras
    return ours, sdk


def resolve_read_only(document: Any, prop: Any) -> bool:
    from tests.wire.spec import resolve

    return bool(resolve(document, prop).get("readOnly"))


def _view(request: Captured) -> tuple[str, str, list[tuple[str, str]], Any]:
    return request.method, request.path, request.query, request.body


def _ours(seen: list[Captured], fn: Any, kwargs: dict[str, Any]) -> Captured:
    seen.clear()
    try:
        fn(**kwargs)
    except Exception as exc:  # a parse failure after the request is still a request
        if not seen:
            raise AssertionError(f"no request sent: {type(exc).__name__}: {exc}") from exc
    assert len(seen) == 1, seen
    return seen[0]


def test_every_sdk_video_method_is_ours(server: tuple[str, list[Captured]]) -> None:
    base, seen = server
    probed = signalwire_side.probe(base, seen)
    ours = our_methods("signalwire", SignalWire(project_id="p", api_token="t", base_url=base))
    missing = [
        name
        for name, (op, _) in sorted(probed.items())
        if op is None or op.operation_id not in ours
    ]
    assert len(probed) >= 30
    assert missing == NOT_OURS


def test_same_requests_as_the_official_sdk(
    server: tuple[str, list[Captured]], capsys: pytest.CaptureFixture[str]
) -> None:
    base, seen = server
    probed = signalwire_side.probe(base, seen)
    ours = our_methods(
        "signalwire", SignalWire(project_id="p", api_token="t", base_url=base, max_retries=0)
    )
    mine: dict[str, Captured] = {}
    calls = []
    unsendable: dict[str, list[str]] = {}
    for name, (op, info) in sorted(probed.items()):
        assert op is not None, name
        left: list[str] = []
        our_args, sdk_call = _arguments(op, info, ours[op.operation_id], left)
        if left:
            unsendable[name] = left
        mine[name] = _ours(seen, ours[op.operation_id], our_args)
        mine_async = call_async(
            seen,
            lambda: AsyncSignalWire(project_id="p", api_token="t", base_url=base, max_retries=0),
            "signalwire",
            op.operation_id,
            our_args,
        )
        assert _view(mine_async) == _view(mine[name]), name
        calls.append({"name": name, **sdk_call})
    seen.clear()
    results = signalwire_side.call(base, calls)
    identical, differing = 0, {}
    for entry, result, requests in zip(
        calls, results, signalwire_side.split(seen, len(calls)), strict=True
    ):
        name = entry["name"]
        assert requests, f"{name}: the SDK sent nothing ({result})"
        theirs = _view(requests[0])
        if _view(mine[name]) == theirs:
            identical += 1
        else:
            differing[name] = (_view(mine[name]), theirs)
    with capsys.disabled():
        print(f"\nsignalwire wire: {identical} identical / {len(calls)} compared")
        for name, (a, b) in differing.items():
            print(f"  {name}: ours {a}\n  {'':{len(name)}}  SDK  {b}")
        for name, left in unsendable.items():
            print(f"  {name}: the SDK cannot send {left}")
    assert len(calls) == len(probed)
    assert sorted(differing) == sorted(EXPECTED)
    for name, (a, b) in differing.items():
        only_ours = sorted(set(a[2]) - set(b[2]))
        only_sdk = sorted(set(b[2]) - set(a[2]))
        assert (a[0], a[1], a[3]) == (b[0], b[1], b[3]), name
        assert (only_ours, only_sdk) == (
            EXPECTED[name][1][0],
            EXPECTED[name][1][1],
        ), name
    assert unsendable == SDK_CANNOT_SEND
