"""OWASP API2:2023 Broken Authentication.

The risk: the ways a caller proves who it is can be bypassed, guessed or
replayed: tokens that never expire or survive revocation, credentials
accepted where they should not be (the query string, a browser cookie, a
stored hash), unlimited password guessing, codes and refresh tokens that work
twice.

Here: only a live bearer token in the Authorization header authenticates an
API call. Expired, revoked, rotated and disabled-application tokens, the
stored hash of a token, a refresh token used as an access token, a token in
the query string or body and a signed-in browser cookie are all 401 with
``WWW-Authenticate``; password guessing is rate limited; codes and refresh
tokens work once; client secrets are checked.
"""
import datetime

import pytest

from seatshare import models
from seatshare import principals as p
from seatshare.models import utcnow
from seatshare.security import membership_principals
from seatshare.tokens import hash_token
from tests import factories as f
from tests.oauth.conftest import Flow

ME = "/api/v1/users/me"


def assert_401(res):
    assert res.status_int == 401, res.text
    assert res.json["code"] == 401
    assert res.headers["WWW-Authenticate"].startswith('Bearer realm="seatshare"')


def get_me(testapp, value, **kw):
    return testapp.get(ME, headers={"Authorization": f"Bearer {value}"}, expect_errors=True, **kw)


@pytest.fixture
def user(dbsession):
    return f.make_user()


@pytest.fixture
def flow(testapp, user):
    application, secret = f.make_application()
    flow = Flow(testapp, application, secret, user)
    assert flow.sign_in().status_int == 302
    return flow


def test_a_live_token_works_and_nothing_else_does(testapp, user, dbsession):
    token, value = f.make_token(user=user)
    assert get_me(testapp, value).status_int == 200
    assert_401(get_me(testapp, token.access_token_hash))  # the stored hash is no credential
    assert_401(get_me(testapp, token.refresh_token_hash))
    assert_401(get_me(testapp, value[:-1] + ("0" if value[-1] != "0" else "1")))
    assert_401(get_me(testapp, value.upper()))


@pytest.mark.parametrize("scheme", ["Basic", "Token", "OAuth", "Bearerx"])
def test_a_live_token_under_another_scheme_is_401(testapp, user, scheme):
    """API.md §1: ``Authorization: Bearer <token>`` (the scheme name in any
    case); the same live token under another scheme authenticates nobody."""
    _, value = f.make_token(user=user)
    res = testapp.get(ME, headers={"Authorization": f"{scheme} {value}"}, expect_errors=True)
    assert_401(res)


def test_an_expired_token_is_401(testapp, user):
    _, value = f.make_token(user=user, expires_in=-1)
    assert_401(get_me(testapp, value))


def test_a_revoked_token_is_401(testapp, user, dbsession):
    token, value = f.make_token(user=user)
    token.revoked_at = utcnow()
    dbsession.flush()
    assert_401(get_me(testapp, value))


def test_a_token_of_a_disabled_application_is_401(testapp, user, dbsession):
    application, _ = f.make_application()
    _, value = f.make_token(user=user, application=application)
    application.disabled = True
    dbsession.flush()
    assert_401(get_me(testapp, value))


def test_a_refresh_token_is_not_an_access_token(testapp, user):
    refresh = "ab" * 32
    f.make_token(user=user, refresh_token=refresh)
    assert_401(get_me(testapp, refresh))


def test_tokens_elsewhere_than_the_header_are_ignored(testapp, user):
    _, value = f.make_token(user=user)
    assert_401(testapp.get(f"{ME}?access_token={value}", expect_errors=True))
    assert_401(testapp.put_json(ME, {"access_token": value}, expect_errors=True))
    assert_401(testapp.get(ME, headers={"Cookie": f"access_token={value}"}, expect_errors=True))


def test_a_signed_in_browser_session_does_not_authenticate_the_api(flow, testapp):
    """The sign-in cookie is for the HTML pages; CSRF cannot ride it into the API."""
    assert "seatshare_session" in testapp.cookies
    assert_401(testapp.get(ME, expect_errors=True))
    assert_401(testapp.put_json(ME, {"bio": "csrf"}, expect_errors=True))


def test_issued_tokens_are_long_random_and_stored_only_as_hashes(flow, dbsession):
    first, second = flow.tokens(), flow.tokens()
    values = {first["access_token"], first["refresh_token"],
              second["access_token"], second["refresh_token"]}
    assert len(values) == 4
    assert all(len(v) == 64 and int(v, 16) >= 0 for v in values)
    stored = dbsession.query(models.Token).filter(
        models.Token.access_token_hash == hash_token(first["access_token"])).one()
    assert stored.access_token_hash != first["access_token"]


def test_an_access_token_expires_after_its_lifetime(flow, testapp, dbsession):
    tokens = flow.tokens()
    assert tokens["expires_in"] == 7200
    token = dbsession.query(models.Token).filter(
        models.Token.access_token_hash == hash_token(tokens["access_token"])).one()
    token.expires_at = utcnow() - datetime.timedelta(seconds=1)
    dbsession.flush()
    assert_401(get_me(testapp, tokens["access_token"]))


def test_a_code_works_once_and_its_replay_revokes_what_it_gave(flow, testapp):
    code = flow.code()
    tokens = flow.exchange(code).json
    replay = flow.exchange(code, status=400).json
    assert replay["error"] == "invalid_grant"
    assert_401(get_me(testapp, tokens["access_token"]))


def test_a_code_older_than_ten_minutes_is_refused(flow, dbsession):
    code = flow.code()
    record = dbsession.query(models.AuthorizationCode).filter(
        models.AuthorizationCode.code_hash == hash_token(code)).one()
    record.expires_at = utcnow() - datetime.timedelta(seconds=1)
    dbsession.flush()
    assert flow.exchange(code, status=400).json["error"] == "invalid_grant"


def test_a_rotated_refresh_token_presented_again_revokes_the_family(flow, testapp):
    first = flow.tokens()
    second = flow.refresh(first["refresh_token"]).json
    assert flow.refresh(first["refresh_token"], status=400).json["error"] == "invalid_grant"
    assert_401(get_me(testapp, second["access_token"]))
    flow.refresh(second["refresh_token"], status=400)


def test_a_wrong_client_secret_is_401_invalid_client(flow):
    code = flow.code()
    res = flow.exchange(code, status=401, client_secret="not-the-secret")
    assert res.json["error"] == "invalid_client"
    # The code was not spent by the failed attempt.
    assert flow.exchange(code).status_int == 200


def test_password_guessing_is_rate_limited(testapp, user, app):
    limit = int(app.registry.settings["seatshare.signin_max_failures"])
    flow = Flow(testapp, None, None, user)
    for _ in range(limit):
        assert flow.sign_in(password="guess").status_int == 400
    assert flow.sign_in().status_int == 429


def test_a_browser_sessions_principals_leave_out_deactivated_groups(dbsession):
    """A signed-in browser's group principals (read apart from a token's)
    come from active groups only, as a token's do: no page asks for them
    by group yet, so only the function itself can show it."""
    user = f.make_user()
    active = f.make_group(creator=user)
    gone = f.make_group(creator=user, active=False)
    dbsession.flush()
    found = membership_principals(dbsession, user.id)
    assert p.group_admin(active.id) in found and p.group_member(active.id) in found
    assert p.entity_follower(active.entity_id) in found
    assert not {p.group_member(gone.id), p.group_admin(gone.id),
                p.entity_follower(gone.entity_id)} & set(found)
