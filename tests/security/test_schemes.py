"""Security per operation on a spec written for it: each scheme on the wire, requirement
alternatives and combinations, ``security: []``, and the typed error before any I/O."""

from __future__ import annotations

import base64
import logging
from typing import Any

import httpx
import pytest

ITEM = {"id": "i1", "count": 1}


class Wire:
    """Records every request; answers 200 with an item."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=ITEM)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def async_client(self) -> httpx.AsyncClient:
        async def handler(request: httpx.Request) -> httpx.Response:
            return self(request)

        return httpx.AsyncClient(transport=httpx.MockTransport(handler))

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def make(vault: Any, wire: Wire, **credentials: Any) -> Any:
    return vault.Vault(http_client=wire.client(), max_retries=0, **credentials)


def test_index_lists_every_scheme_credential_with_its_env(vault: Any) -> None:
    rows = [
        (c.argument, c.env, c.scheme, c.required, c.alternative)
        for c in vault.operations.CREDENTIALS
    ]
    assert rows == [
        ("api_key", "VAULT_API_KEY", "bearerAuth", False, False),
        ("username", "VAULT_USERNAME", "basicAuth", False, False),
        ("password", "VAULT_PASSWORD", "basicAuth", False, False),
        ("header_key_api_key", "VAULT_HEADER_KEY_API_KEY", "headerKey", False, False),
        ("query_key_api_key", "VAULT_QUERY_KEY_API_KEY", "queryKey", False, False),
        ("cookie_key_api_key", "VAULT_COOKIE_KEY_API_KEY", "cookieKey", False, False),
        ("client_id", "VAULT_CLIENT_ID", "oauth", False, False),
        ("client_secret", "VAULT_CLIENT_SECRET", "oauth", False, False),
        # A ready token meets the client-credentials scheme on its own.
        ("access_token", "VAULT_ACCESS_TOKEN", "oauth", False, True),
    ]


def test_bearer_goes_only_to_operations_that_require_it(vault: Any) -> None:
    wire = Wire()
    client = make(vault, wire, api_key="k-1")
    client.items.list_items()
    assert wire.last.headers["Authorization"] == "Bearer k-1"
    client.items.get_public()
    assert "Authorization" not in wire.last.headers
    client.items.optional_auth()
    assert wire.last.headers["Authorization"] == "Bearer k-1"


def test_basic_satisfies_the_second_global_alternative(vault: Any) -> None:
    wire = Wire()
    make(vault, wire, username="ann", password="pw").items.list_items()
    expected = base64.b64encode(b"ann:pw").decode()
    assert wire.last.headers["Authorization"] == f"Basic {expected}"


def test_api_key_in_header_query_and_cookie(vault: Any) -> None:
    wire = Wire()
    client = make(
        vault, wire, header_key_api_key="hk", query_key_api_key="qk", cookie_key_api_key="ck"
    )
    client.items.by_header()
    assert wire.last.headers["X-Vault-Key"] == "hk"
    assert wire.last.url.query == b""
    client.items.by_query()
    assert wire.last.url.params["access_code"] == "qk"
    assert "X-Vault-Key" not in wire.last.headers
    client.items.by_cookie(theme="dark")
    assert wire.last.headers["Cookie"] == "theme=dark; vault_sid=ck"
    client.items.by_cookie()
    assert wire.last.headers["Cookie"] == "vault_sid=ck"
    for request in wire.requests:
        assert "Authorization" not in request.headers


def test_a_retried_request_carries_each_key_once(vault: Any) -> None:
    answers = iter([503, 503, 200, 503, 200])
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = next(answers)
        return httpx.Response(status, json=ITEM, headers={"Retry-After": "0"})

    client = vault.Vault(
        query_key_api_key="qk",
        cookie_key_api_key="ck",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        max_retries=2,
    )
    client.items.by_query()
    client.items.by_cookie(theme="dark")
    assert [str(r.url) for r in seen[:3]] == [
        "https://vault.example.com/v1/by-query?access_code=qk"
    ] * 3
    assert [r.headers["Cookie"] for r in seen[3:]] == ["theme=dark; vault_sid=ck"] * 2


def test_a_requirement_naming_two_schemes_sends_both(vault: Any) -> None:
    wire = Wire()
    client = make(vault, wire, header_key_api_key="hk", query_key_api_key="qk")
    client.items.both_keys()
    assert wire.last.headers["X-Vault-Key"] == "hk"
    assert wire.last.url.params["access_code"] == "qk"


def test_optional_security_sends_nothing_without_the_credential(vault: Any) -> None:
    wire = Wire()
    make(vault, wire, header_key_api_key="hk").items.optional_auth()
    assert "Authorization" not in wire.last.headers
    assert "X-Vault-Key" not in wire.last.headers


def test_unmet_requirement_is_a_typed_error_before_any_io(vault: Any) -> None:
    wire = Wire()
    client = make(vault, wire, header_key_api_key="hk")
    with pytest.raises(vault.MissingCredentialsError) as caught:
        client.items.list_items()
    message = str(caught.value)
    assert message.startswith("listItems needs credentials")
    for name in ("api_key", "VAULT_API_KEY", "username", "password", "VAULT_PASSWORD"):
        assert name in message
    assert "hk" not in message
    with pytest.raises(vault.MissingCredentialsError, match=r"byQuery.*query_key_api_key"):
        client.items.by_query()
    assert wire.requests == []
    # A MissingConfigurationError too, as the facade catches it.
    assert issubclass(vault.MissingCredentialsError, vault.MissingConfigurationError)


async def test_unmet_requirement_async(vault: Any) -> None:
    wire = Wire()
    client = vault.AsyncVault(http_client=wire.async_client(), header_key_api_key="hk")
    with pytest.raises(vault.MissingCredentialsError, match="byCookie"):
        await client.items.by_cookie()
    await client.items.by_header()
    assert [r.url.path for r in wire.requests] == ["/v1/by-header"]
    assert wire.last.headers["X-Vault-Key"] == "hk"


def test_credentials_come_from_the_environment(vault: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAULT_QUERY_KEY_API_KEY", "from-env")
    monkeypatch.setenv("VAULT_API_KEY", "env-bearer")
    wire = Wire()
    client = make(vault, wire)
    client.items.by_query()
    assert wire.last.url.params["access_code"] == "from-env"
    client.items.list_items()
    assert wire.last.headers["Authorization"] == "Bearer env-bearer"
    # An argument wins over its variable.
    make(vault, wire, api_key="arg").items.list_items()
    assert wire.last.headers["Authorization"] == "Bearer arg"


def test_nothing_given_when_every_default_alternative_needs_something(vault: Any) -> None:
    with pytest.raises(vault.MissingConfigurationError) as caught:
        vault.Vault()
    assert "api_key" in str(caught.value) and "VAULT_USERNAME" in str(caught.value)


def test_a_scheme_given_in_part_names_what_is_missing(vault: Any) -> None:
    with pytest.raises(vault.MissingConfigurationError, match=r"password.*VAULT_PASSWORD"):
        vault.Vault(username="ann")
    with pytest.raises(
        vault.MissingConfigurationError, match=r"client_secret.*VAULT_CLIENT_SECRET"
    ):
        vault.Vault(client_id="id", api_key="k")


def test_query_api_key_is_redacted_in_logs(vault: Any, caplog: pytest.LogCaptureFixture) -> None:
    wire = Wire()
    client = make(vault, wire, query_key_api_key="q-secret-1", header_key_api_key="h-secret-2")
    with caplog.at_level(logging.DEBUG):
        client.items.by_query()
        client.items.by_header()
    # The package's own loggers (<PACKAGE>_LOG); httpx's logger: test_httpx_logs.py.
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("vault"))
    assert "/v1/by-query?access_code=<redacted>" in ours
    assert "'x-vault-key': '<redacted>'" in ours
    assert "q-secret-1" not in ours
    assert "h-secret-2" not in ours
