"""Calling every operation of a whole generated API against a Prism mock of its spec.

Shared by the slow whole-API tests (`test_whole_apis`, `test_whole_prism`): the spec
loaded once, valid arguments for each operation (`arguments`), and one call of an
operation classified (`exercise`): whether Prism's request validation accepted what the
client sent, and, for a list operation, whether two pages were iterated; for a binary
one, whether bytes came back.

How Prism answers (``prism mock --errors``): a request that breaks the spec gets 4xx
(422 for a bad body/query, 401 for missing credentials, 404 for no such path) with an
``sl-violations`` header whose entries have ``"location":["request",...]``. When the
request is valid but Prism's own made-up answer is not (an example that does not match
its schema), it answers 500 with violations in ``"location":["response",...]``: the
request passed, the mock's example did not.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx

from benchmarks.corpus import whole_api_spec
from confgen.codegen.http.ir import Api
from confgen.codegen.http.load import load_api
from confgen.yamlio import load_yaml
from tests.contract.conftest import inline_refs


class Generated:
    """One whole API generated as the project folder ``out`` (the package is
    ``out/<package>/``; ``code``/``stderr``: the generator's)."""

    def __init__(self, package: str, out: Path, code: int, stderr: str) -> None:
        self.package, self.out, self.code, self.stderr = package, out, code, stderr


_FORMATS = {
    "uuid": "00000000-0000-4000-8000-000000000000",
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "ipv4": "127.0.0.1",
}


@cache
def document(package: str) -> Any:
    """The whole spec of ``package`` (parsed once per process)."""
    spec = whole_api_spec(package)
    text = spec.read_text(encoding="utf-8")
    return json.loads(text) if spec.suffix == ".json" else load_yaml(text)


@cache
def api(package: str) -> Api:
    """The generator's IR of ``package``'s spec (the operations it generated)."""
    return load_api(
        document(package),
        source=whole_api_spec(package).name,
        package=package,
        client_class="C",
        strict=False,
    )


def flatten(schema: Any, document: Any) -> Any:
    """``schema`` with its refs inlined, ``allOf`` merged into one object schema (properties
    and required united), and a union without properties of its own taken as its first
    branch (with the shared keywords): the shape a request body's fields are read from."""
    schema = inline_refs(schema, document)
    if not isinstance(schema, dict):
        return schema
    if schema.get("allOf"):
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties = dict(merged.get("properties") or {})
        required = list(merged.get("required") or [])
        for part in schema["allOf"]:
            part = flatten(part, document)
            if not isinstance(part, dict):
                continue
            properties.update(part.get("properties") or {})
            required += [r for r in part.get("required") or [] if r not in required]
            for key, value in part.items():
                if key not in ("properties", "required"):
                    merged.setdefault(key, value)
        if properties:
            merged["properties"] = properties
        if required:
            merged["required"] = required
        return merged
    for key in ("oneOf", "anyOf"):
        if schema.get(key) and not (schema.get("properties") and "type" in schema[key][0]):
            # A union of whole schemas: take the first. A union of ``required`` lists
            # beside the properties (GitHub: at least one of ...): add the first's.
            shared = {k: v for k, v in schema.items() if k not in (key, "discriminator")}
            branch = flatten(schema[key][0], document)
            if not isinstance(branch, dict):
                return shared
            merged = {**shared, **branch}
            properties = {**(shared.get("properties") or {}), **(branch.get("properties") or {})}
            required = sorted({*(shared.get("required") or []), *(branch.get("required") or [])})
            if properties:
                merged["properties"] = properties
            if required:
                merged["required"] = required
            return flatten(merged, document)
    return schema


def _matching(pattern: str) -> str | None:
    """The shortest string hypothesis finds matching ``pattern`` (deterministic)."""
    from hypothesis import HealthCheck, find, settings
    from hypothesis import strategies as st

    try:
        found: str = find(
            st.from_regex(pattern, fullmatch=True),
            lambda _: True,
            settings=settings(database=None, suppress_health_check=list(HealthCheck)),
        )
    except Exception:  # a pattern Python's re does not read: fall back to the type's value
        return None
    return found


def _fits(example: Any, schema: Mapping[str, Any]) -> bool:
    """Whether a string example keeps its own schema's pattern and length (some specs'
    examples are abridged: GitHub's ``sha256:0ecb...`` digest)."""
    if not isinstance(example, str):
        return True
    if len(example) < int(schema.get("minLength", 0)):
        return False
    pattern = schema.get("pattern")
    try:
        return not isinstance(pattern, str) or re.search(pattern, example) is not None
    except re.error:
        return True


def minimal(schema: Any, document: Any, depth: int = 0) -> Any:
    """A minimal value valid against ``schema``: its example, else built from its type."""
    schema = flatten(schema, document)
    if not isinstance(schema, dict) or depth > 8:
        return "x"
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if "example" in schema and _fits(schema["example"], schema):
        return schema["example"]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return minimal(schema[key][0], document, depth + 1)
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties") or {}
        required = list(schema.get("required") or [])
        if not required and schema.get("minProperties") and properties:
            required = list(properties)[: int(schema["minProperties"])]
        return {n: minimal(properties.get(n, {}), document, depth + 1) for n in required}
    if kind == "array":
        count = max(int(schema.get("minItems", 0)), 1 if depth == 0 else 0)
        return [minimal(schema.get("items", {}), document, depth + 1) for _ in range(count)]
    if kind in ("integer", "number"):
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "boolean":
        return True
    if isinstance(schema.get("pattern"), str):
        found = _matching(schema["pattern"])
        if found is not None:
            return found
    text = _FORMATS.get(str(schema.get("format")), "x")
    return text * max(1, int(schema.get("minLength", 1))) if text == "x" else text


def _parameter_example(param: Mapping[str, Any]) -> Any:
    """The parameter's own ``example`` / first of its ``examples`` (``_MISSING``: none)."""
    if "example" in param:
        return param["example"]
    examples = param.get("examples")
    if isinstance(examples, Mapping) and examples:
        first = next(iter(examples.values()))
        if isinstance(first, Mapping) and "value" in first:
            return first["value"]
    return _MISSING


_MISSING = object()


def arguments(op: Any, document: Any) -> dict[str, Any]:
    """Valid arguments for ``op``: the required ones (from the spec's examples, else
    minimal valid values), plus what Prism needs beyond them:

    - a body with ``minProperties``, or a required body none of whose fields is required,
      gets its first fields (else nothing is sent and Prism says the body is missing);
    - an optional deepObject parameter whose schema has required properties is given
      (Prism validates an absent deepObject parameter as ``{}`` and refuses it).
    """
    node = document
    for part in op.pointer.strip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    path_item = document["paths"][op.path]
    params: dict[tuple[str, str], Any] = {}
    for raw in [*(path_item.get("parameters") or []), *(node.get("parameters") or [])]:
        param = inline_refs(raw, document)
        params[(param["in"], param["name"])] = param
    body = inline_refs(node.get("requestBody") or {}, document)
    body_schema: Any = {}
    for media, content in sorted((body.get("content") or {}).items()):
        body_schema = content.get("schema") or {}
        if "json" in media:
            break
    body_schema = flatten(body_schema, document)
    out: dict[str, Any] = {}
    body_required = (
        set(body_schema.get("required") or []) if isinstance(body_schema, dict) else set()
    )
    wanted = int(body_schema.get("minProperties", 0)) if isinstance(body_schema, dict) else 0
    if body.get("required") and op.body_style == "fields" and not body_required:
        wanted = max(wanted, 1)
    for p in op.parameters:
        spec_param = params.get((p.location, p.wire_name), {})
        schema = flatten(spec_param.get("schema") or {}, document)
        if p.location == "body" and op.body_style == "fields" and wanted > 0:
            wanted -= 1  # the body needs fields: give the first ones
        elif p.location == "body" and op.body_style == "fields" and p.wire_name in body_required:
            pass  # required by the body's schema (a union's first branch, say)
        elif p.style == "deepObject" and not p.required and schema.get("required"):
            out[p.name] = minimal(schema, document)  # Prism refuses an absent one
            continue
        elif not p.required:
            continue
        if p.location == "body" and op.body_style == "raw":
            out[p.name] = b"x"
        elif p.location == "body" and op.body_style == "single":
            out[p.name] = minimal(body_schema, document)
        elif p.location == "body":
            prop = (body_schema.get("properties") or {}).get(p.wire_name, {})
            out[p.name] = minimal(prop, document)
        else:
            example = _parameter_example(spec_param)
            if example is _MISSING or not _fits(example, schema) or example == "":
                # "" is no value: Telnyx's storage paths give example "" (an empty segment)
                example = minimal(schema, document)
            out[p.name] = example
    return out


# Requests the spec allows that Prism refuses. Each is checked to fail exactly so; any
# other refusal still fails the test.
_ONE_OF_PATH = re.compile(r'"location":\["path","(\w+)"\],"severity":"Error","code":"oneOf"')


_BRACKETED = re.compile(r"Request query must have required property '([^']*%5b[^']*)'")


def _escaped(name: str) -> str:
    return name.replace("[", "%5b").replace("]", "%5d")


def prism_defect(op: Any, error: Any, document: Any) -> str | None:
    """Why ``error`` is a known Prism defect for ``op``, else ``None``.

    A query parameter named with brackets (Telnyx's ``page[number]``): Prism looks it up
    percent-encoded and never finds it. A path parameter that is ``oneOf: [integer, string]`` (GitHub's ``workflow_id``,
    ``pages_deployment_id``): Prism coerces the path segment ``1`` to an integer and then
    finds it matches both branches, so every numeric id gets a 422 whoever sends it (a
    path segment is a string: only one branch matches).
    """
    if error.status_code != 422:
        return None
    # The violations are in the header; the body is Prism's, or the spec's 422 example.
    text = str(error.response.headers.get("sl-violations", "")) + error.response.text
    bracketed = _BRACKETED.search(text)
    if bracketed and any(
        p.location == "query" and "[" in p.wire_name and _escaped(p.wire_name) == bracketed[1]
        for p in op.parameters
    ):
        return (
            f"query parameter {bracketed[1]!r} is named with brackets; Prism looks it up "
            "percent-encoded and never finds it, however it is sent (page[number]=1, "
            "page%5Bnumber%5D=1 and page%5bnumber%5d=1 all get this 422)"
        )
    found = _ONE_OF_PATH.search(text)
    if found is None:
        return None
    param = next(
        (p for p in op.parameters if p.location == "path" and p.wire_name == found.group(1)),
        None,
    )
    if param is None:
        return None
    schema = _path_parameter_schema(op, param.wire_name, document)
    kinds = {branch.get("type") for branch in schema.get("oneOf") or [] if isinstance(branch, dict)}
    if {"integer", "string"} <= kinds:
        return (
            f"{param.wire_name} is oneOf [integer, string]; Prism coerces the path segment "
            "to an integer and then finds it matches both branches (422 for any client)"
        )
    return None


def _path_parameter_schema(op: Any, name: str, document: Any) -> dict[str, Any]:
    node = document["paths"][op.path]
    method = node[op.http_method.lower()]
    for raw in [*(node.get("parameters") or []), *(method.get("parameters") or [])]:
        param = inline_refs(raw, document)
        if param.get("in") == "path" and param.get("name") == name:
            schema = inline_refs(param.get("schema") or {}, document)
            return schema if isinstance(schema, dict) else {}
    return {}


_ELSEWHERE = b"stand-in for a redirect target outside the API"

#: The list path of the example ``Link`` header GitHub's spec gives every list
#: (``components.headers.link``); `ToPrism` links the requested list instead.
PLACEHOLDER_LIST = "/resource"


class ToPrism(httpx.BaseTransport):
    """Delivers the requests for the API's host to Prism: the client keeps the spec's own
    server URL (``https://api.github.com``), so the next-page URLs of Prism's examples (on
    that host) are followed as they would be in production. A request for any other host
    (a redirect's ``Location``: GitHub's signed download URLs) is not sent anywhere: it is
    recorded in ``elsewhere`` and answered 200 with `_ELSEWHERE` as octet-stream."""

    def __init__(self, prism_url: str, api_host: str) -> None:
        self._target = httpx.URL(prism_url)
        self._api_host = api_host
        self._inner = httpx.HTTPTransport()
        self.elsewhere: list[str] = []

    def _route(self, request: httpx.Request) -> httpx.Response | None:
        if request.url.host != self._api_host:
            self.elsewhere.append(str(request.url))
            return httpx.Response(
                200, content=_ELSEWHERE, headers={"Content-Type": "application/octet-stream"}
            )
        request.url = request.url.copy_with(
            scheme=self._target.scheme, host=self._target.host, port=self._target.port
        )
        return None

    def _relink(self, response: httpx.Response, path: str) -> httpx.Response:
        """Prism's ``Link`` header with the example's placeholder list made the requested
        list: GitHub's spec gives every list the one example header
        ``<https://api.github.com/resource?page=2>; rel="next", ...``, which Prism sends as
        it is, and ``/resource`` is no path of the API (Prism answers it 404). A real server
        links to the list it answered, so a link to `PLACEHOLDER_LIST` becomes one to
        ``path`` (the request's own, without its query) with the link's query kept
        (``?page=2``), as `tests/contract/test_prism.py` does for SignalWire's example links."""
        link = response.headers.get("link")
        if link and PLACEHOLDER_LIST in link:
            origin = f"https://{self._api_host}"
            response.headers["link"] = link.replace(
                f"<{origin}{PLACEHOLDER_LIST}?", f"<{origin}{path}?"
            ).replace(f"<{origin}{PLACEHOLDER_LIST}>", f"<{origin}{path}>")
        return response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode().split("?")[0]
        routed = self._route(request)
        if routed is not None:
            return routed
        return self._relink(self._inner.handle_request(request), path)

    def close(self) -> None:
        self._inner.close()


class AsyncToPrism(httpx.AsyncBaseTransport):
    """`ToPrism` for the async clients."""

    def __init__(self, prism_url: str, api_host: str) -> None:
        self._sync = ToPrism(prism_url, api_host)
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode().split("?")[0]
        routed = self._sync._route(request)
        if routed is not None:
            return routed
        return self._sync._relink(await self._inner.handle_async_request(request), path)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class Outcome:
    """What one call of one operation gave."""

    op: Any
    verdict: str
    """``passed`` (Prism's request validation accepted it), ``failed`` (refused, or the
    client refused to send / mishandled the answer), or ``prism-defect`` (a known Prism
    fault, `PRISM_DEFECTS`)."""
    detail: str = ""
    note: str = ""
    """For a passed call: ``response-invalid`` when Prism's own answer broke the spec (500,
    violations in the response only) or the client's strict parse refused it."""
    pages: int | None = None
    """List operations: pages iterated (2 wanted)."""
    single_page: str | None = None
    """List operations with one page: why Prism's example gives no second one."""
    requests: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.op.http_method} {self.op.path}"


