"""Voximplant service-account JWTs: claims, both credential layouts, reuse and refresh."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from confgen.codegen.http.runtime import Operation
from confgen.codegen.http.runtime.jwt_auth import CredentialsError, ServiceAccountJWTAuth
from tests.runtime.runtime_support import Recorder, sync_client

NOW = 1_700_000_000


@pytest.fixture(scope="module")
def key_pair() -> tuple[str, rsa.RSAPublicKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return pem, key.public_key()


def credentials(pem: str) -> dict[str, Any]:
    return {
        "account_id": 1234567,
        "key_id": "0b3f-key",
        "private_key": pem,
        "account_email": "ops@example.test",
    }


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def decode(token: str, public_key: rsa.RSAPublicKey) -> tuple[dict[str, Any], dict[str, Any]]:
    claims = jwt.decode(
        token, public_key, algorithms=["RS256"], options={"verify_exp": False, "verify_iat": False}
    )
    return jwt.get_unverified_header(token), claims


@pytest.mark.parametrize("layout", ["top-level", "result"])
def test_token_from_credentials_file_verifies_with_the_public_key(
    tmp_path: Path, key_pair: tuple[str, rsa.RSAPublicKey], layout: str
) -> None:
    pem, public_key = key_pair
    data = credentials(pem) if layout == "top-level" else {"result": credentials(pem)}
    path = tmp_path / "credentials.json"
    path.write_text(json.dumps(data))

    auth = ServiceAccountJWTAuth(path, clock=Clock())
    header, claims = decode(auth.token(), public_key)

    assert header["kid"] == "0b3f-key" and header["alg"] == "RS256"
    assert claims["iss"] == "1234567"
    assert claims["iat"] <= NOW
    assert NOW - claims["iat"] <= 10  # backdated a little for clock skew, not more
    assert 0 < claims["exp"] - claims["iat"] <= 3600


def test_token_is_sent_as_bearer_and_verifies(key_pair: tuple[str, rsa.RSAPublicKey]) -> None:
    pem, public_key = key_pair
    recorder = Recorder()
    client = sync_client(recorder, auth=ServiceAccountJWTAuth(credentials(pem)))
    client.request(Operation(method="POST", path="/StartConference"), cast_to=None)
    scheme, token = recorder.requests[0].headers["Authorization"].split(" ")
    assert scheme == "Bearer"
    # The real clock this time: PyJWT checks exp and iat itself.
    assert jwt.decode(token, public_key, algorithms=["RS256"])["iss"] == "1234567"


def test_credentials_as_json_string_and_shorter_lifetime(
    key_pair: tuple[str, rsa.RSAPublicKey],
) -> None:
    pem, public_key = key_pair
    auth = ServiceAccountJWTAuth(json.dumps(credentials(pem)), lifetime_seconds=600, clock=Clock())
    _, claims = decode(auth.token(), public_key)
    assert claims["exp"] - claims["iat"] == 600


def test_token_is_reused_then_refreshed_before_expiry(
    key_pair: tuple[str, rsa.RSAPublicKey],
) -> None:
    pem, public_key = key_pair
    clock = Clock()
    auth = ServiceAccountJWTAuth(credentials(pem), clock=clock)
    first = auth.token()
    _, claims = decode(first, public_key)

    clock.now = claims["exp"] - 61
    assert auth.token() == first
    clock.now = claims["exp"] - 59  # within the refresh margin
    second = auth.token()
    assert second != first
    assert decode(second, public_key)[1]["iat"] > claims["iat"]
    clock.now = claims["exp"] + 10
    assert auth.token() == second  # still valid: issued at exp - 59


def test_token_is_signed_once_for_concurrent_threads(
    key_pair: tuple[str, rsa.RSAPublicKey],
) -> None:
    auth = ServiceAccountJWTAuth(credentials(key_pair[0]), clock=Clock())
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda: tokens.append(auth.token())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(tokens)) == 1


def test_missing_file_is_named_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(CredentialsError, match=r"credentials file '.*nope\.json' does not exist"):
        ServiceAccountJWTAuth(path)


def test_missing_keys_are_listed_without_the_private_key(
    tmp_path: Path, key_pair: tuple[str, rsa.RSAPublicKey]
) -> None:
    pem = key_pair[0]
    path = tmp_path / "credentials.json"
    path.write_text(json.dumps({"result": {"private_key": pem, "account_id": 1}}))
    with pytest.raises(CredentialsError) as caught:
        ServiceAccountJWTAuth(str(path))
    message = str(caught.value)
    assert str(path) in message and "key_id" in message
    assert "PRIVATE KEY" not in message and pem[40:80] not in message


def test_invalid_json_and_bad_key_errors_do_not_echo_the_content(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    path.write_text('{"private_key": "-----BEGIN PRIVATE KEY-----\nSECRETSTUFF')
    with pytest.raises(CredentialsError, match="not valid JSON") as caught:
        ServiceAccountJWTAuth(path)
    assert "SECRETSTUFF" not in str(caught.value)

    bad = {"account_id": 1, "key_id": "k", "private_key": "-----BEGIN...SECRETSTUFF"}
    with pytest.raises(CredentialsError, match="private_key") as caught:
        ServiceAccountJWTAuth(bad)
    assert "SECRETSTUFF" not in str(caught.value)


def test_lifetime_over_an_hour_is_refused(key_pair: tuple[str, rsa.RSAPublicKey]) -> None:
    with pytest.raises(ValueError, match="lifetime_seconds"):
        ServiceAccountJWTAuth(credentials(key_pair[0]), lifetime_seconds=3601)


def test_repr_and_errors_carry_no_token_or_key(key_pair: tuple[str, rsa.RSAPublicKey]) -> None:
    pem = key_pair[0]
    auth = ServiceAccountJWTAuth(credentials(pem), clock=Clock())
    token = auth.token()
    client = sync_client(Recorder(httpx.Response(401, json={})), auth=auth)
    with pytest.raises(Exception) as caught:
        client.request(Operation(method="GET", path="/x"), cast_to=None)
    for text in (repr(auth), str(auth), repr(client), str(caught.value), repr(caught.value)):
        assert token not in text and "PRIVATE" not in text
