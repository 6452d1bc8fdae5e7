"""One first call in a fresh interpreter: ``python -m benchmarks.first_call ROW URL CREDENTIALS``.

``ROW`` is ``<who>-<provider>``: who is ``ours`` (the generated client), ``hand`` (the
same call written by hand with httpx + pydantic), ``peer`` (openapi-python-client's
client of the same spec, importable as ``peer_<provider>``) or ``sdk`` (the official
SDK, run by its own venv's python). Every row does the same: import, construct a client
with credentials, send the create call to ``URL`` (the loopback server of
`benchmarks.server`), parse the response into typed objects, close the client, and
print the parsed id on stdout. The parent times the process from start to that line.
``CREDENTIALS`` is a Voximplant service-account ``credentials.json`` (used by voximplant
rows only).
"""

from __future__ import annotations

import sys
from typing import Any

TELNYX_BODY: dict[str, Any] = {"call_control_id": "v3:abc", "name": "All hands meeting"}
SIGNALWIRE_BODY: dict[str, Any] = {"display_name": "All hands meeting"}
VOXIMPLANT_QUERY: dict[str, Any] = {"conference_name": "all-hands", "rule_id": 1}
TIMESTAMP = "2019-01-23T18:10:02.574Z"
BODIES: dict[str, object] = {
    "/v2/conferences": {
        "data": {
            "record_type": "conference",
            "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "name": "All hands meeting",
            "created_at": TIMESTAMP,
            "expires_at": TIMESTAMP,
            "region": "sv1",
            "status": "init",
        }
    },
    "/api/video/conferences": {
        "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "name": "all_hands",
        "display_name": "All hands meeting",
        "description": "Every Monday",
        "join_from": TIMESTAMP,
        "join_until": TIMESTAMP,
        "quality": "720p",
        "layout": "grid-responsive",
        "size": "medium",
        "record_on_start": False,
        "tone_on_entry_and_exit": True,
        "user_join_video_off": False,
        "room_join_video_off": False,
        "enable_chat": True,
        "enable_room_previews": False,
        **{
            f"{theme}_{part}": "#044EF4"
            for theme in ("dark", "light")
            for part in ("primary", "background", "foreground", "success", "negative")
        },
        "meta": {},
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
    },
    "/platform_api/StartConference": {
        "result": 1,
        "media_session_access_url": "http://127.0.0.1/session",
        "media_session_access_secure_url": "https://127.0.0.1/session",
        "call_session_history_id": 42,
    },
}
"""What the loopback server answers, by request path."""


def ours(provider: str, url: str, credentials: str) -> object:
    if provider == "telnyx":
        from confgen_telnyx import Telnyx

        with Telnyx(api_key="k", base_url=f"{url}/v2", max_retries=0) as telnyx:
            conference = telnyx.conferences.create_conference(**TELNYX_BODY).data
            return conference.id if conference else None
    if provider == "signalwire":
        from confgen_signalwire import SignalWire

        with SignalWire(
            project_id="p", api_token="t", base_url=f"{url}/api/video", max_retries=0
        ) as signalwire:
            return signalwire.conferences.create_video_conference(**SIGNALWIRE_BODY).id
    from confgen_voximplant import Voximplant

    with Voximplant(
        credentials=credentials, base_url=f"{url}/platform_api", max_retries=0
    ) as voximplant:
        return voximplant.scenarios.start_conference(**VOXIMPLANT_QUERY).call_session_history_id


