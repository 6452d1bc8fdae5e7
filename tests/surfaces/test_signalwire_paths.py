"""SignalWire's published paths: both server forms reach the same URL, and the two
room getters that share a path shape each send their own value in the path."""

from __future__ import annotations

import json

import httpx
import pytest

from confgen_signalwire import AsyncSignalWire, SignalWire

ROOM = {
    "id": "3f4c1f4e-3c6a-4d1f-9a6e-0a6f8b7c2d10",
    "name": "standup",
    "display_name": "Standup",
    "description": "",
    "max_members": 10,
    "quality": "720p",
    "fps": 20,
    "join_from": None,
    "join_until": None,
    "remove_at": None,
    "remove_after_seconds_elapsed": None,
    "layout": "grid-responsive",
    "record_on_start": False,
    "enable_room_previews": False,
    "room_join_video_off": False,
    "user_join_video_off": False,
    "created_at": "2024-01-01T00:00:00Z",
    "updated_at": "2024-01-01T00:00:00Z",
    "preview_url": None,
    "meta": {},
    "prioritize_handraise": False,
    "tone_on_entry_and_exit": True,
}


def recorder(seen: list[str]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=ROOM)

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    "base_url",
    [
        None,  # the published spec's server, https://{space_name}.signalwire.com
        "https://example.signalwire.com",
        "https://example.signalwire.com/api/video",  # the page's server form
        "https://example.signalwire.com/api/video/",
    ],
)
def test_both_server_forms_reach_the_published_path(base_url: str | None) -> None:
    seen: list[str] = []
    client = SignalWire(
        project_id="p",
        api_token="t",
        space="example",
        base_url=base_url,
        http_client=httpx.Client(transport=recorder(seen)),
    )
    client.rooms.get_room_by_name(name="standup")
    client.rooms.get_room(id=ROOM["id"])
    assert seen == [
        "https://example.signalwire.com/api/video/rooms/standup",
        f"https://example.signalwire.com/api/video/rooms/{ROOM['id']}",
    ]


def test_a_base_path_the_operation_does_not_repeat_is_kept() -> None:
    seen: list[str] = []
    client = SignalWire(
        project_id="p",
        api_token="t",
        base_url="https://proxy.example/signalwire",
        http_client=httpx.Client(transport=recorder(seen)),
    )
    client.rooms.get_room_by_name(name="standup")
    assert seen == ["https://proxy.example/signalwire/api/video/rooms/standup"]


async def test_async_room_getters_send_their_value_in_the_path() -> None:
    seen: list[str] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, content=json.dumps(ROOM).encode())

    async with AsyncSignalWire(
        project_id="p",
        api_token="t",
        space="example",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handle)),
    ) as client:
        by_name = await client.rooms.get_room_by_name(name="standup")
        by_id = await client.rooms.get_room(id=ROOM["id"])
    assert seen == ["/api/video/rooms/standup", f"/api/video/rooms/{ROOM['id']}"]
    assert by_name.name == by_id.name == "standup"


def test_get_room_refuses_a_name_where_the_spec_wants_a_uuid() -> None:
    client = SignalWire(project_id="p", api_token="t", space="example")
    with pytest.raises(Exception, match="UUID"):
        client.rooms.get_room(id="standup")
