"""The facade end to end: each provider's generated client against a loopback server
(Prism for the HTTP providers, the TrueConf Room stand-in), sync and async."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from conferencing import Conference, acreate_conference, create_conference
from tests.conftest import ROOT
from tests.facade.conftest import package

HTTP_CASES: dict[str, dict[str, Any]] = {
    "telnyx": {"call_control_id": "v3:abc"},
    "signalwire": {"layout": "2x2"},
    "voximplant": {"rule_id": 42},
}


def test_importing_the_facade_loads_no_generated_package_httpx_or_pydantic() -> None:
    code = (
        "import sys, conferencing, conferencing.errors\n"
        "heavy = [m for m in sys.modules\n"
        "         if m.split('.')[0] in ('httpx', 'pydantic') or m.startswith('confgen_')]\n"
        "print(heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("provider", sorted(HTTP_CASES))
def test_create_conference_against_prism(
    provider: str, prism: Any, credentials: Callable[[str], Any]
) -> None:
    package(provider)
    conf = create_conference(
        provider,
        name="standup",
        credentials=credentials(provider),
        base_url=prism(provider).url,
        **HTTP_CASES[provider],
    )
    assert isinstance(conf, Conference)
    assert conf.provider == provider
    assert conf.join_url is None
    if provider == "voximplant":
        assert conf.name == "standup"  # what was sent: the answer does not echo it
        assert conf.raw.result is not None
    else:
        assert conf.id and conf.name


@pytest.mark.parametrize("provider", sorted(HTTP_CASES))
async def test_acreate_conference_against_prism(
    provider: str, prism: Any, credentials: Callable[[str], Any]
) -> None:
    package(provider)
    conf = await acreate_conference(
        provider,
        name="standup",
        credentials=credentials(provider),
        base_url=prism(provider).url,
        **HTTP_CASES[provider],
    )
    assert conf.provider == provider
    # the generated response model (its module is inside the lazy models package)
    module = type(conf.raw).__module__
    assert module == f"confgen_{provider}.models" or module.startswith(
        f"confgen_{provider}.models."
    )


@pytest.mark.parametrize("provider", sorted(HTTP_CASES))
def test_a_configured_client_is_used_as_given_and_not_closed(
    provider: str, prism: Any, voximplant_credentials: dict[str, str]
) -> None:
    from tests.facade.conftest import CLIENT_CLASSES

    pkg = package(provider)
    all_settings: dict[str, dict[str, Any]] = {
        "telnyx": {"api_key": "KEYdummy"},
        "signalwire": {"project_id": "p", "api_token": "t", "space": "example"},
        "voximplant": {"credentials": voximplant_credentials},
    }
    settings = all_settings[provider]
    client = getattr(pkg, CLIENT_CLASSES[provider])(
        base_url=prism(provider).url, max_retries=0, timeout=5.0, **settings
    )
    conf = create_conference(provider, name="standup", client=client, **HTTP_CASES[provider])
    assert conf.provider == provider
    assert not client.is_closed
    client.close()


def test_signalwire_display_name_defaults_to_the_name(
    scripted_client: Callable[..., Any],
) -> None:
    import httpx

    from tests.codegen.test_signalwire import CONFERENCE

    client, requests = scripted_client(
        "signalwire", httpx.Response(200, json={**CONFERENCE, "display_name": "standup"})
    )
    conf = create_conference("signalwire", name="standup", client=client)
    assert conf.id == CONFERENCE["id"]
    body = requests[0].read()
    assert b'"display_name":"standup"' in body.replace(b" ", b"")


async def test_trueconf_acreate_conference(room: Any) -> None:
    conf = await acreate_conference(
        "trueconf",
        name="Code review",
        invite_list=["user1@some.server"],
        credentials={"pin": "1234"},
        base_url=room.url,
    )
    assert conf.provider == "trueconf"
    assert conf.id == "conf-1"
    assert conf.name == "Code review"
    assert conf.join_url and conf.join_url.startswith("https://video.example/")
    sent = room.commands("createConference")[0]
    assert sent["inviteList"] == ["user1@some.server"]
    assert sent["confType"] == "symmetric"
    assert "castersCount" not in sent  # left to the Room's tariff unless given


def test_trueconf_create_conference_sync_from_the_environment(
    threaded_room: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUECONF_ROOM_URL", threaded_room.url)
    monkeypatch.setenv("TRUECONF_PIN", "1234")
    conf = create_conference("trueconf", name="Daily", conf_type="role", auto_accept=True)
    assert conf.id == "conf-1" and conf.name == "Daily"
    sent = threaded_room.commands("createConference")[0]
    assert sent["confType"] == "role" and sent["autoAccept"] is True


async def test_trueconf_configured_async_client(room: Any) -> None:
    from confgen_trueconf import AsyncTrueConfRoom

    async with AsyncTrueConfRoom(url=room.url, pin="1234") as client:
        conf = await acreate_conference("trueconf", name="Review", client=client)
        assert client.connected  # the facade leaves a caller's client open
    assert conf.id == "conf-1"
