"""Names the generator gives to spec things."""

from __future__ import annotations

import pytest

from confgen.codegen.naming import (
    RESERVED_ARGUMENTS,
    check_unique,
    pascal_case,
    python_identifier,
    resource_name,
    snake_case,
)
from confgen.errors import ConfgenError


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("start-conference", "start_conference"),
        ("create-video-conference", "create_video_conference"),
        ("StartScenarios", "start_scenarios"),
        ("createConference", "create_conference"),
        ("getHTTPStatus", "get_http_status"),
        ("Types.StatusCodes.StatusCode400", "types_status_codes_status_code400"),
        ("--odd  name--", "odd_name"),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


def test_resource_name_drops_subpackage_prefix() -> None:
    assert resource_name("subpackage_scenarios") == "scenarios"
    assert resource_name("subpackage_conferences") == "conferences"
    assert resource_name("Call Control") == "call_control"


def test_pascal_case_for_classes() -> None:
    assert pascal_case("start-conference") == "StartConference"
    assert (
        pascal_case("scenarios_StartConference_Response_200")
        == "ScenariosStartConferenceResponse200"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("from", "from_"),
        ("class", "class_"),
        ("import", "import_"),
        ("match", "match_"),  # a soft keyword
        ("id", "id"),  # builtins stay: `conf.data.id`
        ("type", "type"),
        ("2x2", "_2x2"),
        ("X-Request-Id", "x_request_id"),
    ],
)
def test_python_identifier_escapes_keywords(name: str, expected: str) -> None:
    assert python_identifier(name) == expected


def test_per_call_option_names_are_escaped_for_parameters() -> None:
    assert python_identifier("timeout", reserved=RESERVED_ARGUMENTS) == "timeout_"
    assert python_identifier("extra_headers", reserved=RESERVED_ARGUMENTS) == "extra_headers_"


def test_collision_after_snake_casing_is_an_error_with_its_pointer() -> None:
    names = [
        ("userId", "user_id", "/paths/~1a/get/parameters/0"),
        ("user_id", "user_id", "/paths/~1a/get/parameters/1"),
    ]
    with pytest.raises(ConfgenError) as caught:
        check_unique(names, what="parameter", source="spec.yaml")
    assert caught.value.pointer == "/paths/~1a/get/parameters/1"
    assert "userId" in str(caught.value) and "spec.yaml" in str(caught.value)


def test_same_name_twice_is_not_a_collision() -> None:
    assert check_unique([("a", "a", "/x"), ("a", "a", "/y")], what="x", source="s") == {"a": "a"}
