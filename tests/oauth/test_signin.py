"""Sign-in, sign-out, sign-up pages: CSRF, throttling, enumeration, session, headers."""
import datetime
import pytest
from pyramid.session import JSONSerializer
from webob.cookies import SignedSerializer
from sqlalchemy import func, select, update

from seatshare.models import SignInAttempt, User, utcnow
from seatshare.passwords import common_passwords, password_problem
from seatshare.web.ratelimit import SignInLimiter
from seatshare.web.pages import safe_next, with_next
from tests import factories

from .conftest import Flow, authorization_url, field_error


def submit_sign_in(testapp, email, password, status=None, next_url=None):
    page = testapp.get("/signin" + (f"?next={next_url}" if next_url else ""))
    form = page.forms["signin"]
    form["email"] = email
    form["password"] = password
    return form.submit(status=status)


def stored_key(testapp, key):
    """A throttling key as the sign-in attempts table holds it."""
    return SignInLimiter.from_settings(testapp.app.registry.settings).stored(key)


def session_of(testapp):
    """The signed cookie session's contents, read as Pyramid reads them."""
    serializer = SignedSerializer(
        "test-session-secret", "pyramid.session.", "sha512", serializer=JSONSerializer()
    )
    accessed, created, state = serializer.loads(
        testapp.cookies["seatshare_session"].strip('"').encode()
    )
    return state


def test_sign_in_page_looks_like_a_product_and_links_to_sign_up(testapp):
    page = testapp.get("/signin?next=/oauth/authorization%3Fx%3D1")
    assert page.content_type == "text/html"
    assert "<script" not in page.text
    # Nothing fetched from elsewhere; the tab's icon is in the page.
    assert [link["href"].split(",")[0] for link in page.html.find_all("link")] == [
        "data:image/svg+xml"]
    link = page.html.find("a", string="Create an account")
    assert link["href"] == "/signup?next=%2Foauth%2Fauthorization%3Fx%3D1"


@pytest.mark.parametrize("path, status", [
    ("/signin", 200), ("/signup", 200), ("/password-reset", 200), ("/nowhere", 404),
    ("/oauth/authorization?client_id=nope&redirect_uri=x&response_type=code", 400),
])
def test_every_page_carries_its_tab_icon(testapp, path, status):
    """A browser asks every site for /favicon.ico unless the page names an
    icon: that was a 404 page for each new visitor, and a blank tab."""
    [icon] = testapp.get(path, status=status).html.find_all("link", rel="icon")
    assert icon["href"].startswith("data:image/svg+xml,")


def test_the_sign_in_page_promises_what_signing_in_shows(testapp, user):
    """Groups and seats are shown by the apps, not by these pages: the sign-in
    page says what the signed-in page offers, not "see your groups and seats"."""
    lead = testapp.get("/signin").html.find(class_="lead").text
    signed_in = submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, 302).follow()
    offered = [a.text for a in signed_in.html.select("nav a")]
    assert offered == ["Connected apps", "Calendar feeds", "Change your password"]
    assert "groups" not in lead
    for thing in ("connected apps", "calendar feeds", "password"):
        assert thing in lead


def test_every_html_page_sends_security_headers(testapp):
    for url, status in (("/signin", 200), ("/signup", 200), ("/nowhere", 404),
                        ("/oauth/authorization?client_id=x", 400)):
        response = testapp.get(url, status=status)
        assert response.headers["X-Frame-Options"] == "DENY", url
        assert response.headers["Referrer-Policy"] == "no-referrer", url
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, url


def test_the_sites_address_alone_opens_the_sign_in_page(testapp):
    """Typing the bare address is how most people arrive: the sign-in page
    (a signed-in user's home page), not "There is no page here"."""
    assert testapp.get("/", status=302).location == "http://example.com/signin"
    assert testapp.head("/", status=302).location == "http://example.com/signin"
    testapp.get("/nowhere", status=404)


@pytest.mark.parametrize("url", ["/nowhere", "/oauth/authorization?client_id=x"])
def test_an_error_page_always_has_a_way_on(testapp, url):
    """A dead end otherwise: an unknown page, or an app's broken sign-in link."""
    page = testapp.get(url, status=(400, 404))
    assert page.html.main.find("a", href="/signin").text == "Go to SeatShare"


def test_wrong_password_and_unknown_email_read_the_same(testapp, user):
    wrong = submit_sign_in(testapp, user.email, "wrong password", status=400)
    unknown = submit_sign_in(testapp, "nobody@example.com", "wrong password", status=400)
    message = wrong.html.find(class_="error").text
    assert message == unknown.html.find(class_="error").text
    assert "user_id" not in session_of(testapp)


