"""The ``User-Agent``: the distribution, its real version (the spec's and the
generator's), Python and httpx; ASCII whatever the spec holds."""

from __future__ import annotations

import platform
import tomllib
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import confgen
from confgen.codegen.http.runtime import Operation
from confgen.codegen.http.runtime._user_agent import user_agent
from confgen_signalwire import SignalWire
from confgen_telnyx import AsyncTelnyx, Telnyx
from confgen_voximplant import Voximplant
from tests.runtime.runtime_support import BASE_URL, Recorder, TestClient

ROOT = Path(__file__).resolve().parents[2]
TAIL = f"python/{platform.python_version()} httpx/{httpx.__version__}"


def project_version(provider: str) -> tuple[str, str]:
    project = tomllib.loads((ROOT / "generated" / provider / "pyproject.toml").read_text())
    return project["project"]["name"], project["project"]["version"]


def test_user_agent_names_product_version_python_and_httpx() -> None:
    assert user_agent("confgen-telnyx", "2.0.0+confgen.0.1.0") == (
        f"confgen-telnyx/2.0.0+confgen.0.1.0 {TAIL}"
    )


@pytest.mark.parametrize(
    ("product", "version", "expected"),
    [
        ("Ünïcode API", "v1 β", "n-code-API/v1"),
        ("a/b", "1.0 (beta)", "a-b/1.0-beta"),
        ("", "", "0/0"),
        ("api\r\nX-Injected: 1", "1", "api-X-Injected-1/1"),
    ],
)
def test_user_agent_is_ascii_tokens_whatever_it_is_given(
    product: str, version: str, expected: str
) -> None:
    agent = user_agent(product, version)
    assert agent == f"{expected} {TAIL}"
    assert agent.isascii()
    httpx.Headers({"User-Agent": agent})  # a valid header value


def test_a_client_with_a_non_ascii_version_still_sends_a_valid_header() -> None:
    class Odd(TestClient):
        __test__ = False
        distribution = "odd-api"
        package_version = "2024-01 bêta"

    recorder = Recorder()
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    Odd(base_url=BASE_URL, http_client=http).request(
        Operation(method="GET", path="/x"), cast_to=None
    )
    assert recorder.requests[0].headers["User-Agent"] == f"odd-api/2024-01-b-ta {TAIL}"


def _call(provider: str, http: httpx.Client) -> None:
    """One real operation of the shipped client, its body left unparsed."""
    if provider == "telnyx":
        Telnyx(api_key="k", http_client=http).conferences.with_raw_response.retrieve_conference(
            id="c"
        )
    elif provider == "signalwire":
        signalwire = SignalWire(project_id="p", api_token="t", space="s", http_client=http)
        signalwire.conferences.with_raw_response.get_video_conference(
            id="6a1d2c0e-0000-4000-8000-000000000001"
        )
    else:
        voximplant = Voximplant(credentials=_vox_credentials(), http_client=http)
        voximplant.scenarios.with_raw_response.start_conference(conference_name="c", rule_id=1)


@pytest.mark.parametrize("provider", ["telnyx", "signalwire", "voximplant"])
def test_generated_clients_send_their_pyproject_version(provider: str) -> None:
    distribution, version = project_version(provider)
    assert distribution == f"confgen-{provider}"
    assert version.endswith(f"+confgen.{confgen.__version__}")
    recorder = Recorder()
    _call(provider, httpx.Client(transport=httpx.MockTransport(recorder)))
    assert recorder.requests[0].headers["User-Agent"] == f"{distribution}/{version} {TAIL}"


def test_the_owned_async_http_client_sends_it_too() -> None:
    distribution, version = project_version("telnyx")
    client = AsyncTelnyx(api_key="k")
    assert client._http.headers["User-Agent"] == f"{distribution}/{version} {TAIL}"


def _vox_credentials() -> dict[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {"account_id": "1", "key_id": "k", "private_key": pem}
