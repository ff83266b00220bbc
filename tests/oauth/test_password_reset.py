"""Forgotten passwords (``/password-reset``): a mailed link that verifies
itself, works for an hour and once, and tells nobody whether an account
exists."""
import logging
import re
import time

import pytest
from seatshare.web.pages import with_next
from seatshare.web.password_reset import LINK_SECONDS, reset_key, reset_key_state
from tests import factories

from .conftest import REDIRECT_URI, Flow, api_me, authorization_url, field_error
from .test_browser_sessions import browser, is_signed_in
from .test_password_change import NEW_PASSWORD, changed_meanwhile, password_hash
from .test_signin import autofocused, session_of, submit_sign_in

LINK = re.compile(
    r"^(http://example\.com(/password-reset/[0-9]+-[0-9]+-[0-9a-f]{64}(?:\?next=\S+)?))$", re.M)


def ask(testapp, email, status=200):
    form = testapp.get("/password-reset").forms["password-reset"]
    form["email"] = email
    return form.submit(status=status)


def mailed_link(outbox) -> str:
    [message] = outbox
    return LINK.search(message.body)[2]


def choose(testapp, path, new=NEW_PASSWORD, again=None, status=302):
    form = testapp.get(path).forms["password"]
    form["new_password"] = new
    form["new_password_again"] = new if again is None else again
    return form.submit(status=status)


def test_the_sign_in_page_links_to_it(testapp):
    link = testapp.get("/signin").html.find("a", string="Forgot your password?")
    assert link["href"] == "/password-reset"


def test_it_links_to_sign_up_on_the_way_to_the_same_app(flow, testapp, user, outbox):
    """Who is not sure to have an account may try here first: "Check your
    mail" never comes for an email no account has, so the page offers to
    create one, still on the way to the application. Not to a browser
    signed in (come from the change-password page)."""
    sign_in = testapp.get(authorization_url(flow.application.client_id)).follow()
    reset = sign_in.click("Forgot your password?")
    form = reset.forms["password-reset"]
    going = form["next"].value
    form["email"] = "nobody@example.com"
    for page in (reset, form.submit()):
        link = page.html.main.find("a", string="Create an account")
        assert link["href"] == with_next("/signup", going)
    assert reset.click("Create an account").forms["signup"]["next"].value == going

    assert flow.sign_in().status_int == 302
    assert testapp.get("/password-reset").html.find("a", string="Create an account") is None


def ask_on_the_way_to_an_app(flow, testapp, user):
    """Signed out, an app's authorization request leads to sign-in; there,
    "Forgot your password?" and a link asked for: (the authorization URL,
    the sign-in page)."""
    authorize = authorization_url(flow.application.client_id, state="xyz")
    sign_in = testapp.get(authorize).follow()
    reset = sign_in.click("Forgot your password?")
    assert reset.html.main.find("a", string="Back to sign in")["href"] == sign_in.request.path_qs
    form = reset.forms["password-reset"]
    form["email"] = user.email
    sent = form.submit()
    assert sent.forms["password-reset"]["next"].value == reset.forms["password-reset"]["next"].value
    return authorize, sign_in


def test_an_authorization_signed_out_goes_on_after_a_reset(flow, testapp, user, outbox):
    """An app sent the user to sign in, and they forgot their password: the
    browser that asked for the link keeps where it was going, and once the
    password is chosen there the app's authorization request goes on (its
    consent page, saying the password changed)."""
    authorize, sign_in = ask_on_the_way_to_an_app(flow, testapp, user)
    path = mailed_link(outbox)
    form_page = testapp.get(path)
    assert form_page.html.main.find("a", string="Back to sign in")["href"] == (
        sign_in.request.path_qs)
    form = form_page.forms["password"]
    form["new_password"] = form["new_password_again"] = NEW_PASSWORD
    response = form.submit(status=302)
    assert response.location == "http://example.com" + authorize
    consent = response.follow()
    assert consent.forms["consent"]
    assert "Your password has been changed" in consent.html.find(class_="notice").text


def test_a_skipped_consent_page_leaves_no_notice_for_later(flow, testapp, user, outbox,
                                                           dbsession):
    """A trusted application skips the consent page, straight back to the
    app with a code: the "password changed" notice is not shown there, and
    must not turn up on some later page either. (A reset forgets remembered
    approvals: ``test_resetting_disconnects_every_application``.)"""
    flow.application.trusted = True
    dbsession.flush()
    authorize, _ = ask_on_the_way_to_an_app(flow, testapp, user)
    form = testapp.get(mailed_link(outbox)).forms["password"]
    form["new_password"] = form["new_password_again"] = NEW_PASSWORD
    back = form.submit(status=302).follow(status=302)
    assert back.location.startswith(REDIRECT_URI + "?code=")
    assert "Your password has been changed" not in testapp.get("/signin").text


