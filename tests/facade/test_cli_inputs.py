"""``confgen conference``: every bad input is a usage error (exit 2, one message on
stderr, nothing sent, no traceback, no secret echoed); ``--json`` makes errors JSON;
credentials come from the environment or ``--credentials-file``; a closed stdout ends
the command quietly."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.facade.conftest import SECRETS
from tests.facade.test_cli import run

ROOT = Path(__file__).resolve().parents[2]
KEY = SECRETS["telnyx"]


class Counter:
    """A loopback HTTP server that answers nothing useful and counts what reached it."""

    def __init__(self) -> None:
        self.hits = 0
        counter = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                counter.hits += 1
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def counter() -> Iterator[Counter]:
    server = Counter()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def create(*extra: str) -> list[str]:
    return [
        "conference", "create", "--provider", "telnyx", "--name", "standup",
        "--option", "call_control_id=v3:abc", *extra,
    ]  # fmt: skip


# ---------------------------------------------------------------------- --option


@pytest.mark.parametrize(
    ("option", "says"),
    [
        ("name=other", "name is set by --name"),
        ("base_url=http://evil.example", "base_url is set by --base-url"),
        (f'credentials={{"api_key": "{KEY}"}}', "credentials is set by the environment"),
        (f"credentials={KEY}", "never the command line"),
        ("client=x", "client is set by nothing on the command line"),
    ],
    ids=["name", "base_url", "credentials-json", "credentials-string", "client"],
)
def test_an_option_may_not_set_the_facades_own_arguments(
    capsys: pytest.CaptureFixture[str],
    counter: Counter,
    monkeypatch: pytest.MonkeyPatch,
    option: str,
    says: str,
) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", "KEY-from-env")
    code, out, err = run(capsys, *create("--option", option, "--base-url", counter.url))
    assert (code, out) == (2, "")
    assert err.startswith("confgen: error: --option") and says in err
    assert KEY not in err  # a credential on the command line is never echoed
    assert counter.hits == 0


def test_an_action_without_options_refuses_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "conference", "end", "--provider", "telnyx", "conf-1", "--option", "a=1"
    )
    assert (code, out) == (2, "") and "unrecognized arguments: --option" in err


def test_a_json_quoted_value_is_forced_to_a_string(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "conference", "create", "--provider", "voximplant", "--name", "standup",
        "--option", "rule_id=42", "--option", 'script_custom_data="12345"',
        "--dry-run", "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    (request,) = json.loads(out)["messages"]
    assert request["url"].endswith("rule_id=42&script_custom_data=12345")
    # The same digits unquoted are the number 12345, which the request model refuses
    # for a string field: the quotes are what make it a string.
    code, _, err = run(
        capsys, "conference", "create", "--provider", "voximplant", "--name", "standup",
        "--option", "rule_id=42", "--option", "script_custom_data=12345", "--dry-run",
    )  # fmt: skip
    assert code == 2 and "script_custom_data" in err


def test_an_unknown_list_filter_is_a_usage_error_before_anything_is_sent(
    capsys: pytest.CaptureFixture[str], counter: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", KEY)
    code, out, err = run(
        capsys, "conference", "list", "--provider", "telnyx", "--option", "filtr=1",
        "--base-url", counter.url,
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert "did you mean 'filter'?" in err and counter.hits == 0


def test_help_documents_forcing_a_string(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "conference", "create", "--help")
    assert code == 0
    assert "--option 'call_control_id=\"12345\"'" in out
    assert "--credentials-file" in out and "never from --option" in out


# ---------------------------------------------------------------------- --base-url


@pytest.mark.parametrize(
    ("provider", "url"),
    [
        ("telnyx", "api.telnyx.com/v2"),
        ("telnyx", "/v2"),
        ("telnyx", "ftp://api.telnyx.com"),
        ("telnyx", "http://"),
        ("telnyx", "ws://127.0.0.1:8765"),
        ("telnyx", "http://127.0.0.1:99999"),
        ("trueconf", "http://127.0.0.1:8765"),
        ("trueconf", "127.0.0.1:8765"),
    ],
)
def test_base_url_must_be_absolute_for_the_transport(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, provider: str, url: str
) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", KEY)
    argv = ["conference", "get", "--provider", provider, "conf-1", "--base-url", url]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(f"confgen: error: --base-url {url!r}")
    schemes = "ws:// or wss://" if provider == "trueconf" else "http:// or https://"
    assert schemes in err or "is not a URL" in err


# ---------------------------------------------------------------------- credentials


def test_missing_credentials_name_the_variable_and_dry_run(
    capsys: pytest.CaptureFixture[str], counter: Counter
) -> None:
    code, out, err = run(capsys, *create("--base-url", counter.url))
    assert (code, out) == (2, "")
    assert "TELNYX_API_KEY" in err and "--dry-run" in err and "--credentials-file" in err
    assert counter.hits == 0


def test_signalwire_missing_credentials_name_every_variable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "conference", "create", "--provider", "signalwire", "--name", "s")
    assert code == 2
    for name in ("SIGNALWIRE_PROJECT_ID", "SIGNALWIRE_API_TOKEN", "SIGNALWIRE_SPACE"):
        assert name in err
    assert "--dry-run" in err


@pytest.mark.parametrize("form", ["json", "yaml"])
def test_a_credentials_file_supplies_the_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, form: str
) -> None:
    path = tmp_path / f"telnyx.{form}"
    path.write_text(json.dumps({"api_key": KEY}) if form == "json" else f"api_key: {KEY}\n")
    code, out, err = run(capsys, *create("--credentials-file", str(path), "--dry-run", "--json"))
    assert (code, err) == (0, "")
    preview = json.loads(out)
    assert preview["dummy_credentials"] == []  # the file's key, not a dummy
    (request,) = preview["messages"]
    headers = {name.lower(): value for name, value in request["headers"].items()}
    assert headers["authorization"] == "Bearer <redacted>"
    assert KEY not in out


def test_a_credentials_file_holds_voximplants_service_account(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, voximplant_credentials: dict[str, str]
) -> None:
    path = tmp_path / "voximplant.json"
    path.write_text(json.dumps({"credentials": voximplant_credentials}))
    code, out, err = run(
        capsys, "conference", "create", "--provider", "voximplant", "--name", "standup",
        "--option", "rule_id=42", "--credentials-file", str(path), "--dry-run", "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    preview = json.loads(out)
    assert preview["dummy_credentials"] == []
    assert voximplant_credentials["private_key"] not in out
    (request,) = preview["messages"]
    headers = {name.lower(): value for name, value in request["headers"].items()}
    assert headers["authorization"] == "Bearer <redacted>"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "cannot read it"),
        ("api_key: [unclosed", "neither JSON nor YAML"),
        ('["api_key"]', "must hold a mapping"),
        ("{}", "must hold a mapping"),
        (f"api_kee: {KEY}\n", "takes no credential api_kee; its credentials: api_key"),
        ("api_key: 0123\n", "api_key must be a string (quote it)"),
    ],
    ids=["missing", "unparsable", "a-list", "empty", "unknown-key", "a-number"],
)
def test_a_bad_credentials_file_is_a_usage_error_that_shows_no_content(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None, says: str
) -> None:
    path = tmp_path / "creds.yaml"
    if content is not None:
        path.write_text(content)
    code, out, err = run(capsys, *create("--credentials-file", str(path)))
    assert (code, out) == (2, "")
    assert says in err and KEY not in err and "[unclosed" not in err


# ---------------------------------------------------------------------- --json errors


def test_json_usage_errors_are_json_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *create("--option", "name=x", "--json"))
    assert (code, out) == (2, "")
    error = json.loads(err)["error"]
    assert error["type"] == "UsageError" and error["exit_code"] == 2
    assert "name is set by --name" in error["message"]


def test_json_argparse_errors_are_json_too(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "conference", "get", "--provider", "telnyx", "--json")
    assert (code, out) == (2, "")
    error = json.loads(err)["error"]
    assert error["type"] == "UsageError" and "CONFERENCE_ID" in error["message"]


def test_json_missing_credentials_error_carries_the_provider(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, *create("--json"))
    error = json.loads(err)["error"]
    assert code == 2 and error["type"] == "MissingCredentialsError"
    assert error["provider"] == "telnyx" and "TELNYX_API_KEY" in error["message"]


def test_json_provider_errors_exit_1_as_json(
    capsys: pytest.CaptureFixture[str], counter: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", KEY)
    code, out, err = run(capsys, *create("--base-url", counter.url, "--json"))
    assert (code, out) == (1, "")
    error = json.loads(err)["error"]
    assert (error["type"], error["status_code"], error["retryable"]) == (
        "UnavailableError",
        500,
        True,
    )
    assert error["exit_code"] == 1 and KEY not in err
    assert counter.hits >= 1


# ---------------------------------------------------------------------- a closed pipe


@pytest.mark.parametrize(
    "argv",
    [
        ["providers"],
        create("--dry-run"),
        create("--dry-run", "--json"),
        ["conference", "get", "--provider", "telnyx", "conf-1", "--dry-run", "--json"],
        ["conference", "participants", "--provider", "trueconf", "conf-1", "--dry-run"],
    ],
    ids=[
        "providers",
        "create-dry-run",
        "create-dry-run-json",
        "get-dry-run-json",
        "trueconf-participants-dry-run",
    ],
)
def test_a_closed_stdout_ends_quietly(argv: list[str]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "confgen.cli", *argv],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before anything is written (`| head -0`)
    err = process.stderr.read().decode()
    assert process.wait(60) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err
