"""``confgen conference ACTION``: one successful run of each action against Prism
(through a loopback proxy that records what reached it), its output as text and JSON,
and the dry run of each (nothing reaches the server)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.facade.conftest import SECRETS
from tests.facade.test_cli import run

ROOT = Path(__file__).resolve().parents[2]
TELNYX_CONF = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
SIGNALWIRE_CONF = "c22d24f6-5a47-4597-9a23-c7d01e696b92"
LEG = "v3:leg-1"


@dataclass(frozen=True)
class Hit:
    method: str
    path: str
    body: Any


class Proxy:
    """Forwards every request to ``upstream`` (Prism) and records it."""

    def __init__(self, upstream: str) -> None:
        self.hits: list[Hit] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                content = self.rfile.read(length) if length else b""
                proxy.hits.append(
                    Hit(self.command, self.path, json.loads(content) if content else None)
                )
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")
                }
                reply = httpx.request(
                    self.command, upstream + self.path, headers=headers, content=content
                )
                self.send_response(reply.status_code)
                for name, value in reply.headers.items():
                    if name.lower() not in (
                        "content-length",
                        "transfer-encoding",
                        "connection",
                        "content-encoding",
                    ):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.content)))
                self.end_headers()
                self.wfile.write(reply.content)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def through(prism: Any) -> Iterator[Any]:
    """``through(provider)``: a recording proxy in front of that provider's Prism."""
    started: list[Proxy] = []

    def start(provider: str) -> Proxy:
        proxy = Proxy(prism(provider).url)
        threading.Thread(target=proxy.server.serve_forever, daemon=True).start()
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.server.shutdown()
        proxy.server.server_close()


@pytest.fixture
def telnyx(through: Any, monkeypatch: pytest.MonkeyPatch) -> Proxy:
    monkeypatch.setenv("TELNYX_API_KEY", SECRETS["telnyx"])
    proxy: Proxy = through("telnyx")
    return proxy


@pytest.fixture
def signalwire(through: Any, monkeypatch: pytest.MonkeyPatch) -> Proxy:
    monkeypatch.setenv("SIGNALWIRE_PROJECT_ID", "00000000-0000-4000-8000-00000000aaaa")
    monkeypatch.setenv("SIGNALWIRE_API_TOKEN", SECRETS["signalwire"])
    monkeypatch.setenv("SIGNALWIRE_SPACE", "example")
    proxy: Proxy = through("signalwire")
    return proxy


def conference(*argv: str) -> list[str]:
    return ["conference", *argv]


# ---------------------------------------------------------------------- Telnyx (Prism)


