"""Whole Telnyx and GitHub APIs against Prism: EVERY generated operation is called (sync;
async for a seeded sample) against a Prism mock started from the same spec, with
generated valid arguments (`whole.arguments`), and must pass Prism's request validation.
Every list operation iterates two pages of Prism's examples where the example gives a
second page (the others are counted by reason), and every binary operation returns bytes.

What is allowed to fail is listed here, each with its reason, and checked to fail exactly
so (an entry that starts passing fails the test too, so the list stays true):
Prism's own defects are recognised by rule (`whole.prism_defect`); operations no mock can
serve are `UNCALLABLE`. No generator bug is allowed: every other operation must pass. Each run writes its counts to ``whole-prism-<package>.json``
in the session's temporary folder and prints them (``-rP`` / ``-s`` shows them).

Slow: `make test-slow`.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import random
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.scale import whole

pytestmark = pytest.mark.slow

#: The async run: this many operations of each API, drawn with this seed.
ASYNC_SEED = 14
ASYNC_SAMPLE = 150

#: Operations that cannot be called against Prism at all, by operation: what the failure
#: says, and why. Each must fail exactly so, before any request is sent.
UNCALLABLE: dict[tuple[str, str, str], tuple[str, str]] = {
    ("telnyx_api", "POST", "/oauth/introspect"): (
        "MissingCredentialsError: IntrospectOAuthToken needs credentials",
        "its only security requirement is OAuth2 client credentials, whose token Prism's mock "
        "of the token endpoint cannot issue; the run gives no OAuth2 credentials, so the client "
        "refuses before any I/O (the OAuth2 flow itself: tests/security)",
    ),
}

#: Why a list operation's first page from Prism's example has no second one: the only
#: reasons accepted (any other single page fails the test).
SINGLE_PAGE_REASONS = (
    "the example page has no items",
    "the example's meta.total_pages is 0",
    "the example's meta.total_pages is 1",
    "the example's meta.total_pages is None",
    "Prism's answer has no Link rel=next header",
    "the example's links.next is empty",
)


#: Prism's 500 for a response the spec declares with media type ``*`` (Telnyx's document
#: download): it checks its own answer's (empty) media type against ``*`` and fails; the
#: request passed. The client asks ``Accept: */*`` there (a bare ``*`` made Prism crash).
_STAR_MEDIA = "does not match the one specified in the current response: *"


class Loaded:
    """A generated whole API, imported, with its Prism and its IR."""

    def __init__(self, package: str, generated: whole.Generated, prism_url: str) -> None:
        assert generated.code == 0, generated.stderr[-3000:]
        self.name = package
        self.prism_url = prism_url
        sys.path.insert(0, str(generated.out))
        self.module = importlib.import_module(package)
        self.api = whole.api(package)
        self.document = whole.document(package)
        self.operations = [op for resource in self.api.resources for op in resource.operations]
        self.base_url = whole.server_url(package) or prism_url
        self.host = str(httpx.URL(self.base_url).host)
        # Every scheme's credentials but OAuth2's: Prism cannot issue a token (its mock of
        # the token operation refuses the client's Basic authentication), so a call needing
        # one could never start; operations that take another scheme (or none) still run.
        self.credentials = {
            c.argument: "dummy"
            for scheme in self.api.auth.schemes
            if scheme.kind != "oauth2-client-credentials"
            for c in scheme.credentials
        }

    def client(self) -> Any:
        sync_name, _ = whole.client_classes(self.module)
        http = httpx.Client(
            base_url=self.base_url, transport=whole.ToPrism(self.prism_url, self.host)
        )
        return getattr(self.module, sync_name)(
            base_url=self.base_url, max_retries=0, http_client=http, **self.credentials
        )

    def async_client(self) -> Any:
        _, async_name = whole.client_classes(self.module)
        http = httpx.AsyncClient(
            base_url=self.base_url, transport=whole.AsyncToPrism(self.prism_url, self.host)
        )
        return getattr(self.module, async_name)(
            base_url=self.base_url, max_retries=0, http_client=http, **self.credentials
        )


@pytest.fixture(
    scope="module",
    params=("telnyx_api", "github_api"),
)
def loaded(
    request: pytest.FixtureRequest, generate_whole: Any, whole_prism: Any
) -> Iterator[Loaded]:
    package = request.param
    api = Loaded(package, generate_whole(package), whole_prism(package).url)
    yield api
    sys.path.remove(str(generate_whole(package).out))


def _judge(loaded: Loaded, outcomes: list[whole.Outcome]) -> dict[str, Any]:
    """The run's counts; fails on every unexpected failure and every stale expectation."""
    counts = whole.report(outcomes)
    problems: list[str] = []
    for outcome in outcomes:
        key = (loaded.name, outcome.op.http_method, outcome.op.path)
        bug = UNCALLABLE.get(key)
        if outcome.verdict == "failed":
            if bug is None or bug[0] not in outcome.detail:
                problems.append(f"{outcome.name}: {outcome.detail}")
        elif bug is not None:
            problems.append(f"{outcome.name}: listed as a known failure but {outcome.verdict}")
        if outcome.single_page and not outcome.single_page.startswith(SINGLE_PAGE_REASONS):
            problems.append(f"{outcome.name}: one page only: {outcome.single_page}")
        if outcome.op.response_kind == "binary" and outcome.verdict == "passed" and outcome.note:
            if _STAR_MEDIA in outcome.detail:
                continue  # Prism cannot answer a response whose media type is "*"
            problems.append(
                f"{outcome.name}: binary operation did not return bytes ({outcome.note})"
            )
    counts["uncallable"] = sorted(
        f"{o.name}: {UNCALLABLE[(loaded.name, o.op.http_method, o.op.path)][1]}"
        for o in outcomes
        if (loaded.name, o.op.http_method, o.op.path) in UNCALLABLE
    )
    assert not problems, f"{len(problems)} of {len(outcomes)}:\n" + "\n".join(problems)
    return counts