def _request_violation(error: Any) -> str | None:
    """Prism's refusal of the request in ``error`` (``None``: not a request refusal)."""
    violations = str(error.response.headers.get("sl-violations", ""))
    status = int(error.status_code)
    if status == 500 and '"location":["request"' not in violations:
        return None  # the request was fine; Prism's made-up answer was not
    if status in (400, 401, 403, 404, 405, 406, 415, 422) or violations:
        return f"{status} {violations[:400] or error.response.text[:300]}"
    return None


def _no_such_page(path: str, status: int) -> str:
    where = path.split("?")[0]
    return f"the example's next-page URL ({where}) is answered {status} by Prism"


def _single_page_reason(op: Any, page: Any) -> str:
    """Why a first page from Prism's example has no second page."""
    scheme = op.pagination
    if not page.data:
        return "the example page has no items (an empty page ends the iteration)"
    if scheme.kind == "page-number":
        total = page._value(scheme.total_pages) if scheme.total_pages else None
        return f"the example's {'.'.join(scheme.total_pages or ())} is {total!r} (last page)"
    if scheme.kind == "link-header":
        return "Prism's answer has no Link rel=next header (the spec declares none)"
    if scheme.kind == "next-link":
        return f"the example's {'.'.join(scheme.next or ())} is empty"
    if scheme.kind == "cursor":
        return f"the example's {'.'.join(scheme.cursor or ())} is empty"
    return f"{scheme.kind}: no next page in the example"


