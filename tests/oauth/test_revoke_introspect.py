"""POST /oauth/revoke (RFC 7009), POST /oauth/introspect (RFC 7662) and
GET /.well-known/oauth-authorization-server (RFC 8414)."""
import datetime
import json

import pytest
from sqlalchemy import update

from seatshare.models import Token, utcnow
from tests import factories

from .conftest import Flow, api_me, basic


def revoke(flow, token, status=200, **extra):
    params = {"token": token, "client_id": flow.application.client_id,
              "client_secret": flow.secret, **extra}
    return flow.testapp.post("/oauth/revoke", {k: v for k, v in params.items() if v},
                             status=status)


def introspect(flow, token, status=200, headers=None, **extra):
    params = {"token": token, **extra}
    headers = headers or basic(flow.application.client_id, flow.secret)
    return flow.testapp.post("/oauth/introspect", params, headers=headers, status=status)


def test_revoking_an_access_token(signed_in_flow, testapp):
    tokens = signed_in_flow.tokens()
    response = revoke(signed_in_flow, tokens["access_token"], token_type_hint="access_token")
    assert response.body == b""
    assert "Content-Type" not in response.headers  # no body, no type (was text/html)
    api_me(testapp, tokens["access_token"], status=401)


def test_revoking_a_refresh_token_revokes_its_family(signed_in_flow, testapp):
    first = signed_in_flow.tokens()
    second = signed_in_flow.refresh(first["refresh_token"]).json
    revoke(signed_in_flow, second["refresh_token"])
    api_me(testapp, second["access_token"], status=401)
    api_me(testapp, first["access_token"], status=401)
    assert signed_in_flow.refresh(second["refresh_token"], 400).json["error"] == "invalid_grant"


def test_revoking_an_unknown_token_is_fine(signed_in_flow):
    assert revoke(signed_in_flow, "0" * 64).status_int == 200


def test_revocation_needs_client_authentication(signed_in_flow, testapp):
    tokens = signed_in_flow.tokens()
    response = revoke(signed_in_flow, tokens["access_token"], 401, client_secret="bad")
    assert response.json["error"] == "invalid_client" and response.json["code"] == 401
    api_me(testapp, tokens["access_token"])


@pytest.mark.parametrize("kind", ["access_token", "refresh_token"])
def test_a_client_cannot_revoke_another_clients_token(signed_in_flow, testapp, kind):
    """RFC 7009 §2.1: the request is refused and the client told; the token
    keeps working."""
    tokens = signed_in_flow.tokens()
    other, secret = factories.make_application()
    response = revoke(Flow(testapp, other, secret, signed_in_flow.user), tokens[kind], 400)
    assert response.json == {
        "error": "unauthorized_client",
        "error_description": "The token was not issued to this client.",
        "code": 400,
    }
    assert response.headers["Cache-Control"] == "no-store"
    api_me(testapp, tokens["access_token"])
    refreshed = signed_in_flow.refresh(tokens["refresh_token"])
    assert refreshed.status_int == 200


def test_revocation_and_introspection_challenge_basic_on_invalid_client(signed_in_flow):
    """RFC 6749 §5.2: a client's failed authentication is challenged in the
    scheme clients authenticate with, HTTP Basic, not RFC 6750's Bearer."""
    tokens = signed_in_flow.tokens()
    wrong = basic(signed_in_flow.application.client_id, "wrong")
    for response in (
        revoke(signed_in_flow, tokens["access_token"], 401, client_secret="bad"),
        introspect(signed_in_flow, tokens["access_token"], 401, headers=wrong),
        signed_in_flow.testapp.post("/oauth/introspect", {"token": "0" * 64}, status=401),
    ):
        assert response.json["error"] == "invalid_client"
        assert response.headers.getall("WWW-Authenticate") == ['Basic realm="seatshare"']


@pytest.mark.parametrize("path", ["/oauth/revoke", "/oauth/introspect"])
def test_basic_and_a_secret_in_the_body_at_once_is_invalid_request(signed_in_flow, path):
    """RFC 6749 §2.3, §5.2: one client authentication method per request."""
    tokens = signed_in_flow.tokens()
    params = {"token": tokens["access_token"], "client_secret": signed_in_flow.secret}
    headers = basic(signed_in_flow.application.client_id, signed_in_flow.secret)
    response = signed_in_flow.testapp.post(path, params, headers=headers, status=400)
    assert response.json["error"] == "invalid_request"
    api_me(signed_in_flow.testapp, tokens["access_token"])


