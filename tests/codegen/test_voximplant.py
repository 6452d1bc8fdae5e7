"""The generated Voximplant client on the wire: query-string POSTs, RS256 JWT, body errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from confgen_voximplant import AsyncVoximplant, Voximplant
from confgen_voximplant.errors import (
    APIStatusError,
    MissingConfigurationError,
    RateLimitError,
    RequestValidationError,
)
from confgen_voximplant.models import ErrorResponse
from tests.codegen.conftest import Wire, reply

OK = {"result": 1, "media_session_access_url": "https://media/1", "call_session_history_id": 7}


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def credentials(key: rsa.RSAPrivateKey, tmp_path: Path) -> Path:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path = tmp_path / "credentials.json"
    data = {"account_id": 1234, "key_id": "key-1", "private_key": pem, "account_email": "a@b.c"}
    path.write_text(json.dumps({"result": data}))
    return path


def make(wire: Wire, credentials: Path, **options: Any) -> Voximplant:
    return Voximplant(credentials=str(credentials), http_client=wire.client(), **options)


def test_start_conference_sends_the_query_string_of_the_example(credentials: Path) -> None:
    wire = Wire([reply(200, OK)])
    result = make(wire, credentials).scenarios.start_conference(
        conference_name="conference_name", rule_id=1
    )
    request = wire.last
    assert request.method == "POST"
    assert (
        request.url.copy_with(query=None)
        == "https://api.voximplant.com/platform_api/StartConference"
    )
    assert request.url.query == b"conference_name=conference_name&rule_id=1"
    assert request.content == b""
    assert result.result == 1 and result.call_session_history_id == 7


def test_jwt_is_rs256_with_kid_iss_and_an_hour_at_most(
    credentials: Path, key: rsa.RSAPrivateKey
) -> None:
    wire = Wire([reply(200, OK)])
    make(wire, credentials).scenarios.start_scenarios(rule_id=42, script_custom_data="{}")
    scheme, token = wire.last.headers["Authorization"].split(" ")
    assert scheme == "Bearer"
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": "key-1", "typ": "JWT"}
    claims = jwt.decode(token, key.public_key(), algorithms=["RS256"])
    assert claims["iss"] == "1234"
    assert 0 < claims["exp"] - claims["iat"] <= 3600
    assert dict(parse_qsl(wire.last.url.query.decode())) == {
        "rule_id": "42",
        "script_custom_data": "{}",
    }


def test_error_in_a_200_body_is_raised_with_code_and_msg(credentials: Path) -> None:
    wire = Wire([reply(200, {"error": {"code": 100, "msg": "Invalid rule_id"}})])
    with pytest.raises(APIStatusError) as caught:
        make(wire, credentials).scenarios.start_conference(conference_name="c", rule_id=1)
    error = caught.value
    assert type(error) is APIStatusError and error.status_code == 200
    assert error.code == 100 and "Invalid rule_id" in str(error)
    assert isinstance(error.body, ErrorResponse)
    assert error.body.error is not None and error.body.error.msg == "Invalid rule_id"


def test_errors_list_in_body_is_an_error_too(credentials: Path) -> None:
    wire = Wire([reply(200, {"errors": [{"code": 7, "msg": "a"}, {"code": 8, "msg": "b"}]})])
    with pytest.raises(APIStatusError) as caught:
        make(wire, credentials).scenarios.start_scenarios(rule_id=1)
    assert caught.value.code == 7
    assert isinstance(caught.value.body, ErrorResponse) and len(caught.value.body.errors or []) == 2


def test_429_is_a_rate_limit_error_with_its_typed_body(
    credentials: Path, sleeps: list[float]
) -> None:
    body = {"error": {"code": 429, "msg": "Too many requests"}}
    wire = Wire([reply(429, body)])
    with pytest.raises(RateLimitError) as caught:
        make(wire, credentials, max_retries=1).scenarios.start_conference(
            conference_name="c", rule_id=1
        )
    assert isinstance(caught.value.body, ErrorResponse)
    assert len(wire.requests) == 2  # retried once, then gave up


def test_start_scenarios_is_not_retried_after_500(credentials: Path, sleeps: list[float]) -> None:
    wire = Wire([reply(500, {"error": {"code": 500, "msg": "boom"}}), reply(200, OK)])
    with pytest.raises(APIStatusError) as caught:
        make(wire, credentials).scenarios.start_scenarios(rule_id=1)
    assert caught.value.status_code == 500
    assert len(wire.requests) == 1
    assert sleeps == []


def test_start_conference_is_retried_after_500(credentials: Path, sleeps: list[float]) -> None:
    wire = Wire([reply(500, {}), reply(200, OK)])
    result = make(wire, credentials).scenarios.start_conference(conference_name="c", rule_id=1)
    assert result.result == 1
    assert len(wire.requests) == 2 and len(sleeps) == 1
    assert wire.requests[0].url == wire.requests[1].url


def test_conference_name_of_50_chars_is_refused_before_sending(credentials: Path) -> None:
    wire = Wire([reply(200, OK)])
    with pytest.raises(RequestValidationError) as caught:
        make(wire, credentials).scenarios.start_conference(conference_name="x" * 50, rule_id=1)
    assert "conference_name" in str(caught.value)
    assert wire.requests == []


def test_mutually_exclusive_arguments_are_refused_before_sending(credentials: Path) -> None:
    wire = Wire([reply(200, OK)])
    with pytest.raises(RequestValidationError, match=r"user_id.*user_name"):
        make(wire, credentials).scenarios.start_scenarios(rule_id=1, user_id=1, user_name="u")
    assert wire.requests == []


def test_unknown_response_fields_are_kept(credentials: Path) -> None:
    wire = Wire([reply(200, {**OK, "new_field": {"x": 1}})])
    result = make(wire, credentials).scenarios.start_conference(conference_name="c", rule_id=1)
    assert result.model_extra == {"new_field": {"x": 1}}


def test_missing_credentials_names_argument_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOXIMPLANT_CREDENTIALS", raising=False)
    with pytest.raises(MissingConfigurationError) as caught:
        Voximplant()
    assert "credentials" in str(caught.value) and "VOXIMPLANT_CREDENTIALS" in str(caught.value)


def test_credentials_from_the_environment(
    credentials: Path, monkeypatch: pytest.MonkeyPatch, key: rsa.RSAPrivateKey
) -> None:
    monkeypatch.setenv("VOXIMPLANT_CREDENTIALS", str(credentials))
    wire = Wire([reply(200, OK)])
    Voximplant(http_client=wire.client()).scenarios.start_scenarios(rule_id=1)
    assert wire.last.headers["Authorization"].startswith("Bearer ey")


def test_no_private_key_in_repr(credentials: Path, key: rsa.RSAPrivateKey) -> None:
    client = make(Wire([]), credentials)
    text = repr(client) + repr(client._auth)
    assert "PRIVATE KEY" not in text and "MII" not in text


async def test_async_start_conference(credentials: Path) -> None:
    wire = Wire([reply(200, OK)])
    client = AsyncVoximplant(credentials=str(credentials), http_client=wire.async_client())
    result = await client.scenarios.start_conference(conference_name="standup", rule_id=42)
    assert result.result == 1
    assert wire.last.url.query == b"conference_name=standup&rule_id=42"


async def test_async_body_error(credentials: Path) -> None:
    wire = Wire([reply(200, {"error": {"code": 1, "msg": "bad"}})])
    client = AsyncVoximplant(credentials=str(credentials), http_client=wire.async_client())
    with pytest.raises(APIStatusError, match="bad"):
        await client.scenarios.start_scenarios(rule_id=1)


def test_raw_response_gives_status_headers_and_parse(credentials: Path) -> None:
    wire = Wire([httpx.Response(200, json=OK, headers={"x-request-id": "r1"})])
    raw = make(wire, credentials).scenarios.with_raw_response.start_conference(
        conference_name="c", rule_id=1
    )
    assert raw.status_code == 200 and raw.headers["x-request-id"] == "r1"
    assert raw.parse().media_session_access_url == "https://media/1"
