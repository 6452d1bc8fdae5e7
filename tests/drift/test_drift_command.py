"""`confgen drift`: a changed doc page fails the check, named and classified; `--fetch`
reads the published pages (here a loopback server); `--update` accepts the change."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from confgen.cli import main
from confgen.drift.fetch import FetchError, FetchPolicy, fetch_page
from confgen.manifest import SourcePage
from confgen.yamlio import load_yaml
from tests.conftest import ROOT

TELNYX_PAGE = "specs/sources/telnyx-create-conference.txt"
VOXIMPLANT_PAGE = "specs/sources/voximplant-StartConference.md"
#: The providers these tests alter; the copy's committed specs for them are re-extracted
#: first, so the tests hold whatever state the real tree's specs are in.
PROVIDERS = ("telnyx", "voximplant")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A temporary copy of specs/ (sources, overlays, manifest) and generated/."""
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    if (ROOT / "generated").is_dir():
        shutil.copytree(
            ROOT / "generated",
            tmp_path / "generated",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    for name in PROVIDERS:
        assert confgen(tmp_path, "extract", "--provider", name) == 0
    return tmp_path


def confgen(project: Path, *args: str) -> int:
    return main(["--manifest", str(project / "specs/providers.toml"), *args])


def drift(project: Path, *extra: str) -> int:
    args = ["drift", *extra]
    for name in PROVIDERS:
        args += ["--provider", name]
    return confgen(project, *args)


def edit(path: Path, old: str, new: str) -> None:
    with path.open(encoding="utf-8", newline="") as stream:
        text = stream.read()
    assert old in text, f"{old!r} not in {path}"
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(text.replace(old, new, 1))


def add_required_region(text_or_path: Path) -> None:
    edit(
        text_or_path,
        "    name stringrequired\n\n    Name of the conference\n",
        "    name stringrequired\n\n    Name of the conference\n\n"
        "    region stringrequired\n\n    Region to host the conference\n",
    )


VOXIMPLANT_SERVER_LOCATION = """        - name: server_location
          in: query
          description: >-
            Specifies the location of the server where the scenario needs to be
            executed. Has higher priority than `reference_ip`. Request
            [getServerLocations](https://api.voximplant.com/getServerLocations)
            for possible values
          required: false
          schema:
            type: string
"""


def test_the_real_tree_has_no_drift(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--manifest", str(ROOT / "specs/providers.toml"), "drift"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "drift: none" in captured.out


def test_unchanged_copy_has_no_drift(project: Path) -> None:
    assert drift(project) == 0


def test_new_required_telnyx_field_is_breaking(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_required_region(project / TELNYX_PAGE)
    assert drift(project) == 1
    err = capsys.readouterr().err
    assert "BREAKING      POST /conferences body.region: new required request field" in err
    assert "1 breaking, 0 non-breaking" in err
    assert "+      - region" in err  # then the text diff


def test_new_optional_telnyx_field_is_reported_non_breaking(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        project / TELNYX_PAGE,
        "    name stringrequired\n\n    Name of the conference\n",
        "    name stringrequired\n\n    Name of the conference\n\n"
        "    region string\n\n    Region to host the conference\n",
    )
    assert drift(project) == 1
    assert "non-breaking  POST /conferences body.region: new optional request field" in (
        capsys.readouterr().err
    )


def test_enum_value_removed_from_telnyx_request_is_breaking(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        project / TELNYX_PAGE,
        "Possible values: [always, never, on_enter, on_exit]",
        "Possible values: [always, never, on_enter]",
    )
    assert drift(project) == 1
    assert (
        "BREAKING      POST /conferences body.beep_enabled: request enum value 'on_exit' removed"
        in capsys.readouterr().err
    )


def test_voximplant_parameter_dropped_is_breaking(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project / VOXIMPLANT_PAGE, VOXIMPLANT_SERVER_LOCATION, "")
    assert drift(project) == 1
    err = capsys.readouterr().err
    assert (
        "BREAKING      POST /StartConference query.server_location: request parameter removed"
        in (err)
    )
    assert "voximplant.openapi.yaml (committed)" in err


def test_drift_writes_nothing(project: Path) -> None:
    spec = project / "specs/telnyx.openapi.yaml"
    before = spec.read_bytes()
    add_required_region(project / TELNYX_PAGE)
    assert drift(project) == 1
    assert spec.read_bytes() == before


def test_update_rewrites_and_a_following_drift_passes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_required_region(project / TELNYX_PAGE)
    assert drift(project, "--update") == 0
    assert "wrote " in capsys.readouterr().out
    assert "region" in (project / "specs/telnyx.openapi.yaml").read_text()
    assert drift(project) == 0


# --- --fetch against a loopback server ---------------------------------------------------


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, bytes]], str]]:
    """Start a loopback HTTP server for ``{path: body}``; the first GET of the Telnyx
    page answers 503 (so retries are exercised). Yields a function returning its base URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(pages: dict[str, bytes]) -> str:
        seen: set[str] = set()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path)
                if body is not None and "telnyx" in self.path and self.path not in seen:
                    seen.add(self.path)
                    self.send_response(503)
                    self.end_headers()
                    return
                self.send_response(200 if body is not None else 404)
                self.send_header("content-type", "text/plain; charset=utf-8")
                self.end_headers()
                self.wfile.write(body or b"not found")

            def log_message(self, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def point_manifest_at(project: Path, base_url: str) -> dict[str, bytes]:
    """Rewrite the copy's manifest URLs to ``base_url/<page file>``; returns the pages
    (as vendored) by server path."""
    manifest = project / "specs/providers.toml"
    text = manifest.read_text(encoding="utf-8")
    pages: dict[str, bytes] = {}
    import tomllib

    for entry in tomllib.loads(text)["providers"].values():
        for page in entry["pages"]:
            name = Path(page["path"]).name
            text = text.replace(f'url = "{page["url"]}"', f'url = "{base_url}/{name}"')
            if "fetch" in page:  # the page's text form (Voximplant's .md twin)
                text = text.replace(f'fetch = "{page["fetch"]}"', f'fetch = "{base_url}/{name}"')
            pages[f"/{name}"] = (project / page["path"]).read_bytes()
        for source in entry.get("published", []):
            name = Path(source["path"]).name
            text = text.replace(f'url = "{source["url"]}"', f'url = "{base_url}/{name}"')
            pages[f"/{name}"] = (project / source["path"]).read_bytes()
    manifest.write_text(text, encoding="utf-8")
    return pages


def test_fetch_compares_the_published_pages_and_writes_nothing(
    project: Path,
    serve: Callable[[dict[str, bytes]], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    pages: dict[str, bytes] = {}
    base = serve(pages)
    pages.update(point_manifest_at(project, base))
    published = pages["/telnyx-create-conference.txt"].replace(
        b"Possible values: [always, never, on_enter, on_exit]",
        b"Possible values: [always, never, on_enter]",
    )
    pages["/telnyx-create-conference.txt"] = published
    vendored = (project / TELNYX_PAGE).read_bytes()
    spec = (project / "specs/telnyx.openapi.yaml").read_bytes()

    assert drift(project, "--fetch") == 1
    err = capsys.readouterr().err
    assert "request enum value 'on_exit' removed" in err
    assert "source drift: " in err and "telnyx-create-conference.txt" in err
    assert (project / TELNYX_PAGE).read_bytes() == vendored
    assert (project / "specs/telnyx.openapi.yaml").read_bytes() == spec


def test_fetch_update_rewrites_sources_and_specs(
    project: Path, serve: Callable[[dict[str, bytes]], str]
) -> None:
    pages: dict[str, bytes] = {}
    pages.update(point_manifest_at(project, serve(pages)))
    published = pages["/telnyx-create-conference.txt"].replace(
        b"Possible values: [always, never, on_enter, on_exit]",
        b"Possible values: [always, never, on_enter]",
    )
    pages["/telnyx-create-conference.txt"] = published

    assert drift(project, "--fetch", "--update") == 0
    assert (project / TELNYX_PAGE).read_bytes() == published
    spec = load_yaml((project / "specs/telnyx.openapi.yaml").read_text())
    beep = spec["components"]["schemas"]["CreateConferenceRequest"]["properties"]["beep_enabled"]
    assert "on_exit" not in beep["enum"]  # the page's operation, from the page
    assert drift(project) == 0
    assert drift(project, "--fetch") == 0


def test_fetch_of_a_missing_page_is_a_located_error(
    project: Path, serve: Callable[[dict[str, bytes]], str], capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve({})
    point_manifest_at(project, base)
    assert drift(project, "--fetch") == 1
    assert f"{base}/telnyx-create-conference.txt: HTTP 404" in capsys.readouterr().err


def test_fetch_retries_connect_errors_with_backoff_then_gives_up() -> None:
    attempts: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        attempts.append(str(request.url))
        raise httpx.ConnectError("connection refused", request=request)

    waits: list[float] = []
    with (
        httpx.Client(transport=httpx.MockTransport(refuse)) as client,
        pytest.raises(FetchError, match="gave up after 4 attempts"),
    ):
        fetch_page(
            client,
            SourcePage(path=Path("x"), url="http://127.0.0.1:9/page"),
            FetchPolicy(attempts=4, backoff=0.5),
            sleep=waits.append,
        )
    assert len(attempts) == 4
    assert waits == [0.5, 1.0, 2.0]


#: A conferencing operation the published Telnyx spec might add (tag "Conference Commands").
NEW_TELNYX_OPERATION = b"""  /conferences/{id}/actions/lock:
    post:
      operationId: LockConference
      summary: Lock conference
      tags:
      - Conference Commands
      parameters:
      - name: id
        in: path
        required: true
        schema:
          type: string
      responses:
        '200':
          description: Locked.