@pytest.mark.parametrize("path", ["/oauth/revoke", "/oauth/introspect"])
def test_a_repeated_token_is_invalid_request(signed_in_flow, path):
    """RFC 6749 §3.2 (RFC 7009 and RFC 7662 use its rules): no parameter twice."""
    tokens = signed_in_flow.tokens()
    pairs = [("token", "0" * 64), ("token", tokens["access_token"])]
    headers = basic(signed_in_flow.application.client_id, signed_in_flow.secret)
    response = signed_in_flow.testapp.post(path, pairs, headers=headers, status=400)
    assert response.json["error"] == "invalid_request"
    api_me(signed_in_flow.testapp, tokens["access_token"])


def test_revoke_is_post_only(testapp):
    response = testapp.get("/oauth/revoke", status=405)
    assert "POST" in response.headers["Allow"]


def test_introspecting_a_live_access_token(signed_in_flow):
    tokens = signed_in_flow.tokens(scope="read")
    body = introspect(signed_in_flow, tokens["access_token"]).json
    assert body["active"] is True
    assert body["scope"] == "read"
    assert body["client_id"] == signed_in_flow.application.client_id
    assert body["username"] == signed_in_flow.user.email
    assert body["sub"] == str(signed_in_flow.user.id)
    assert body["token_type"] == "bearer"
    assert body["exp"] > utcnow().replace(tzinfo=datetime.UTC).timestamp()


def test_introspecting_a_write_only_token_leaves_out_the_email(signed_in_flow):
    """The user approved changes, not their profile: no username (the email)."""
    tokens = signed_in_flow.tokens(scope="write")
    body = introspect(signed_in_flow, tokens["access_token"]).json
    assert body["active"] is True and body["scope"] == "write"
    assert body["sub"] == str(signed_in_flow.user.id)
    assert "username" not in body
    assert signed_in_flow.user.email not in json.dumps(body)


def test_introspection_takes_the_client_credentials_in_the_body(signed_in_flow, testapp):
    """client_secret_post, as the metadata says, like the token endpoint."""
    tokens = signed_in_flow.tokens()
    body = testapp.post("/oauth/introspect", {
        "token": tokens["access_token"], "client_id": signed_in_flow.application.client_id,
        "client_secret": signed_in_flow.secret}, status=200).json
    assert body["active"] is True
    metadata = testapp.get("/.well-known/oauth-authorization-server").json
    assert "client_secret_post" in metadata["introspection_endpoint_auth_methods_supported"]


def test_introspecting_a_refresh_token(signed_in_flow):
    """RFC 7662 §2.2: ``token_type`` is an access token's type (RFC 6749
    §7.1), which a refresh token has none of: it is left out, where it was
    a made-up "refresh_token" a client could take for a type to send."""
    tokens = signed_in_flow.tokens(scope="read")
    body = introspect(signed_in_flow, tokens["refresh_token"]).json
    assert body["active"] is True
    assert "token_type" not in body
    assert body["scope"] == "read"
    assert body["client_id"] == signed_in_flow.application.client_id
    assert body["sub"] == str(signed_in_flow.user.id)
    assert body["username"] == signed_in_flow.user.email
    assert body["exp"] > introspect(signed_in_flow, tokens["access_token"]).json["exp"]
    signed_in_flow.refresh(tokens["refresh_token"])
    assert introspect(signed_in_flow, tokens["refresh_token"]).json == {"active": False}


@pytest.mark.parametrize(("kind", "expiry"), [("access_token", Token.expires_at),
                                               ("refresh_token", Token.refresh_expires_at)])
