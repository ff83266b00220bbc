"""Undoing an email change (``/email-undo/<token>``): an application with
the write scope may change the account's email, and a reset link then goes
to the new address; the old address is mailed a link that, once and for a
while, puts it back and takes the account back."""
import datetime
import re

import pytest
from pyramid_retry import IRetryableError
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from seatshare.models import EmailChangeUndo, utcnow
from seatshare.oauth.maintenance import purge_expired
from seatshare.services.email_undo import undo_email_change, undo_token_state
from seatshare.services.users import ChangedMeanwhile, update_profile
from tests import factories

from .conftest import REDIRECT_URI, Flow, api_me
from .test_browser_sessions import browser, is_signed_in
from .test_password_change import NEW_PASSWORD
from .test_password_reset import ask, choose, mailed_link
from .test_signin import submit_sign_in, submit_sign_up

UNDO_LINK = re.compile(r"^http://example\.com(/email-undo/[0-9a-f]{64})$", re.M)
THIEF = "thief@example.net"
THIEFS_PASSWORD = "the thief's own long passphrase"


@pytest.fixture
def flow(flow):
    """The account's owner, signed in in ``testapp``, and an application
    with the write scope."""
    assert flow.sign_in().status_int == 302
    return flow


def change_email(testapp, access_token, email, status=200):
    return testapp.put_json("/api/v1/users/me", {"email": email},
                            headers={"Authorization": f"Bearer {access_token}"}, status=status)


def undo_links(outbox, address) -> list[str]:
    """The undo links mailed to ``address``."""
    return [match for message in outbox if address in message.to
            for match in UNDO_LINK.findall(message.body)]


def undo_link(outbox, address) -> str:
    [path] = undo_links(outbox, address)
    return path


def press_undo(testapp, path, status=302):
    return testapp.get(path).forms["email-undo"].submit(status=status)


def current_email(dbsession, user):
    dbsession.expire_all()
    return user.email


def test_the_old_address_gets_a_link_to_undo_the_change(flow, testapp, user, outbox,
                                                        dbsession):
    old = user.email
    change_email(testapp, flow.tokens()["access_token"], THIEF)
    [message] = outbox
    assert old in message.to and THIEF not in message.to
    body = " ".join(message.body.split())
    assert "This wasn't you? Undo this change:" in body
    assert undo_link(outbox, old)
    undo = dbsession.scalars(select(EmailChangeUndo)).one()
    # Stored only as a hash of the token the link carries.
    assert undo.token_hash not in message.body
    assert undo.expires_at - undo.created_at == datetime.timedelta(days=7)
    assert f"until {undo.expires_at:%Y-%m-%d %H:%M} UTC" in body


def test_undoing_takes_the_account_back(flow, testapp, user, outbox, dbsession, app):
    """Every application's tokens, unused codes and remembered approvals go,
    every browser session ends, the address is the old one again, the
    account has no password until its owner chooses one, on the form the
    undo leads to; and the link works once."""
    old = user.email
    tokens = flow.tokens()
    other_app, other_secret = factories.make_application(redirect_uris=[REDIRECT_URI])
    other = Flow(testapp, other_app, other_secret, user)
    other_tokens = other.tokens()
    unused_code = other.code()
    change_email(testapp, tokens["access_token"], THIEF)
    path = undo_link(outbox, old)

    owner = browser(app)
    page = owner.get(path)
    assert page.headers["Cache-Control"] == "no-store"
    assert old in page.text and THIEF in page.text and flow.application.name in page.text
    # A GET changes nothing (mail scanners follow links).
    owner.get(path)
    assert current_email(dbsession, user) == THIEF
    api_me(testapp, tokens["access_token"])
    assert is_signed_in(testapp)

    response = press_undo(owner, path)
    assert re.fullmatch(r"http://example\.com/password-reset/[0-9]+-[0-9]+-[0-9a-f]{64}",
                        response.location)
    assert current_email(dbsession, user) == old
    assert user.password_hash is None
    for connected, grant in ((flow, tokens), (other, other_tokens)):
        api_me(testapp, grant["access_token"], status=401)
        connected.refresh(grant["refresh_token"], status=400)
    other.exchange(unused_code, status=400)
    assert not is_signed_in(testapp)
    assert submit_sign_in(browser(app), old, factories.DEFAULT_PASSWORD, 400)

    form = response.follow()
    assert old in form.text
    form.forms["password"]["new_password"] = NEW_PASSWORD
    form.forms["password"]["new_password_again"] = NEW_PASSWORD
    form.forms["password"].submit(status=302)
    assert is_signed_in(owner)
    assert submit_sign_in(browser(app), old, NEW_PASSWORD, 302)
    # Remembered approvals went with the tokens: the consent page asks again.
    assert flow.sign_in(NEW_PASSWORD).status_int == 302
    assert flow.consent_page(status=200).forms["consent"]

    again = browser(app).get(path, status=400)
    assert "This link has been used" in again.text
    assert current_email(dbsession, user) == old