@pytest.mark.parametrize("email, password, messages", [
    ("ann@example.com", "", {"password": "Enter your password."}),
    ("", "a password", {"email": "Enter your email address."}),
    ("", "", {"email": "Enter your email address.", "password": "Enter your password."}),
])
def test_a_field_left_empty_is_named_beside_it_and_the_email_kept(testapp, email, password,
                                                                  messages):
    """An empty field is not a wrong password: the page says which to fill
    in, under that field as the other forms do (it was above the form,
    away from the field, and named one empty field of two), and keeps the
    email typed (this tells nothing about accounts)."""
    page = submit_sign_in(testapp, email, password, status=400)
    assert {error["id"]: error.text for error in page.html.find_all(class_="field-error")} == {
        f"{field}-error": message for field, message in messages.items()}
    for field in messages:
        assert page.html.find(id=field).find_next_sibling() is page.html.find(id=f"{field}-error")
    assert page.html.find(class_="error") is None
    assert page.forms["signin"]["email"].value == email


def test_after_a_wrong_password_the_cursor_is_in_the_password_field(testapp, user):
    assert testapp.get("/signin").html.find(autofocus=True)["id"] == "email"
    page = submit_sign_in(testapp, user.email, "wrong password", status=400)
    assert [field["id"] for field in page.html.find_all(autofocus=True)] == ["password"]


def test_sign_in_is_case_insensitive_on_email(testapp, user):
    response = submit_sign_in(testapp, user.email.upper(), factories.DEFAULT_PASSWORD, 302)
    assert session_of(testapp)["user_id"] == user.id
    assert response.location == "http://example.com/signin"


def test_sign_in_rotates_the_session(testapp, user):
    testapp.get("/signin")
    before_cookie = testapp.cookies["seatshare_session"]
    before_csrf = session_of(testapp)["_csrft_"]
    submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, 302)
    after = session_of(testapp)
    assert after["user_id"] == user.id
    assert after["_csrft_"] != before_csrf
    assert testapp.cookies["seatshare_session"] != before_cookie


def test_sign_in_post_needs_the_csrf_token(testapp, user):
    testapp.get("/signin")
    testapp.post("/signin", {"email": user.email, "password": factories.DEFAULT_PASSWORD},
                 status=400)
    assert "user_id" not in session_of(testapp)


@pytest.mark.parametrize("target", [
    "//evil.example.com/x", "https://evil.example.com/", "/\\evil.example.com",
    "javascript:alert(1)", "evil", "/ok\r\nSet-Cookie: x=1",
])
def test_next_never_leaves_the_site(target):
    assert safe_next(target) is None


def test_next_returns_to_the_page(testapp, user):
    response = submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, 302,
                              next_url="%2F%2Fevil.example.com")
    assert response.location == "http://example.com/signin"
    testapp.reset()
    response = submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, 302,
                              next_url="%2Foauth%2Fauthorization%3Fa%3Db")
    assert response.location == "http://example.com/oauth/authorization?a=b"


@pytest.mark.parametrize("target,location", [
    ("/日本", "/%E6%97%A5%E6%9C%AC"),
    ("/café?q=ü&r=1", "/caf%C3%A9?q=%C3%BC&r=1"),
    ("/\u3000/x", "/%E3%80%80/x"),
    ("/a b\"<>", "/a%20b%22%3C%3E"),
    ("/already%20encoded?next=%2Fx", "/already%20encoded?next=%2Fx"),
    ("/100%", "/100%25"),
])
def test_next_is_ascii_and_encoding_it_again_changes_nothing(target, location):
    assert safe_next(target) == location
    assert safe_next(location) == location


def test_next_beyond_latin_1_redirects_to_an_ascii_location(testapp, user):
    response = submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, 302,
                              next_url="/%E6%97%A5%E6%9C%AC")
    assert response.location == "http://example.com/%E6%97%A5%E6%9C%AC"
    assert session_of(testapp)["user_id"] == user.id
    # Signed in already, the page sends the browser straight on.
    for query, location in (("/%E3%80%80/x", "/%E3%80%80/x"), ("/caf%C3%A9", "/caf%C3%A9")):
        response = testapp.get("/signin?next=" + query, status=302)
        assert response.headers["Location"] == "http://example.com" + location
        assert response.headers["Location"].isascii()


def test_five_failures_lock_the_account_until_the_window_passes(testapp, user, dbsession):
    for _ in range(5):
        submit_sign_in(testapp, user.email, "wrong", status=400)
    locked = submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, status=429)
    assert 1 <= int(locked.headers["Retry-After"]) <= 900
    assert "Too many" in locked.text
    assert "user_id" not in session_of(testapp)
    # The window passes.
    dbsession.execute(update(SignInAttempt).values(
        created_at=utcnow() - datetime.timedelta(seconds=901)))
    submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, status=302)