def test_dead_tokens_introspect_inactive(signed_in_flow, testapp, dbsession, kind, expiry):
    """Revoked, expired, unknown or another client's: ``{"active": false}``
    and nothing else (RFC 7662 §2.2)."""
    revoked = signed_in_flow.tokens()
    revoke(signed_in_flow, revoked[kind])
    assert introspect(signed_in_flow, revoked[kind]).json == {"active": False}
    expired = signed_in_flow.tokens()
    dbsession.execute(update(Token).values({expiry: utcnow() - datetime.timedelta(seconds=1)}))
    assert introspect(signed_in_flow, expired[kind]).json == {"active": False}
    assert introspect(signed_in_flow, "f" * 64).json == {"active": False}
    live = signed_in_flow.tokens()
    other, secret = factories.make_application()
    other_flow = Flow(testapp, other, secret, signed_in_flow.user)
    assert introspect(other_flow, live[kind]).json == {"active": False}


def test_introspection_needs_an_authenticated_client(signed_in_flow, testapp):
    tokens = signed_in_flow.tokens()
    response = introspect(signed_in_flow, tokens["access_token"], 401,
                          headers=basic(signed_in_flow.application.client_id, "wrong"))
    assert response.json["error"] == "invalid_client" and response.json["code"] == 401
    response = testapp.post("/oauth/introspect", {"token": tokens["access_token"]}, status=401)
    assert response.json["error"] == "invalid_client"
    public, _ = factories.make_application(confidential=False)
    response = testapp.post(
        "/oauth/introspect", {"token": tokens["access_token"], "client_id": public.client_id},
        status=401,
    )
    assert response.json["error"] == "invalid_client"


@pytest.mark.parametrize("as_basic", [False, True])
def test_a_public_application_is_told_introspection_takes_a_secret(signed_in_flow, testapp,
                                                                    as_basic):
    """RFC 7662 §2.1: the caller authenticates, which a public application
    (no secret) cannot. It was told only "Client authentication failed.",
    as for a wrong secret."""
    public, _ = factories.make_application(confidential=False)
    token = signed_in_flow.tokens()["access_token"]
    if as_basic:  # requests-oauthlib's way: the client_id and an empty password
        response = introspect(signed_in_flow, token, 401, headers=basic(public.client_id, ""))
    else:
        response = testapp.post("/oauth/introspect",
                                {"token": token, "client_id": public.client_id}, status=401)
    assert response.json == {
        "error": "invalid_client",
        "error_description": "Only an application with a client secret may introspect "
        "tokens (RFC 7662 section 2.1).",
        "code": 401,
    }
    assert response.headers["WWW-Authenticate"] == 'Basic realm="seatshare"'


def test_a_client_cannot_introspect_another_clients_token(signed_in_flow, testapp):
    tokens = signed_in_flow.tokens()
    other, secret = factories.make_application()
    other_flow = Flow(testapp, other, secret, signed_in_flow.user)
    assert introspect(other_flow, tokens["access_token"]).json == {"active": False}


def test_metadata(testapp):
    body = testapp.get("/.well-known/oauth-authorization-server").json
    issuer = "http://example.com"
    assert body["issuer"] == issuer
    assert body["authorization_endpoint"] == issuer + "/oauth/authorization"
    assert body["token_endpoint"] == issuer + "/oauth/token"
    assert body["revocation_endpoint"] == issuer + "/oauth/revoke"
    assert body["introspection_endpoint"] == issuer + "/oauth/introspect"
    assert body["response_types_supported"] == ["code"]
    assert sorted(body["grant_types_supported"]) == ["authorization_code", "refresh_token"]
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert body["scopes_supported"] == ["read", "write"]
    assert "client_secret_basic" in body["token_endpoint_auth_methods_supported"]


def test_metadata_names_each_endpoints_client_authentication_methods(testapp, user):
    """RFC 8414 §2: public applications use the token and revocation
    endpoints with their client_id alone, RFC 7591's ``none``; introspection
    takes a secret (RFC 7662 §2.1)."""
    body = testapp.get("/.well-known/oauth-authorization-server").json
    with_secret = ["client_secret_basic", "client_secret_post"]
    assert sorted(body["token_endpoint_auth_methods_supported"]) == [*with_secret, "none"]
    assert sorted(body["revocation_endpoint_auth_methods_supported"]) == [*with_secret, "none"]
    assert sorted(body["introspection_endpoint_auth_methods_supported"]) == with_secret
    public, _ = factories.make_application(confidential=False)
    response = testapp.post("/oauth/revoke", {"token": "0" * 64, "client_id": public.client_id})
    assert response.status_int == 200
