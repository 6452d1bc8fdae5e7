"""A whole conference on one provider, through the facade: create it, get join info,
list the participants, mute one, end it.

    make example PROVIDER=trueconf        # or telnyx, signalwire, voximplant
    python examples/whole_conference.py --provider telnyx [--base-url URL]

Without ``--base-url`` it runs against a local mock it starts itself: Prism on the
provider's committed spec (``node_modules/.bin/prism``, from ``npm ci``), or, for
TrueConf, the loopback test Room (``tests/trueconf_server.py``, PIN 1234). Credentials
are throwaway values: nothing leaves the machine. A step the provider cannot do is
skipped with the reason `UnsupportedOperationError` gives (``confgen providers``
shows them all).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from anywhere: `generated`, `conferencing`, `tests`

import conferencing  # noqa: E402
from conferencing import UnsupportedOperationError  # noqa: E402

CREATE_OPTIONS: dict[str, dict[str, Any]] = {
    "telnyx": {"call_control_id": "v3:example-leg"},  # a Telnyx conference starts from a call
    "signalwire": {"layout": "2x2"},
    "voximplant": {"rule_id": 42},
    "trueconf": {"invite_list": ["ann@example.server", "bob@example.server"]},
}


def whole_conference(provider: str, *, say: Callable[[str], None] = print, **access: Any) -> None:
    """Run the sequence; ``access`` is what every call takes (``client=`` or
    ``credentials=`` and ``base_url=``)."""
    conf = conferencing.create_conference(
        provider, name="example-standup", **access, **CREATE_OPTIONS[provider]
    )
    say(f"created: id={conf.id} name={conf.name!r} status={conf.status}")
    if conf.id is None:
        say("the provider gave no conference id: nothing more to do")
        return

    def step(label: str, action: Callable[[], None]) -> None:
        try:
            action()
        except UnsupportedOperationError as gap:
            say(f"{label}: skipped, {gap.provider} cannot: {gap.reason}")

    conference_id = conf.id

    def show_join_info() -> None:
        info = conferencing.join_info(provider, conference_id, participant_name="Ann", **access)
        say(f"join info: url={info.url} token={'<set>' if info.token else None}")

    participants: list[conferencing.Participant] = []

    def list_people() -> None:
        participants.extend(conferencing.list_participants(provider, conference_id, **access))
        say(f"participants: {[p.name or p.id for p in participants]}")

    def mute_first() -> None:
        if not participants and "mute_participant" in conferencing.capabilities(provider):
            say("mute: nobody to mute")
            return
        target = participants[0].id if participants else "-"  # "-": refused before sending
        conferencing.mute_participant(provider, conference_id, target, **access)
        say(f"muted: {target}")

    def end() -> None:
        conferencing.end_conference(provider, conference_id, **access)
        say("ended")

    step("join info", show_join_info)
    step("participants", list_people)
    step("mute", mute_first)
    step("end", end)


# ------------------------------------------------------------------------------ local mocks


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def prism(provider: str, timeout: float = 60.0) -> Iterator[str]:
    """Prism mocking the provider's committed spec on a free loopback port; its URL."""
    import httpx

    binary = ROOT / "node_modules/.bin/prism"
    if not binary.exists():
        raise SystemExit("node_modules/.bin/prism is missing: run `npm ci` (or `make example`)")
    port = _free_port()
    spec = ROOT / f"specs/{provider}.openapi.yaml"
    process = subprocess.Popen(
        [str(binary), "mock", "-p", str(port), "-h", "127.0.0.1", "--errors", str(spec)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "SCARF_ANALYTICS": "false", "DO_NOT_TRACK": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise SystemExit(f"prism exited with {process.returncode}")
            with contextlib.suppress(httpx.TransportError):
                httpx.get(url + "/", timeout=1.0)  # any answer means it listens
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"prism did not answer within {timeout}s")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def test_room() -> Iterator[str]:
    """The loopback TrueConf Room of the tests (PIN 1234), on its own thread; its URL."""
    from tests.trueconf_server import RoomServer

    loop = asyncio.new_event_loop()
    ready, stop = threading.Event(), asyncio.Event()
    urls: list[str] = []

    async def serve() -> None:
        async with RoomServer(pin="1234") as server:
            urls.append(server.url)
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    if not ready.wait(10):
        raise SystemExit("the test Room did not start")
    try:
        yield urls[0]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()


def dummy_credentials(provider: str) -> Any:
    """Throwaway credentials the mocks accept (Voximplant: a fresh RSA key)."""
    if provider == "voximplant":
        from conferencing.providers.voximplant import dummy_credentials as voximplant

        return voximplant()
    return {
        "telnyx": {"api_key": "KEY-example"},
        "signalwire": {"project_id": "example", "api_token": "PT-example", "space": "example"},
        "trueconf": {"pin": "1234"},
    }[provider]


def run(provider: str, base_url: str | None) -> None:
    """The sequence against ``base_url``, or against a local mock started for it."""
    with contextlib.ExitStack() as stack:
        if base_url is None:
            mock = test_room() if provider == "trueconf" else prism(provider)
            base_url = stack.enter_context(mock)
        print(f"{provider} at {base_url}")
        credentials = dummy_credentials(provider)
        if provider == "trueconf":
            # Only the connection that created a conference may end it or mute in it:
            # keep one connection for the whole sequence.
            from confgen_trueconf import TrueConfRoom

            room = stack.enter_context(TrueConfRoom(url=base_url, **credentials))
            whole_conference(provider, client=room)
        else:
            whole_conference(provider, credentials=credentials, base_url=base_url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provider", required=True, choices=sorted(CREATE_OPTIONS))
    parser.add_argument("--base-url", help="a running server (default: start a local mock)")
    args = parser.parse_args(argv)
    try:
        run(args.provider, args.base_url)
    except conferencing.ConferencingError as error:
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
