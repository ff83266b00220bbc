"""The OAuth endpoints' answers, checked against the OpenAPI document as
every /api/ answer is (the ``testapp`` fixture of tests/api/conftest.py):
a client reads the same document for both. Each test walks one endpoint
through its documented statuses as a client meets them."""
import pytest
import sqlalchemy as sa

from seatshare.oauth import views
from seatshare.oauth.server import SeatShareServer
from tests import factories

from ..oauth.conftest import REDIRECT_URI, Flow, authorization_url, basic
from .openapi_check import checker


@pytest.fixture
def flow(testapp, dbsession):
    application, secret = factories.make_application(redirect_uris=[REDIRECT_URI])
    return Flow(testapp, application, secret, factories.make_user())


def test_authorization_endpoint_answers_as_documented(flow, testapp):
    client_id = flow.application.client_id
    assert testapp.get(authorization_url(client_id)).status_int == 302  # to the sign-in page
    assert flow.sign_in().status_int == 302
    consent = testapp.get(authorization_url(client_id, state="s"))
    assert consent.status_int == 200
    assert consent.forms["consent"].submit("decision", value="deny").status_int == 302
    assert "code" in flow.approve(state="s")  # the consent form's 302 with a code
    assert "code" in flow.approve(state="s")  # a remembered approval's 302
    testapp.get(authorization_url("unknown"), status=400)
    testapp.post(authorization_url(client_id), {"csrf_token": "stale", "decision": "approve"},
                 status=400)


def test_token_endpoint_answers_as_documented(flow, testapp):
    assert flow.sign_in().status_int == 302
    tokens = flow.exchange(flow.code()).json
    flow.refresh(tokens["refresh_token"])
    flow.exchange("no-such-code", status=400)
    flow.exchange(flow.code(), status=401, client_secret="wrong")
    testapp.get("/oauth/token", flow.token_params(flow.code()), status=200)
    testapp.post("/oauth/token", {"grant_type": "password"},
                 headers=basic(flow.application.client_id, flow.secret), status=400)


def test_revocation_endpoint_answers_as_documented(flow, testapp):
    assert flow.sign_in().status_int == 302
    token = flow.tokens()["access_token"]
    other, other_secret = factories.make_application()
    testapp.post("/oauth/revoke", {"token": token},
                 headers=basic(other.client_id, other_secret), status=400)
    testapp.post("/oauth/revoke", {"token": token},
                 headers=basic(flow.application.client_id, "wrong"), status=401)
    testapp.post("/oauth/revoke", {"token": token},
                 headers=basic(flow.application.client_id, flow.secret), status=200)


def test_introspection_endpoint_answers_as_documented(flow, testapp):
    assert flow.sign_in().status_int == 302
    token = flow.tokens()["access_token"]
    credentials = basic(flow.application.client_id, flow.secret)
    assert testapp.post("/oauth/introspect", {"token": token}, headers=credentials).json["active"]
    testapp.post("/oauth/introspect", {}, headers=credentials, status=400)
    testapp.post("/oauth/introspect", {"token": token},
                 headers=basic(flow.application.client_id, "wrong"), status=401)


def test_checker_sees_the_oauth_endpoints():
    # A sanity check of the checker itself: these are operations it checks.
    for path in ("/oauth/authorization", "/oauth/token", "/oauth/revoke", "/oauth/introspect"):
        assert checker().template_for(path) == path


def unexpected_error(*args, **kwargs):
    raise RuntimeError("a bug")


def database_gone(*args, **kwargs):
    raise sa.exc.OperationalError("SELECT ...", {}, Exception("connection refused"))


# Where each endpoint's work starts: the error is raised there.
FAILING_STEP = {
    ("POST", "/oauth/token"): (views, "form_body"),
    ("GET", "/oauth/token"): (views, "form_body"),
    ("POST", "/oauth/revoke"): (views, "form_body"),
    ("POST", "/oauth/introspect"): (views, "form_body"),
    ("GET", "/oauth/authorization"): (views, "validate_authorization"),
    ("POST", "/oauth/authorization"): (views, "validate_authorization"),
    ("GET", "/.well-known/oauth-authorization-server"): (SeatShareServer, "metadata"),
}


SERVER_ERROR_CASES = [
    (method, path, failure)
    for method, path in sorted(FAILING_STEP)
    for failure in (unexpected_error, database_gone)
    # The metadata is built from the settings alone: it never reads the database.
    if not (path.startswith("/.well-known/") and failure is database_gone)
]


@pytest.mark.parametrize(("method", "path", "failure"), SERVER_ERROR_CASES,
                         ids=[f"{m} {p} {f.__name__}" for m, p, f in SERVER_ERROR_CASES])
def test_server_errors_answer_as_documented(flow, testapp, monkeypatch, method, path, failure):
    """A bug (500) or a database out of reach (503, with Retry-After) on any
    OAuth endpoint: documented, in the media type it is sent in."""
    expected = 500 if failure is unexpected_error else 503
    if path == "/oauth/authorization":
        assert flow.sign_in().status_int == 302
        consent = flow.consent_page()
        monkeypatch.setattr(*FAILING_STEP[(method, path)], failure)
        if method == "GET":
            testapp.get(consent.request.url, status=expected)
        else:
            consent.forms["consent"].submit("decision", value="approve", status=expected)
        return
    monkeypatch.setattr(*FAILING_STEP[(method, path)], failure)
    testapp.request(path, method=method, status=expected)
