"""The OAuth endpoints' answers, checked against the OpenAPI document as
every /api/ answer is (the ``testapp`` fixture of tests/api/conftest.py):
a client reads the same document for both. Each test walks one endpoint
through its documented statuses as a client meets them."""
import pytest

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
