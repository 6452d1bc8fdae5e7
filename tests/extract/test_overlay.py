"""Overlay application: the Overlay 1.0 subset and its errors."""

from __future__ import annotations

from typing import Any

import pytest

from confgen.errors import OverlayError
from confgen.extract.overlay import apply_overlay, parse_target

DOCUMENT: dict[str, Any] = {
    "paths": {
        "/things": {
            "post": {
                "parameters": [
                    {"name": "a", "in": "query"},
                    {"name": "b", "in": "query"},
                ],
                "tags": ["x"],
            }
        }
    }
}


def overlay(*actions: dict[str, Any]) -> dict[str, Any]:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}


def test_target_subset_parses_names_indexes_and_filters() -> None:
    assert parse_target("$.paths['/things'].post.parameters[1]") == [
        "paths",
        "/things",
        "post",
        "parameters",
        1,
    ]
    assert parse_target("$.a[?(@.name=='b')].schema") == ["a", ("name", "b"), "schema"]
    with pytest.raises(ValueError, match="unsupported JSONPath"):
        parse_target("$.paths[*]")


def test_update_merges_objects_and_appends_lists_without_touching_the_input() -> None:
    result = apply_overlay(
        DOCUMENT,
        overlay(
            {
                "target": "$.paths['/things'].post",
                "x-source": "test",
                "update": {"tags": ["y"], "x-confgen-retry": {"mode": "never"}},
            }
        ),
        source="o.yaml",
    )
    post = result["paths"]["/things"]["post"]
    assert post["tags"] == ["x", "y"]
    assert post["x-confgen-retry"] == {"mode": "never"}
    assert DOCUMENT["paths"]["/things"]["post"]["tags"] == ["x"]


def test_filter_targets_the_named_item_whatever_its_position() -> None:
    result = apply_overlay(
        DOCUMENT,
        overlay(
            {
                "target": "$.paths['/things'].post.parameters[?(@.name=='b')]",
                "x-source": "test",
                "update": {"required": True},
            }
        ),
        source="o.yaml",
    )
    assert result["paths"]["/things"]["post"]["parameters"][1] == {
        "name": "b",
        "in": "query",
        "required": True,
    }


def test_remove_deletes_the_target() -> None:
    result = apply_overlay(
        DOCUMENT,
        overlay({"target": "$.paths['/things'].post.tags", "x-source": "test", "remove": True}),
        source="o.yaml",
    )
    assert "tags" not in result["paths"]["/things"]["post"]


def test_action_without_source_is_refused_with_its_place() -> None:
    with pytest.raises(OverlayError) as caught:
        apply_overlay(DOCUMENT, overlay({"target": "$", "update": {}}), source="o.yaml")
    assert caught.value.source == "o.yaml"
    assert caught.value.pointer == "/actions/0"
    assert "x-source" in str(caught.value)


def test_missing_target_is_refused_naming_how_far_it_resolved() -> None:
    with pytest.raises(OverlayError, match=r"does not exist.*/paths/~1things/get"):
        apply_overlay(
            DOCUMENT,
            overlay({"target": "$.paths['/things'].get", "x-source": "s", "update": {}}),
            source="o.yaml",
        )


def test_filter_matching_no_item_is_refused() -> None:
    with pytest.raises(OverlayError, match="matches 0 items"):
        apply_overlay(
            DOCUMENT,
            overlay(
                {
                    "target": "$.paths['/things'].post.parameters[?(@.name=='z')]",
                    "x-source": "s",
                    "update": {},
                }
            ),
            source="o.yaml",
        )


def test_scalar_filter_removes_one_name_from_a_list() -> None:
    document = {"required": ["a", "b", "c"]}
    result = apply_overlay(
        document,
        overlay({"target": "$.required[?(@=='b')]", "x-source": "s", "remove": True}),
        source="o.yaml",
    )
    assert result["required"] == ["a", "c"]