def test_create_prints_the_conference(capsys: pytest.CaptureFixture[str], telnyx: Proxy) -> None:
    code, out, err = run(
        capsys, *conference("create", "--provider", "telnyx", "--name", "standup",
        "--option", "call_control_id=v3:abc", "--base-url", telnyx.url),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith("created telnyx conference\n  id:")
    (hit,) = telnyx.hits
    assert (hit.method, hit.path) == ("POST", "/conferences")
    assert hit.body["name"] == "standup" and hit.body["call_control_id"] == "v3:abc"


def test_get_prints_one_conference_as_json(
    capsys: pytest.CaptureFixture[str], telnyx: Proxy
) -> None:
    code, out, err = run(
        capsys, *conference("get", "--provider", "telnyx", TELNYX_CONF, "--base-url", telnyx.url,
        "--json"),
    )  # fmt: skip
    assert (code, err) == (0, "")
    printed = json.loads(out)
    assert printed["provider"] == "telnyx" and printed["id"] == printed["raw"]["data"]["id"]
    assert printed["status"] in ("starting", "active", "idle", "ended", "unknown")
    assert printed["created_at"]  # ISO 8601 text
    assert telnyx.hits == [Hit("GET", f"/conferences/{TELNYX_CONF}", None)]


def test_list_prints_a_json_array(capsys: pytest.CaptureFixture[str], telnyx: Proxy) -> None:
    code, out, err = run(
        capsys, *conference("list", "--provider", "telnyx", "--base-url", telnyx.url, "--json",
        "--option", 'filter={"status": "in_progress"}'),
    )  # fmt: skip
    assert (code, err) == (0, "")
    listed = json.loads(out)
    assert isinstance(listed, list) and listed and all(c["provider"] == "telnyx" for c in listed)
    assert telnyx.hits[0].method == "GET"
    assert telnyx.hits[0].path.startswith("/conferences?")
    assert telnyx.hits[0].path == "/conferences?filter[status]=in_progress"


def test_list_as_text_is_one_line_per_conference(
    capsys: pytest.CaptureFixture[str], telnyx: Proxy
) -> None:
    code, out, err = run(
        capsys, *conference("list", "--provider", "telnyx", "--base-url", telnyx.url)
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines and all(line.startswith("id=") and "status=" in line for line in lines)


def test_end_sends_the_end_action(capsys: pytest.CaptureFixture[str], telnyx: Proxy) -> None:
    code, out, err = run(
        capsys, *conference("end", "--provider", "telnyx", TELNYX_CONF, "--base-url", telnyx.url),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"ended telnyx conference (conference_id {TELNYX_CONF})\n"
    (hit,) = telnyx.hits
    assert (hit.method, hit.path) == ("POST", f"/conferences/{TELNYX_CONF}/actions/end")


def test_participants_lists_the_call_legs(
    capsys: pytest.CaptureFixture[str], telnyx: Proxy
) -> None:
    code, out, err = run(
        capsys, *conference("participants", "--provider", "telnyx", TELNYX_CONF,
        "--base-url", telnyx.url, "--json"),
    )  # fmt: skip
    assert (code, err) == (0, "")
    people = json.loads(out)
    assert people and all("muted" in p and "raw" in p for p in people)
    assert telnyx.hits[0].path.startswith(f"/conferences/{TELNYX_CONF}/participants")


def test_remove_sends_the_leave_action(capsys: pytest.CaptureFixture[str], telnyx: Proxy) -> None:
    code, out, err = run(
        capsys, *conference("remove", "--provider", "telnyx", TELNYX_CONF, LEG,
        "--base-url", telnyx.url, "--json"),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "ok": True, "provider": "telnyx", "action": "remove",
        "conference_id": TELNYX_CONF, "participant_id": LEG,
    }  # fmt: skip
    (hit,) = telnyx.hits
    assert (hit.method, hit.path) == ("POST", f"/conferences/{TELNYX_CONF}/actions/leave")
    assert hit.body["call_control_id"] == LEG


@pytest.mark.parametrize(("action", "path"), [("mute", "mute"), ("unmute", "unmute")])
def test_mute_and_unmute_send_their_action(
    capsys: pytest.CaptureFixture[str], telnyx: Proxy, action: str, path: str
) -> None:
    code, out, err = run(
        capsys, *conference(action, "--provider", "telnyx", TELNYX_CONF, LEG,
        "--base-url", telnyx.url),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith(f"{action}d in telnyx conference")
    (hit,) = telnyx.hits
    assert (hit.method, hit.path) == ("POST", f"/conferences/{TELNYX_CONF}/actions/{path}")
    assert hit.body["call_control_ids"] == [LEG]


@pytest.mark.parametrize("action", ["join", "recordings"])
def test_what_telnyx_cannot_do_exits_2_with_the_reason(
    capsys: pytest.CaptureFixture[str], telnyx: Proxy, action: str
) -> None:
    code, out, err = run(
        capsys, *conference(action, "--provider", "telnyx", TELNYX_CONF, "--base-url", telnyx.url),
    )  # fmt: skip
    assert (code, out) == (2, "")
    verb = {"join": "join_info", "recordings": "list_recordings"}[action]
    assert err.startswith(f"confgen: error: telnyx cannot {verb}: ")
    assert telnyx.hits == []  # refused before anything was sent


# ---------------------------------------------------------------------- SignalWire (Prism)


def test_join_prints_the_join_info(capsys: pytest.CaptureFixture[str], signalwire: Proxy) -> None:
    code, out, err = run(
        capsys, *conference("join", "--provider", "signalwire", SIGNALWIRE_CONF,
        "--base-url", signalwire.url, "--json"),
    )  # fmt: skip
    assert (code, err) == (0, "")
    info = json.loads(out)
    assert set(info) >= {"url", "token", "expires_at"} and (info["url"] or info["token"])
    assert signalwire.hits[0].path.startswith(
        f"/api/video/conferences/{SIGNALWIRE_CONF}/conference_tokens"
    )


def test_recordings_lists_the_sessions_recordings(
    capsys: pytest.CaptureFixture[str], signalwire: Proxy
) -> None:
    code, out, err = run(
        capsys, *conference("recordings", "--provider", "signalwire", SIGNALWIRE_CONF,
        "--base-url", signalwire.url, "--json"),
    )  # fmt: skip
    assert (code, err) == (0, "")
    recordings = json.loads(out)
    assert isinstance(recordings, list)
    assert all({"id", "status", "duration", "download_url", "raw"} <= set(r) for r in recordings)
    assert signalwire.hits[0].path.startswith(f"/api/video/conferences/{SIGNALWIRE_CONF}")


def test_an_unsupported_signalwire_action_exits_2_as_json(
    capsys: pytest.CaptureFixture[str], signalwire: Proxy
) -> None:
    code, out, err = run(
        capsys, *conference("mute", "--provider", "signalwire", SIGNALWIRE_CONF, "m-1",
        "--base-url", signalwire.url, "--json"),
    )  # fmt: skip
    assert (code, out) == (2, "")
    error = json.loads(err)["error"]
    assert error["type"] == "UnsupportedOperationError" and error["provider"] == "signalwire"
    assert error["message"].startswith("signalwire cannot mute_participant: ")
    assert signalwire.hits == []


# ---------------------------------------------------------------------- TrueConf (Room)


@pytest.fixture
def room(threaded_room: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The loopback Room with a conference created through the CLI (PIN from the env)."""
    monkeypatch.setenv("TRUECONF_PIN", "1234")
    code = main_quiet(
        "create", "--provider", "trueconf", "--name", "Review",
        "--option", 'invite_list=["a@some.server", "b@some.server"]', "--option", "casters_count=2",
        "--base-url", threaded_room.url,
    )  # fmt: skip
    assert code == 0
    return threaded_room


def main_quiet(*argv: str) -> int:
    from confgen.cli import main

    return main(["conference", *argv])


def test_trueconf_get_finds_the_conference_in_the_rooms_list(
    capsys: pytest.CaptureFixture[str], room: Any
) -> None:
    capsys.readouterr()
    code, out, err = run(
        capsys, *conference("get", "--provider", "trueconf", "conf-1", "--base-url", room.url,
        "--json"),
    )  # fmt: skip
    assert (code, err) == (0, "")
    printed = json.loads(out)
    assert (printed["provider"], printed["id"], printed["name"]) == ("trueconf", "conf-1", "Review")
    assert room.commands("getConferences")


def test_trueconf_list_and_participants(capsys: pytest.CaptureFixture[str], room: Any) -> None:
    capsys.readouterr()
    code, out, err = run(
        capsys, *conference("list", "--provider", "trueconf", "--base-url", room.url)
    )
    assert (code, err) == (0, "")
    assert out.startswith("id=conf-1  name=Review")
    code, out, err = run(
        capsys, *conference("participants", "--provider", "trueconf", "conf-1",
        "--base-url", room.url, "--json"),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert [p["id"] for p in json.loads(out)] == ["a@some.server", "b@some.server"]
    assert room.commands("getConferenceParticipants")


def test_trueconf_end_from_another_connection_is_refused_by_the_room(
    capsys: pytest.CaptureFixture[str], room: Any
) -> None:
    # Each CLI run is a new connection; this Room lets only the creating connection end
    # the conference for everyone (hangUp forAll), so the refusal is the Room's: exit 1.
    capsys.readouterr()
    code, out, err = run(
        capsys, *conference("end", "--provider", "trueconf", "conf-1", "--base-url", room.url),
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert err.startswith("confgen: error: ") and "1234" not in err
    assert room.conference is not None  # still running


def test_trueconf_dry_run_shows_the_command_with_the_pin_redacted(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUECONF_PIN", "pin-secret-24680")
    code, out, err = run(
        capsys, *conference("participants", "--provider", "trueconf", "conf-1", "--dry-run",
        "--json", "--base-url", "ws://127.0.0.1:9"),
    )  # fmt: skip
    assert (code, err) == (0, "")
    preview = json.loads(out)
    assert preview["transport"] == "websocket" and preview["target"] == "ws://127.0.0.1:9"
    sent = [message["message"] for message in preview["messages"]]
    assert sent[0]["method"] == "auth" and sent[0]["credentials"] == "<redacted>"
    assert sent[-1]["method"] == "getConferenceParticipants"
    assert "pin-secret-24680" not in out


# ---------------------------------------------------------------------- dry runs


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["get", "--provider", "telnyx", "c-1"], "GET https://api.telnyx.com/v2/conferences/c-1"),
        (["list", "--provider", "telnyx"], "GET https://api.telnyx.com/v2/conferences"),
        (
            ["participants", "--provider", "telnyx", TELNYX_CONF],
            f"conferences/{TELNYX_CONF}/participants",
        ),
        (
            ["remove", "--provider", "telnyx", TELNYX_CONF, LEG],
            f"POST https://api.telnyx.com/v2/conferences/{TELNYX_CONF}/actions/leave",
        ),
        (["unmute", "--provider", "telnyx", TELNYX_CONF, LEG], "actions/unmute"),
        (["end", "--provider", "telnyx", TELNYX_CONF], "actions/end"),
        (["join", "--provider", "signalwire", SIGNALWIRE_CONF], "conference_tokens"),
        (
            ["recordings", "--provider", "signalwire", SIGNALWIRE_CONF],
            f"GET https://example.signalwire.com/api/video/conferences/{SIGNALWIRE_CONF}",
        ),
    ],
    ids=["get", "list", "participants", "remove", "unmute", "end", "join", "recordings"],
)
def test_each_action_has_a_dry_run_that_sends_nothing(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    code, out, err = run(capsys, *conference(*argv, "--dry-run"))
    assert (code, err) == (0, "")
    assert out.startswith("DRY RUN: nothing was sent") and expected in out
    assert "dummy credentials used for" in out


def test_a_dry_run_as_json_redacts_the_real_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", SECRETS["telnyx"])
    code, out, _ = run(
        capsys, *conference("mute", "--provider", "telnyx", TELNYX_CONF, LEG, "--dry-run", "--json")
    )
    preview = json.loads(out)
    assert code == 0 and preview["operation"] == "mute_participant"
    assert preview["dummy_credentials"] == [] and SECRETS["telnyx"] not in out
    (request,) = preview["messages"]
    assert request["body"]["call_control_ids"] == [LEG]


# ---------------------------------------------------------------------- a closed pipe


def test_a_list_into_a_closed_pipe_ends_quietly(telnyx: Proxy) -> None:
    command = [
        sys.executable, "-m", "confgen.cli", "conference", "list", "--provider", "telnyx",
        "--base-url", telnyx.url, "--json",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # `| head` gone before the first item is printed
    err = process.stderr.read().decode()
    assert process.wait(60) == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err and err == ""
    assert len(telnyx.hits) == 1  # the first page was read; writing it met the closed pipe


def test_a_list_that_fails_on_its_first_page_prints_nothing_on_stdout(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.contract.conftest import free_port

    monkeypatch.setenv("TELNYX_API_KEY", SECRETS["telnyx"])
    code, out, err = run(
        capsys, *conference("list", "--provider", "telnyx", "--json",
        "--base-url", f"http://127.0.0.1:{free_port()}"),
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert json.loads(err)["error"]["type"] == "UnavailableError"


def test_an_empty_list_is_an_empty_json_array(
    capsys: pytest.CaptureFixture[str], threaded_room: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUECONF_PIN", "1234")
    code, out, err = run(
        capsys, *conference("list", "--provider", "trueconf", "--base-url", threaded_room.url,
        "--json"),
    )  # fmt: skip
    assert (code, out, err) == (0, "[]\n", "")
