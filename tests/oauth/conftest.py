"""Helpers for driving the OAuth flow through webtest, as a browser and a client would."""
import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests import factories

REDIRECT_URI = "https://client.example.com/callback"


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.decode().rstrip("=")


def query_of(location):
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def authorization_url(client_id, redirect_uri=REDIRECT_URI, **params):
    query = {"client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code"}
    query.update(params)
    return "/oauth/authorization?" + urlencode(query)


def field_error(page, field):
    """The message a screen reader reads for ``field``: of the elements its
    ``aria-describedby`` names, the one shown beside it."""
    described = [page.html.find(id=name)
                 for name in page.html.find(id=field)["aria-describedby"].split()]
    [message] = [element for element in described if "field-error" in element["class"]]
    return message.text


def basic(client_id, secret):
    value = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {value}"}


class Flow:
    """One browser (testapp's cookie jar) and one client application."""

    def __init__(self, testapp, application, secret, user):
        self.testapp = testapp
        self.application = application
        self.secret = secret
        self.user = user

    def sign_in(self, password=factories.DEFAULT_PASSWORD, next_url=None):
        page = self.testapp.get("/signin" + (f"?next={next_url}" if next_url else ""))
        form = page.forms["signin"]
        form["email"] = self.user.email
        form["password"] = password
        return form.submit(expect_errors=True)

    def consent_page(self, **params):
        return self.testapp.get(authorization_url(self.application.client_id, **params))

    def approve(self, **params):
        """Signed in already: the consent page's Approve; the code and state."""
        page = self.consent_page(**params)
        if page.status_int == 302:
            return query_of(page.location)
        response = page.forms["consent"].submit("decision", value="approve")
        assert response.status_int == 302, response
        return query_of(response.location)

    def code(self, **params):
        return self.approve(**params)["code"]

    def token_params(self, code, **extra):
        params = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": self.application.client_id,
        }
        if self.secret:
            params["client_secret"] = self.secret
        params.update(extra)
        return {k: v for k, v in params.items() if v is not None}

    def exchange(self, code, status=200, **extra):
        return self.testapp.post(
            "/oauth/token", self.token_params(code, **extra), status=status
        )

    def refresh(self, refresh_token, status=200, **extra):
        params = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": self.application.client_id,
            "client_secret": self.secret,
            **extra,
        }
        return self.testapp.post(
            "/oauth/token", {k: v for k, v in params.items() if v is not None}, status=status
        )

    def tokens(self, **params):
        """Sign in (if needed), approve, exchange: the token response's JSON."""
        return self.exchange(self.code(**params)).json


@pytest.fixture
def user(dbsession):
    return factories.make_user()


@pytest.fixture
def flow(testapp, dbsession, user):
    application, secret = factories.make_application(redirect_uris=[REDIRECT_URI])
    flow = Flow(testapp, application, secret, user)
    return flow


@pytest.fixture
def signed_in_flow(flow):
    assert flow.sign_in().status_int == 302
    return flow


def api_me(testapp, access_token, status=200, scheme="Bearer", suffix=""):
    return testapp.get(
        "/api/v1/users/me",
        headers={"Authorization": f"{scheme} {access_token}{suffix}"},
        status=status,
    )