def test_the_failure_that_reaches_the_limit_says_sign_in_is_paused(testapp, user):
    """Told only "do not match" on the fifth failure, the user types the
    right password a sixth time and is refused without it being checked:
    the fifth failure says at once that sign-in now waits."""
    for _ in range(4):
        failed = submit_sign_in(testapp, user.email, "wrong", status=400)
        assert "Too many" not in failed.text
    last = submit_sign_in(testapp, user.email, "wrong", status=400)
    assert last.html.find(id="signin-error").text == (
        "That email and password do not match an account. Too many failed sign-ins. "
        "Please wait 15 minutes and try again.")
    assert last.forms["signin"]["email"].value == user.email


def test_a_failure_s_wait_is_measured_when_its_counts_were_read(testapp, user, dbsession,
                                                                monkeypatch):
    """The counts are read before the password is checked, and the failure
    recorded after: its wait was measured from a later moment than the
    counts, so an attempt that left the window in between still counted
    and the wait came out as 1 second. Both are taken at the counts' time."""
    from seatshare.web import ratelimit

    read = utcnow()
    later = iter([read, read + datetime.timedelta(seconds=200)])
    monkeypatch.setattr(ratelimit, "utcnow", lambda: next(later))
    oldest = read - datetime.timedelta(seconds=900 - 100)  # leaves the window 100 s on
    dbsession.add_all(SignInAttempt(key=stored_key(testapp, f"account:{user.email}"),
                                    created_at=oldest) for _ in range(4))
    dbsession.flush()
    last = submit_sign_in(testapp, user.email, "wrong", status=400)
    assert last.html.find(id="signin-error").text.endswith(
        "Too many failed sign-ins. Please wait 2 minutes and try again.")  # 100 s
    assert dbsession.scalar(select(func.max(SignInAttempt.created_at))) == read


def test_a_failed_sign_in_reads_its_counts_once(testapp, user, query_counter, backend):
    """The failure's new wait comes from the counts read before the password
    was checked, plus this failure: the page asked the limiter again, one
    more count query and, on PostgreSQL, one more advisory lock per key
    (SQLite 5 statements, PostgreSQL 8). Now the user, the lock per key
    (PostgreSQL), the counts, the failure stored (one INSERT per key on
    SQLite, one for both on PostgreSQL)."""
    form = testapp.get("/signin").forms["signin"]
    form["email"], form["password"] = user.email, "wrong"
    query_counter.reset()
    form.submit(status=400)
    counts = [s for s in query_counter.statements if "count(*)" in s]
    assert len(counts) == 1, query_counter.statements
    assert query_counter.count == {"sqlite": 4, "postgresql": 5}[backend]


def test_a_throttled_sign_in_is_the_form_again_with_the_email_and_next_kept(testapp, user):
    """Told to wait, the user need not type the email again: it stays in the
    form (the password never does), which still goes where it was going."""
    for _ in range(5):
        submit_sign_in(testapp, user.email, "wrong", status=400)
    locked = submit_sign_in(testapp, user.email, "the secret typed", status=429,
                            next_url="%2Foauth%2Fauthorization%3Fa%3Db")
    form = locked.forms["signin"]
    assert form["email"].value == user.email
    assert form["password"].value == "" and "the secret typed" not in locked.text
    assert form["next"].value == "/oauth/authorization?a=b"
    assert autofocused(locked) == ["password"]
    assert locked.html.find(id="signin-error")["role"] == "alert"
    # And a new password goes on there too.
    reset = locked.html.find("a", string="Forgot your password?")["href"]
    assert reset == "/password-reset?next=%2Foauth%2Fauthorization%3Fa%3Db"


def test_too_many_attempts_page_offers_a_reset_link(testapp, user):
    """Locked out after forgetting the password, the way on is a new one."""
    for _ in range(5):
        submit_sign_in(testapp, user.email, "wrong", status=400)
    locked = submit_sign_in(testapp, user.email, "wrong", status=429)
    reset = locked.click("Forgot your password?")
    assert reset.request.path == "/password-reset" and reset.forms