def check_pages(op: Any, first: Any, errors: Any) -> tuple[int, str | None, str | None]:
    """Iterate up to two pages from ``first``: ``(pages, single_page_reason, failure)``."""
    try:
        pages = list(itertools.islice(first.iter_pages(), 2))
    except errors.APIStatusError as error:
        # The client asked for the example's next page and Prism has no such thing.
        url = error.response.request.url
        return 1, _no_such_page(url.raw_path.decode(), error.status_code), None
    if len(pages) == 1:
        return 1, _single_page_reason(op, first), None
    expected = [*pages[0].data, *pages[1].data]
    items = list(itertools.islice(iter(first), len(expected)))
    if len(items) != len(expected):
        return 2, None, f"iterating items gave {len(items)}, the two pages hold {len(expected)}"
    return 2, None, None


async def acheck_pages(op: Any, first: Any, errors: Any) -> tuple[int, str | None, str | None]:
    """`check_pages` for an async page."""
    pages = []
    try:
        async for page in first.iter_pages():
            pages.append(page)
            if len(pages) == 2:
                break
    except errors.APIStatusError as error:
        url = error.response.request.url
        return 1, _no_such_page(url.raw_path.decode(), error.status_code), None
    if len(pages) == 1:
        return 1, _single_page_reason(op, first), None
    expected = len(pages[0].data) + len(pages[1].data)
    items = []
    async for item in first:
        items.append(item)
        if len(items) == expected:
            break
    if len(items) != expected:
        return 2, None, f"iterating items gave {len(items)}, the two pages hold {expected}"
    return 2, None, None


