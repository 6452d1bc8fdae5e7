"""`make packages`: the three kinds of distribution, each built and used on its own.

Builds a wheel for each generated client (``confgen-<provider>``), for the facade
(``confgen-conferencing``) and for the generator (``confgen``), and checks that no wheel
installs a top-level ``generated`` or ``generator`` or an official SDK's name. Then, each
in a fresh virtual environment (pip from the package index, pinned by constraints.txt;
pip's cache makes it fast; our own wheels from the build folder, never the index):

- each client alone: imported, one call against a loopback server, none of the
  generator's tools (ruff, datamodel-code-generator, jinja2, rich) present;
- the facade with one provider's extra (``confgen-conferencing[telnyx]``): one
  ``create_conference`` call against loopback, the other providers unavailable, no
  generator tool present;
- the generator alone, non-editable: ``confgen generate --spec`` on a small spec, then
  ``confgen extract --check`` and ``confgen drift`` in a temporary copy of specs/ and
  generated/ (package data found inside the installed package, not a checkout).

Prints each environment's dependency closure (distributions and MB) and its import names.
Run with the project's .venv python from the root.
"""

from __future__ import annotations

import asyncio
import http.server
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLIENTS = ("signalwire", "telnyx", "trueconf", "voximplant")
FORBIDDEN = {"ruff", "datamodel-code-generator", "jinja2", "rich"}
BODIES = {
    "telnyx": {
        "data": {
            "id": "conf-1",
            "name": "standup",
            "record_type": "conference",
            "created_at": "2024-01-01T00:00:00Z",
            "expires_at": "2024-01-01T01:00:00Z",
        }
    },
    "signalwire": {
        "id": "conf-1",
        "name": "standup",
        "display_name": "standup",
        "quality": "720p",
        "layout": "grid-responsive",
        "record_on_start": False,
        "tone_on_entry_and_exit": True,
        "user_join_video_off": False,
        "room_join_video_off": False,
        "enable_chat": True,
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
    },
    "voximplant": {"result": 1, "call_session_history_id": 7, "media_session_access_url": "x"},
}
CALLS = {
    "telnyx": (
        "from confgen_telnyx import Telnyx\n"
        "c = Telnyx(api_key='k', base_url=URL)\n"
        "assert c.conferences.create_conference(call_control_id='v3:x', name='n').data.id == 'conf-1'\n"
    ),
    "signalwire": (
        "from confgen_signalwire import SignalWire\n"
        "c = SignalWire(project_id='p', api_token='t', base_url=URL)\n"
        "assert c.conferences.create_video_conference(name='n', display_name='n').id == 'conf-1'\n"
    ),
    "voximplant": (
        "from cryptography.hazmat.primitives import serialization\n"
        "from cryptography.hazmat.primitives.asymmetric import rsa\n"
        "from confgen_voximplant import Voximplant\n"
        "key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(\n"
        "    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,\n"
        "    serialization.NoEncryption()).decode()\n"
        "c = Voximplant(credentials={'account_id': '1', 'key_id': 'k', 'private_key': key},\n"
        "    base_url=URL)\n"
        "assert c.scenarios.start_conference(conference_name='n', rule_id=1)"
        ".call_session_history_id == 7\n"
    ),
    "trueconf": (
        "import asyncio\n"
        "from confgen_trueconf import AsyncTrueConfRoom\n"
        "async def main():\n"
        "    async with AsyncTrueConfRoom(url=URL, pin='1234') as room:\n"
        "        conf = await room.create_conference(title='n', conf_type='symmetric',\n"
        "            auto_accept=False, invite_list=[])\n"
        "        assert conf.conf_id\n"
        "asyncio.run(main())\n"
    ),
}


def run(*command: str | Path, cwd: Path = ROOT) -> str:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{result.stdout}\n{result.stderr}")
    return result.stdout


@contextmanager
def http_server(body: object) -> Iterator[str]:
    payload = json.dumps(body).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # every call here is one POST
            self.rfile.read(int(self.headers.get("content-length") or 0))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@contextmanager