@pytest.mark.parametrize("path, typed", [
    ("/signin", {"email": "casey@example.com"}),
    ("/signup", {"first_name": "Casey", "last_name": "Jones", "email": "casey@example.com"}),
    ("/password-reset", {"email": "casey@example.com"}),
])
def test_an_expired_form_comes_back_with_what_was_typed_and_next(testapp, path, typed):
    """An old tab's form (its CSRF token stale): the form again, ready to
    send, with what was typed in it kept, passwords aside."""
    form_id = path[1:]
    form = testapp.get(path + "?next=%2Foauth%2Fauthorization%3Fa%3Db").forms[form_id]
    for name, value in typed.items():
        form[name] = value
    if "password" in form.fields:
        form["password"] = "the secret typed"
    form["csrf_token"] = "stale"
    expired = form.submit(status=400)
    assert "This form has expired, so it was not sent." in expired.html.find(class_="error").text
    again = expired.forms[form_id]
    assert {name: again[name].value for name in typed} == typed
    assert "the secret typed" not in expired.text
    assert again["next"].value == "/oauth/authorization?a=b"
    # Sent again as it is (a password typed), it goes through.
    assert again["csrf_token"].value == session_of(testapp)["_csrft_"]


def test_an_expired_sign_in_form_sent_again_signs_in(testapp, user):
    form = testapp.get("/signin?next=%2Fapps").forms["signin"]
    form["email"], form["password"] = user.email, factories.DEFAULT_PASSWORD
    form["csrf_token"] = "stale"
    again = form.submit(status=400).forms["signin"]
    assert again["email"].value == user.email
    again["password"] = factories.DEFAULT_PASSWORD
    assert again.submit(status=302).location == "http://example.com/apps"


@pytest.mark.parametrize("path", ["/signin", "/signup"])
def test_an_expired_form_of_a_browser_signed_in_meanwhile_links_on(testapp, user, path):
    """Signed in in another tab since: no form to sign in again, the link
    goes on where the form was going."""
    stale = testapp.get(path + "?next=%2Fapps").forms[path[1:]]
    submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, status=302)
    expired = stale.submit(status=400)
    assert path[1:] not in expired.forms
    link = expired.html.find("a", string="Back to the form")["href"]
    assert link == path + "?next=%2Fapps"
    assert testapp.get(link, status=302).location == "http://example.com/apps"


def test_failures_from_one_address_lock_every_account(testapp, dbsession):
    for _ in range(5):
        submit_sign_in(testapp, f"nobody{_}@example.com", "wrong", status=400)
    other = factories.make_user()
    submit_sign_in(testapp, other.email, factories.DEFAULT_PASSWORD, status=429)
    # Another address may still sign in to that account.
    testapp.extra_environ["REMOTE_ADDR"] = "192.0.2.7"
    testapp.reset()
    submit_sign_in(testapp, other.email, factories.DEFAULT_PASSWORD, status=302)


def test_an_ipv6_network_counts_as_one_address(testapp):
    """An IPv6 client is given a whole /64 (RFC 6177) and may send from any
    address in it: failures count against the /64, or cycling through its
    own addresses would lift the per-address limit. An IPv4 client seen on
    a dual-stack socket (``::ffff:a.b.c.d``) is still its own address."""
    for number in range(5):
        testapp.extra_environ["REMOTE_ADDR"] = f"2001:db8:1:2::{number + 1:x}"
        submit_sign_in(testapp, f"nobody{number}@example.com", "wrong", status=400)
    other = factories.make_user()
    testapp.extra_environ["REMOTE_ADDR"] = "2001:db8:1:2:ffff:ffff:ffff:ffff"
    submit_sign_in(testapp, other.email, factories.DEFAULT_PASSWORD, status=429)
    # Another /64 may still sign in; and IPv4 clients are not one network.
    for address in ("2001:db8:1:3::1", "::ffff:192.0.2.1"):
        testapp.extra_environ["REMOTE_ADDR"] = address
        testapp.reset()
        submit_sign_in(testapp, other.email, factories.DEFAULT_PASSWORD, status=302)
    testapp.reset()
    for number in range(5):
        testapp.extra_environ["REMOTE_ADDR"] = f"::ffff:192.0.2.{number + 10}"
        submit_sign_in(testapp, f"nobody{number}@example.com", "wrong", status=400)
    testapp.reset()
    submit_sign_in(testapp, other.email, factories.DEFAULT_PASSWORD, status=302)


def test_limits_come_from_the_settings(testapp, user, app, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "seatshare.signin_max_failures", "2")
    for _ in range(2):
        submit_sign_in(testapp, user.email, "wrong", status=400)
    submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, status=429)


@pytest.mark.parametrize("window, wait", [("900", "15 minutes"), ("60", "1 minute")])
def test_the_too_many_attempts_page_says_how_long_in_plain_words(testapp, user, app,
                                                                 monkeypatch, window, wait):
    monkeypatch.setitem(app.registry.settings, "seatshare.signin_window_seconds", window)
    for _ in range(5):
        submit_sign_in(testapp, user.email, "wrong", status=400)
    locked = submit_sign_in(testapp, user.email, "wrong", status=429)
    assert locked.html.find(id="signin-error").text == (
        f"Too many failed sign-ins. Please wait {wait} and try again.")


