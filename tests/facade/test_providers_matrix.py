"""``confgen providers`` shows what each verb maps to, the provider x verb matrix, and
the reason for every gap (the same data as `capabilities` and the adapters)."""

from __future__ import annotations

import json

import pytest

import conferencing
from conferencing._registry import PROVIDERS, get_adapter
from conferencing.providers._base import VERBS
from tests.facade.test_cli import run


def test_every_supported_verb_says_what_it_maps_to() -> None:
    for provider in PROVIDERS:
        adapter = get_adapter(provider)
        assert set(adapter.mappings) == adapter.capabilities(), provider
        assert not set(adapter.mappings) & set(adapter.unsupported), provider


def test_the_matrix_and_every_gap_with_its_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "providers")
    assert code == 0
    matrix = out.split("capabilities (yes: supported, -: unsupported, reasons below):\n")[1]
    rows, gaps = matrix.split("\ngaps:\n")
    header, *lines = rows.strip("\n").splitlines()
    providers = header.split()
    assert providers == sorted(PROVIDERS)
    assert [line.split()[0] for line in lines] == list(VERBS)
    for line in lines:
        verb, *marks = line.split()
        for provider, mark in zip(providers, marks, strict=True):
            assert mark == ("yes" if verb in conferencing.capabilities(provider) else "-")
    for provider in providers:
        for verb, reason in get_adapter(provider).unsupported.items():
            assert f"  {provider} {verb}: {reason}\n" in gaps
    assert "    end_conference      EndConference action (command_id)" in out


def test_the_json_carries_the_matrix(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "providers", "--json")
    listed = {entry["provider"]: entry for entry in json.loads(out)}
    assert code == 0
    telnyx = listed["telnyx"]["verbs"]
    assert list(telnyx) == list(VERBS)
    assert telnyx["join_info"]["supported"] is False
    assert "call leg" in telnyx["join_info"]["reason"]
    assert telnyx["mute_participant"] == {
        "supported": True,
        "maps_to": "MuteConferenceParticipants / UnmuteConferenceParticipants",
        "reason": None,
    }
    assert [v for v, info in listed["voximplant"]["verbs"].items() if info["supported"]] == [
        "create_conference"
    ]
