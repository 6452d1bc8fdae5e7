"""The fenced-YAML extractor on Voximplant's pages and on altered copies of them."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from confgen.errors import ExtractError
from confgen.extract.fenced_yaml import extract_fenced_yaml, find_yaml_block
from confgen.extract.page import Page
from tests.conftest import source_text

CONFERENCE = "voximplant-StartConference.md"
SCENARIOS = "voximplant-StartScenarios.md"


def page(name: str, text: str | None = None) -> Page:
    return Page(path=f"specs/sources/{name}", text=source_text(name) if text is None else text)


def both_pages() -> list[Page]:
    return [page(CONFERENCE), page(SCENARIOS)]


def params(spec: dict, path: str) -> dict[str, dict]:
    return {p["name"]: p for p in spec["paths"][path]["post"]["parameters"]}


def test_merges_both_pages_into_one_valid_spec() -> None:
    spec = extract_fenced_yaml(both_pages())
    validate(spec)
    assert list(spec["paths"]) == ["/StartConference", "/StartScenarios"]
    assert spec["paths"]["/StartConference"]["post"]["operationId"] == "start-conference"
    assert spec["paths"]["/StartScenarios"]["post"]["operationId"] == "start-scenarios"
    assert spec["servers"] == [{"url": "https://api.voximplant.com/platform_api"}]
    assert spec["components"]["securitySchemes"]["JwtAuth"]["scheme"] == "bearer"
    assert set(spec["components"]["schemas"]) == {
        "scenarios_StartConference_Response_200",
        "scenarios_StartScenarios_Response_200",
    }


def test_keeps_parameters_with_their_types_and_required_marks() -> None:
    spec = extract_fenced_yaml(both_pages())
    conference = params(spec, "/StartConference")
    assert conference["conference_name"]["required"] is True
    assert conference["rule_id"]["schema"] == {"type": "integer"}
    assert conference["user_id"]["required"] is False
    assert "conference_name" not in params(spec, "/StartScenarios")


def test_inner_fences_stay_inside_descriptions() -> None:
    spec = extract_fenced_yaml(both_pages())
    description = spec["components"]["securitySchemes"]["JwtAuth"]["description"]
    # ">-" folding: the blank lines around the inner fence become single newlines.
    assert "```\nAuthorization: Bearer $VOXIMPLANT_TOKEN\n```" in description
    # The block did not end at the first (indented) inner fence: what follows it was read.
    assert "credentials.json" in description


def test_block_ends_at_the_fence_at_its_own_indentation() -> None:
    first_line, text = find_yaml_block(page(CONFERENCE))
    lines = source_text(CONFERENCE).splitlines()
    assert lines[first_line - 2] == "```yaml"
    assert text.startswith("openapi: 3.1.0\n")
    assert "    ```" in text  # indented inner fences are part of the block
    assert "## SDK Code Examples" not in text


def test_added_parameter_appears() -> None:
    text = source_text(CONFERENCE).replace(
        "        - name: reference_ip\n",
        "        - name: region_hint\n          in: query\n          required: false\n"
        "          schema:\n            type: string\n        - name: reference_ip\n",
    )
    spec = extract_fenced_yaml([page(CONFERENCE, text), page(SCENARIOS)])
    assert params(spec, "/StartConference")["region_hint"]["schema"] == {"type": "string"}


def test_removed_parameter_is_gone() -> None:
    text = source_text(SCENARIOS)
    start = text.index("        - name: server_location")
    end = text.index("        - name: Authorization")
    spec = extract_fenced_yaml([page(CONFERENCE), page(SCENARIOS, text[:start] + text[end:])])
    assert "server_location" not in params(spec, "/StartScenarios")


def test_truncated_block_names_the_opening_fence_line() -> None:
    text = source_text(CONFERENCE)
    truncated = text[: text.index("servers:\n")]
    with pytest.raises(ExtractError) as caught:
        extract_fenced_yaml([page(CONFERENCE, truncated)])
    error = caught.value
    assert error.source == f"specs/sources/{CONFERENCE}"
    assert error.line == text.splitlines().index("```yaml") + 1
    assert "never closes" in str(error)


def test_key_name_inside_a_description_stays_text() -> None:
    # "required: false" inside a folded description must not become a key.
    text = source_text(CONFERENCE).replace(
        "            The rule ID that needs to be launched.",
        "            The rule ID that needs to be launched. required: false.",
    )
    spec = extract_fenced_yaml([page(CONFERENCE, text), page(SCENARIOS)])
    rule = params(spec, "/StartConference")["rule_id"]
    assert rule["required"] is True
    assert "required: false." in rule["description"]


def test_yaml_error_is_located_on_the_page() -> None:
    text = source_text(CONFERENCE).replace(
        "      operationId: start-conference", "      operationId: ["
    )
    with pytest.raises(ExtractError) as caught:
        extract_fenced_yaml([page(CONFERENCE, text)])
    lines = text.splitlines()
    broken = next(i for i, line in enumerate(lines) if "operationId: [" in line) + 1
    assert caught.value.line is not None
    assert broken <= caught.value.line <= broken + 2
    assert "does not parse" in str(caught.value)


def test_page_without_yaml_fence_is_refused() -> None:
    with pytest.raises(ExtractError, match="no fenced YAML block"):
        extract_fenced_yaml([Page(path="x.md", text="# Title\n\nJust prose.\n")])


def test_fenced_yaml_that_is_not_openapi_is_refused() -> None:
    with pytest.raises(ExtractError, match="not an OpenAPI document"):
        extract_fenced_yaml([Page(path="x.md", text="```yaml\nfoo: bar\n```\n")])


def test_same_operation_defined_differently_is_refused() -> None:
    text = source_text(SCENARIOS).replace("/StartScenarios:", "/StartConference:")
    with pytest.raises(ExtractError, match="defined differently") as caught:
        extract_fenced_yaml([page(CONFERENCE), page(SCENARIOS, text)])
    assert caught.value.source == f"specs/sources/{SCENARIOS}"
