"""The sign-in pages' browser session ends on the server, not only in the
browser (OWASP Session Management Cheat Sheet; ASVS 3.3.1): signing out ends
every session of the user, and a copy of the cookie signs nobody in."""
import time

from pyramid.session import JSONSerializer
from sqlalchemy import select
from webob.cookies import SignedSerializer
from webtest import TestApp

from seatshare.models import User
from tests import factories

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


def test_a_session_without_a_generation_is_signed_out(app, user, testapp):
    """A cookie signed before sessions had generations."""
    old = browser(app)
    old.set_cookie("seatshare_session", forged_cookie({"user_id": user.id}))
    assert not is_signed_in(old)


def test_a_signed_in_page_loads_the_user_in_one_statement(signed_in_flow, testapp,
                                                          query_counter):
    query_counter.reset()
    page = testapp.get("/signin", status=200)
    assert "You are signed in" in page.text
    assert query_counter.count == 1, query_counter.statements


def test_the_signed_in_page_says_sign_out_is_everywhere(signed_in_flow, testapp):
    assert "every browser" in testapp.get("/signin").text