def test_resetting_disconnects_every_application(flow, testapp, user, outbox, dbsession):
    """A reset is how the mailbox's owner takes the account back from
    whoever held it (someone who signed up with this email first, or learned
    the password): the applications connected meanwhile lose their tokens
    and their remembered approvals, or such an app would go on reading and
    changing the account, and get a code again from the user's browser
    without asking. Other users' applications are not touched."""
    flow.sign_in()
    other_app, other_secret = factories.make_application(redirect_uris=[REDIRECT_URI])
    grants = [(connected, connected.tokens())
              for connected in (flow, Flow(testapp, other_app, other_secret, user))]
    _, someone_elses = factories.make_token(application=flow.application)
    testapp.get("/signin").forms[0].submit(status=302)  # sign out
    ask(testapp, user.email)
    notice = choose(testapp, mailed_link(outbox)).follow().html.find(class_="notice").text
    assert "every app you had connected was disconnected" in notice
    for connected, tokens in grants:
        api_me(testapp, tokens["access_token"], status=401)
        connected.refresh(tokens["refresh_token"], status=400)
        assert connected.consent_page(status=200).forms["consent"]
    api_me(testapp, someone_elses)


def test_resetting_replaces_the_calendar_feed_urls(flow, testapp, user, outbox):
    """The feed URLs are credentials too (no token, no cookie): whoever held
    the account before the reset could have kept them and read the user's
    tickets and groups from then on."""
    flow.sign_in()
    feed = api_me(testapp, flow.tokens()["access_token"]).json["calendar_url"]
    testapp.get(feed, status=200)
    testapp.get("/signin").forms[0].submit(status=302)  # sign out
    ask(testapp, user.email)
    notice = choose(testapp, mailed_link(outbox)).follow().html.find(class_="notice").text
    assert "new calendar links" in notice
    testapp.get(feed, status=404)
    new_feed = testapp.get("/calendars").html.find(id="feed-1")["value"]
    assert new_feed != feed
    testapp.get(new_feed, status=200)


def test_the_mail_never_says_where_to_go_next(flow, testapp, user, outbox, app):
    """Whoever asks for a link may type anyone's email and any ``next``: the
    mail carries none, so the owner of the account who opens it in another
    browser lands on SeatShare's own page, not on the consent page of an
    application the asker chose."""
    ask_on_the_way_to_an_app(flow, testapp, user)
    path = mailed_link(outbox)
    assert "next" not in path
    owner = browser(app)
    assert choose(owner, path).location == "http://example.com/signin"


def test_a_reset_link_refuses_to_go_on_to_another_site(testapp, user, outbox):
    form = testapp.get("/password-reset?next=//evil.example/x").forms["password-reset"]
    form["email"] = user.email
    form.submit()
    path = mailed_link(outbox)
    assert "next" not in path
    response = choose(testapp, path + "?next=https://evil.example/")
    assert response.location == "http://example.com/signin"


def test_a_link_is_mailed_and_sets_a_new_password(testapp, user, outbox, dbsession, app):
    page = ask(testapp, f"  {user.email.upper()} ")
    assert f"If an account uses {user.email}" in page.html.find(class_="notice").text
    [message] = outbox
    assert message.to == f"{user.first_name} {user.last_name} <{user.email}>"
    assert message.subject == "Choose a new SeatShare password"
    path = mailed_link(outbox)
    form_page = testapp.get(path)
    assert form_page.headers["Cache-Control"] == "no-store"
    assert "current_password" not in form_page.forms["password"].fields
    response = choose(testapp, path)
    assert response.location == "http://example.com/signin"
    assert "Your password has been changed" in response.follow().text
    assert session_of(testapp)["user_id"] == user.id
    assert submit_sign_in(browser(app), user.email, NEW_PASSWORD, 302)
    assert submit_sign_in(browser(app), user.email, factories.DEFAULT_PASSWORD, 400)


def test_the_reset_links_page_has_a_way_back(testapp, user, outbox):
    """Remembered the old password after all: no need to choose a new one."""
    ask(testapp, user.email)
    page = testapp.get(mailed_link(outbox))
    assert page.html.main.find("a", string="Back to sign in")["href"] == "/signin"


def test_the_cursor_starts_in_the_new_password(testapp, user, outbox):
    ask(testapp, user.email)
    assert autofocused(testapp.get(mailed_link(outbox))) == ["new_password"]


