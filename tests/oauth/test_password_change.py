"""The change-password page (``/password``): signed-in browsers only, the
current password first, the sign-up rules for the new one, and every other
browser session of the user ended once it is changed."""
import pytest
from sqlalchemy import func, select, update

from seatshare.models import SignInAttempt, User
from seatshare.passwords import Passwords
from seatshare.web.password_reset import reset_key
from tests import factories

from .conftest import Flow, field_error
from .test_browser_sessions import browser, is_signed_in
from .test_signin import autofocused, session_of, stored_key, submit_sign_in

NEW_PASSWORD = "a new and long passphrase"


def change(testapp, current=factories.DEFAULT_PASSWORD, new=NEW_PASSWORD, again=None,
           status=None):
    form = testapp.get("/password").forms["password"]
    form["current_password"] = current
    form["new_password"] = new
    form["new_password_again"] = new if again is None else again
    return form.submit(status=status)


def password_hash(dbsession, user):
    dbsession.expire_all()
    return dbsession.execute(
        select(User.password_hash).where(User.id == user.id)).scalar_one()


def test_anonymous_is_sent_to_sign_in_and_back(testapp, user):
    response = testapp.get("/password", status=302)
    assert response.location == "http://example.com/signin?next=%2Fpassword"
    signed_in = submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, 302,
                               next_url="%2Fpassword")
    assert signed_in.location == "http://example.com/password"
    assert testapp.get("/password").forms["password"]


def test_anonymous_post_changes_nothing(testapp, user, dbsession):
    before = password_hash(dbsession, user)
    testapp.get("/signin")
    token = session_of(testapp)["_csrft_"]
    response = testapp.post("/password", {"csrf_token": token,
                                          "current_password": factories.DEFAULT_PASSWORD,
                                          "new_password": NEW_PASSWORD,
                                          "new_password_again": NEW_PASSWORD}, status=302)
    assert response.location.startswith("http://example.com/signin?next=")
    assert password_hash(dbsession, user) == before


def test_a_bearer_token_does_not_sign_a_browser_page_in(signed_in_flow, testapp):
    """Outside /api/ only the browser session counts."""
    access_token = signed_in_flow.tokens()["access_token"]
    other = browser(testapp.app)
    response = other.get("/password", headers={"Authorization": f"Bearer {access_token}"},
                         status=302)
    assert response.location.startswith("http://example.com/signin?next=")


def test_the_signed_in_page_links_to_it(signed_in_flow, testapp):
    page = testapp.get("/signin")
    assert page.html.find("a", string="Change your password")["href"] == "/password"


def test_changing_the_password(signed_in_flow, testapp, dbsession, app):
    user = signed_in_flow.user
    response = change(testapp, status=302)
    assert response.location == "http://example.com/signin"
    page = response.follow()
    assert "Your password has been changed" in page.html.find(class_="notice").text
    assert "Your password has been changed" not in testapp.get("/signin").text
    stored = password_hash(dbsession, user)
    assert stored.startswith("$argon2id$") and NEW_PASSWORD not in stored
    other = browser(app)
    assert submit_sign_in(other, user.email, factories.DEFAULT_PASSWORD, 400)
    assert submit_sign_in(other, user.email, NEW_PASSWORD, 302)


def test_changing_it_ends_every_other_browser_session_but_this_one(signed_in_flow, testapp,
                                                                    app, dbsession):
    laptop = browser(app)
    Flow(laptop, signed_in_flow.application, signed_in_flow.secret,
         signed_in_flow.user).sign_in()
    copied = browser(app)
    copied.set_cookie("seatshare_session", testapp.cookies["seatshare_session"])
    csrf_before = session_of(testapp)["_csrft_"]
    change(testapp, status=302)
    assert is_signed_in(testapp)
    assert session_of(testapp)["_csrft_"] != csrf_before
    assert not is_signed_in(laptop)
    assert not is_signed_in(copied)
    dbsession.expire_all()
    assert session_of(testapp)["generation"] == dbsession.get(
        User, signed_in_flow.user.id).session_generation == 1


