"""Faults through the facade (a `ConferencingError` subclass each) and the CLI (one
line on stderr, exit 1, no traceback), over the generated Telnyx client."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from conferencing import acreate_conference, create_conference
from conferencing.errors import (
    ConferencingError,
    ProviderError,
    RateLimitedError,
    UnavailableError,
)
from confgen.cli import main
from confgen_telnyx import AsyncTelnyx, Telnyx
from tests.faults.fault_server import FaultServer

KEY = "KEY-secret-telnyx-0123456789"

# (fault, facade error, HTTP status on it, requests the server sees). Telnyx's create
# carries a command_id, so a dropped connection is retried (with the same id) while the
# 1 s deadline leaves time: once, after 0.375-0.5 s; the next wait would pass it.
FACADE_FAULTS = [
    ("redirect-307", ProviderError, 307, 1),
    ("redirect-302", ProviderError, 302, 1),
    ("huge-chunked", ProviderError, None, 1),
    ("gzip-bomb", ProviderError, None, 1),
    ("invalid-json", ProviderError, 200, 1),
    ("hang", UnavailableError, None, 1),
    ("drip", UnavailableError, None, 1),
    ("reset-before-headers", UnavailableError, None, 2),
    ("truncated", UnavailableError, None, 2),
    ("bad-gzip", UnavailableError, None, 1),
    ("retry-after-60", RateLimitedError, 429, 1),
]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(("fault", "error_class", "status", "requests"), FACADE_FAULTS)
def test_facade_turns_each_fault_into_a_conferencing_error(
    server: FaultServer,
    mode: str,
    fault: str,
    error_class: type[ConferencingError],
    status: int | None,
    requests: int,
) -> None:
    options: dict[str, Any] = {
        "api_key": KEY,
        "base_url": f"{server.url}/faults/{fault}",
        "timeout": 1.0,
        "max_retries": 2,
    }
    with pytest.raises(ConferencingError) as caught:
        if mode == "sync":
            with Telnyx(**options) as client:
                create_conference("telnyx", name="standup", call_control_id="v3:x", client=client)
        else:

            async def run() -> None:
                async with AsyncTelnyx(**options) as client:
                    await acreate_conference(
                        "telnyx", name="standup", call_control_id="v3:x", client=client
                    )

            asyncio.run(run())
    error = caught.value
    assert type(error) is error_class, repr(error)
    assert error.provider == "telnyx" and error.status_code == status
    assert KEY not in str(error) and KEY not in repr(error)
    assert server.hits[fault] == requests
    assert [seen.method for seen in server.seen] == ["POST"] * requests
    assert len({json.loads(seen.body)["command_id"] for seen in server.seen}) == 1


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("redirect-307", "ProviderError: telnyx: HTTP 307 redirect not followed"),
        ("huge-chunked", "ProviderError: telnyx: response body is over the limit"),
        ("bad-gzip", "UnavailableError (retryable): telnyx: cannot reach the server"),
    ],
)
def test_cli_prints_one_line_and_exits_1(
    server: FaultServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
    words: str,
) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", KEY)
    code = main(
        ["conference", "create", "--provider", "telnyx", "--name", "standup",
         "--option", "call_control_id=v3:abc", "--base-url", f"{server.url}/faults/{fault}"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"confgen: error: {words}"), err
    assert KEY not in err
    assert server.hits[fault] == 1
