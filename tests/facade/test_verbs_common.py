"""What holds for every verb and provider: the twins exist, gaps are refused (with a
reason, before credentials or I/O), unknown providers and bad clients are refused."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

import conferencing
from conferencing import (
    ConferencingError,
    MissingCredentialsError,
    UnknownProviderError,
    UnsupportedOperationError,
)
from conferencing._registry import PROVIDERS, get_adapter
from conferencing.providers._base import VERBS, ProviderAdapter

ARGUMENTS: dict[str, tuple[str, ...]] = {
    "create_conference": (),
    "get_conference": ("c-1",),
    "list_conferences": (),
    "end_conference": ("c-1",),
    "list_participants": ("c-1",),
    "remove_participant": ("c-1", "p-1"),
    "mute_participant": ("c-1", "p-1"),
    "join_info": ("c-1",),
    "list_recordings": ("c-1",),
}
KEYWORDS: dict[str, dict[str, Any]] = {"create_conference": {"name": "standup"}}

GAPS = [
    (provider, verb)
    for provider in sorted(PROVIDERS)
    for verb in VERBS
    if verb not in conferencing.capabilities(provider)
]
SUPPORTED = [
    (provider, verb)
    for provider in sorted(PROVIDERS)
    for verb in VERBS
    if verb in conferencing.capabilities(provider) and verb != "create_conference"
]


def _call(verb: str, provider: str, **extra: Any) -> Any:
    """Call a verb; a listing is started (its first item asked for), so its checks run."""
    result = getattr(conferencing, verb)(
        provider, *ARGUMENTS[verb], **KEYWORDS.get(verb, {}), **extra
    )
    if verb.startswith("list_"):
        next(iter(result), None)
    return result


async def _acall(verb: str, provider: str, **extra: Any) -> Any:
    function = getattr(conferencing, "a" + verb)
    result = function(provider, *ARGUMENTS[verb], **KEYWORDS.get(verb, {}), **extra)
    if verb.startswith("list_"):
        return [item async for item in result]
    return await result


def test_every_verb_has_an_async_twin_and_is_exported() -> None:
    for verb in VERBS:
        sync, twin = getattr(conferencing, verb), getattr(conferencing, "a" + verb)
        assert verb in conferencing.__all__ and "a" + verb in conferencing.__all__
        assert list(inspect.signature(sync).parameters) == list(inspect.signature(twin).parameters)
        for keyword in ("client", "credentials", "base_url"):
            assert keyword in inspect.signature(sync).parameters


def test_the_matrix_is_what_the_design_and_the_apis_allow() -> None:
    assert {p: sorted(conferencing.capabilities(p)) for p in PROVIDERS} == {
        "telnyx": sorted(set(VERBS) - {"join_info", "list_recordings"}),
        "signalwire": sorted(
            set(VERBS) - {"end_conference", "remove_participant", "mute_participant"}
        ),
        "trueconf": sorted(set(VERBS) - {"list_recordings"}),
        "voximplant": ["create_conference"],
    }


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_each_verb_is_either_planned_or_has_a_reason(provider: str) -> None:
    adapter = get_adapter(provider)
    for verb in VERBS:
        if verb == "create_conference":
            continue
        planned = getattr(type(adapter), verb) is not getattr(ProviderAdapter, verb)
        reason = adapter.unsupported.get(verb)
        assert planned != (reason is not None), (provider, verb)
        assert reason is None or len(reason) > 20


@pytest.mark.parametrize(("provider", "verb"), GAPS)
def test_a_gap_is_refused_before_credentials_or_io(provider: str, verb: str) -> None:
    # clean_env: no credentials; no server anywhere. The refusal must come first.
    with pytest.raises(UnsupportedOperationError) as caught:
        _call(verb, provider)
    error = caught.value
    assert isinstance(error, ConferencingError)
    assert (error.provider, error.operation) == (provider, verb)
    assert error.reason == get_adapter(provider).unsupported[verb]
    assert provider in str(error) and verb in str(error) and error.reason in str(error)


@pytest.mark.parametrize(("provider", "verb"), GAPS)
async def test_a_gap_is_refused_by_the_async_twin_too(provider: str, verb: str) -> None:
    with pytest.raises(UnsupportedOperationError, match=f"{provider} cannot {verb}"):
        await _acall(verb, provider)


@pytest.mark.parametrize(("provider", "verb"), [(p, v) for p, v in SUPPORTED if p != "trueconf"])
def test_missing_credentials_are_named_before_anything_is_sent(provider: str, verb: str) -> None:
    with pytest.raises(MissingCredentialsError) as caught:
        _call(verb, provider)
    assert caught.value.missing


@pytest.mark.parametrize("verb", VERBS)
async def test_an_unknown_provider_is_a_conferencing_error(verb: str) -> None:
    with pytest.raises(UnknownProviderError, match="did you mean 'signalwire'") as caught:
        _call(verb, "signalwir")
    assert not isinstance(caught.value, ValueError)
    with pytest.raises(UnknownProviderError):
        await _acall(verb, "zoom")


def test_capabilities_of_an_unknown_provider() -> None:
    with pytest.raises(UnknownProviderError) as caught:
        conferencing.capabilities("zoom")
    assert caught.value.known == tuple(sorted(PROVIDERS))


def test_a_client_of_the_wrong_kind_names_the_verb_and_its_twin(
    scripted_client: Callable[..., Any],
) -> None:
    import httpx

    client, requests = scripted_client("telnyx", httpx.Response(500), asynchronous=True)
    with pytest.raises(
        TypeError, match=r"get_conference\('telnyx', client=\.\.\.\).*use aget_conference"
    ):
        conferencing.get_conference("telnyx", "c-1", client=client)
    with pytest.raises(TypeError, match="configure credentials and base_url on the client"):
        conferencing.list_participants("telnyx", "c-1", client=client, credentials="KEY")
    assert requests == []


def test_muted_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="muted must be True or False"):
        conferencing.mute_participant("telnyx", "c-1", "p-1", muted="false")  # type: ignore[arg-type]


def test_a_listing_sends_nothing_until_iterated(scripted_client: Callable[..., Any]) -> None:
    import httpx

    client, requests = scripted_client("telnyx", httpx.Response(200, json={"data": []}))
    listing = conferencing.list_conferences("telnyx", client=client)
    assert requests == []
    assert list(listing) == [] and len(requests) == 1


@pytest.mark.parametrize(
    ("provider", "filters", "message"),
    [
        ("telnyx", {"filtre": {}}, "does not take 'filtre' (did you mean 'filter'?)"),
        ("signalwire", {"page_sise": 5}, "(did you mean 'page_size'?)"),
        ("trueconf", {"status": "x"}, "it takes no filters"),
    ],
)
async def test_unknown_list_filters_are_refused_before_credentials(
    provider: str, filters: dict[str, Any], message: str
) -> None:
    with pytest.raises(conferencing.InvalidOptionsError) as caught:
        conferencing.list_conferences(provider, **filters)
    assert message in str(caught.value)
    with pytest.raises(conferencing.InvalidOptionsError):
        conferencing.alist_conferences(provider, **filters)