def _write(tmp_path_factory: pytest.TempPathFactory, name: str, counts: dict[str, Any]) -> None:
    text = json.dumps(counts, indent=1, sort_keys=True)
    (tmp_path_factory.getbasetemp() / f"whole-prism-{name}.json").write_text(text)
    print(text)


def test_every_operation_passes_prism_validation(
    loaded: Loaded, tmp_path_factory: pytest.TempPathFactory
) -> None:
    client = loaded.client()
    try:
        outcomes = [
            whole.exercise(client, op, loaded.document, loaded.module) for op in loaded.operations
        ]
    finally:
        client.close()
    assert len(outcomes) == len(loaded.operations) > 1000
    counts = _judge(loaded, outcomes)
    _write(tmp_path_factory, loaded.name, counts)
    # Every list operation is accounted for: two pages iterated; or one, with the reason
    # the example gives no second; or none, because Prism's first answer broke the spec
    # (500 with response violations: the request passed) so there was no page to iterate.
    accounted = (
        counts["two_pages"]
        + sum(counts["single_page"].values())
        + sum(counts["no_first_page"].values())
        + sum(o.op.pagination is not None and o.verdict != "passed" for o in outcomes)
    )
    assert counts["lists"] == accounted, counts


def test_seeded_operations_pass_prism_validation_async(
    loaded: Loaded, tmp_path_factory: pytest.TempPathFactory
) -> None:
    sample = random.Random(ASYNC_SEED).sample(loaded.operations, ASYNC_SAMPLE)

    async def run() -> list[whole.Outcome]:
        client = loaded.async_client()
        try:
            return [
                await whole.aexercise(client, op, loaded.document, loaded.module) for op in sample
            ]
        finally:
            await client.close()

    outcomes = asyncio.run(run())
    assert len(outcomes) == ASYNC_SAMPLE
    counts = _judge(loaded, outcomes)
    _write(tmp_path_factory, f"{loaded.name}-async", counts)