def room_server() -> Iterator[str]:
    from tests.trueconf_server import RoomServer

    loop = asyncio.new_event_loop()
    ready: list[str] = []
    stop = asyncio.Event()

    async def serve() -> None:
        async with RoomServer(pin="1234") as room:
            ready.append(room.url)
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    while not ready:
        time.sleep(0.01)
    try:
        yield ready[0]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=5)


def site_size(venv: Path) -> float:
    (site,) = venv.glob("lib/python*/site-packages")
    ignored = ("pip", "pip-", "setuptools", "_distutils_hack", "distutils-precedence")
    total = sum(
        path.stat().st_size
        for child in site.iterdir()
        if not child.name.startswith(ignored)
        for path in ([child] if child.is_file() else child.rglob("*"))
        if path.is_file()
    )
    return total / 1e6


#: Names no wheel may install at the top level.
FORBIDDEN_TOPS = {"generated", "generator", "telnyx", "signalwire", "voximplant", "trueconf_room"}
#: The distribution each project folder builds, and the one import name its wheel installs.
PROJECTS = {
    ROOT: ("confgen", "confgen"),
    ROOT / "conferencing": ("confgen_conferencing", "conferencing"),
    **{ROOT / "generated" / name: (f"confgen_{name}", f"confgen_{name}") for name in CLIENTS},
}
FACADE_CALL = (
    "import conferencing, importlib.util\n"
    "conference = conferencing.create_conference('telnyx', name='standup',\n"
    "    credentials={'api_key': 'k'}, base_url=URL, call_control_id='v3:x')\n"
    "assert conference.id == 'conf-1', conference\n"
    "for other in ('signalwire', 'voximplant', 'trueconf'):\n"
    "    assert importlib.util.find_spec('confgen_' + other) is None, other\n"
    "try:\n"
    "    conferencing.create_conference('signalwire', name='n', credentials={})\n"
    "except ModuleNotFoundError as error:\n"
    '    assert "confgen-conferencing[signalwire]" in str(error), error\n'
    "    print(f'signalwire: {error}')\n"
    "else:\n"
    "    raise AssertionError('signalwire worked without its client')\n"
    "assert importlib.util.find_spec('confgen') is None  # the generator is not needed\n"
)


def tops(wheel: Path) -> set[str]:
    """The top-level names a wheel installs (its .dist-info aside)."""
    with zipfile.ZipFile(wheel) as archive:
        return {
            name.split("/")[0]
            for name in archive.namelist()
            if not name.split("/")[0].endswith(".dist-info")
        }


def fresh_venv(folder: Path) -> Path:
    run(sys.executable, "-m", "venv", folder)
    return folder / "bin" / "python"


def pip_install(python: Path, *requirements: str | Path) -> None:
    run(
        python,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-c",
        ROOT / "constraints.txt",
        *requirements,
    )


def closure(python: Path, venv: Path) -> tuple[set[str], str]:
    """The distributions installed (pip and setuptools aside) and a one-line summary."""
    installed = json.loads(run(python, "-m", "pip", "list", "--format=json"))
    names = {entry["name"].lower() for entry in installed} - {"pip", "setuptools"}
    return (
        names,
        f"{len(names)} distributions ({', '.join(sorted(names))}), {site_size(venv):.1f} MB",
    )


def no_tools(label: str, names: set[str]) -> None:
    present = names & FORBIDDEN
    if present:
        sys.exit(f"{label}: the generator's tools were installed: {sorted(present)}")


def build_wheels(wheels: Path) -> dict[str, Path]:
    built: dict[str, Path] = {}
    for project, (distribution, import_name) in PROJECTS.items():
        run(
            sys.executable,
            "-m",
            "pip",
            "wheel",
            project,
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--disable-pip-version-check",
            "-w",
            wheels,
        )
        (wheel,) = wheels.glob(f"{distribution}-*.whl")
        found = tops(wheel)
        if found != {import_name} or found & FORBIDDEN_TOPS:
            sys.exit(f"{wheel.name} installs {sorted(found)}, expected only {import_name!r}")
        built[distribution] = wheel
        print(f"{wheel.name}: installs {import_name}")
    return built


