"""Error responses become the right class with the decoded body; secrets never show."""

from __future__ import annotations

import httpx
import pytest

from confgen.codegen.http.runtime import (
    APIError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    BasicAuth,
    BearerAuth,
    ConflictError,
    InternalServerError,
    NotFoundError,
    Operation,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from tests.runtime.runtime_support import (
    SECRET,
    ConferenceResponse,
    Errors,
    Recorder,
    TestClient,
    VoxErrorBody,
    conference_json,
    sync_client,
)

TELNYX_ERRORS = {
    "errors": [
        {"code": "10015", "title": "Bad Request", "detail": "name is invalid"},
        {"code": "10016", "title": "Other"},
    ]
}
GET = Operation(
    method="GET", path="/conferences", retry="never", error_models={"4XX": Errors, 500: Errors}
)


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (418, APIStatusError),
        (500, InternalServerError),
        (503, InternalServerError),
    ],
)
def test_status_maps_to_error_class_with_decoded_body(
    status: int, error_class: type[APIStatusError]
) -> None:
    recorder = Recorder(httpx.Response(status, json=TELNYX_ERRORS))
    with pytest.raises(APIStatusError) as caught:
        sync_client(recorder).request(GET, cast_to=None)
    error = caught.value
    assert type(error) is error_class
    assert error.status_code == status
    assert error.response.status_code == status
    assert error.request is recorder.requests[0]
    assert error.code == "10015"
    assert str(error) == f"Error code: {status} - 10015: name is invalid (and 1 more)"
    if status == 503:  # no exact, class or default entry: the raw JSON
        assert error.body == TELNYX_ERRORS
    else:
        assert error.body == Errors.model_validate(TELNYX_ERRORS)


def test_error_model_lookup_prefers_exact_status_then_class_then_default() -> None:
    class Exact(Errors):
        pass

    class Default(Errors):
        pass

    op = Operation(
        method="GET",
        path="/x",
        error_models={404: Exact, "4XX": Errors, "default": Default},
    )
    assert op.error_model(404) is Exact
    assert op.error_model(400) is Errors
    assert op.error_model(500) is Default
    assert Operation(method="GET", path="/x").error_model(500) is None


def test_error_models_given_as_a_function_are_loaded_at_the_first_error_only() -> None:
    calls: list[int] = []

    def load() -> dict[int | str, type[Errors]]:
        calls.append(1)
        return {404: Errors}

    op = Operation(method="GET", path="/x", error_models=load)
    assert calls == []  # declaring the operation builds nothing
    assert op.error_model(404) is Errors
    assert op.error_model(500) is None
    assert calls == [1]


def test_error_body_not_matching_model_is_kept_as_json() -> None:
    recorder = Recorder(httpx.Response(400, json={"error": "Bad name"}))  # SignalWire's shape
    with pytest.raises(BadRequestError) as caught:
        sync_client(recorder).request(GET, cast_to=None)
    assert caught.value.body == {"error": "Bad name"}
    assert caught.value.message == "Error code: 400: Bad name"
    assert caught.value.code is None


def test_non_json_error_body_is_kept_as_text() -> None:
    recorder = Recorder(httpx.Response(502, text="<html>Bad gateway</html>"))
    with pytest.raises(InternalServerError) as caught:
        sync_client(recorder, max_retries=0).request(GET, cast_to=None)
    assert caught.value.body == "<html>Bad gateway</html>"
    assert str(caught.value) == "Error code: 502"


VOX = Operation(method="POST", path="/StartConference", body_errors=("error", "errors"))
VOX_MODELS = Operation(
    method="POST",
    path="/StartConference",
    body_errors=("error", "errors"),
    error_models={"default": VoxErrorBody},
)


def test_error_object_in_200_body_is_raised_with_code_and_msg() -> None:
    body = {"error": {"code": 100, "msg": "Invalid rule_id"}}
    recorder = Recorder(httpx.Response(200, json=body))
    with pytest.raises(APIStatusError) as caught:
        sync_client(recorder).request(VOX_MODELS, cast_to=ConferenceResponse)
    error = caught.value
    assert type(error) is APIStatusError
    assert (error.status_code, error.code, error.message) == (
        200,
        100,
        "error in response body (HTTP 200) - 100: Invalid rule_id",
    )
    assert error.body == VoxErrorBody.model_validate(body)


def test_errors_list_in_200_body_is_raised_with_first_code_and_msg() -> None:
    body = {"errors": [{"code": 403, "msg": "No access"}, {"code": 1, "msg": "x"}]}
    with pytest.raises(APIStatusError) as caught:
        sync_client(Recorder(httpx.Response(200, json=body))).request(VOX, cast_to=None)
    assert caught.value.code == 403
    assert "No access" in caught.value.message
    assert caught.value.body == body  # no model given: the raw JSON


def test_body_errors_under_error_status_take_the_status_class() -> None:
    body = {"error": {"code": 429, "msg": "Too many requests"}}
    recorder = Recorder(httpx.Response(429, json=body), httpx.Response(200, json=body))
    with pytest.raises(RateLimitError) as caught:
        sync_client(recorder, max_retries=0).request(VOX_MODELS, cast_to=None)
    assert caught.value.code == 429


def test_body_errors_can_come_from_the_client() -> None:
    class VoxLikeClient(TestClient):
        body_errors = ("error",)

    recorder = Recorder(httpx.Response(200, json={"error": {"code": 7, "msg": "no"}}))
    client = sync_client(recorder, client_class=VoxLikeClient)
    with pytest.raises(APIStatusError, match="7: no"):
        client.request(Operation(method="POST", path="/x"), cast_to=None)
    # An operation can switch the client's rule off.
    client.request(Operation(method="POST", path="/x", body_errors=()), cast_to=None)


@pytest.mark.parametrize(
    "body", [{"result": 1, "error": None}, {"result": 1, "errors": []}, {"result": "errors"}]
)
def test_success_body_without_error_values_is_not_an_error(body: object) -> None:
    sync_client(Recorder(httpx.Response(200, json=body))).request(VOX, cast_to=None)


def test_success_body_not_matching_model_raises_response_validation_error() -> None:
    recorder = Recorder(httpx.Response(200, json={"data": {"id": 5}}))
    with pytest.raises(APIResponseValidationError) as caught:
        sync_client(recorder, strict_responses=True).request(GET, cast_to=ConferenceResponse)
    assert caught.value.status_code == 200
    assert caught.value.body == {"data": {"id": 5}}
    assert "ConferenceResponse" in str(caught.value)


def test_responses_are_parsed_leniently() -> None:
    lenient = conference_json()
    lenient["data"]["extra"] = {"nested": True}
    lenient["meta"] = 1
    recorder = Recorder(httpx.Response(200, json=lenient))
    result = sync_client(recorder).request(GET, cast_to=ConferenceResponse)
    assert result.data.name == "standup"


def test_credentials_never_appear_in_errors() -> None:
    responses = [httpx.Response(401, json={"errors": [{"code": "10009", "title": "Auth"}]})]
    for auth in (BearerAuth(SECRET), BasicAuth("project", SECRET)):
        client = sync_client(Recorder(*responses), auth=auth)
        with pytest.raises(APIError) as caught:
            client.request(GET, cast_to=None, query={"api_key": SECRET})
        error = caught.value
        assert error.request is not None
        assert SECRET in error.request.headers["Authorization"] + str(error.request.url)
        for text in (str(error), repr(error), error.message, repr(error.args)):
            assert SECRET not in text
