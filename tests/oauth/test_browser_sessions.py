"""The sign-in pages' browser session ends on the server, not only in the
browser (OWASP Session Management Cheat Sheet; ASVS 3.3.1-3.3.2): signing out
ends every session of the user, a copy of the cookie signs nobody in, and a
sign-in lasts at most ``seatshare.session_max_age`` however active."""
import time

import pytest
from pyramid.exceptions import ConfigurationError
from pyramid.session import JSONSerializer
from sqlalchemy import select
from webob.cookies import SignedSerializer
from webtest import TestApp

from seatshare import main
from seatshare.models import User
from seatshare.settings import DEFAULTS
from tests import factories

from tests.conftest import make_settings

from .conftest import Flow, authorization_url
from .test_signin import session_of


def browser(app):
    """Another browser: its own cookie jar, the same application."""
    return TestApp(app, extra_environ={"HTTP_HOST": "example.com"})


def is_signed_in(testapp):
    return "You are signed in" in testapp.get("/signin", status=200).text


def sign_out(testapp):
    testapp.get("/signin").forms[0].submit(status=302)


def forged_cookie(state):
    """A session cookie signed with the test secret, as Pyramid signs one."""
    serializer = SignedSerializer(
        "test-session-secret", "pyramid.session.", "sha512", serializer=JSONSerializer()
    )
    now = int(time.time())
    return serializer.dumps((now, now, state)).decode()


def test_a_copied_cookie_signs_nobody_in_after_sign_out(app, signed_in_flow, testapp):
    stolen = testapp.cookies["seatshare_session"]
    thief = browser(app)
    thief.set_cookie("seatshare_session", stolen)
    assert is_signed_in(thief)
    sign_out(testapp)
    replay = browser(app)
    replay.set_cookie("seatshare_session", stolen)
    assert not is_signed_in(replay)
    assert not is_signed_in(thief)


def test_a_copied_cookie_cannot_approve_consent_after_sign_out(app, signed_in_flow, testapp):
    stolen = testapp.cookies["seatshare_session"]
    sign_out(testapp)
    replay = browser(app)
    replay.set_cookie("seatshare_session", stolen)
    consent = replay.get(authorization_url(signed_in_flow.application.client_id), status=302)
    assert consent.location.startswith("http://example.com/signin?next=")


def test_signing_out_ends_the_users_sessions_in_every_browser(app, signed_in_flow, testapp):
    laptop = browser(app)
    Flow(laptop, signed_in_flow.application, signed_in_flow.secret,
         signed_in_flow.user).sign_in()
    assert is_signed_in(laptop)
    sign_out(testapp)
    assert not is_signed_in(laptop)


def test_signing_out_leaves_other_users_signed_in(app, signed_in_flow, testapp, dbsession):
    other = browser(app)
    Flow(other, signed_in_flow.application, signed_in_flow.secret,
         factories.make_user()).sign_in()
    sign_out(testapp)
    assert is_signed_in(other)


def test_signing_in_again_after_sign_out_works(signed_in_flow, testapp):
    sign_out(testapp)
    assert signed_in_flow.sign_in().status_int == 302
    assert is_signed_in(testapp)
    assert signed_in_flow.tokens()["token_type"] == "bearer"


def test_sign_out_counts_a_generation_and_leaves_updated_at(signed_in_flow, testapp,
                                                            dbsession):
    user = signed_in_flow.user
    before = dbsession.execute(
        select(User.session_generation, User.updated_at).where(User.id == user.id)).one()
    assert session_of(testapp)["generation"] == before.session_generation
    sign_out(testapp)
    dbsession.expire_all()
    after = dbsession.execute(
        select(User.session_generation, User.updated_at).where(User.id == user.id)).one()
    assert after.session_generation == before.session_generation + 1
    assert after.updated_at == before.updated_at


def signed_in_cookie(user, seconds_ago):
    """The cookie of a sign-in ``seconds_ago``, used (and reissued) just now."""
    return forged_cookie({"user_id": user.id, "generation": user.session_generation,
                          "signed_in_at": int(time.time()) - seconds_ago})


MAX_AGE = int(DEFAULTS["seatshare.session_max_age"])


def test_a_session_without_a_generation_is_signed_out(app, user, testapp):
    """A cookie signed before sessions had generations."""
    old = browser(app)
    old.set_cookie("seatshare_session", forged_cookie(
        {"user_id": user.id, "signed_in_at": int(time.time())}))
    assert not is_signed_in(old)


def test_a_session_older_than_the_max_age_is_signed_out(app, user, testapp):
    """However recently it was used: the cookie was reissued just now."""
    recent = browser(app)
    recent.set_cookie("seatshare_session", signed_in_cookie(user, MAX_AGE - 60))
    assert is_signed_in(recent)
    old = browser(app)
    old.set_cookie("seatshare_session", signed_in_cookie(user, MAX_AGE + 1))
    assert not is_signed_in(old)
    application, secret = factories.make_application()
    consent = old.get(authorization_url(application.client_id), status=302)
    assert consent.location.startswith("http://example.com/signin?next=")


def test_a_session_without_a_sign_in_time_is_signed_out(app, user, testapp):
    """A cookie signed before sign-ins had a maximum age."""
    old = browser(app)
    old.set_cookie("seatshare_session", forged_cookie(
        {"user_id": user.id, "generation": user.session_generation}))
    assert not is_signed_in(old)


def test_sign_in_records_when_and_signs_in_again_after_the_max_age(flow, testapp):
    before = int(time.time())
    flow.sign_in()
    assert before <= session_of(testapp)["signed_in_at"] <= time.time()
    testapp.set_cookie("seatshare_session", signed_in_cookie(flow.user, MAX_AGE + 1))
    assert not is_signed_in(testapp)
    assert flow.sign_in().status_int == 302
    assert is_signed_in(testapp)


def test_the_default_max_age_is_at_most_a_week():
    assert 0 < MAX_AGE <= 7 * 86400


def test_the_max_age_comes_from_the_settings(database_url, user, testapp,
                                             session_factory, monkeypatch):
    short = main({}, **make_settings(database_url, **{"seatshare.session_max_age": "60"}))
    monkeypatch.setitem(short.registry, "dbsession_factory", session_factory)
    other = browser(short)
    other.set_cookie("seatshare_session", signed_in_cookie(user, 30))
    assert is_signed_in(other)
    other.set_cookie("seatshare_session", signed_in_cookie(user, 61))
    assert not is_signed_in(other)
    short.registry["dbengine"].dispose()


@pytest.mark.parametrize("value", ["0", "-1", "a day", "", "²", "１２"])
def test_a_max_age_that_is_not_a_positive_number_refuses_to_start(database_url, value):
    with pytest.raises(ConfigurationError, match="session_max_age"):
        main({}, **make_settings(database_url, **{"seatshare.session_max_age": value}))


def test_a_signed_in_page_loads_the_user_in_one_statement(signed_in_flow, testapp,
                                                          query_counter):
    query_counter.reset()
    page = testapp.get("/signin", status=200)
    assert "You are signed in" in page.text
    assert query_counter.count == 1, query_counter.statements


def test_the_signed_in_page_says_sign_out_is_everywhere(signed_in_flow, testapp):
    assert "every browser" in testapp.get("/signin").text