def test_approved_applications_stay_connected(signed_in_flow, testapp):
    tokens = signed_in_flow.tokens()
    change(testapp, status=302)
    me = testapp.get("/api/v1/users/me",
                     headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json["id"] == signed_in_flow.user.id


@pytest.mark.parametrize("current, new, again, field, message", [
    ("wrong password", NEW_PASSWORD, None, "current_password",
     "This is not your current password."),
    ("", NEW_PASSWORD, None, "current_password", "Enter your current password."),
    (factories.DEFAULT_PASSWORD, "short", None, "new_password", "Use at least 10 characters."),
    (factories.DEFAULT_PASSWORD, "password123", None, "new_password",
     "This is one of the most common passwords; choose another."),
    (factories.DEFAULT_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "new_password_again",
     "The two new passwords differ."),
    (factories.DEFAULT_PASSWORD, NEW_PASSWORD, "", "new_password_again",
     "Type the new password again."),
])
def test_bad_input_is_a_400_and_changes_nothing(signed_in_flow, testapp, dbsession,
                                               current, new, again, field, message):
    before = password_hash(dbsession, signed_in_flow.user)
    generation = session_of(testapp)["generation"]
    page = change(testapp, current, new, again, status=400)
    assert page.html.find(id=field)["aria-invalid"] == "true"
    assert field_error(page, field) == message
    assert password_hash(dbsession, signed_in_flow.user) == before
    assert session_of(testapp)["generation"] == generation
    assert is_signed_in(testapp)


def test_the_cursor_is_in_the_first_field_after_an_error_too(signed_in_flow, testapp):
    """Every field comes back empty (passwords are never sent back), so
    typing starts again at the top of the form."""
    assert autofocused(testapp.get("/password")) == ["current_password"]
    page = change(testapp, again="something else entirely", status=400)
    assert autofocused(page) == ["current_password"]


def test_after_an_error_it_says_to_type_each_password_again(signed_in_flow, testapp):
    page = change(testapp, again="something else entirely", status=400)
    assert not any(field.get("value") for field in page.html.find_all("input", type="password"))
    assert page.html.find(role="alert").text == (
        "Please correct the fields marked below, and type each password again.")


def test_the_new_password_cannot_be_the_email_or_its_local_part(signed_in_flow, testapp):
    email = signed_in_flow.user.email
    for new in (email, email.split("@")[0].upper()):
        page = change(testapp, new=new, status=400)
        assert page.html.find(id="new_password").find_next(class_="field-error").text == (
            "A password cannot be your email address or the part before the @.")


def test_a_wrong_current_password_counts_as_a_failed_sign_in(signed_in_flow, testapp,
                                                             dbsession):
    """Of the account, from a browser without the account's device cookie
    (test_device_cookies.py has the browser with one)."""
    user = signed_in_flow.user
    testapp.set_cookie("seatshare_device", "")
    for _ in range(5):
        change(testapp, current="wrong password", status=400)
    assert dbsession.execute(select(func.count()).where(
        SignInAttempt.key == stored_key(testapp, f"account:{user.email}"))).scalar_one() == 5
    throttled = change(testapp, status=429)
    assert throttled.headers["Retry-After"].isdigit()
    # The form again, saying how long to wait; no password typed kept.
    assert throttled.html.find(class_="error").text == (
        "Too many wrong passwords. Please wait 15 minutes and try again.")
    form = throttled.forms["password"]
    assert [form[name].value for name in (
        "current_password", "new_password", "new_password_again")] == ["", "", ""]
    assert submit_sign_in(browser(testapp.app), user.email, factories.DEFAULT_PASSWORD, 429)


def test_the_wrong_password_that_reaches_the_limit_says_the_form_now_waits(signed_in_flow,
                                                                          testapp):
    """As at sign-in: the fifth wrong current password says at once that
    the form now waits, rather than let a sixth try, the right password
    perhaps, be refused unchecked; and still, as for any field to correct,
    to type each password again (the wait replaced that summary)."""
    testapp.set_cookie("seatshare_device", "")
    for _ in range(4):
        assert "Too many" not in change(testapp, current="wrong password", status=400).text
    last = change(testapp, current="wrong password", status=400)
    assert last.html.find(id="password-errors").text == (
        "Please correct the fields marked below, and type each password again. "
        "Too many wrong passwords. Please wait 15 minutes and try again.")
    assert last.html.find(id="current_password-error").text == (
        "This is not your current password.")


def test_the_form_needs_the_csrf_token(signed_in_flow, testapp, dbsession):
    before = password_hash(dbsession, signed_in_flow.user)
    testapp.post("/password", {"current_password": factories.DEFAULT_PASSWORD,
                               "new_password": NEW_PASSWORD,
                               "new_password_again": NEW_PASSWORD}, status=400)
    assert password_hash(dbsession, signed_in_flow.user) == before


def test_a_file_part_is_a_form_error(signed_in_flow, testapp, dbsession):
    before = password_hash(dbsession, signed_in_flow.user)
    token = session_of(testapp)["_csrft_"]
    page = testapp.post("/password", {"csrf_token": token,
                                      "new_password": NEW_PASSWORD,
                                      "new_password_again": NEW_PASSWORD},
                        upload_files=[("current_password", "p.txt",
                                       factories.DEFAULT_PASSWORD.encode())], status=400)
    assert "a file cannot be sent here" in page.text
    assert password_hash(dbsession, signed_in_flow.user) == before


def test_the_page_is_never_cached_and_sends_security_headers(signed_in_flow, testapp):
    page = testapp.get("/password")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.forms["password"]["csrf_token"].value == session_of(testapp)["_csrft_"]



def changed_meanwhile(monkeypatch, dbsession, user):
    """While the next request hashes its new password, another request
    (which checked the same proof) sets one of its own; returns what ends
    that."""
    hash_password = Passwords.hash

    def the_other_request_writes_first(self, password):
        dbsession.execute(update(User).where(User.id == user.id).values(
            password_hash=hash_password(self, "the other request's password")))
        return hash_password(self, password)

    monkeypatch.setattr(Passwords, "hash", the_other_request_writes_first)
    return lambda: monkeypatch.setattr(Passwords, "hash", hash_password)


def test_two_changes_at_once_with_the_same_current_password_change_it_once(
        signed_in_flow, testapp, dbsession, app, monkeypatch):
    """Both checked the current password before either wrote; the one that
    writes second finds it is no longer the current one."""
    user = signed_in_flow.user
    generation = session_of(testapp)["generation"]
    done = changed_meanwhile(monkeypatch, dbsession, user)
    page = change(testapp, status=400)
    assert page.html.find(id="current_password").find_next(class_="field-error").text == (
        "This is not your current password.")
    assert session_of(testapp)["generation"] == generation
    done()
    assert submit_sign_in(browser(app), user.email, NEW_PASSWORD, 400)


def test_a_forgotten_current_password_has_a_way_on(signed_in_flow, testapp, outbox):
    """"This is not your current password." is no dead end: the page links
    to a reset link, asked for the signed-in account's email."""
    page = change(testapp, current="not it", status=400)
    reset = page.click("Get a link to choose a new one")
    form = reset.forms["password-reset"]
    assert form["email"].value == signed_in_flow.user.email
    assert form.submit().html.h1.text == "Check your mail"
    assert len(outbox) == 1


def test_the_reset_pages_of_a_signed_in_browser_lead_back_to_its_account(signed_in_flow,
                                                                         testapp, app):
    """Not "Back to sign in": the sign-in page shows a signed-in browser
    its account."""
    reset = testapp.get("/password").click("Get a link to choose a new one")
    assert reset.html.main.find("a", string="Back to sign in") is None
    assert reset.click("Back to your account").html.h1.text == "You are signed in"
    key = reset_key(app.registry.settings, signed_in_flow.user)
    link = testapp.get(f"/password-reset/{key}")
    assert link.html.main.find("a", string="Back to your account")["href"] == "/signin"
    # Signed out, they lead to sign in.
    stranger = browser(app)
    assert stranger.get("/password-reset").html.main.find("a", string="Back to sign in")
    assert stranger.get(f"/password-reset/{key}").html.main.find("a", string="Back to sign in")
