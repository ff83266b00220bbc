"""A page's write that touches several rows and fails after the first (a
password reset, an email-change undo): the database is exactly as before
and no mail goes out. Each test makes the failure strike after the earlier
steps' rows were flushed."""
import sqlalchemy as sa
from sqlalchemy.orm import object_session

from seatshare.models import Approval, AuthorizationCode, EmailChangeUndo, Token, User
from seatshare.services import email_undo as undo_service
from seatshare.web import password_reset as reset_page

from .test_email_undo import THIEF, change_email, undo_link
from .test_password_reset import ask, choose, mailed_link

TABLES = (User, Token, AuthorizationCode, Approval, EmailChangeUndo)


class Midway(Exception):
    """The failure forced after part of a write was sent."""


def fail_after(real):
    """``real(user)``, then the user's session flushed (its rows sent), then
    a failure."""

    def failing(user, *args, **kwargs):
        real(user, *args, **kwargs)
        object_session(user).flush()
        raise Midway("after the first rows")

    return failing


def state(dbsession):
    """Every row of the tables these writes touch, as plain values."""
    dbsession.expire_all()
    return {model.__table__.name: sorted(
        tuple(map(str, row)) for row in dbsession.execute(sa.select(model.__table__)))
        for model in TABLES}


def test_a_password_reset_failing_midway_changes_nothing(flow, testapp, user, outbox,
                                                          dbsession, monkeypatch):
    """The new password, the sessions' generation, the revoked tokens and
    approvals and the new feed nonce: all or none."""
    flow.sign_in()
    flow.tokens()
    testapp.get("/signin").forms[0].submit(status=302)  # sign out
    ask(testapp, user.email)
    path = mailed_link(outbox)
    outbox.clear()
    before = state(dbsession)
    monkeypatch.setattr(reset_page, "reset_feed_secret",
                        fail_after(reset_page.reset_feed_secret))
    choose(testapp, path, status=500)
    assert state(dbsession) == before
    assert outbox == []


def test_an_email_undo_failing_midway_changes_nothing(flow, testapp, user, outbox,
                                                      dbsession, monkeypatch):
    """The address put back, the password cleared, the undos ended, the
    applications disconnected and the feed nonce replaced: all or none."""
    flow.sign_in()
    old = user.email
    change_email(testapp, flow.tokens()["access_token"], THIEF)
    path = undo_link(outbox, old)
    outbox.clear()
    before = state(dbsession)
    monkeypatch.setattr(undo_service, "reset_feed_secret",
                        fail_after(undo_service.reset_feed_secret))
    testapp.get(path).forms["email-undo"].submit(status=500)
    assert state(dbsession) == before
    assert dbsession.get(User, user.id).email == THIEF
    assert outbox == []