def test_an_unknown_email_reads_the_same_and_mails_nothing(testapp, user, outbox):
    known = ask(testapp, user.email).html.find(class_="notice").text
    unknown = ask(testapp, "nobody@example.com").html.find(class_="notice").text
    assert unknown == known.replace(user.email, "nobody@example.com")
    assert len(outbox) == 1


def test_a_link_works_once(testapp, user, outbox):
    ask(testapp, user.email)
    path = mailed_link(outbox)
    choose(testapp, path)
    again = browser(testapp.app).get(path, status=400)
    assert "This link has been used" in again.text
    assert again.html.find("a", string="Ask for a new link")["href"] == "/password-reset"


def test_a_link_stops_working_when_the_password_changes_otherwise(testapp, user, outbox,
                                                                  dbsession):
    ask(testapp, user.email)
    path = mailed_link(outbox)
    Flow(testapp, None, None, user).sign_in()
    form = testapp.get("/password").forms["password"]
    form["current_password"] = factories.DEFAULT_PASSWORD
    form["new_password"] = form["new_password_again"] = NEW_PASSWORD
    form.submit(status=302)
    browser(testapp.app).get(path, status=400)


def test_a_link_stops_working_when_the_email_changes(testapp, user, outbox, dbsession):
    ask(testapp, user.email)
    path = mailed_link(outbox)
    user.email = "moved@example.com"
    dbsession.flush()
    testapp.get(path, status=400)


def test_an_expired_link_is_refused(app, dbsession, user):
    settings = app.registry.settings
    key = reset_key(settings, user, now=time.time() - LINK_SECONDS - 1)
    assert reset_key_state(dbsession, settings, key) == (None, "expired")
    fresh = reset_key(settings, user, now=time.time() - LINK_SECONDS + 60)
    assert reset_key_state(dbsession, settings, fresh) == (user, None)


@pytest.mark.parametrize("mangle", [
    lambda key: key[:-1] + ("0" if key[-1] != "0" else "1"),  # another MAC
    lambda key: key.replace("-", "-9", 1),  # a later expiry, same MAC
    lambda key: "1" + key,  # another user id, same MAC
    lambda key: key.upper(),
    lambda key: "99999999999999999999-1-" + "0" * 64,
    lambda key: "abc",
    lambda key: key + "%0A",  # a line end after a valid link
])
def test_a_forged_or_malformed_link_is_refused(testapp, user, dbsession, app, mangle):
    key = mangle(reset_key(app.registry.settings, user))
    response = testapp.get(f"/password-reset/{key}", status=(400, 404))
    before = password_hash(dbsession, user)
    # Not "expired", which it never was: incomplete, to open whole.
    assert response.html.h1.text.endswith("This link is incomplete")
    if response.status_int == 400:
        testapp.post(f"/password-reset/{key}", {"new_password": NEW_PASSWORD,
                                               "new_password_again": NEW_PASSWORD},
                     status=400)
    assert password_hash(dbsession, user) == before


def test_resetting_ends_every_browser_session_of_the_user(testapp, user, outbox, app):
    laptop = browser(app)
    Flow(laptop, None, None, user).sign_in()
    ask(testapp, user.email)
    path = mailed_link(outbox)
    choose(testapp, path)
    assert not is_signed_in(laptop)
    assert is_signed_in(testapp)


@pytest.mark.parametrize("new, again, field, message", [
    ("short", None, "new_password", "Use at least 10 characters."),
    ("password123", None, "new_password",
     "This is one of the most common passwords; choose another."),
    (NEW_PASSWORD, NEW_PASSWORD + "!", "new_password_again", "The two new passwords differ."),
])
def test_bad_new_passwords_are_a_400_and_change_nothing(testapp, user, outbox, dbsession,
                                                       new, again, field, message):
    ask(testapp, user.email)
    path = mailed_link(outbox)
    before = password_hash(dbsession, user)
    page = choose(testapp, path, new, again, status=400)
    assert field_error(page, field) == message
    assert password_hash(dbsession, user) == before
    assert "user_id" not in session_of(testapp)
    choose(testapp, path)  # the link still works


def test_the_new_password_cannot_be_the_email(testapp, user, outbox):
    ask(testapp, user.email)
    path = mailed_link(outbox)
    page = choose(testapp, path, user.email, status=400)
    assert "your email address" in page.html.find(class_="field-error").text


def test_a_bad_email_is_a_form_error(testapp, outbox):
    page = ask(testapp, "not an email", status=400)
    assert page.html.find(id="email")["aria-invalid"] == "true"
    assert field_error(page, "email") == "Enter an email address, like name@example.com."
    assert outbox == []


