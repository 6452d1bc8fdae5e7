"""Each generated package's public index (``<package>.operations``) says what the client
really does: the same method, path and retry mode as the runtime descriptors its methods
send with, and the constructor settings its client reads."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HTTP = ["signalwire", "telnyx", "voximplant"]
PACKAGES = [*HTTP, "trueconf"]


def _index(provider: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"confgen_{provider}.operations")


@pytest.mark.parametrize("provider", HTTP)
def test_http_index_matches_the_runtime_descriptors(provider: str) -> None:
    index = _index(provider)
    assert index.OPERATIONS
    for info in index.OPERATIONS:
        resource = importlib.import_module(f"confgen_{provider}.resources.{info.resource}")
        descriptor = getattr(resource, "_" + info.name.upper())
        assert (info.transport, info.method, info.path, info.retry_mode) == (
            "http",
            descriptor.method,
            descriptor.path,
            descriptor.retry_mode,
        )
        models = info.request_models()
        assert models and all(m.__module__.startswith(f"confgen_{provider}.") for m in models)


@pytest.mark.parametrize("provider", HTTP)
def test_http_credentials_are_the_constructors_arguments(provider: str) -> None:
    package = importlib.import_module(f"confgen_{provider}")
    # The async client: the one `Async...` export with client options (not AsyncPage).
    client_class = next(
        getattr(package, name)
        for name in package.__all__
        if name.startswith("Async") and hasattr(getattr(package, name), "with_options")
    )
    parameters = inspect.signature(client_class).parameters
    for info in _index(provider).CREDENTIALS:
        assert info.argument in parameters, info
        assert info.env.startswith(provider.upper() + "_")


def test_retry_modes_in_the_index_follow_the_overlays() -> None:
    assert _index("telnyx").operation("create-conference").retry_mode == "idempotency-key"
    assert _index("voximplant").operation("start-conference").retry_mode == "idempotent"
    assert _index("voximplant").operation("start-scenarios").retry_mode == "unprocessed"
    assert _index("signalwire").operation("create-video-conference").retry_mode == "unprocessed"


def test_the_websocket_index_lists_commands_and_room_settings() -> None:
    index = _index("trueconf")
    assert all(
        (op.transport, op.path, op.resource) == ("websocket", None, None) for op in index.OPERATIONS
    )
    from confgen_trueconf import AsyncTrueConfRoom as Room

    assert all(callable(getattr(Room, op.attribute)) for op in index.OPERATIONS)
    info = index.operation("createConference")
    assert (info.transport, info.method, info.path, info.resource, info.attribute) == (
        "websocket",
        "createConference",
        None,
        None,
        "create_conference",
    )
    (model,) = info.request_models()
    assert "invite_list" in model.model_fields
    from confgen_trueconf import AsyncTrueConfRoom

    parameters = inspect.signature(AsyncTrueConfRoom).parameters
    secrets = {c.argument for c in index.CREDENTIALS if c.secret}
    assert secrets == {"pin", "password", "token"}
    assert all(c.argument in parameters for c in index.CREDENTIALS)
    assert index.credential("url").env == "TRUECONF_ROOM_URL"


@pytest.mark.parametrize("provider", PACKAGES)
def test_importing_the_index_loads_no_transport_or_pydantic(provider: str) -> None:
    code = (
        f"import sys; import confgen_{provider}.operations as index; index.OPERATIONS; "
        "print(sorted(m for m in ('httpx', 'pydantic', 'websockets') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
