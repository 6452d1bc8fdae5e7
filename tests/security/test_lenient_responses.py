"""Lenient responses on a spec written for it: a missing required field, a wrong scalar,
an unknown oneOf variant and an unknown discriminator tag never fail a successful call;
the strict mode raises instead; discriminator tags are the values payloads carry."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest


def client_for(vault: Any, body: Any, **options: Any) -> Any:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    return vault.Vault(api_key="k", http_client=httpx.Client(transport=transport), **options)


def async_client_for(vault: Any, body: Any, **options: Any) -> Any:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body)

    transport = httpx.MockTransport(handler)
    return vault.AsyncVault(
        api_key="k", http_client=httpx.AsyncClient(transport=transport), **options
    )


BAD_ITEM = {
    "count": "many",  # wrong scalar type
    "owner": {"age": 3},  # nested: required name missing
    "pet": {"flies": True},  # no oneOf variant
    "tags": [{"name": "ok"}, {"name": 5}],
    "extra": {"kept": True},
}  # and the required id is missing


def test_a_body_that_does_not_fit_is_kept(vault: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="vault"):
        item = client_for(vault, BAD_ITEM).items.list_items()
    assert isinstance(item, vault.models.Item)
    assert item.id is None
    assert item.count == "many"  # the value received
    assert isinstance(item.owner, vault.models.Owner)  # typed access below a bad value
    assert item.owner.age == 3
    assert item.owner.name is None
    assert item.pet == {"flies": True}  # raw fallback: matches no variant
    assert [tag.name for tag in item.tags] == ["ok", 5]
    assert all(isinstance(tag, vault.models.Owner) for tag in item.tags)
    assert item.model_extra == {"extra": {"kept": True}}
    lines = [r.getMessage() for r in caplog.records if r.name == "vault"]
    assert "listItems: response Item at $.id: required field missing" in lines
    assert "listItems: response Item at $.owner.name: required field missing" in lines
    assert any(line.startswith("listItems: response Item at $.count: ") for line in lines)
    assert any(line.startswith("listItems: response Item at $.pet: ") for line in lines)
    assert any(line.startswith("listItems: response Item at $.tags[1].name: ") for line in lines)
    assert not any("many" in line for line in lines)  # paths, never values


def test_strict_mode_raises_a_typed_error(vault: Any) -> None:
    with pytest.raises(vault.APIResponseValidationError) as caught:
        client_for(vault, BAD_ITEM, strict_responses=True).items.list_items()
    assert caught.value.status_code == 200
    assert caught.value.body == BAD_ITEM


def test_strict_mode_from_the_environment(vault: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAULT_STRICT_RESPONSES", "1")
    client = client_for(vault, BAD_ITEM)
    with pytest.raises(vault.APIResponseValidationError):
        client.items.list_items()
    # An option of with_options too.
    assert client.with_options(strict_responses=False).items.list_items().count == "many"


def test_a_fitting_body_is_typed_as_usual(vault: Any) -> None:
    item = client_for(vault, {"id": "i", "count": 2, "pet": {"barks": True}}).items.list_items()
    assert (item.id, item.count) == ("i", 2)
    assert isinstance(item.pet, vault.models.Dog)


def test_raw_response_parse_is_lenient_too(vault: Any) -> None:
    raw = client_for(vault, BAD_ITEM).items.with_raw_response.list_items()
    assert raw.parse().count == "many"
    assert raw.json() == BAD_ITEM


async def test_async_lenient_and_strict(vault: Any) -> None:
    item = await async_client_for(vault, BAD_ITEM).items.list_items()
    assert item.id is None and item.count == "many"
    with pytest.raises(vault.APIResponseValidationError):
        await async_client_for(vault, BAD_ITEM, strict_responses=True).items.list_items()


def test_implicit_discriminator_tags_are_the_variants_values(vault: Any) -> None:
    body = {
        "lines": [
            {"type": "comparative", "name": "Local DIDs"},
            {"type": "simple", "amount": "15.75"},
        ]
    }
    summary = client_for(vault, body, strict_responses=True).reports.get_summary()
    comparative, simple = summary.lines
    assert isinstance(comparative, vault.models.ComparativeLine)
    assert isinstance(simple, vault.models.SimpleLine)
    assert simple.amount == "15.75"


def test_an_unknown_discriminator_tag_is_kept(vault: Any) -> None:
    body = {"lines": [{"type": "simple", "amount": "1"}, {"type": "tiered", "tiers": [1]}]}
    summary = client_for(vault, body).reports.get_summary()
    assert isinstance(summary.lines[0], vault.models.SimpleLine)
    assert summary.lines[1] == {"type": "tiered", "tiers": [1]}
    with pytest.raises(vault.APIResponseValidationError):
        client_for(vault, body, strict_responses=True).reports.get_summary()


def test_a_body_that_is_not_json_still_fails(vault: Any) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"<html>"))
    client = vault.Vault(api_key="k", http_client=httpx.Client(transport=transport))
    with pytest.raises(vault.APIResponseValidationError):
        client.items.list_items()
