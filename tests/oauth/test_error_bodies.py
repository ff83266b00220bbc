"""Every error of the token, revocation and introspection endpoints is RFC
6749 §5.2's body with the status as ``code`` (API.md §2), the statuses
oauthlib never answers with included: a wrong method (405), a bug (500) and
the database out of reach (503). A client library parses them as it parses
``invalid_grant``; the authorization endpoint, which a browser opens, keeps
its HTML pages."""
import re

import pytest
import sqlalchemy as sa
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.parameters import parse_token_response

from seatshare.oauth import views
from seatshare.openapi import document

from .conftest import authorization_url

ENDPOINTS = ("/oauth/token", "/oauth/revoke", "/oauth/introspect")


def assert_oauth_error(response, error, status):
    """RFC 6749 §5.2's members and ``code``, never cached, and what a client
    library makes of it: the error class of that name."""
    assert response.content_type == "application/json"
    assert response.json == {
        "error": error, "error_description": response.json["error_description"], "code": status,
    }
    # RFC 6749 §5.2: printable ASCII without '"' and '\'.
    assert re.fullmatch(r'[\x20\x21\x23-\x5b\x5d-\x7e]+', response.json["error_description"])
    assert response.headers["Cache-Control"] == "no-store"
    with pytest.raises(errors.OAuth2Error) as raised:
        parse_token_response(response.text)
    assert raised.value.error == error


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("PUT", "/oauth/token", "GET, POST"), ("DELETE", "/oauth/token", "GET, POST"),
    ("DELETE", "/oauth/revoke", "POST"), ("GET", "/oauth/revoke", "POST"),
    ("GET", "/oauth/introspect", "POST"), ("PATCH", "/oauth/introspect", "POST"),
])
def test_a_wrong_method_is_invalid_request_naming_the_methods_in_allow(testapp, method, path,
                                                                       allow):
    response = testapp.request(path, method=method, status=405)
    assert response.headers["Allow"] == allow
    assert_oauth_error(response, "invalid_request", 405)


def test_head_of_the_token_endpoint_is_the_same_405(testapp):
    head = testapp.head("/oauth/token", status=405)
    put = testapp.put("/oauth/token", status=405)
    assert head.headers["Allow"] == put.headers["Allow"] == "GET, POST"
    assert head.headers["Content-Type"] == put.headers["Content-Type"]
    assert head.headers["Cache-Control"] == "no-store"


def unexpected_error(*args, **kwargs):
    raise RuntimeError("a bug at db.internal:5432")


def database_gone(*args, **kwargs):
    raise sa.exc.OperationalError("SELECT ...", {}, Exception("connection refused"))


@pytest.mark.parametrize("path", ENDPOINTS)
def test_an_unexpected_error_is_server_error(testapp, monkeypatch, path):
    monkeypatch.setattr(views, "form_body", unexpected_error)
    response = testapp.post(path, {"grant_type": "authorization_code"}, status=500)
    assert_oauth_error(response, "server_error", 500)
    assert "db.internal" not in response.text and "RuntimeError" not in response.text


@pytest.mark.parametrize("path", ENDPOINTS)
def test_the_database_out_of_reach_is_temporarily_unavailable(testapp, monkeypatch, path):
    monkeypatch.setattr(views, "form_body", database_gone)
    response = testapp.post(path, {"grant_type": "authorization_code"}, status=503)
    assert response.headers["Retry-After"] == "5"
    assert_oauth_error(response, "temporarily_unavailable", 503)


def test_the_seed_get_of_the_token_endpoint_answers_the_same(testapp, monkeypatch):
    monkeypatch.setattr(views, "form_body", database_gone)
    response = testapp.get("/oauth/token?grant_type=authorization_code", status=503)
    assert_oauth_error(response, "temporarily_unavailable", 503)


def test_the_authorization_endpoint_keeps_its_pages(flow, testapp, monkeypatch):
    """A browser opens it: its 503 is the site's page, not a body for a program."""
    monkeypatch.setattr(views, "validate_authorization", database_gone)
    response = testapp.get(authorization_url(flow.application.client_id), status=503)
    assert response.content_type == "text/html"
    assert response.headers["Retry-After"] == "5"
    assert testapp.put("/oauth/authorization", status=405).content_type == "text/html"


@pytest.mark.parametrize("path", [
    "/oauth/token/", "/oauth/token/x", "/oauth//token", "/oauth/tokens", "/oauth/revoke/",
    "/oauth/introspect/x", "/oauth/", "/oauth", "/.well-known/oauth-authorization-server/",
    "/.well-known/openid-configuration",
])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_near_miss_of_an_endpoint_is_a_json_404_naming_the_endpoints(flow, testapp, path,
                                                                      method):
    """API.md §1: an unknown route is a 404. Traversal served /oauth/token/
    and /oauth/token/x as the token endpoint (a subpath, and empty segments,
    were ignored), and /oauth/tokens was the HTML page a person gets; a
    program calling them reads JSON. The contract's 404 body, with RFC 6749
    §5.2's error_description too, which OAuth client libraries show."""
    params = {"grant_type": "authorization_code", "code": "x" * 64,
              "client_id": flow.application.client_id, "client_secret": flow.secret}
    response = testapp.request(path, method=method, status=404,
                               **({"POST": params} if method == "POST" else {}))
    assert response.content_type == "application/json"
    body = response.json
    assert (body["error"], body["code"]) == ("Not Found", 404)
    assert body["error_detail"] == body["error_description"]
    assert "/oauth/token," in body["error_description"]
    with pytest.raises(errors.OAuth2Error) as raised:
        parse_token_response(response.text)
    assert raised.value.description == body["error_description"]


def test_a_near_miss_names_every_endpoint_the_openapi_document_lists(testapp):
    """The list comes from the path tables (``paths.PROGRAM_PATHS``), not
    typed out again: an endpoint added there is named here too."""
    described = {path for path in document()["paths"]
                 if path.split("/")[1] in ("oauth", ".well-known")}
    named = testapp.get("/oauth/tokens", status=404).json["error_description"]
    assert described and all(f"{path}," in named or f"{path} " in named for path in described)


def test_a_browser_at_a_near_miss_gets_the_page(testapp):
    response = testapp.get("/oauth/authorization/", status=404,
                           headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.content_type == "text/html"
