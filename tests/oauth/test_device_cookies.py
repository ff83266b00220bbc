"""Device cookies (OWASP's "Slow Down Online Guessing Attacks with Device
Cookies"): a browser that has signed in to an account is not locked out of
it by anyone else's failed sign-ins; its own failures lock out only itself.
Every other browser is throttled as before, per account and per address."""
import hashlib
import hmac

import pytest
from pyramid.exceptions import ConfigurationError
from sqlalchemy import select
from webtest import TestApp

from seatshare import main
from seatshare.models import SignInAttempt
from tests import factories

from .conftest import Flow
from .test_browser_sessions import sign_out
from .test_password_change import NEW_PASSWORD, change
from .test_password_reset import ask, choose, mailed_link
from .test_signin import stored_key, submit_sign_in, submit_sign_up

COOKIE = "seatshare_device"
APP_OVERRIDES = {"seatshare.session_secure": "true"}


def browser_at(app, address):
    """A browser of its own (its own cookie jar) at ``address``."""
    return TestApp(app, extra_environ={"HTTP_HOST": "example.com", "REMOTE_ADDR": address})


def lock_out(app, email, address="198.51.100.66", failures=5):
    """Someone else, at another address, types wrong passwords for ``email``
    until its untrusted sign-ins are refused."""
    attacker = browser_at(app, address)
    for _ in range(failures):
        submit_sign_in(attacker, email, "wrong guess", status=400)
    submit_sign_in(attacker, email, factories.DEFAULT_PASSWORD, status=429)
    return attacker


def trusted_browser(app, user, address="192.0.2.10"):
    """The user's own browser: it signed in once (and out again since)."""
    own = browser_at(app, address)
    submit_sign_in(own, user.email, factories.DEFAULT_PASSWORD, status=302)
    sign_out(own)
    assert COOKIE in own.cookies
    return own


def stored_keys(dbsession):
    return list(dbsession.execute(select(SignInAttempt.key)).scalars())


def nonce_of(testapp):
    return testapp.cookies[COOKIE].strip('"').split(".")[0]


def test_signing_in_gives_the_browser_a_device_cookie(testapp, user):
    response = submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, status=302)
    [header] = [h for h in response.headers.getall("Set-Cookie") if h.startswith(COOKIE + "=")]
    attributes = {part.strip().split("=")[0].lower(): part.strip()
                  for part in header.split(";")[1:]}
    assert {"httponly", "samesite", "path", "max-age"} <= set(attributes)
    assert attributes["samesite"].lower() == "samesite=lax"
    assert attributes["path"] == "Path=/"
    assert attributes["max-age"] == "Max-Age=31536000"  # a year
    assert "secure" not in attributes  # plain HTTP in development
    value = testapp.cookies[COOKIE]
    assert user.email not in value and user.email.split("@")[0] not in value
    assert str(user.id) not in value.split(".")


def test_each_sign_in_gives_a_new_device_cookie(testapp, user):
    submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, status=302)
    first = testapp.cookies[COOKIE]
    sign_out(testapp)
    assert testapp.cookies[COOKIE] == first  # signing out keeps it
    submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, status=302)
    assert testapp.cookies[COOKIE] != first


def test_signing_up_gives_a_device_cookie(testapp):
    assert submit_sign_up(testapp, "casey@example.com").status_int == 302
    assert COOKIE in testapp.cookies


def test_others_failures_do_not_lock_out_a_browser_that_signed_in_before(app, testapp, user):
    own = trusted_browser(app, user)
    lock_out(app, user.email)
    # Any browser without the cookie is locked out, wherever it is...
    submit_sign_in(browser_at(app, "203.0.113.5"), user.email,
                   factories.DEFAULT_PASSWORD, status=429)
    # ... but the user's own browser still signs in.
    response = submit_sign_in(own, user.email, factories.DEFAULT_PASSWORD, status=302)
    assert "You are signed in" in response.follow().text


