"""A shipped client's first call loads what it uses and little else (issue 17's first call).

Each case runs in a fresh interpreter: import the client, make one call over an
in-memory transport, then list the modules loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = r"""
import json, sys
import httpx
from confgen_telnyx import Telnyx

body = {"data": {"record_type": "conference", "id": "c1", "name": "n",
                 "created_at": "2019-01-23T18:10:02Z", "expires_at": "2019-01-23T18:10:02Z"}}
transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
with Telnyx(api_key="k", http_client=httpx.Client(transport=transport), max_retries=0) as client:
    created = client.conferences.create_conference(call_control_id="v3:x", name="n")
    assert created.data is not None and created.data.id == "c1"
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after_first_call() -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
    )
    modules: list[str] = json.loads(done.stdout)
    return modules


def test_first_call_builds_only_the_models_it_uses() -> None:
    modules = _modules_after_first_call()
    models = [m for m in modules if m.startswith("confgen_telnyx.models.")]
    requests = [m for m in modules if m.startswith("confgen_telnyx._request_models.")]
    # The response (ConferenceResponse -> Conference) and nothing for the other 40-odd
    # operations; error models load at the first error only.
    assert 1 <= len(models) <= 3, models
    assert requests == ["confgen_telnyx._request_models._create_conference_request"]
    assert "confgen_telnyx.models._error" not in modules


def test_first_call_loads_no_streaming_or_lenient_fallback_code() -> None:
    modules = set(_modules_after_first_call())
    assert "confgen_telnyx._runtime._streaming" not in modules
    assert "pydantic.type_adapter" not in modules
    assert "pydantic.root_model" not in modules