def test_the_password_the_taker_chose_no_longer_signs_in(flow, testapp, user, outbox,
                                                         dbsession, app):
    """Whoever changed the email asked for a reset link at the new address,
    chose a password and connected an app: all of it ends."""
    old = user.email
    change_email(testapp, flow.tokens()["access_token"], THIEF)
    path = undo_link(outbox, old)
    thief = browser(app)
    ask(thief, THIEF)
    choose(thief, mailed_link(outbox[1:]), new=THIEFS_PASSWORD)
    assert is_signed_in(thief)
    thiefs_app = Flow(thief, flow.application, flow.secret, user)
    thiefs_tokens = thiefs_app.tokens()

    press_undo(browser(app), path)
    assert not is_signed_in(thief)
    api_me(thief, thiefs_tokens["access_token"], status=401)
    for email in (THIEF, old):
        assert submit_sign_in(browser(app), email, THIEFS_PASSWORD, 400)


def test_an_expired_link_changes_nothing(flow, testapp, user, outbox, dbsession, app):
    old = user.email
    tokens = flow.tokens()
    change_email(testapp, tokens["access_token"], THIEF)
    path = undo_link(outbox, old)
    owner = browser(app)
    form = owner.get(path).forms["email-undo"]
    undo = dbsession.scalars(select(EmailChangeUndo)).one()
    undo.expires_at = utcnow() - datetime.timedelta(seconds=1)
    dbsession.flush()
    assert "This link has expired" in form.submit(status=400).text
    assert "This link has expired" in owner.get(path, status=400).text
    assert current_email(dbsession, user) == THIEF
    api_me(testapp, tokens["access_token"])


def test_a_later_change_mails_another_link_to_the_same_address(flow, testapp, user, outbox,
                                                               dbsession, app):
    """The new link goes to the first old address and puts it back (an
    application changing the email twice must not send the only live link
    to a mailbox of its own), and the first link keeps working (changing
    the email over and over must not end each link before its owner can
    use it). The address in between is told, without a link."""
    old = user.email
    token = flow.tokens()["access_token"]
    change_email(testapp, token, THIEF)
    change_email(testapp, token, "second@example.net")
    assert undo_links(outbox, THIEF) == []
    [to_thief] = [message for message in outbox if THIEF in message.to]
    assert "from thief@example.net to second@example.net" in " ".join(to_thief.body.split())
    first, second = undo_links(outbox, old)
    page = browser(app).get(first)
    assert "is now second@example.net" in " ".join(page.html.main.text.split())
    press_undo(browser(app), first)
    assert current_email(dbsession, user) == old
    # Using one ends them all.
    assert "This link has been used" in browser(app).get(second, status=400).text


def test_changing_it_back_ends_the_link_and_makes_none(flow, testapp, user, outbox,
                                                       dbsession, app):
    """Back to the old address, nothing is left to undo; and the address it
    had been moved to gets no link to move it there again."""
    old = user.email
    token = flow.tokens()["access_token"]
    change_email(testapp, token, THIEF)
    path = undo_link(outbox, old)
    change_email(testapp, token, old)
    assert "This link has been used" in browser(app).get(path, status=400).text
    assert undo_links(outbox, THIEF) == [] and len(outbox) == 2
    assert dbsession.scalars(select(EmailChangeUndo.ended_at)).one() is not None


def test_a_change_after_the_address_came_back_ends_the_earlier_link(flow, testapp, user,
                                                                     outbox, app):
    """A link is bound to its change: once the address came back, a later
    change away from it gets a link of its own, and the earlier one stays
    expired."""
    old = user.email
    token = flow.tokens()["access_token"]
    change_email(testapp, token, THIEF)
    change_email(testapp, token, old)
    change_email(testapp, token, "third@example.net")
    first, later = undo_links(outbox, old)
    assert "This link has been used" in browser(app).get(first, status=400).text
    assert browser(app).get(later).forms["email-undo"]