def _judge_result(op: Any, result: Any, package: Any) -> str | None:
    """A failure of a successful call's result (``None``: as expected)."""
    if op.response_kind == "binary":
        content = getattr(result, "content", None)
        if not isinstance(content, bytes) or bytes(result) != content:
            return f"binary operation returned {type(result).__name__}, not bytes"
    if op.response_kind == "text" and not isinstance(result, str):
        return f"text operation returned {type(result).__name__}, not str"
    return None


def _classify_error(op: Any, error: BaseException, errors: Any, document: Any) -> Outcome:
    if isinstance(error, errors.APIStatusError):
        known = prism_defect(op, error, document)
        if known:
            return Outcome(op, "prism-defect", known)
        refused = _request_violation(error)
        if refused is not None:
            return Outcome(op, "failed", f"Prism refused the request: {refused}")
        note = "response-invalid" if error.status_code == 500 else f"answered {error.status_code}"
        violations = str(error.response.headers.get("sl-violations", ""))
        return Outcome(op, "passed", violations[:300], note=note)
    if isinstance(error, errors.RequestValidationError):
        return Outcome(op, "failed", f"refused before sending: {str(error)[:300]}")
    if isinstance(error, errors.APIResponseValidationError):
        return Outcome(op, "passed", note="response-invalid")
    return Outcome(op, "failed", f"{type(error).__name__}: {str(error)[:300]}")


