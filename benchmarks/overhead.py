"""Per-call client overhead over an in-memory transport: ``python -m benchmarks.overhead
FOLDER ROUNDS CALLS`` prints JSON.

``FOLDER`` holds ``bench_telnyx``, generated from `benchmarks.listing` (the shipped
Telnyx create call plus a list call answering 100 conferences). Every client talks to an
``httpx.MockTransport`` answering the same bytes, so no network is involved: the
baseline is raw httpx sending the same request and parsing the body with pydantic into
the same model classes, and the difference is the generated client's own work (argument
validation, request building, dispatch). Sync and async, each in ``ROUNDS`` interleaved
rounds of ``CALLS`` calls; the overhead is the median of the rounds' per-call
differences. Rounds are timed in CPU time (`time.process_time`): the work is all in this
process, and on a shared machine wall time also counts the time other processes ran.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from benchmarks.first_call import BODIES, TELNYX_BODY
from benchmarks.listing import ITEMS

URL = "http://bench.invalid/v2"


def _bodies() -> dict[str, bytes]:
    conference = BODIES["/v2/conferences"]
    assert isinstance(conference, dict)
    listing = {"data": [dict(conference["data"], id=f"id-{n}") for n in range(ITEMS)]}
    return {"POST": json.dumps(conference).encode(), "GET": json.dumps(listing).encode()}


def main(folder: str, rounds: int, calls: int) -> dict[str, Any]:
    sys.path.insert(0, folder)
    import httpx
    from bench_telnyx import (  # type: ignore[import-not-found]
        AsyncBenchTelnyx,
        BenchTelnyx,
        models,
    )

    bodies = _bodies()
    headers = {"content-type": "application/json"}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=bodies[request.method], headers=headers)

    transport = httpx.MockTransport(answer)
    auth = {"Authorization": "Bearer k"}
    raw = httpx.Client(base_url=URL, transport=transport, headers=auth)
    ours = BenchTelnyx(
        api_key="k", base_url=URL, max_retries=0, http_client=httpx.Client(transport=transport)
    )
    araw = httpx.AsyncClient(base_url=URL, transport=transport, headers=auth)
    aours = AsyncBenchTelnyx(
        api_key="k",
        base_url=URL,
        max_retries=0,
        http_client=httpx.AsyncClient(transport=transport),
    )
    create_model, list_model = models.ConferenceResponse, models.ListConferencesResponse

    def raw_create() -> object:
        response = raw.post("/conferences", json=TELNYX_BODY)
        response.raise_for_status()
        return create_model.model_validate_json(response.content)

    def raw_list() -> object:
        response = raw.get("/conferences")
        response.raise_for_status()
        return list_model.model_validate_json(response.content)

    async def araw_create() -> object:
        response = await araw.post("/conferences", json=TELNYX_BODY)
        response.raise_for_status()
        return create_model.model_validate_json(response.content)

    async def araw_list() -> object:
        response = await araw.get("/conferences")
        response.raise_for_status()
        return list_model.model_validate_json(response.content)

    sync: dict[str, Callable[[], object]] = {
        "create: raw httpx + pydantic": raw_create,
        "create: confgen": lambda: ours.conferences.create_conference(**TELNYX_BODY),
        "list 100: raw httpx + pydantic": raw_list,
        "list 100: confgen": lambda: ours.conferences.list_conferences(),
    }
    asynchronous: dict[str, Callable[[], Awaitable[object]]] = {
        "create: raw httpx + pydantic": araw_create,
        "create: confgen": lambda: aours.conferences.create_conference(**TELNYX_BODY),
        "list 100: raw httpx + pydantic": araw_list,
        "list 100: confgen": lambda: aours.conferences.list_conferences(),
    }
    # The same parsed result, or the comparison means nothing.
    assert len(ours.conferences.list_conferences().data) == len(raw_list().data) == ITEMS  # type: ignore[attr-defined]
    assert ours.conferences.create_conference(**TELNYX_BODY) == raw_create()

    seconds: dict[str, dict[str, list[float]]] = {"sync": {}, "async": {}}
    for _ in range(rounds):
        for name, fn in sync.items():
            begun = time.process_time()
            for _ in range(calls):
                fn()
            seconds["sync"].setdefault(name, []).append((time.process_time() - begun) / calls)

    async def run_async() -> None:
        for fn in asynchronous.values():
            await fn()
        for _ in range(rounds):
            for name, fn in asynchronous.items():
                begun = time.process_time()
                for _ in range(calls):
                    await fn()
                elapsed = (time.process_time() - begun) / calls
                seconds["async"].setdefault(name, []).append(elapsed)

    asyncio.run(run_async())
    result: dict[str, Any] = {}
    for mode, table in seconds.items():
        for call in ("create", "list 100"):
            base = table[f"{call}: raw httpx + pydantic"]
            mine = table[f"{call}: confgen"]
            result[f"{mode} {call}"] = {
                "raw_us": statistics.median(base) * 1e6,
                "confgen_us": statistics.median(mine) * 1e6,
                "overhead_us": statistics.median(a - b for a, b in zip(mine, base, strict=True))
                * 1e6,
                "overhead_min_us": min(a - b for a, b in zip(mine, base, strict=True)) * 1e6,
                "overhead_max_us": max(a - b for a, b in zip(mine, base, strict=True)) * 1e6,
            }
    raw.close()
    ours.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
