"""The API side of §1/§2 with tokens issued by the real flow: 401 with
WWW-Authenticate, 403 on a missing scope, the seed's ``bearer TOKEN;``."""
import datetime

from sqlalchemy import update

from seatshare.models import Token, utcnow

from .conftest import api_me

CHALLENGE = 'Bearer realm="seatshare"'
INVALID = 'Bearer realm="seatshare", error="invalid_token"'


def assert_401(response, challenge):
    assert response.status_int == 401
    assert response.headers["WWW-Authenticate"] == challenge
    assert response.json == {
        "error": "Unauthorized",
        "error_detail": response.json["error_detail"],
        "code": 401,
    }


def test_issued_token_works_with_the_seeds_header(signed_in_flow, testapp):
    token = signed_in_flow.tokens()["access_token"]
    assert api_me(testapp, token, scheme="bearer", suffix=";").json["id"] == signed_in_flow.user.id
    assert api_me(testapp, token, scheme="BEARER", suffix=" ").json["id"] == signed_in_flow.user.id


def test_no_token_is_401_without_error(testapp):
    assert_401(testapp.get("/api/v1/users/me", status=401), CHALLENGE)


def test_unknown_token_is_401_invalid_token(testapp):
    assert_401(api_me(testapp, "a" * 64, status=401), INVALID)


def test_expired_token_is_401(signed_in_flow, testapp, dbsession):
    token = signed_in_flow.tokens()["access_token"]
    dbsession.execute(update(Token).values(expires_at=utcnow() - datetime.timedelta(seconds=1)))
    assert_401(api_me(testapp, token, status=401), INVALID)


def test_revoked_token_is_401(signed_in_flow, testapp, dbsession):
    token = signed_in_flow.tokens()["access_token"]
    dbsession.execute(update(Token).values(revoked_at=utcnow()))
    assert_401(api_me(testapp, token, status=401), INVALID)


def test_token_of_a_disabled_application_is_401(signed_in_flow, testapp, dbsession):
    token = signed_in_flow.tokens()["access_token"]
    signed_in_flow.application.disabled = True
    dbsession.flush()
    assert_401(api_me(testapp, token, status=401), INVALID)


def test_refresh_token_is_not_an_access_token(signed_in_flow, testapp):
    refresh = signed_in_flow.tokens()["refresh_token"]
    assert_401(api_me(testapp, refresh, status=401), INVALID)


def test_token_in_the_query_string_is_never_accepted(signed_in_flow, testapp):
    token = signed_in_flow.tokens()["access_token"]
    assert_401(testapp.get(f"/api/v1/users/me?access_token={token}", status=401), CHALLENGE)


def test_read_scope_cannot_write(signed_in_flow, testapp):
    token = signed_in_flow.tokens(scope="read")["access_token"]
    api_me(testapp, token)
    response = testapp.put_json(
        "/api/v1/users/me", {"bio": "hi"},
        headers={"Authorization": f"Bearer {token}"}, status=403,
    )
    assert response.json["code"] == 403 and response.json["error"] == "Forbidden"


def test_write_scope_cannot_read(signed_in_flow, testapp):
    token = signed_in_flow.tokens(scope="write")["access_token"]
    assert api_me(testapp, token, status=403).json["code"] == 403
    testapp.put_json("/api/v1/users/me", {"bio": "hi"},
                     headers={"Authorization": f"Bearer {token}"}, status=200)


def test_browser_session_never_authenticates_the_api(signed_in_flow, testapp):
    assert_401(testapp.get("/api/v1/users/me", status=401), CHALLENGE)