def test_a_trusted_browser_is_locked_out_after_its_own_failures(app, testapp, user, dbsession):
    own = trusted_browser(app, user)
    for _ in range(5):
        submit_sign_in(own, user.email, "wrong", status=400)
    locked = submit_sign_in(own, user.email, factories.DEFAULT_PASSWORD, status=429)
    assert 1 <= int(locked.headers["Retry-After"]) <= 900
    # Its failures count against its cookie, not the account (which keys
    # the same failures everywhere else) and not in clear.
    keys = stored_keys(dbsession)
    nonce = nonce_of(own)
    assert keys.count(stored_key(own, f"device:{nonce}")) == 5
    assert stored_key(own, f"account:{user.email}") not in keys
    assert not any(nonce in key for key in keys)
    # Browsers elsewhere are not locked out by it.
    submit_sign_in(browser_at(app, "203.0.113.5"), user.email,
                   factories.DEFAULT_PASSWORD, status=302)


def test_the_address_still_counts_for_a_trusted_browser(app, testapp, user):
    own = trusted_browser(app, user)
    neighbour = browser_at(app, "192.0.2.10")  # the same address
    for _ in range(5):
        submit_sign_in(neighbour, f"nobody{_}@example.com", "wrong", status=400)
    submit_sign_in(own, user.email, factories.DEFAULT_PASSWORD, status=429)


def test_a_device_cookie_for_one_account_gives_nothing_on_another(app, testapp, user):
    other = factories.make_user()
    own = trusted_browser(app, user)
    lock_out(app, other.email)
    submit_sign_in(own, other.email, factories.DEFAULT_PASSWORD, status=429)


def test_failures_on_another_account_count_against_that_account(app, testapp, user,
                                                                dbsession):
    other = factories.make_user()
    own = trusted_browser(app, user)
    submit_sign_in(own, other.email, "wrong", status=400)
    keys = stored_keys(dbsession)
    assert stored_key(own, f"account:{other.email}") in keys
    assert not any(key.startswith("device:") for key in keys)


def forged(user_id, nonce):
    """A cookie value made as SeatShare's are, but under another secret."""
    key = hmac.new(b"a guessed secret", b"seatshare device cookies", hashlib.sha256).digest()
    mac = hmac.new(key, f"{user_id}\n{nonce}".encode(), hashlib.sha256).hexdigest()
    return f"{nonce}.{mac}"


@pytest.mark.parametrize("mangle", [
    lambda value, user: value[:-1] + ("0" if value[-1] != "0" else "1"),  # MAC changed
    lambda value, user: ("A" if value[0] != "A" else "B") + value[1:],  # nonce changed
    lambda value, user: value.split(".")[0],  # MAC left off
    lambda value, user: "." + value.split(".")[1],  # nonce left off
    lambda value, user: value + "." + value,
    lambda value, user: value.upper(),
    lambda value, user: forged(user.id, value.split(".")[0]),
    lambda value, user: "",
    lambda value, user: "x" * 4000,
    lambda value, user: "caf\u00c3\u00a9",  # "café" in UTF-8
])
def test_a_tampered_or_forged_cookie_is_ignored(app, testapp, user, dbsession, mangle):
    own = trusted_browser(app, user)
    value = own.cookies[COOKIE].strip('"')
    own.set_cookie(COOKIE, mangle(value, user))
    submit_sign_in(own, user.email, "wrong", status=400)
    assert stored_key(own, f"account:{user.email}") in stored_keys(dbsession)
    lock_out(app, user.email, failures=4)
    submit_sign_in(own, user.email, factories.DEFAULT_PASSWORD, status=429)


def test_untrusted_browsers_are_throttled_as_before(app, testapp, user, dbsession):
    stranger = browser_at(app, "203.0.113.5")
    for _ in range(5):
        submit_sign_in(stranger, user.email, "wrong", status=400)
    submit_sign_in(stranger, user.email, factories.DEFAULT_PASSWORD, status=429)
    keys = stored_keys(dbsession)
    assert keys.count(stored_key(stranger, f"account:{user.email}")) == 5
    assert not any(key.startswith("device:") for key in keys)


def test_changing_the_password_is_not_blocked_by_others_failures(app, signed_in_flow,
                                                                 testapp):
    lock_out(app, signed_in_flow.user.email)
    response = change(testapp, status=302)
    assert "Your password has been changed" in response.follow().text


