"""Per-call ``extra_query``/``extra_body``/``max_retries``, per-client ``default_query``,
and ``<PACKAGE>_LOG`` logging with secrets redacted."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from confgen.codegen.http.runtime import BearerAuth, Operation
from confgen.codegen.http.runtime._encoding import encode_raw
from confgen.codegen.http.runtime._logs import redact_url, setup_logging

from .runtime_support import SECRET, CreateConferenceRequest, Recorder, TestClient, sync_client

GET = Operation(method="GET", path="/conferences")
POST = Operation(method="POST", path="/conferences", retry="idempotent")
OK = httpx.Response(200, json={})


def test_default_query_and_extra_query_layer_over_the_operations_query() -> None:
    recorder = Recorder()
    client = sync_client(recorder, default_query={"region": "eu", "page": 1})
    client.request(GET, cast_to=None, query={"page": 2}, extra_query={"beta": True})
    client.with_options(default_query={"region": "us"}).request(GET, cast_to=None)
    assert recorder.requests[0].url.query == b"region=eu&page=2&beta=true"
    assert recorder.requests[1].url.query == b"region=us&page=1"
    assert client.request(GET, cast_to=None) is None
    assert recorder.requests[2].url.query == b"region=eu&page=1"


def test_extra_body_is_merged_over_a_model_a_mapping_and_a_form() -> None:
    recorder = Recorder()
    client = sync_client(recorder)
    model = CreateConferenceRequest(call_control_id="v3:1", name="standup")
    client.request(POST, cast_to=None, json=model, extra_body={"name": "other", "x": [1]})
    client.request(POST, cast_to=None, json={"a": 1}, extra_body={"b": 2})
    client.request(POST, cast_to=None, form={"a": "1"}, extra_body={"b": "2"})
    client.request(POST, cast_to=None, extra_body={"only": True})
    first, second, third, fourth = recorder.requests
    assert json.loads(first.content) == {"call_control_id": "v3:1", "name": "other", "x": [1]}
    assert json.loads(second.content) == {"a": 1, "b": 2}
    assert third.content == b"a=1&b=2"
    assert third.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert json.loads(fourth.content) == {"only": True}
    with pytest.raises(ValueError, match="extra_body needs a JSON or form body"):
        client.request(
            POST, cast_to=None, content=encode_raw(b"raw", "text/plain"), extra_body={"a": 1}
        )


def test_max_retries_per_call_overrides_the_clients() -> None:
    recorder = Recorder(httpx.Response(503), httpx.Response(503), httpx.Response(503), OK)
    client = sync_client(recorder, max_retries=2)
    with pytest.raises(Exception, match="503"):
        client.request(GET, cast_to=None, max_retries=0)
    assert len(recorder.requests) == 1
    recorder.requests.clear()
    client.request(GET, cast_to=None, max_retries=3)
    assert len(recorder.requests) == 3  # two 503s left in the script, then OK


class LoggedClient(TestClient):
    __test__ = False
    package_name = "loggedpkg"


def test_package_log_env_logs_each_exchange_with_secrets_redacted(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("LOGGEDPKG_LOG", "debug")
    logger = logging.getLogger("loggedpkg")
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    monkeypatch.setattr(logger, "handlers", [])
    recorder = Recorder(httpx.Response(500), OK)
    client = sync_client(recorder, client_class=LoggedClient, auth=BearerAuth(SECRET))
    assert logger.level == logging.DEBUG  # set up from the environment
    with caplog.at_level(logging.DEBUG, logger="loggedpkg"):
        client.request(GET, cast_to=None, query={"api_key": SECRET, "page": 2})
    exchanges = [r.getMessage() for r in caplog.records if r.name == "loggedpkg.http"]
    url = "https://api.example.test/v2/conferences?api_key=<redacted>&page=2"
    assert exchanges[0].startswith(f"GET {url} -> HTTP 500 in ")
    assert exchanges[0].endswith(" s (retry 0)")
    assert exchanges[1].startswith("request headers: {")
    assert "'authorization': '<redacted>'" in exchanges[1]
    assert exchanges[2].startswith(f"GET {url} -> HTTP 200 in ")
    assert exchanges[2].endswith(" s (retry 1)")
    assert SECRET not in caplog.text


def test_setup_logging_adds_a_handler_only_when_nothing_handles_the_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALONEPKG_LOG", "INFO")
    logger = logging.getLogger("alonepkg")
    monkeypatch.setattr(logger, "propagate", False)
    monkeypatch.setattr(logger, "handlers", [])
    setup_logging(logger, "ALONEPKG_LOG")
    assert logger.level == logging.INFO
    assert [type(h) for h in logger.handlers] == [logging.StreamHandler]


def test_setup_logging_ignores_other_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIETPKG_LOG", "loud")
    logger = logging.getLogger("quietpkg")
    setup_logging(logger, "QUIETPKG_LOG")
    assert logger.level == logging.NOTSET and not logger.handlers


def test_redact_url_hides_userinfo_and_secret_query_values() -> None:
    assert redact_url("https://u:p@h.test/x?token=abc&q=1") == (
        "https://h.test/x?token=<redacted>&q=1"
    )
    assert redact_url("https://h.test/x?filter[name]=a") == "https://h.test/x?filter[name]=a"
