"""Host header injection (OWASP; RFC 8414 §3.3).

Redirect Locations and the OAuth metadata's issuer are built from the
request's host. With ``seatshare.allowed_hosts`` set, a request for any other
host is a 400 before anything runs, so no Location or issuer names a forged
host; /healthz answers any host for the load balancer. Unset, any host is
served (development, the rest of the tests).
"""
import logging

import pytest
from pyramid.exceptions import ConfigurationError
from waitress.proxy_headers import proxy_headers_middleware

from seatshare import main
from seatshare.settings import apply_environment
from tests import factories

from ..oauth.conftest import authorization_url

ALLOWED = "SeatShare.example.com localhost:6606 [::1]:6606"
METADATA = "/.well-known/oauth-authorization-server"


APP_OVERRIDES = {"seatshare.allowed_hosts": ALLOWED}


@pytest.fixture
def client(make_client):
    """A client sending ``Host: host``, on the app that allows only ALLOWED."""
    return lambda host, *app: make_client(*app, HTTP_HOST=host)


def test_without_the_setting_any_host_is_served(testapp):
    testapp.extra_environ["HTTP_HOST"] = "evil.example"
    assert testapp.get(METADATA).json["issuer"] == "http://evil.example"


@pytest.mark.parametrize("host", ["evil.example", "seatshare.example.com.evil.example",
                                  "localhost", "localhost:6607", "[::1]", "a/b", ""])
def test_a_host_not_listed_gets_a_400_without_a_location(client, host):
    application, _ = factories.make_application()
    client = client(host)
    for path in (authorization_url(application.client_id), METADATA, "/signin?next=/x", "/nowhere"):
        response = client.get(path, status=400)
        assert response.content_type == "text/plain"
        assert "does not answer for that host" in response.text
        assert "Location" not in response.headers
    client.post("/signin", {"email": "a@example.com"}, status=400)


def test_a_host_not_listed_gets_the_json_error_on_the_api(client):
    response = client("evil.example").get("/api/v1/users/me", status=400)
    assert response.json == {
        "error": "Bad Request",
        "error_detail": "This server does not answer for that host.",
        "code": 400,
    }


@pytest.mark.parametrize("path", ["/oauth/token", "/oauth/revoke", "/oauth/introspect"])
def test_a_host_not_listed_gets_the_oauth_error_on_the_oauth_endpoints(client, path):
    """Their clients parse RFC 6749 §5.2's body (API.md §2), not a text."""
    response = client("evil.example").post(path, {"token": "x"}, status=400)
    assert response.json == {
        "error": "invalid_request",
        "error_description": "This server does not answer for that host.",
        "code": 400,
    }
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("host,issuer", [
    ("seatshare.example.com", "http://seatshare.example.com"),
    ("SEATSHARE.example.com.:8443", "http://SEATSHARE.example.com.:8443"),
    ("localhost:6606", "http://localhost:6606"),
    ("[::1]:6606", "http://[::1]:6606"),
])
def test_a_listed_host_is_served(client, host, issuer):
    """A name alone allows any port; a name with a port only that one."""
    application, _ = factories.make_application()
    assert client(host).get(METADATA).json["issuer"] == issuer
    location = client(host).get(authorization_url(application.client_id), status=302).location
    assert location.startswith(issuer + "/signin?next=")


def test_healthz_answers_any_host_for_the_load_balancer(client):
    assert client("10.0.0.5:6543").get("/healthz").json == {"status": "ok"}


def test_the_host_checked_is_the_one_the_trusted_proxy_forwards(client, configured_app):
    """waitress replaces Host with a trusted proxy's X-Forwarded-Host
    before the app sees it; that is what the URLs are built from."""
    proxied = proxy_headers_middleware(
        configured_app, trusted_proxy="127.0.0.1", trusted_proxy_headers={"x-forwarded-host"},
        logger=logging.getLogger(__name__))
    app = client("10.0.0.5:6543", proxied)
    app.extra_environ["REMOTE_ADDR"] = "127.0.0.1"
    forwarded = app.get(METADATA, headers={"X-Forwarded-Host": "seatshare.example.com"})
    assert forwarded.json["issuer"] == "http://seatshare.example.com"
    app.get(METADATA, headers={"X-Forwarded-Host": "evil.example"}, status=400)
    app.get(METADATA, status=400)  # the balancer's own address is not a public name


def test_the_environment_overrides_the_setting(app_settings):
    settings = apply_environment({**app_settings, "seatshare.allowed_hosts": "a.example"},
                                 {"SEATSHARE_ALLOWED_HOSTS": "b.example c.example:8443"})
    assert settings["seatshare.allowed_hosts"] == "b.example c.example:8443"


def test_a_malformed_entry_stops_the_server_from_starting(app_settings):
    with pytest.raises(ConfigurationError, match="evil/x"):
        main({}, **{**app_settings, "seatshare.allowed_hosts": "a.example evil/x"})
