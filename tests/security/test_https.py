"""Serving over HTTPS. Strict-Transport-Security (RFC 6797): with
``seatshare.hsts_max_age``, every response served over HTTPS, pages, API and
errors alike, tells the browser to come back over HTTPS only; never a
response over plain HTTP. With ``seatshare.session_secure``, the session
cookie is a ``__Host-`` cookie (RFC 6265bis §4.1.3.2)."""
import pytest
from pyramid.exceptions import ConfigurationError
from waitress.proxy_headers import proxy_headers_middleware

from seatshare import main
from seatshare.settings import DEFAULTS
from tests import factories

from ..oauth.conftest import authorization_url

YEAR = "31536000"


APP_OVERRIDES = {"seatshare.hsts_max_age": YEAR, "seatshare.session_secure": "true"}


@pytest.fixture
def client(make_client):
    """A client requesting over ``scheme``."""
    return lambda scheme: make_client(**{"wsgi.url_scheme": scheme})


def responses(client):
    application, _ = factories.make_application()
    token = factories.make_token()[1]
    return [
        client.get("/signin"),
        client.get("/nowhere", status=404),
        client.get(authorization_url(application.client_id)),
        client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}),
        client.get("/api/v1/users/me", status=401),
        client.post("/oauth/token", {"grant_type": "nope"}, status=(400, 401)),
        client.get("/healthz"),
    ]


def test_every_https_response_carries_it(client):
    for response in responses(client("https")):
        assert response.headers["Strict-Transport-Security"] == f"max-age={YEAR}", response


def test_no_plain_http_response_carries_it(client):
    for response in responses(client("http")):
        assert "Strict-Transport-Security" not in response.headers, response


def test_the_scheme_comes_from_the_trusted_proxy(make_client, configured_app):
    """As production.ini serves it: X-Forwarded-Proto from the proxy it trusts."""
    proxied = make_client(proxy_headers_middleware(
        configured_app, trusted_proxy="127.0.0.1", trusted_proxy_headers={"x-forwarded-proto"}),
        REMOTE_ADDR="127.0.0.1")
    secure = proxied.get("/signin", headers={"X-Forwarded-Proto": "https"})
    assert secure.headers["Strict-Transport-Security"] == f"max-age={YEAR}"
    assert "Strict-Transport-Security" not in proxied.get("/signin").headers


def test_off_by_default(testapp):
    assert DEFAULTS["seatshare.hsts_max_age"] == "0"
    response = testapp.get("/signin", extra_environ={"wsgi.url_scheme": "https"})
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("value", ["-1", "a year", "1.5", "", "²", "３６００"])
def test_a_bad_value_refuses_to_start(app_settings, value):
    with pytest.raises(ConfigurationError, match="seatshare.hsts_max_age"):
        main({}, **{**app_settings, "seatshare.hsts_max_age": value})



def test_a_secure_session_cookie_is_a_host_cookie(client):
    browser = client("https")
    user = factories.make_user()
    form = browser.get("/signin").forms["signin"]
    assert set(browser.cookies) == {"__Host-seatshare_session"}
    form["email"] = user.email
    form["password"] = factories.DEFAULT_PASSWORD
    signed_in = form.submit(status=302)
    header = signed_in.headers["Set-Cookie"]
    assert header.startswith("__Host-seatshare_session=")
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert {"secure", "path", "httponly", "samesite"} <= attributes
    assert "domain" not in attributes and "; Path=/;" in header
    assert "You are signed in" in browser.get("/signin").text


def test_without_https_the_cookie_keeps_its_plain_name(testapp):
    testapp.get("/signin")
    assert set(testapp.cookies) == {"seatshare_session"}