def hand(provider: str, url: str, credentials: str) -> object:
    # What a careful hand-written client does: typed response models declaring the fields
    # the spec documents (same types; nested objects of optional fields as dicts), one
    # httpx.Client with the provider's auth, one call, validated JSON.
    import datetime
    from typing import Literal

    import httpx
    from pydantic import BaseModel, ConfigDict

    if provider == "telnyx":

        class EndedBy(BaseModel):
            model_config = ConfigDict(extra="allow")
            call_control_id: str | None = None
            call_session_id: str | None = None

        class TelnyxConference(BaseModel):
            model_config = ConfigDict(extra="allow")
            record_type: str
            id: str
            name: str
            created_at: datetime.datetime
            expires_at: datetime.datetime
            updated_at: datetime.datetime | None = None
            region: str | None = None
            status: Literal["init", "in_progress", "completed"] | str | None = None
            end_reason: (
                Literal["all_left", "ended_via_api", "host_left", "time_exceeded"] | str | None
            ) = None
            ended_by: EndedBy | None = None
            connection_id: str | None = None

        class ConferenceResponse(BaseModel):
            data: TelnyxConference

        headers = {"Authorization": "Bearer k"}
        with httpx.Client(base_url=f"{url}/v2", headers=headers) as client:
            response = client.post("/conferences", json=TELNYX_BODY)
            response.raise_for_status()
            return ConferenceResponse.model_validate_json(response.content).data.id
    if provider == "signalwire":

        class SignalWireConference(BaseModel):
            model_config = ConfigDict(extra="allow")
            id: str
            name: str
            quality: Literal["720p", "1080p"] | str
            layout: str
            record_on_start: bool
            tone_on_entry_and_exit: bool
            user_join_video_off: bool
            room_join_video_off: bool
            enable_chat: bool
            created_at: datetime.datetime
            updated_at: datetime.datetime
            display_name: str | None = None
            description: str | None = None
            join_from: datetime.datetime | None = None
            join_until: datetime.datetime | None = None
            size: Literal["small", "medium", "large"] | str | None = None
            enable_room_previews: bool | None = None
            dark_primary: str | None = None
            dark_background: str | None = None
            dark_foreground: str | None = None
            dark_success: str | None = None
            dark_negative: str | None = None
            light_primary: str | None = None
            light_background: str | None = None
            light_foreground: str | None = None
            light_success: str | None = None
            light_negative: str | None = None
            meta: dict[str, object] | None = None
            active_session: dict[str, object] | None = None

        with httpx.Client(base_url=f"{url}/api/video", auth=("p", "t")) as client:
            response = client.post("/conferences", json=SIGNALWIRE_BODY)
            response.raise_for_status()
            return SignalWireConference.model_validate_json(response.content).id
    import json
    import time

    import jwt

    class StartConferenceResponse(BaseModel):
        model_config = ConfigDict(extra="allow")
        result: int | None = None
        media_session_access_url: str | None = None
        media_session_access_secure_url: str | None = None
        call_session_history_id: int | None = None

    with open(credentials, encoding="utf-8") as file:
        account = json.load(file)
    now = int(time.time()) - 5
    token = jwt.encode(
        {"iss": str(account["account_id"]), "iat": now, "exp": now + 3600},
        account["private_key"],
        algorithm="RS256",
        headers={"kid": account["key_id"]},
    )
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{url}/platform_api", headers=headers) as client:
        response = client.post("/StartConference", params=VOXIMPLANT_QUERY)
        response.raise_for_status()
        parsed = StartConferenceResponse.model_validate_json(response.content)
        return parsed.call_session_history_id


def peer(provider: str, url: str, credentials: str) -> object:
    import importlib

    package = f"peer_{provider}"
    client_module = importlib.import_module(package)
    if provider == "telnyx":
        from peer_telnyx.api.conferences import create_conference  # type: ignore[import-not-found]
        from peer_telnyx.models import CreateConferenceRequest  # type: ignore[import-not-found]

        with client_module.AuthenticatedClient(base_url=f"{url}/v2", token="k") as client:
            body = CreateConferenceRequest.from_dict(TELNYX_BODY)
            return create_conference.sync(client=client, body=body).data.id
    if provider == "signalwire":
        from peer_signalwire.api.subpackage_conferences import (  # type: ignore[import-not-found]
            create_video_conference,
        )
        from peer_signalwire.models import (  # type: ignore[import-not-found]
            CreateConferenceRequest,
        )

        # The spec names the Authorization header as a parameter, so the peer asks for it.
        with client_module.Client(base_url=f"{url}/api/video") as client:
            body = CreateConferenceRequest.from_dict(SIGNALWIRE_BODY)
            parsed = create_video_conference.sync(
                client=client, body=body, authorization="Basic cDp0"
            )
            return parsed.id
    # openapi-python-client has no JWT signing: the token is signed as by hand, and the
    # spec names the Authorization header as a parameter, so the peer asks for it.
    import json
    import time

    import jwt
    from peer_voximplant.api.subpackage_scenarios import (  # type: ignore[import-not-found]
        start_conference,
    )

    with open(credentials, encoding="utf-8") as file:
        account = json.load(file)
    now = int(time.time()) - 5
    token = jwt.encode(
        {"iss": str(account["account_id"]), "iat": now, "exp": now + 3600},
        account["private_key"],
        algorithm="RS256",
        headers={"kid": account["key_id"]},
    )
    with client_module.Client(base_url=f"{url}/platform_api") as client:
        parsed = start_conference.sync(
            client=client, authorization=f"Bearer {token}", **VOXIMPLANT_QUERY
        )
        return parsed.call_session_history_id


def sdk(provider: str, url: str, credentials: str) -> object:
    if provider == "telnyx":
        import telnyx  # type: ignore[import-not-found]

        with telnyx.Telnyx(api_key="k", base_url=f"{url}/v2", max_retries=0) as client:
            return client.conferences.create(**TELNYX_BODY).data.id
    if provider == "signalwire":
        from signalwire.rest import RestClient  # type: ignore[import-not-found]

        host = url.removeprefix("http://")
        client = RestClient(project="p", token="t", host=host)
        return client.video.conferences.create(**SIGNALWIRE_BODY)["id"]
    raise SystemExit(f"no official SDK row for {provider}")


if __name__ == "__main__":
    who, _, provider = sys.argv[1].partition("-")
    result = {"ours": ours, "hand": hand, "peer": peer, "sdk": sdk}[who](provider, *sys.argv[2:4])
    print(result, flush=True)