def test_asking_again_keeps_the_email_and_where_the_user_was_going(testapp, user, outbox):
    """No mail came (or the email was mistyped): the page that says a link
    was sent holds the form again, the email in it, to send as it is or
    correct."""
    form = testapp.get("/password-reset?next=%2Fapps").forms["password-reset"]
    form["email"] = user.email
    sent = form.submit()
    assert sent.html.h1.text == "Check your mail"
    again = sent.forms["password-reset"]
    assert again["email"].value == user.email and again["next"].value == "/apps"
    assert sent.html.find(id="email").get("autofocus") is None  # the notice is read first
    assert again.submit().html.h1.text == "Check your mail"
    assert len(outbox) == 2


def test_asking_is_throttled_per_email_and_per_address(testapp, user, outbox, app):
    for _ in range(5):
        ask(testapp, user.email)
    assert len(outbox) == 5
    throttled = ask(testapp, user.email, status=429)
    assert throttled.headers["Retry-After"].isdigit()
    assert throttled.html.find(class_="error").text == (
        "Too many requests for a reset link. Please wait 15 minutes and try again.")
    # The form again, the email kept.
    assert throttled.forms["password-reset"]["email"].value == user.email
    elsewhere = browser(app)
    ask(elsewhere, user.email, status=429)  # the same mailbox from anywhere
    other = factories.make_user()
    ask(testapp, other.email, status=429)  # the same address for any email
    assert len(outbox) == 5


def test_the_forms_need_the_csrf_token(testapp, user, outbox, dbsession, app):
    testapp.post("/password-reset", {"email": user.email}, status=400)
    assert outbox == []
    key = reset_key(app.registry.settings, user)
    before = password_hash(dbsession, user)
    expired = testapp.post(f"/password-reset/{key}", {"new_password": NEW_PASSWORD,
                                                     "new_password_again": NEW_PASSWORD},
                           status=400)
    assert expired.html.find("a", string="Back to the form")["href"] == f"/password-reset/{key}"
    assert password_hash(dbsession, user) == before


def test_the_link_is_not_logged_when_its_page_fails(testapp, user, app, monkeypatch, caplog):
    key = reset_key(app.registry.settings, user)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("seatshare.web.password_reset.page", broken)
    with caplog.at_level(logging.ERROR):
        testapp.get(f"/password-reset/{key}", status=500)
    assert "/password-reset/[token]" in caplog.text
    assert key.rsplit("-", 1)[1] not in caplog.text


def test_a_link_posted_twice_at_once_changes_the_password_once(testapp, user, outbox,
                                                               dbsession, app, monkeypatch):
    """Two browsers send the same link's form together: both checked the
    link before either wrote. The one that writes second finds the password
    it was checked against gone, and is refused: a link works once."""
    ask(testapp, user.email)
    path = mailed_link(outbox)
    form = testapp.get(path).forms["password"]
    form["new_password"] = form["new_password_again"] = NEW_PASSWORD
    done = changed_meanwhile(monkeypatch, dbsession, user)
    page = form.submit(status=400)
    assert "This link has been used" in page.text
    assert "user_id" not in session_of(testapp)
    done()
    assert submit_sign_in(browser(app), user.email, NEW_PASSWORD, 400)


@pytest.mark.parametrize(("how", "title", "says"), [
    ("expired", "This link has expired", "this one's hour is over"),
    ("used", "This link has been used", "If you chose a new password, sign in with it"),
    ("cut short", "This link is incomplete", "Open it from the mail again"),
    ("more after it", "This link is incomplete", "Open it from the mail again"),
])
def test_a_link_that_does_not_work_says_what_happened_and_what_to_do(testapp, user, app,
                                                                     dbsession, how, title,
                                                                     says):
    """Each its own page, never "expired" for a link that was used or is
    not whole, nor a bare 404; each with the way to a new link."""
    now = time.time() - (LINK_SECONDS + 1 if how == "expired" else 0)
    key = reset_key(app.registry.settings, user, now=now)
    path = f"/password-reset/{key}"
    if how == "used":
        user.password_hash = "changed"
        dbsession.flush()
    elif how == "cut short":
        path = path[:-20]
    elif how == "more after it":
        path += "/more"
    page = testapp.get(path, status=404 if how == "more after it" else 400)
    assert page.html.h1.text.endswith(title)
    assert says in " ".join(page.html.main.text.split())
    assert page.html.find("a", string="Ask for a new link")["href"] == "/password-reset"