def test_failures_are_recorded_in_the_database(testapp, user, dbsession):
    submit_sign_in(testapp, user.email, "wrong", status=400)
    keys = set(dbsession.execute(select(SignInAttempt.key)).scalars())
    assert len(keys) == 2
    assert stored_key(testapp, f"account:{user.email}") in keys
    assert any(key.startswith("address:") for key in keys)


def test_what_was_typed_as_the_email_is_not_stored(testapp, dbsession):
    """People type their password into the email field: the attempt is
    counted under an HMAC of what they typed, never under the text."""
    typed = "my own passphrase 9413"
    submit_sign_in(testapp, typed, "wrong", status=400)
    keys = set(dbsession.execute(select(SignInAttempt.key)).scalars())
    assert stored_key(testapp, f"account:{typed}") in keys
    assert not any(typed in key for key in keys)


def submit_sign_up(testapp, email, password="a long enough password"):
    form = testapp.get("/signup").forms["signup"]
    for name, value in {"first_name": "Casey", "last_name": "Jones", "email": email,
                        "password": password}.items():
        form[name] = value
    return form.submit(expect_errors=True)


def test_the_sign_up_that_reaches_the_limit_says_the_form_now_waits(testapp, user):
    """Sent back for a taken email by the attempt that reaches the limit,
    the form says so at once: the next, with another email, would be
    refused unchecked. And, as for any field to correct, to type the
    password again: the wait replaced that summary, and the emptied
    password went unexplained."""
    for _ in range(4):
        assert "Too many" not in submit_sign_up(testapp, user.email).text
    last = submit_sign_up(testapp, user.email)
    assert last.status_int == 400
    assert last.html.find(id="signup-error").text == (
        "Please correct the fields marked below, and type your password again. "
        "Too many sign-ups from your address. Please wait 15 minutes and try again.")
    assert last.html.find(id="email-error").text.startswith("This email cannot be used")


def test_sign_up_attempts_from_one_address_stop_at_the_sign_in_limit(testapp, user, dbsession):
    """Sign-up says when an email is taken, so asking costs an address as
    much as at sign-in: taken or not, each answer counts."""
    statuses = []
    for email in (user.email, "taken-or-not@example.com", user.email, "new1@example.com",
                  user.email):
        statuses.append(submit_sign_up(testapp, email).status_int)
        testapp.reset()  # Signed up, this browser would go past the form.
    assert statuses == [400, 302, 400, 302, 400]
    throttled = submit_sign_up(testapp, "new2@example.com")
    assert throttled.status_int == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 900
    assert "Too many sign-ups" in throttled.text
    assert "cannot be used" not in submit_sign_up(testapp, user.email).text
    assert dbsession.execute(
        select(User).where(User.email == "new2@example.com")).first() is None
    # Another address may still sign up.
    testapp.extra_environ["REMOTE_ADDR"] = "192.0.2.7"
    testapp.reset()
    assert submit_sign_up(testapp, "new2@example.com").status_int == 302


def test_sign_up_attempts_from_one_ipv6_network_stop_at_the_limit(testapp, user):
    """Asking sign-up whether emails are taken from every address of one
    /64 costs that network as much as asking from one address."""
    for number in range(5):
        testapp.extra_environ["REMOTE_ADDR"] = f"2001:db8:5:6::{number + 1:x}"
        assert submit_sign_up(testapp, user.email).status_int == 400
    testapp.extra_environ["REMOTE_ADDR"] = "2001:db8:5:6:abcd::1"
    assert submit_sign_up(testapp, user.email).status_int == 429
    testapp.extra_environ["REMOTE_ADDR"] = "2001:db8:5:7::1"
    assert submit_sign_up(testapp, user.email).status_int == 400


def test_a_throttled_sign_up_is_the_form_again_with_what_was_typed_kept(testapp, app,
                                                                      monkeypatch):
    monkeypatch.setitem(app.registry.settings, "seatshare.signin_max_failures", "1")
    submit_sign_up(testapp, "first@example.com")
    testapp.reset()
    form = testapp.get("/signup?next=%2Foauth%2Fauthorization%3Fa%3Db").forms["signup"]
    for name, value in {"first_name": "Casey", "last_name": "Jones",
                        "email": "casey@example.com", "password": "the secret typed"}.items():
        form[name] = value
    throttled = form.submit(status=429)
    form = throttled.forms["signup"]
    assert [form[name].value for name in ("first_name", "last_name", "email", "password")] == [
        "Casey", "Jones", "casey@example.com", ""]
    assert "the secret typed" not in throttled.text
    assert form["next"].value == "/oauth/authorization?a=b"
    assert throttled.html.find(class_="error").text == (
        "Too many sign-ups from your address. Please wait 15 minutes and try again.")
    assert autofocused(throttled) == ["password"]