def test_a_wrong_current_password_locks_out_only_this_browser(app, signed_in_flow, testapp,
                                                             dbsession):
    user = signed_in_flow.user
    for _ in range(5):
        change(testapp, current="wrong password", status=400)
    change(testapp, status=429)
    keys = stored_keys(dbsession)
    assert keys.count(stored_key(testapp, f"device:{nonce_of(testapp)}")) == 5
    assert stored_key(testapp, f"account:{user.email}") not in keys
    submit_sign_in(browser_at(app, "203.0.113.5"), user.email,
                   factories.DEFAULT_PASSWORD, status=302)


def test_changing_the_password_gives_a_new_device_cookie(signed_in_flow, testapp):
    before = testapp.cookies[COOKIE]
    change(testapp, status=302)
    assert testapp.cookies[COOKIE] != before


def test_a_reset_link_signs_in_with_a_device_cookie(app, testapp, user, outbox):
    ask(testapp, user.email)
    choose(testapp, mailed_link(outbox))
    assert COOKIE in testapp.cookies
    sign_out(testapp)
    lock_out(app, user.email)
    submit_sign_in(testapp, user.email, NEW_PASSWORD, status=302)


def test_others_asking_for_links_do_not_use_up_a_trusted_browsers(app, testapp, user,
                                                                  outbox, dbsession):
    own = trusted_browser(app, user)
    for number in range(5):
        ask(browser_at(app, f"198.51.100.{number + 1}"), user.email)
    ask(browser_at(app, "203.0.113.5"), user.email, status=429)
    assert len(outbox) == 5
    ask(own, user.email)
    assert len(outbox) == 6
    assert stored_key(own, f"reset-device:{nonce_of(own)}") in stored_keys(dbsession)


def test_a_trusted_browser_asking_for_links_is_limited_too(app, testapp, user, outbox):
    own = trusted_browser(app, user)
    for number in range(5):
        ask(own, user.email)
        own.extra_environ["REMOTE_ADDR"] = f"198.51.100.{number + 1}"
    ask(own, user.email, status=429)
    assert len(outbox) == 5
    # Its requests count against it, not against the mailbox.
    ask(browser_at(app, "203.0.113.5"), user.email)


def test_a_secure_device_cookie_is_a_host_cookie(make_client):
    user = factories.make_user()
    browser = make_client(**{"wsgi.url_scheme": "https"})
    response = Flow(browser, None, None, user).sign_in()
    [header] = [h for h in response.headers.getall("Set-Cookie")
                if h.startswith("__Host-seatshare_device=")]
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert {"secure", "httponly", "samesite", "path"} <= attributes
    assert "domain" not in attributes and "; Path=/;" in header
    assert "__Host-seatshare_device" in browser.cookies


def test_the_lifetime_comes_from_the_settings(app, testapp, user, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "seatshare.device_cookie_max_age", "86400")
    response = submit_sign_in(testapp, user.email, factories.DEFAULT_PASSWORD, status=302)
    [header] = [h for h in response.headers.getall("Set-Cookie") if h.startswith(COOKIE + "=")]
    assert "Max-Age=86400" in header


@pytest.mark.parametrize("value", ["0", "-1", "a year", "1.5", ""])
def test_a_bad_lifetime_refuses_to_start(app_settings, value):
    with pytest.raises(ConfigurationError, match="seatshare.device_cookie_max_age"):
        main({}, **{**app_settings, "seatshare.device_cookie_max_age": value})


def test_a_device_cookie_from_before_a_password_change_is_no_longer_trusted(
        app, testapp, user, outbox):
    """Whoever signed in with the old password (the reason to change it)
    kept a device cookie, each one its own budget of guesses beside the
    account's: after the change it counts as no cookie at all."""
    thief = trusted_browser(app, user, address="198.51.100.200")
    ask(testapp, user.email)
    choose(testapp, mailed_link(outbox))
    lock_out(app, user.email)
    submit_sign_in(thief, user.email, "a guess at the new one", status=429)


def test_the_device_cookie_a_password_change_gives_is_trusted(app, signed_in_flow, testapp):
    change(testapp, status=302)
    sign_out(testapp)
    lock_out(app, signed_in_flow.user.email)
    submit_sign_in(testapp, signed_in_flow.user.email, NEW_PASSWORD, status=302)
