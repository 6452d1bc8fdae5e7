"""What the loader makes of a spec's security: schemes, names, requirements per operation."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from confgen.codegen.http.load import load_api
from confgen.errors import ConfgenError

from .conftest import SPEC


def load(spec: dict[str, Any], strict: bool = True) -> Any:
    return load_api(spec, source="vault.json", package="vault", client_class="Vault", strict=strict)


def test_every_scheme_a_requirement_names_is_offered() -> None:
    auth = load(copy.deepcopy(SPEC)).auth
    assert [(s.name, s.kind, s.location, s.parameter) for s in auth.schemes] == [
        ("bearerAuth", "bearer", "", ""),
        ("basicAuth", "basic", "", ""),
        ("headerKey", "api-key", "header", "X-Vault-Key"),
        ("queryKey", "api-key", "query", "access_code"),
        ("cookieKey", "api-key", "cookie", "vault_sid"),
        ("oauth", "oauth2-client-credentials", "", ""),
    ]
    assert auth.schemes[-1].token_url == "/oauth/token"
    assert auth.default == ((("bearerAuth", ()),), (("basicAuth", ()),))


def test_operation_requirements_keep_alternatives_scopes_and_empty() -> None:
    ops = {op.operation_id: op.security for op in load(copy.deepcopy(SPEC)).operations}
    assert ops["listItems"] is None  # the document's
    assert ops["getPublic"] == ()  # security: []
    assert ops["bothKeys"] == ((("headerKey", ()), ("queryKey", ())),)
    assert ops["optionalAuth"] == ((("bearerAuth", ()),), ())
    assert ops["byScopedOauth"] == ((("oauth", ("items:read", "items:audit")),),)


def test_a_scheme_no_requirement_names_is_not_offered() -> None:
    spec = copy.deepcopy(SPEC)
    spec["components"]["securitySchemes"]["unused"] = {"type": "http", "scheme": "bearer"}
    assert "unused" not in [s.name for s in load(spec).auth.schemes]


def test_an_unsupported_scheme_is_an_error_strict_and_skipped_lenient() -> None:
    # Mutual TLS is a client certificate, not a credential the client sends: still skipped.
    spec = copy.deepcopy(SPEC)
    spec["components"]["securitySchemes"]["mtls"] = {"type": "mutualTLS"}
    spec["paths"]["/items"]["get"]["security"] = [{"mtls": []}, {"bearerAuth": []}]
    with pytest.raises(ConfgenError, match="mutualTLS"):
        load(spec)
    api = load(spec, strict=False)
    assert "mtls" not in [s.name for s in api.auth.schemes]
    assert any("mtls" in d.message and "mutualTLS" in d.message for d in api.skipped)
    # The operation keeps both alternatives: the client picks the bearer one.
    [op] = [op for op in api.operations if op.operation_id == "listItems"]
    assert op.security == ((("mtls", ()),), (("bearerAuth", ()),))


def test_an_oauth2_scheme_without_client_credentials_takes_an_access_token() -> None:
    spec = copy.deepcopy(SPEC)
    spec["components"]["securitySchemes"]["oauth"]["flows"] = {
        "authorizationCode": {
            "authorizationUrl": "https://a",
            "tokenUrl": "https://t",
            "scopes": {},
        },
        "implicit": {"authorizationUrl": "https://a", "scopes": {}},
    }
    [oauth] = [s for s in load(spec).auth.schemes if s.name == "oauth"]
    assert oauth.kind == "access-token"
    assert oauth.token_url == ""
    assert oauth.access_token is None
    assert [(c.argument, c.env) for c in oauth.credentials] == [
        ("access_token", "VAULT_ACCESS_TOKEN")
    ]
    assert "authorization code, implicit flow" in oauth.credentials[0].description
    # Only the flows OpenAPI defines are named: spec keys are not copied into the docs.
    spec["components"]["securitySchemes"]["oauth"]["flows"] = {'x-"""odd': {}}
    [odd] = [s for s in load(spec).auth.schemes if s.name == "oauth"]
    assert odd.credentials[0].description == (
        "An OAuth2 access token you already hold, sent as a bearer token; never fetched or "
        "refreshed by the client."
    )


def test_open_id_connect_takes_an_access_token() -> None:
    spec = copy.deepcopy(SPEC)
    spec["components"]["securitySchemes"]["oidc"] = {
        "type": "openIdConnect",
        "openIdConnectUrl": "https://id.example.com/.well-known/openid-configuration",
    }
    spec["paths"]["/items"]["get"]["security"] = [{"oidc": []}]
    schemes = {s.name: s for s in load(spec).auth.schemes}
    # Two schemes take an access token: each argument is prefixed with its scheme's name.
    assert [(c.argument, c.env) for c in schemes["oidc"].credentials] == [
        ("oidc_access_token", "VAULT_OIDC_ACCESS_TOKEN")
    ]
    assert "https://id.example.com/" in schemes["oidc"].credentials[0].description
    # A URL that is not a plain one (a newline, quotes) is left out of the one-line docs.
    spec["components"]["securitySchemes"]["oidc"]["openIdConnectUrl"] = 'https://x/"\n# y'
    odd = {s.name: s for s in load(spec).auth.schemes}["oidc"].credentials[0].description
    assert odd.startswith("An OpenID Connect access token you already hold, sent as")
    token = schemes["oauth"].access_token
    assert token is not None
    assert (token.argument, token.env) == ("oauth_access_token", "VAULT_OAUTH_ACCESS_TOKEN")


def test_a_client_credentials_scheme_also_takes_an_access_token() -> None:
    [oauth] = [s for s in load(copy.deepcopy(SPEC)).auth.schemes if s.name == "oauth"]
    assert [c.argument for c in oauth.credentials] == ["client_id", "client_secret"]
    assert oauth.access_token is not None
    assert (oauth.access_token.argument, oauth.access_token.env) == (
        "access_token",
        "VAULT_ACCESS_TOKEN",
    )
    assert [c.argument for c in oauth.arguments] == ["client_id", "client_secret", "access_token"]
