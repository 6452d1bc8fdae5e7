"""Pagination throughput over a loopback server: ``python -m benchmarks.pagination
ROUNDS`` prints JSON.

10,000 items in 100 pages of 100 (next-link pagination, ``links.next`` a relative URL),
served by `benchmarks.server` on 127.0.0.1. Ours: the runtime's `SyncPage` iterating
every item through `SyncAPIClient` (the request flow every generated call takes). The
baseline: a hand-written httpx loop over the same pages, parsing each body with the
same pydantic model and following ``links.next``. Interleaved rounds; the figures are
the medians of the per-round wall and CPU ratios. Also: encoding a deepObject filter of
three keys (`encode_query`), in µs per call.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel

from confgen.codegen.http.runtime import Operation, SyncAPIClient
from confgen.codegen.http.runtime._pagination import Pagination, SyncPage
from confgen.codegen.http.runtime._params import ParamStyle, encode_query

PAGES = 100
PER_PAGE = 100
ITEMS = PAGES * PER_PAGE


class Room(BaseModel):
    id: str
    name: str
    participants: int
    record_type: str


class Links(BaseModel):
    next: str | None = None


class RoomList(BaseModel):
    data: list[Room]
    links: Links | None = None


class BenchClient(SyncAPIClient):
    package_name = "bench_pagination"
    package_version = "0"


LIST = Operation(method="GET", path="/rooms/p/1")
SCHEME = Pagination("next-link", items=("data",), next=("links", "next"))
FILTER_STYLES = {"filter": ParamStyle("deepObject", True)}
FILTER = {"filter": {"status": "active", "name": "standup", "region": "eu"}}


def bodies() -> dict[str, object]:
    out: dict[str, object] = {}
    for page in range(1, PAGES + 1):
        data = [
            {"id": f"room-{page}-{n}", "name": "standup", "participants": n, "record_type": "room"}
            for n in range(PER_PAGE)
        ]
        nxt = f"/v2/rooms/p/{page + 1}" if page < PAGES else None
        out[f"/v2/rooms/p/{page}"] = {"data": data, "links": {"next": nxt}}
    return out


def ours(base_url: str) -> int:
    with BenchClient(base_url=base_url) as client:
        page: SyncPage[Room] = SyncPage.fetch(client, LIST, RoomList, SCHEME)
        return sum(1 for _ in page)


def by_hand(base_url: str) -> int:
    count = 0
    with httpx.Client(timeout=60.0) as http:
        url: str | None = f"{base_url}/rooms/p/1"
        while url is not None:
            response = http.get(url)
            response.raise_for_status()
            body = RoomList.model_validate_json(response.content)
            count += len(body.data)
            nxt = body.links.next if body.links else None
            url = str(response.url.join(nxt)) if nxt else None
    return count


def _measure(fn: Any, base_url: str) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    assert fn(base_url) == ITEMS
    return time.perf_counter() - wall, time.process_time() - cpu


def main(rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bodies.json"
        path.write_text(json.dumps(bodies()), encoding="utf-8")
        server = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.server", f"@{path}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            base_url = f"http://127.0.0.1:{int(server.stdout.readline())}/v2"
            ours(base_url), by_hand(base_url)  # warm up: imports, validators, sockets
            walls, cpus, our_walls, hand_walls = [], [], [], []
            for _ in range(rounds):
                our_wall, our_cpu = _measure(ours, base_url)
                hand_wall, hand_cpu = _measure(by_hand, base_url)
                walls.append(our_wall / hand_wall)
                cpus.append(our_cpu / hand_cpu)
                our_walls.append(our_wall)
                hand_walls.append(hand_wall)
        finally:
            server.terminate()
            server.wait(timeout=10)
    calls = 20_000
    seconds = min(
        timeit.repeat(lambda: encode_query(FILTER, FILTER_STYLES), number=calls, repeat=5)
    )
    return {
        "items": ITEMS,
        "pages": PAGES,
        "rounds": rounds,
        "wall_ratio": statistics.median(walls),
        "cpu_ratio": statistics.median(cpus),
        "ours_ms": statistics.median(our_walls) * 1000,
        "hand_ms": statistics.median(hand_walls) * 1000,
        "deep_object_us": seconds / calls * 1e6,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)))