def exercise(client: Any, op: Any, document: Any, package: Any) -> Outcome:
    """Call ``op`` on the sync ``client`` with generated arguments; judge the answer."""
    errors = package.errors
    method = getattr(getattr(client, op.resource), op.name)
    try:
        result = method(**arguments(op, document))
    except Exception as error:  # every exception is classified, none passes silently
        return _classify_error(op, error, errors, document)
    failure = _judge_result(op, result, package)
    if failure:
        return Outcome(op, "failed", failure)
    if op.pagination is None:
        return Outcome(op, "passed")
    try:
        pages, single, failure = check_pages(op, result, errors)
    except Exception as error:
        return Outcome(op, "failed", f"iterating pages: {type(error).__name__}: {error}"[:400])
    if failure:
        return Outcome(op, "failed", failure, pages=pages)
    return Outcome(op, "passed", pages=pages, single_page=single)


async def aexercise(client: Any, op: Any, document: Any, package: Any) -> Outcome:
    """`exercise` on the async ``client``."""
    errors = package.errors
    method = getattr(getattr(client, op.resource), op.name)
    try:
        result = await method(**arguments(op, document))
    except Exception as error:
        return _classify_error(op, error, errors, document)
    failure = _judge_result(op, result, package)
    if failure:
        return Outcome(op, "failed", failure)
    if op.pagination is None:
        return Outcome(op, "passed")
    try:
        pages, single, failure = await acheck_pages(op, result, errors)
    except Exception as error:
        return Outcome(op, "failed", f"iterating pages: {type(error).__name__}: {error}"[:400])
    if failure:
        return Outcome(op, "failed", failure, pages=pages)
    return Outcome(op, "passed", pages=pages, single_page=single)