def test_sign_up_form_errors_do_not_count_and_sign_in_failures_do_not_block_it(
        testapp, app, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "seatshare.signin_max_failures", "2")
    for _ in range(3):
        assert submit_sign_up(testapp, "casey@example.com", "short").status_int == 400
        submit_sign_in(testapp, "nobody@example.com", "wrong", status="*")
    assert submit_sign_up(testapp, "casey@example.com").status_int == 302


def test_sign_up_limits_come_from_the_sign_in_settings(testapp, user, app, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "seatshare.signin_max_failures", "2")
    monkeypatch.setitem(app.registry.settings, "seatshare.signin_window_seconds", "60")
    for _ in range(2):
        assert submit_sign_up(testapp, user.email).status_int == 400
    throttled = submit_sign_up(testapp, "new@example.com")
    assert throttled.status_int == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 60


def test_sign_out(signed_in_flow, testapp):
    page = testapp.get("/signin")
    assert "You are signed in" in page.text
    page.forms[0].submit(status=302)
    assert "user_id" not in session_of(testapp)
    assert signed_in_flow.consent_page(status=302).location.startswith(
        "http://example.com/signin?next=")


def test_the_home_pages_links_are_a_navigation_list(signed_in_flow, testapp):
    """A list a screen reader counts, that wraps on a phone without leaving
    a separator at the end of a line."""
    nav = testapp.get("/signin").html.find("nav", attrs={"aria-label": "Your account"})
    assert [li.a["href"] for li in nav.ul.find_all("li")] == ["/apps", "/calendars", "/password"]
    assert "·" not in nav.text


def test_signing_out_says_so(signed_in_flow, testapp):
    page = testapp.get("/signin").forms[0].submit(status=302).follow()
    assert page.html.find(class_="notice").text == (
        "You are signed out, in every browser where you were signed in.")
    assert page.forms["signin"]
    # Said once.
    assert testapp.get("/signin").html.find(class_="notice") is None


def test_sign_up_page_creates_an_account_and_signs_in(testapp, dbsession):
    page = testapp.get("/signup?next=%2Foauth%2Fauthorization%3Fa%3Db")
    form = page.forms["signup"]
    form["first_name"] = "Casey"
    form["last_name"] = "Jones"
    form["email"] = " Casey@Example.com "
    form["password"] = "a long enough password"
    response = form.submit(status=302)
    assert response.location == "http://example.com/oauth/authorization?a=b"
    user = dbsession.execute(select(User).where(User.email == "casey@example.com")).scalar_one()
    assert user.password_hash.startswith("$argon2id$")
    assert "a long enough password" not in user.password_hash
    assert user.calendar_nonce
    assert session_of(testapp)["user_id"] == user.id
    assert session_of(testapp)["generation"] == user.session_generation == 0


def test_a_signed_in_browser_on_the_sign_up_page_goes_on(signed_in_flow, testapp):
    """Back from the consent page after signing up lands on the sign-up
    page again: like the sign-in page, it sends a browser already signed in
    where it was going (or home), never offers to make a second account."""
    next_url = "%2Foauth%2Fauthorization%3Fa%3Db"
    response = testapp.get(f"/signup?next={next_url}", status=302)
    assert response.location == "http://example.com/oauth/authorization?a=b"
    response = testapp.get("/signup", status=302)
    assert response.location == "http://example.com/signin"
    assert "You are signed in" in response.follow().text


def test_a_taken_email_on_the_sign_up_page_leads_to_the_account(testapp, user):
    """Someone signing up with an email that is an account's may be its
    owner, who has forgotten it or its password: beside the email, the way
    on to signing in or to a new password, both still going where sign-up
    was (an application's authorization request). Not for other errors."""
    next_url = "/oauth/authorization?client_id=abc&response_type=code"
    page = testapp.get("/signup", {"next": next_url})
    form = page.forms["signup"]
    for name, value in {"first_name": "Ann", "last_name": "Lee", "email": user.email,
                        "password": "long enough pw"}.items():
        form[name] = value
    page = form.submit(status=400)
    way_on = page.html.find("p", class_="taken")
    assert page.html.find(id="email-error").find_next("p") is way_on
    links = {a.text: a["href"] for a in way_on.find_all("a")}
    assert links == {"Sign in": with_next("/signin", next_url),
                     "get a link to choose a new one": with_next("/password-reset", next_url)}
    reset = page.click("get a link to choose a new one")
    assert reset.forms["password-reset"]["next"].value == next_url

    form = page.forms["signup"]
    form["email"], form["password"] = "not-an-email", "long enough pw"
    assert form.submit(status=400).html.find("p", class_="taken") is None


