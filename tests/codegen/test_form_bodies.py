"""Form bodies (``application/x-www-form-urlencoded``): each field serialised as a query
parameter in its ``encoding`` style (one implementation, `_params.encode_query`)."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import pytest

from confgen.cli import main
from confgen.codegen.http.load import load_api
from confgen.codegen.http.runtime._params import ParamStyle, encode_form
from confgen.errors import ConfgenError

from .conftest import Wire, reply

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Forms", "version": "1"},
    "servers": [{"url": "https://api.example.test"}],
    "paths": {
        "/calls": {
            "post": {
                "operationId": "createCall",
                "tags": ["calls"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": ["to"],
                                "properties": {
                                    "to": {"type": "string"},
                                    "events": {"type": "array", "items": {"type": "string"}},
                                    "tags": {"type": "array", "items": {"type": "string"}},
                                    "filter": {
                                        "type": "object",
                                        "properties": {
                                            "status": {"type": "string"},
                                            "region": {"type": "string"},
                                        },
                                    },
                                    "plain": {
                                        "type": "object",
                                        "properties": {"a": {"type": "string"}},
                                    },
                                },
                            },
                            "encoding": {
                                "events": {"style": "form", "explode": False},
                                "tags": {"style": "pipeDelimited", "explode": False},
                                "filter": {"style": "deepObject", "explode": True},
                            },
                        }
                    },
                },
                "responses": {"204": {"description": "placed"}},
            }
        }
    },
}


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("forms")
    spec = folder / "forms.json"
    spec.write_text(json.dumps(SPEC))
    out = folder / "out"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--package", "forms"]) == 0
    sys.path.insert(0, str(out / "forms"))  # the project folder holds the package
    try:
        yield importlib.import_module("forms")
    finally:
        sys.path.remove(str(out / "forms"))
        for name in [m for m in sys.modules if m == "forms" or m.startswith("forms.")]:
            del sys.modules[name]


def test_the_encoding_styles_are_read_from_the_spec() -> None:
    api = load_api(SPEC, source="forms.json", package="forms", client_class="Forms")
    [op] = [op for resource in api.resources for op in resource.operations]
    assert op.form_encoding == (
        ("events", "form", False, False),
        ("filter", "deepObject", True, False),
        ("tags", "pipeDelimited", False, False),
    )


def test_an_unknown_form_style_is_a_located_error() -> None:
    spec = json.loads(json.dumps(SPEC))
    media = spec["paths"]["/calls"]["post"]["requestBody"]["content"]
    media["application/x-www-form-urlencoded"]["encoding"]["tags"]["style"] = "matrix"
    with pytest.raises(ConfgenError, match="matrix"):
        load_api(spec, source="forms.json", package="forms", client_class="Forms")


def test_the_generated_call_sends_each_field_in_its_style(forms: Any) -> None:
    wire = Wire([reply(204)])
    client = forms.Forms(http_client=wire.client())
    client.calls.create_call(
        to="+1 555",
        events=["answered", "hangup"],
        tags=["a", "b"],
        filter={"status": "active", "region": "eu"},
        plain={"a": "x"},
    )
    [sent] = wire.requests
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.content == (
        b"to=%2B1+555&events=answered,hangup&tags=a|b&filter[status]=active&filter[region]=eu&a=x"
    )
    # A form decoder reads back what was given.
    assert parse_qsl(sent.content.decode()) == [
        ("to", "+1 555"),
        ("events", "answered,hangup"),
        ("tags", "a|b"),
        ("filter[status]", "active"),
        ("filter[region]", "eu"),
        ("a", "x"),
    ]


def test_encode_form_defaults_and_styles() -> None:
    assert encode_form({"name": "a b", "flag": False, "ids": [1, 2], "n": None}) == (
        b"name=a+b&flag=false&ids=1&ids=2"
    )
    styles = {"ids": ParamStyle("spaceDelimited", False), "o": ParamStyle("form", False)}
    assert encode_form({"ids": [1, 2], "o": {"k": "v", "j": 2}}, None, styles) == (
        b"ids=1+2&o=k,v,j,2"
    )