"""


def test_fetch_sees_an_operation_added_to_the_published_spec_and_update_takes_it(
    project: Path,
    serve: Callable[[dict[str, bytes]], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    pages: dict[str, bytes] = {}
    pages.update(point_manifest_at(project, serve(pages)))
    vendored = pages["/telnyx-openapi-3.1.yml"]
    assert vendored.startswith(b"components:") and b"\npaths:\n" in vendored
    published = vendored.replace(b"\npaths:\n", b"\npaths:\n" + NEW_TELNYX_OPERATION, 1)
    pages["/telnyx-openapi-3.1.yml"] = published
    manifest = project / "specs/providers.toml"
    old_digest = hashlib.sha256(vendored).hexdigest()
    assert old_digest in manifest.read_text()

    assert drift(project, "--fetch") == 1
    err = capsys.readouterr().err
    [line] = [line for line in err.splitlines() if "new operation" in line]
    assert line.strip().startswith("non-breaking")
    assert line.endswith("POST /conferences/{id}/actions/lock: new operation LockConference")
    assert "0 breaking and 1 non-breaking spec change(s)" in err
    assert (project / "specs/sources/telnyx-openapi-3.1.yml").read_bytes() == vendored

    assert drift(project, "--fetch", "--update") == 0
    assert (project / "specs/sources/telnyx-openapi-3.1.yml").read_bytes() == published
    text = manifest.read_text()
    assert hashlib.sha256(published).hexdigest() in text and old_digest not in text
    resource = (project / "generated/telnyx/confgen_telnyx/resources/conferences.py").read_text()
    assert "def lock_conference(" in resource
    assert drift(project) == 0  # sources, manifest, specs and code agree again


def test_extract_refuses_a_published_source_that_is_not_the_recorded_copy(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = project / "specs/sources/signalwire-rest.openapi.yaml"
    source.write_bytes(source.read_bytes() + b"\n# edited\n")
    assert confgen(project, "extract", "--provider", "signalwire") == 1
    err = capsys.readouterr().err
    assert "signalwire-rest.openapi.yaml: not the vendored copy specs/providers.toml records" in err