def check_clients(temp: Path, wheels: dict[str, Path]) -> None:
    for name in CLIENTS:
        venv = temp / f"venv-{name}"
        python = fresh_venv(venv)
        pip_install(python, wheels[f"confgen_{name}"])
        names, summary = closure(python, venv)
        no_tools(name, names)
        server = room_server() if name == "trueconf" else http_server(BODIES[name])
        with server as url:
            run(python, "-c", f"URL = {url!r}\n" + CALLS[name], cwd=temp)
        print(f"confgen-{name}: import confgen_{name}, one call: ok; {summary}")


def check_facade(temp: Path, wheels: dict[str, Path]) -> None:
    venv = temp / "venv-facade"
    python = fresh_venv(venv)
    # The client's wheel is named explicitly, so pip takes it from here, not the index.
    pip_install(python, wheels["confgen_telnyx"], f"{wheels['confgen_conferencing']}[telnyx]")
    names, summary = closure(python, venv)
    no_tools("facade", names)
    if not {"confgen-conferencing", "confgen-telnyx"} <= names or names & {
        "confgen",
        "confgen-signalwire",
        "confgen-voximplant",
        "confgen-trueconf",
    }:
        sys.exit(f"facade[telnyx]: unexpected distributions {sorted(names)}")
    with http_server(BODIES["telnyx"]) as url:
        said = run(python, "-c", f"URL = {url!r}\n" + FACADE_CALL, cwd=temp).strip()
    print(f"confgen-conferencing[telnyx]: import conferencing, one call: ok ({said}); {summary}")


def check_generator(temp: Path, wheels: dict[str, Path]) -> None:
    venv = temp / "venv-generator"
    python = fresh_venv(venv)
    pip_install(python, wheels["confgen"])
    names, summary = closure(python, venv)
    if {name for name in names if name.startswith("confgen-")}:
        sys.exit(f"the generator brought a client or the facade: {sorted(names)}")
    confgen = venv / "bin" / "confgen"
    # A copy of the data only (specs/, generated/): the code is the installed wheel's.
    work = temp / "checkout"
    shutil.copytree(ROOT / "specs", work / "specs")
    shutil.copytree(
        ROOT / "generated", work / "generated", ignore=shutil.ignore_patterns("__pycache__")
    )
    located = run(python, "-c", "import confgen; print(confgen.__file__)", cwd=work).strip()
    if not located.startswith(str(venv)):
        sys.exit(f"confgen imported from {located}, not the installed wheel")
    spec = ROOT / "specs" / "voximplant.openapi.yaml"
    run(confgen, "generate", "--spec", spec, "--out", work / "out", "--package", "vox", cwd=work)
    run(python, "-c", "import vox; vox.Vox, vox.operations.OPERATIONS", cwd=work / "out" / "vox")
    run(confgen, "extract", "--check", cwd=work)
    run(confgen, "drift", cwd=work)
    # Without the facade installed, its subcommands are absent (found by entry point only).
    absent = subprocess.run(
        [str(confgen), "providers"], cwd=work, capture_output=True, text=True, check=False
    )
    if absent.returncode != 2 or "invalid choice: 'providers'" not in absent.stderr:
        sys.exit(f"confgen offers `providers` without the facade installed: {absent.stderr}")
    print(
        "confgen: import confgen, `confgen generate --spec`, `extract --check`, `drift`: ok "
        f"(non-editable); {summary}"
    )


def main() -> None:
    begun = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="confgen-packages-") as scratch:
        temp = Path(scratch)
        wheels = build_wheels(temp / "wheels")
        check_clients(temp, wheels)
        check_facade(temp, wheels)
        check_generator(temp, wheels)
    print(f"packages: ok in {time.perf_counter() - begun:.0f} s")


if __name__ == "__main__":
    main()
