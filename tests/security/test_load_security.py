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
    spec = copy.deepcopy(SPEC)
    spec["components"]["securitySchemes"]["oidc"] = {
        "type": "openIdConnect",
        "openIdConnectUrl": "https://id.example.com/.well-known/openid-configuration",
    }
    spec["paths"]["/items"]["get"]["security"] = [{"oidc": []}, {"bearerAuth": []}]
    with pytest.raises(ConfgenError, match="openIdConnect"):
        load(spec)
    api = load(spec, strict=False)
    assert "oidc" not in [s.name for s in api.auth.schemes]
    assert any("oidc" in d.message for d in api.skipped)
    # The operation keeps both alternatives: the client picks the bearer one.
    [op] = [op for op in api.operations if op.operation_id == "listItems"]
    assert op.security == ((("oidc", ()),), (("bearerAuth", ()),))


def test_an_oauth2_scheme_without_client_credentials_is_refused() -> None:
    spec = copy.deepcopy(SPEC)
    spec["components"]["securitySchemes"]["oauth"]["flows"] = {
        "authorizationCode": {
            "authorizationUrl": "https://a",
            "tokenUrl": "https://t",
            "scopes": {},
        }
    }
    with pytest.raises(ConfgenError, match="clientCredentials"):
        load(spec)
