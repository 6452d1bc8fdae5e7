"""Fixtures of the whole-API tests: each whole API generated once per session (a minute
each), and one Prism per spec, kept for the session (a whole spec takes Prism 15-40 s to
load). Under pytest-xdist every worker has its own; ``--dist loadgroup`` with the tests'
``xdist_group`` marks keeps each API's tests on one worker, so each is generated and
mocked once per run."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from benchmarks.corpus import WHOLE_APIS, whole_api_spec
from tests.contract.conftest import PrismServer, start_prism, stop_prism
from tests.scale.whole import Generated


@pytest.fixture(scope="session")
def generate_whole(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``generate_whole(package)``: `Generated`, made on first use and kept."""
    made: dict[str, Generated] = {}

    def get(package: str) -> Generated:
        if package not in made:
            out = tmp_path_factory.mktemp(package)
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "confgen.cli",
                    "generate",
                    "--spec",
                    str(whole_api_spec(package)),
                    "--out",
                    str(out),
                    "--package",
                    package,
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            # The project folder (pyproject.toml, README.md) holding the package folder.
            made[package] = Generated(package, out / package, result.returncode, result.stderr)
        return made[package]

    return get


@pytest.fixture(scope="session")
def whole_prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``whole_prism(package)``: a Prism mock of that whole API's spec, kept for the session."""
    servers: dict[str, PrismServer] = {}
    logs = tmp_path_factory.mktemp("prism-logs")

    def get(package: str) -> PrismServer:
        if package not in servers:
            import tests.contract.conftest as contract

            contract.PRISM_START_TIMEOUT = 240.0  # a whole API takes a while to load
            servers[package] = start_prism(whole_api_spec(package), logs / f"{package}.log")
        return servers[package]

    yield get
    for server in servers.values():
        stop_prism(server.process)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each whole API's tests in one xdist group (``--dist loadgroup``), named by the
    package they are parametrized with: one worker generates it and starts its Prism."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        package = params.get("loaded") or params.get("generated")
        if package in WHOLE_APIS:
            item.add_marker(pytest.mark.xdist_group(package))