def test_a_post_without_the_forms_token_changes_nothing(flow, testapp, user, outbox,
                                                         dbsession, app):
    change_email(testapp, flow.tokens()["access_token"], THIEF)
    path = undo_link(outbox, user.email)
    browser(app).post(path, status=400)
    assert current_email(dbsession, user) == THIEF


def test_an_expired_undo_form_leads_back_to_its_link(flow, testapp, user, outbox, dbsession,
                                                     app):
    """The undo page left open while its session ended (signed out in
    another tab, say): "Back to the form" opens the link again, not the
    sign-in page, where nothing leads back to it."""
    change_email(testapp, flow.tokens()["access_token"], THIEF)
    path = undo_link(outbox, user.email)
    owner = browser(app)
    form = owner.get(path).forms["email-undo"]
    form["csrf_token"] = "stale"
    expired = form.submit(status=400)
    assert "This form has expired" in expired.text
    assert expired.html.find("a", string="Back to the form")["href"] == path
    assert current_email(dbsession, user) == THIEF


def test_nobody_else_may_take_the_old_address_while_the_link_works(flow, testapp, user,
                                                                   outbox, dbsession, app):
    """Emails are unique: had someone else taken the old address meanwhile
    (whoever changed it, signing up with it), the undo could not put it
    back. The account itself may take it back."""
    old = user.email
    token = flow.tokens()["access_token"]
    change_email(testapp, token, THIEF)
    signed_up = submit_sign_up(browser(app), old)
    assert signed_up.status_int == 400 and "cannot be used" in signed_up.text
    _, someone_elses = factories.make_token()
    response = change_email(testapp, someone_elses, old, status=400)
    assert response.json["fields"] == {"email": "is already taken"}
    change_email(testapp, token, old)
    assert current_email(dbsession, user) == old


def test_a_change_that_read_the_account_before_an_undo_runs_again(flow, testapp, user,
                                                                  outbox, dbsession):
    """A change whose token was checked before an undo committed, and that
    writes after it, must not move the account away again (and mail the
    address the undo took back a link to put it back): it finds the email
    changed, and pyramid_retry runs it again, when the token the undo
    revoked is refused (401)."""
    old = user.email
    token = flow.tokens()["access_token"]
    change_email(testapp, token, THIEF)
    dbsession.expire_all()
    undo, _ = undo_token_state(dbsession, undo_link(outbox, old).rsplit("/", 1)[1])
    assert undo_email_change(dbsession, undo) is not None
    set_committed_value(user, "email", THIEF)  # as the change read it
    with pytest.raises(ChangedMeanwhile) as raised:
        update_profile(dbsession, user, {"email": "again@example.net"})
    assert IRetryableError.providedBy(raised.value)
    api_me(testapp, token, status=401)
    assert current_email(dbsession, user) == old


@pytest.mark.parametrize("path", ["/email-undo/not-a-token",
                                  "/email-undo/", "/email-undo", "/email-undo/abc/def"])
def test_an_unknown_or_cut_short_link_says_it_is_incomplete(testapp, path):
    """Not "expired", which it never was, nor a bare 404: a mail program
    may break a long link, and its reader open only part of it."""
    page = testapp.get(path, status=(400, 404))
    assert page.html.h1.text.endswith("This link is incomplete")
    assert "open it from the mail again" in " ".join(page.html.main.text.split()).lower()
    assert page.html.find("a", string="Ask for a new password link")["href"] == "/password-reset"


@pytest.mark.parametrize("ends", ["used", "expired"])
def test_a_link_purged_after_it_ended_no_longer_works(flow, testapp, user, outbox, dbsession,
                                                      app, ends):
    """``tokens purge`` deletes an undo once it is used or expired: its link
    then says it no longer works, and what to do, not that it is damaged
    (the reader opened it whole, and opening it again cannot help)."""
    change_email(testapp, flow.tokens()["access_token"], THIEF)
    path = undo_link(outbox, user.email)
    if ends == "used":
        press_undo(browser(app), path)
    else:
        dbsession.scalars(select(EmailChangeUndo)).one().expires_at = utcnow()
        dbsession.flush()
    assert purge_expired(dbsession)["email_undo_links"] == 1
    for page in (browser(app).get(path, status=400), testapp.get("/email-undo/" + "0" * 64,
                                                                 status=400)):
        text = " ".join(page.html.main.text.split())
        assert page.html.h1.text.endswith("This link no longer works")
        assert "open it from the mail again" not in text.lower()
        assert "ask for a link to choose a new password" in text
        assert page.html.find("a", string="Ask for a new password link")["href"] == (
            "/password-reset")