def autofocused(page):
    return [field["id"] for field in page.html.find_all(autofocus=True)]


def test_after_a_sign_up_error_the_cursor_is_in_the_first_field_to_fix(testapp):
    """As on the sign-in page: typing starts in the form, and after an error
    in the first field marked, not at the top of the page."""
    assert autofocused(testapp.get("/signup")) == ["first_name"]
    form = testapp.get("/signup").forms["signup"]
    for name, value in {"first_name": "Ann", "last_name": "", "email": "not-an-email",
                        "password": "long enough pw"}.items():
        form[name] = value
    assert autofocused(form.submit(status=400)) == ["last_name"]


def test_after_a_sign_up_error_it_says_to_type_the_password_again(testapp):
    """The password comes back empty (it is never sent back); unless it is
    itself the field marked, the message says to type it again."""
    form = testapp.get("/signup").forms["signup"]
    for name, value in {"first_name": "Ann", "last_name": "Lee", "email": "not-an-email",
                        "password": "long enough pw"}.items():
        form[name] = value
    page = form.submit(status=400)
    assert not page.html.find("input", id="password").get("value")
    assert page.html.find(role="alert").text == (
        "Please correct the fields marked below, and type your password again.")
    form = page.forms["signup"]
    form["email"], form["password"] = "ann@example.com", "short"
    assert form.submit(status=400).html.find(role="alert").text == (
        "Please correct the fields marked below.")


def test_sign_up_refuses_bad_input_and_leaves_the_database_alone(testapp, dbsession, user):
    count = dbsession.execute(select(func.count(User.id))).scalar_one()
    cases = {
        "email": {"first_name": "A", "last_name": "B", "email": "not-an-email",
                  "password": "long enough pw"},
        "password": {"first_name": "A", "last_name": "B", "email": "a@example.com",
                     "password": "short"},
        "first_name": {"first_name": " ", "last_name": "B", "email": "b@example.com",
                       "password": "long enough pw"},
    }
    for field, values in cases.items():
        form = testapp.get("/signup").forms["signup"]
        for name, value in values.items():
            form[name] = value
        response = form.submit(status=400)
        assert response.html.find(id=field)["aria-invalid"] == "true"
    form = testapp.get("/signup").forms["signup"]
    for name, value in {"first_name": "A", "last_name": "B", "email": user.email.upper(),
                        "password": "long enough pw"}.items():
        form[name] = value
    assert "cannot be used" in form.submit(status=400).text
    dbsession.expire_all()
    assert dbsession.execute(select(func.count(User.id))).scalar_one() == count


@pytest.mark.parametrize("field, value, message", [
    ("first_name", "", "Enter your first name."),
    ("first_name", "   ", "Enter your first name."),
    ("last_name", "", "Enter your last name."),
    ("last_name", "x" * 101, "Use at most 100 characters."),
    ("email", "", "Enter your email address."),
    ("email", "not-an-email", "Enter an email address, like name@example.com."),
    ("email", "a" * 250 + "@example.com", "Use at most 254 characters."),
    ("password", "", "Choose a password."),
    ("first_name", "Ann\x07", "Remove the control characters."),
])
def test_sign_up_says_what_to_fix_in_one_plain_sentence(testapp, field, value, message):
    form = testapp.get("/signup").forms["signup"]
    values = {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com",
              "password": "long enough pw", field: value}
    for name, text in values.items():
        form[name] = text
    page = form.submit(status=400)
    errors = {e.find_previous("input")["name"]: e.text
              for e in page.html.find_all(class_="field-error")}
    assert errors == {field: message}
    assert field_error(page, field) == message


@pytest.mark.parametrize("password,message", [
    ("          ", "A password cannot be only spaces."),
    ("aaaaaaaaaa", "A password cannot be one character repeated."),
    ("Casey.Jones@Example.com", "A password cannot be your email address or the part before the @."),
    (" casey.jones ", "A password cannot be your email address or the part before the @."),
    ("Password123", "This is one of the most common passwords; choose another."),
    ("1234567890", "This is one of the most common passwords; choose another."),
    ("short", "Use at least 10 characters."),
])
def test_sign_up_refuses_weak_passwords(testapp, dbsession, password, message):
    """NIST SP 800-63B §5.1.1.2: context-specific words, repetition and
    common passwords are refused, with the reason beside the field."""
    form = testapp.get("/signup").forms["signup"]
    for name, value in {"first_name": "Casey", "last_name": "Jones",
                        "email": "casey.jones@example.com", "password": password}.items():
        form[name] = value
    response = form.submit(status=400)
    assert response.html.find(id="password")["aria-invalid"] == "true"
    assert response.html.find(class_="field-error").text == message
    dbsession.expire_all()
    assert dbsession.execute(
        select(User).where(User.email == "casey.jones@example.com")).first() is None


