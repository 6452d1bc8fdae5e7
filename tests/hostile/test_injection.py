"""Injection payloads in every string field of an OpenAPI and an AsyncAPI document:
the package compiles, imports, keeps the text exactly where it is data, and no payload
runs."""

from __future__ import annotations

import functools
import importlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from confgen.codegen.escape import plain_text

from .conftest import asyncapi_doc, openapi_doc, payloads

NAMES = sorted(payloads(Path("/unused")))


@pytest.fixture
def sentinel(tmp_path: Path) -> Path:
    return tmp_path / "PWNED"


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
@pytest.mark.parametrize("name", NAMES)
def test_openapi_payload_in_every_field_stays_text(
    name: str, strict: bool, sentinel: Path, generate_and_import: Any
) -> None:
    payload = payloads(sentinel)[name]
    document = openapi_doc(payload)
    package = generate_and_import(document, strict=strict)
    assert not sentinel.exists(), "a payload ran"
    # Docstrings hold the text (escaped for Python, read back as the plain text).
    assert package.__doc__.lstrip().startswith(plain_text(payload).strip())
    (path,) = document["paths"]
    # Every string literal reads back as exactly the spec's value (path, parameter names).
    (module_name,) = [
        m
        for m in (Path(package.__file__).parent / "resources").glob("*.py")
        if m.stem != "__init__"
    ]
    resource = importlib.import_module(f"{package.__name__}.resources.{module_name.stem}")
    operations = [v for v in vars(resource).values() if type(v).__name__ == "Operation"]
    assert [op.path for op in operations] == [quote(path, safe="/{}:@!$&'()*+,;=-._~%")]
    # The README is the project folder's (the package's parent).
    readme = (Path(package.__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    outside_fences = re.sub(r"(?ms)^(`{3,})python\n.*?\n\1$", "", readme)
    outside_code = re.sub(r"(`+)(?:(?!\1).)*?\1", "", outside_fences)
    assert "<b>" not in outside_code and "<!--" not in outside_code.split("\n", 1)[1]
    for row in (line for line in readme.splitlines() if line.startswith("| `")):
        assert len(re.findall(r"(?<!\\)\|", row)) == 4, row  # three cells, whatever they hold
    assert outside_code.count("-->") == 1  # the header comment is not closed early
    fences = [line for line in readme.splitlines() if line.startswith("```")]
    assert len(fences) % 2 == 0 and "```python" in fences
    assert not any(line.startswith("```python") for line in readme.splitlines()[1:2])
    client_module = importlib.import_module(f"{package.__name__}._client")
    assert document["servers"][0]["url"].rstrip("/") == client_module.BASE_URL
    assert not sentinel.exists()


@pytest.mark.parametrize("name", NAMES)
def test_openapi_payload_request_goes_out_exactly(
    name: str, sentinel: Path, generate_and_import: Any
) -> None:
    """The method built from a hostile operation sends the hostile values as data."""
    payload = payloads(sentinel)[name]
    document = openapi_doc(payload)
    package = generate_and_import(document)
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={payload: payload, "kind": payload, "count": 1})

    client_module = importlib.import_module(f"{package.__name__}._client")
    client = client_module.Hostile(
        region="eu",
        base_url="https://api.test",
        http_client=httpx.Client(transport=httpx.MockTransport(answer)),
    )
    (attribute,) = [
        n
        for n, v in vars(type(client)).items()
        if isinstance(v, functools.cached_property) and n != "webhooks"
    ]
    resource = getattr(client, attribute)
    (method_name,) = [
        n
        for n, v in vars(type(resource)).items()
        if callable(v) and not n.startswith("__") and n != "with_raw_response"
    ]
    method = getattr(resource, method_name)
    import inspect

    parameters = inspect.signature(method).parameters
    required = {
        n: "t1" if n == "thing_id" else payload
        for n, p in parameters.items()
        if p.default is inspect.Parameter.empty and p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    method(**required)
    assert not sentinel.exists()
    (request,) = seen
    assert request.method == "POST"
    (path,) = document["paths"]
    expected = quote(path, safe="/{}:@!$&'()*+,;=-._~%").replace("{thing_id}", "t1")
    assert request.url.raw_path.decode("ascii") == expected
    import json

    body = json.loads(request.content)
    assert body == {payload: payload}  # the property name and value, exactly


@pytest.mark.parametrize("name", NAMES)
def test_asyncapi_payload_in_every_field_stays_text(
    name: str, sentinel: Path, generate_and_import: Any
) -> None:
    payload = payloads(sentinel)[name]
    document = asyncapi_doc(payload)
    package = generate_and_import(document, strict=True)
    assert not sentinel.exists(), "a payload ran"
    assert package.__doc__.lstrip().startswith(plain_text(payload).strip())
    events = importlib.import_module(f"{package.__name__}.events")
    envelope = document["x-confgen-envelope"]
    event = events.UnknownEvent.model_validate(
        {envelope["method-key"]: "event", envelope["notification-name-key"]: "x"}
    )
    assert event is not None


def test_lone_surrogate_in_documentation_is_escaped(
    sentinel: Path, generate_and_import: Any
) -> None:
    """A lone surrogate (valid JSON text, not a character) in descriptions and titles is
    spelled out in the docstrings."""
    document = openapi_doc("plain")
    document["info"]["title"] = "lone \ud800 surrogate"
    document["paths"]["/things/{thing_id}/plain"]["post"]["description"] = "x \udfff y"
    document["components"]["schemas"]["Thing"]["description"] = "z \ud800"
    package = generate_and_import(document, strict=True)
    assert package.__doc__.startswith("lone \\ud800 surrogate")


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (
            lambda d: d["components"]["schemas"]["Thing"]["properties"].update({"\ud800": {}}),
            "/components/schemas/Thing/properties/\\ud800",
        ),
        (
            lambda d: d["paths"]["/things/{thing_id}/plain"]["post"].update(
                {"operationId": "op\udc00"}
            ),
            "/paths/~1things~1{thing_id}~1plain/post/operationId",
        ),
    ],
    ids=["property-name", "operationId"],
)
def test_lone_surrogate_in_a_name_is_one_located_error(
    tmp_path: Path, change: Any, pointer: str
) -> None:
    from .test_invalid import run_cli

    document = openapi_doc("plain")
    change(document)
    code, _out, err, folder = run_cli(tmp_path, document)
    assert code == 1
    assert err == (
        f"confgen: error: spec.json#{pointer}: a lone surrogate (not a Unicode character) in a"
        " name or value (expected text that can be encoded as UTF-8)\n"
    )
    assert not folder.exists()