def client_classes(package: Any) -> tuple[str, str]:
    """The sync and async client class names of a generated package."""
    name = next(
        n
        for n in package.__all__
        if not n.startswith("Async") and n[0].isupper() and n.endswith("Api")
    )
    return name, "Async" + name


def server_url(package_name: str) -> str:
    """The spec's own server URL when it has no base path (requests then keep their
    spec paths, which Prism matches), else ``""`` (the client is pointed at Prism)."""
    servers = document(package_name).get("servers") or [{}]
    url = str(servers[0].get("url", ""))
    return url if url.count("/") == 2 and url.startswith("https://") else ""


def report(outcomes: list[Outcome]) -> dict[str, Any]:
    """Counts and names, for the test's message and the run's summary."""
    lists = [o for o in outcomes if o.op.pagination is not None and o.verdict == "passed"]
    single: dict[str, list[str]] = {}
    for o in lists:
        if o.single_page:
            single.setdefault(o.single_page, []).append(o.name)
    return {
        "total": len(outcomes),
        "passed": sum(o.verdict == "passed" for o in outcomes),
        "response_invalid": sum(o.note == "response-invalid" for o in outcomes),
        "prism_defects": sorted(
            f"{o.name}: {o.detail[:120]}" for o in outcomes if o.verdict == "prism-defect"
        ),
        "failed": sorted(f"{o.name}: {o.detail}" for o in outcomes if o.verdict == "failed"),
        "lists": len([o for o in outcomes if o.op.pagination is not None]),
        "two_pages": sum(o.pages == 2 for o in lists),
        "no_first_page": dict(
            sorted(Counter(f"first answer {o.note}" for o in lists if o.pages is None).items())
        ),
        "single_page": {reason: len(names) for reason, names in sorted(single.items())},
        "binary": sum(o.op.response_kind == "binary" for o in outcomes),
        "binary_passed": sum(
            o.op.response_kind == "binary" and o.verdict == "passed" and not o.note
            for o in outcomes
        ),
    }