def test_sign_up_shows_a_weak_password_beside_other_errors(testapp):
    form = testapp.get("/signup").forms["signup"]
    for name, value in {"first_name": "Casey", "last_name": "Jones",
                        "email": "not-an-email", "password": "aaaaaaaaaa"}.items():
        form[name] = value
    response = form.submit(status=400)
    for field in ("email", "password"):
        assert response.html.find(id=field)["aria-invalid"] == "true"


@pytest.mark.parametrize("password", ["casey.jones and more", "a long enough password",
                                      "Tr0ub4dor&3x"])
def test_password_problem_allows_what_is_not_weak(password):
    assert password_problem(password, "casey.jones@example.com") is None


def test_common_password_list_ships_with_the_package():
    common = common_passwords()
    assert len(common) >= 100
    assert all(len(p) >= 10 and p == p.lower() for p in common)


def test_signed_up_user_can_authorize_an_application(testapp, dbsession):
    form = testapp.get("/signup").forms["signup"]
    for name, value in {"first_name": "N", "last_name": "U", "email": "new@example.com",
                        "password": "long enough pw"}.items():
        form[name] = value
    form.submit(status=302)
    application, secret = factories.make_application()
    user = dbsession.execute(select(User).where(User.email == "new@example.com")).scalar_one()
    flow = Flow(testapp, application, secret, user)
    assert flow.tokens()["token_type"] == "bearer"


def test_unknown_email_costs_one_password_verification(testapp, user, app, monkeypatch):
    """So response time does not tell an unknown email from a wrong password."""
    calls = []
    hasher = factories.FAST_HASHER
    real_verify = type(hasher).verify

    def counting_verify(self, password_hash, password):
        calls.append(password_hash)
        return real_verify(self, password_hash, password)

    monkeypatch.setattr(type(hasher), "verify", counting_verify)
    submit_sign_in(testapp, "nobody@example.com", "wrong", status=400)
    submit_sign_in(testapp, user.email, "wrong", status=400)
    assert len(calls) == 2 and calls[0].startswith("$argon2id$")


def test_forms_work_over_https_when_the_browser_posts_origin_null(testapp, user):
    """Under Referrer-Policy: no-referrer a browser posts ``Origin: null``
    and no Referer; the CSRF token alone must carry the form."""
    testapp.extra_environ["wsgi.url_scheme"] = "https"
    page = testapp.get("/signin")
    form = page.forms["signin"]
    form["email"] = user.email
    form["password"] = factories.DEFAULT_PASSWORD
    form.submit(headers={"Origin": "null"}, status=302)
    assert session_of(testapp)["user_id"] == user.id
    testapp.post("/signout", {"csrf_token": "forged"}, headers={"Origin": "null"}, status=400)


def test_sign_in_page_names_the_application_asking(flow, testapp):
    page = testapp.get(authorization_url(flow.application.client_id)).follow()
    assert f"continue to {flow.application.name}" in page.html.find(class_="lead").text
    page = testapp.get("/signin?next=%2Foauth%2Fauthorization%3Fclient_id%3Dunknown")
    assert "Welcome back" in page.html.find(class_="lead").text


@pytest.mark.parametrize("blank", ["\u200b", "\ufeff\u2060", " \u00ad "])
def test_a_sign_up_name_of_only_invisible_characters_is_asked_for_again(testapp, dbsession,
                                                                        blank):
    """The sign-up form's "blank" is the API's (seatshare.text)."""
    form = testapp.get("/signup").forms["signup"]
    for name, value in {"first_name": blank, "last_name": "\u200bJones\u200b",
                        "email": "invisible@example.com",
                        "password": "a long enough password"}.items():
        form[name] = value
    page = form.submit(status=400)
    assert field_error(page, "first_name") == "Enter your first name."
    assert dbsession.scalar(select(func.count()).select_from(User)) == 0
    form = page.forms["signup"]
    form["first_name"], form["password"] = "\u2060Casey ", "a long enough password"
    form.submit(status=302)
    user = dbsession.scalar(select(User).where(User.email == "invisible@example.com"))
    assert (user.first_name, user.last_name) == ("Casey", "Jones")
