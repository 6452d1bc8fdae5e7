"""The facade and the generated packages' public indexes agree: every operation and
credential an adapter uses exists in its package's ``operations`` module, and what the
facade shows (title, environment variables, secrecy) is the index's, not a copy."""

from __future__ import annotations

import importlib
import operator
from typing import Any

import pytest

from conferencing._registry import PROVIDERS, get_adapter

HTTP = ["signalwire", "telnyx", "voximplant"]


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_the_adapters_operation_is_in_the_index(provider: str) -> None:
    adapter = get_adapter(provider)
    index = importlib.import_module(f"{adapter.package}.operations")
    info = index.operation(adapter.operation_id)
    assert info in index.OPERATIONS
    assert adapter.operation == info.attribute
    assert adapter.title == index.API_TITLE
    # The facade's options are exactly the fields of the index's request models.
    fields = {field for model in info.request_models() for field in model.model_fields}
    options = {option.name for option in adapter.options()}
    assert options == fields - adapter.hidden_fields - {adapter.name_option}
    assert adapter.name_option in fields


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_the_adapters_credentials_are_the_indexs(provider: str) -> None:
    adapter = get_adapter(provider)
    index = importlib.import_module(f"{adapter.package}.operations")
    assert adapter.credentials, provider
    for spec in adapter.credentials:
        info = index.credential(spec.argument)
        assert (spec.env, spec.secret, spec.required, spec.description) == (
            info.env,
            info.secret,
            info.required,
            info.description,
        )
    # Every dry-run stand-in fills a setting the client takes.
    assert set(adapter.dummies) <= {spec.argument for spec in adapter.credentials}


@pytest.mark.parametrize("provider", HTTP)
def test_the_index_attribute_is_a_method_of_the_client(provider: str) -> None:
    adapter = get_adapter(provider)
    sync_class, _ = adapter.client_classes()
    settings: dict[str, Any] = {spec.argument: "x" for spec in adapter.credentials}
    if provider == "voximplant":
        settings = {"credentials": adapter.dummies["credentials"]()}
    client = sync_class(**settings)
    try:
        for info in importlib.import_module(f"{adapter.package}.operations").OPERATIONS:
            assert callable(operator.attrgetter(info.attribute)(client)), info
    finally:
        client.close()


def test_an_unknown_operation_or_credential_is_a_key_error() -> None:
    index = importlib.import_module(f"{get_adapter('telnyx').package}.operations")
    with pytest.raises(KeyError, match="no operation 'nope'"):
        index.operation("nope")
    with pytest.raises(KeyError, match="no credential 'nope'"):
        index.credential("nope")
