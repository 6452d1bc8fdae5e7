"""README.md's coverage table is the one `tests.wire.coverage` generates now, and the capture
server records what it is sent (so a comparison of two captures can fail)."""

from __future__ import annotations

import httpx

from tests.wire import coverage
from tests.wire.capture import capture_server


def test_readme_coverage_table_is_current() -> None:
    readme = coverage.README.read_text()
    assert coverage.START in readme and coverage.END in readme
    assert coverage.spliced(readme, coverage.render()) == readme, (
        "README.md's coverage table is stale: run `python -m tests.wire.coverage --write`"
    )


def test_capture_server_records_method_path_query_and_body() -> None:
    with capture_server(lambda method, path: (201, {"data": {"path": path}})) as (base, seen):
        response = httpx.post(
            f"{base}/a%20b/c",
            params=[("z", "1"), ("filter[x]", "y"), ("a", "2")],
            json={"k": [1, True]},
            headers={"X-Probe": "1"},
        )
    assert response.status_code == 201
    assert response.json() == {"data": {"path": "/a b/c"}}
    [request] = seen
    assert (request.method, request.path, request.body) == ("POST", "/a b/c", {"k": [1, True]})
    assert request.query == [("a", "2"), ("filter[x]", "y"), ("z", "1")]
    assert request.headers["x-probe"] == "1"
