"""`make packages`: every client installs and works alone, without the generator's tools.

Builds a wheel for each generated package and for the confgen distribution (the generator
with the facade; they are not separate distributions yet), then for each client: a fresh
virtual environment, its wheel installed with pip from the package index (pinned by
constraints.txt; pip's cache makes it fast), an import and one call against a loopback
server, a check that none of the generator's tools came along, and the size of what was
installed (distributions and MB). Run with the project's .venv python from the root.
"""

from __future__ import annotations

import asyncio
import http.server
import json
import subprocess
import sys
import tempfile
import threading
import time
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


def main() -> None:
    begun = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="confgen-packages-") as temp:
        wheels = Path(temp) / "wheels"
        for project in [ROOT, *(ROOT / "generated" / name for name in CLIENTS)]:
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
        print("wheels:", ", ".join(sorted(path.name for path in wheels.glob("*.whl"))))
        for name in CLIENTS:
            venv = Path(temp) / f"venv-{name}"
            run(sys.executable, "-m", "venv", venv)
            python = venv / "bin" / "python"
            (wheel,) = wheels.glob(f"confgen_{name}-*.whl")
            run(
                python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-c",
                ROOT / "constraints.txt",
                wheel,
            )
            installed = json.loads(run(python, "-m", "pip", "list", "--format=json"))
            names = {entry["name"].lower() for entry in installed} - {"pip", "setuptools"}
            present = names & FORBIDDEN
            if present:
                sys.exit(f"{name}: the generator's tools were installed: {sorted(present)}")
            server = room_server() if name == "trueconf" else http_server(BODIES[name])
            with server as url:
                run(python, "-c", f"URL = {url!r}\n" + CALLS[name], cwd=Path(temp))
            print(
                f"confgen-{name}: import confgen_{name}, one call: ok; "
                f"{len(names)} distributions ({', '.join(sorted(names))}), "
                f"{site_size(venv):.1f} MB"
            )
    print(f"packages: ok in {time.perf_counter() - begun:.0f} s")


if __name__ == "__main__":
    main()
