"""Bad input on the OAuth endpoints and forms: a clear 400, never a 500."""
import pytest
from sqlalchemy import select

from seatshare.models import User
from seatshare.web.forms import NOT_TEXT
from tests import factories

from .conftest import authorization_url


@pytest.mark.parametrize("url", [
    "/oauth/token?grant_type=authorization_code&code=%ff&client_id=%ff&client_secret=x"
    "&redirect_uri=x",
    "/oauth/token?grant_type=refresh_token&refresh_token=%ff%fe&client_id=a&client_secret=b",
    "/oauth/token?grant_type=authorization_code&grant_type=refresh_token",
    "/oauth/authorization?client_id=%ff&response_type=code",
    "/oauth/authorization?client_id=a&client_id=b&response_type=code",
    "/oauth/authorization?client_id=%00&response_type=code&redirect_uri=%00",
])
def test_malformed_oauth_requests_are_400(testapp, url):
    assert testapp.get(url, status=400).status_int == 400


@pytest.mark.parametrize("extra", [
    "&state=%ff", "&scope=%ff", "&code_challenge=%ff&code_challenge_method=S256",
    "&state=%ff&state=x", "&&state=x&state=y",
])
def test_malformed_authorization_parameters_are_400(testapp, flow, extra):
    response = testapp.get(authorization_url(flow.application.client_id) + extra, status=400)
    assert "Location" not in response.headers


def test_oversized_code_without_a_client_is_invalid_client(testapp):
    url = "/oauth/token?grant_type=authorization_code&code=" + "a" * 5000
    assert testapp.get(url, status=401).json["error"] == "invalid_client"


@pytest.mark.parametrize("path", ["/signin", "/signup", "/oauth/token", "/oauth/revoke",
                                  "/oauth/introspect"])
def test_undecodable_form_bodies_are_400(testapp, path):
    testapp.get("/signin")
    testapp.post(path, b"\xff\xfe=\xff", content_type="application/x-www-form-urlencoded",
                 status=400)


@pytest.mark.parametrize("path,status", [("/signin", 400), ("/signup", 400),
                                         ("/oauth/token", 400), ("/oauth/revoke", 401),
                                         ("/oauth/introspect", 401)])
def test_escaped_garbage_in_form_bodies_is_refused(testapp, path, status):
    testapp.get("/signin")
    testapp.post(path, b"email=%ff&password=%fe&csrf_token=x&token=%ff",
                 content_type="application/x-www-form-urlencoded", status=status)


@pytest.mark.parametrize("url", ["/signin?next=%ff", "/signup?next=%ff%00"])
def test_undecodable_urls_are_400(testapp, url):
    testapp.get(url, status=400)


def test_nul_bytes_in_forms_are_400_on_every_database(testapp):
    testapp.get("/signin")
    form = testapp.get("/signin").forms["signin"]
    form["email"] = "a\x00@example.com"
    form["password"] = "whatever"
    form.submit(status=400)
    form = testapp.get("/signup").forms["signup"]
    for name, value in {"first_name": "A\x00", "last_name": "B\x00",
                        "email": "c\x00@example.com", "password": "long enough\x00"}.items():
        form[name] = value
    response = form.submit(status=400)
    for field in ("first_name", "last_name", "email"):
        assert response.html.find(id=field)["aria-invalid"] == "true"


def csrf_token_of(testapp, path="/signin"):
    return testapp.get(path).forms[0]["csrf_token"].value


def test_a_multipart_form_of_text_still_works(testapp, user):
    token = csrf_token_of(testapp)
    testapp.post("/signin", {"csrf_token": token, "email": user.email,
                             "password": factories.DEFAULT_PASSWORD},
                 content_type="multipart/form-data", status=302)


@pytest.mark.parametrize("field", ["email", "password"])
def test_a_file_for_a_sign_in_field_is_a_400_form(testapp, user, field):
    values = {"csrf_token": csrf_token_of(testapp), "email": user.email,
              "password": factories.DEFAULT_PASSWORD}
    del values[field]
    response = testapp.post("/signin", values, upload_files=[(field, "x.txt", b"x")],
                            status=400)
    assert response.html.find(class_="field-error", id=f"{field}-error").text == NOT_TEXT
    assert response.forms["signin"]


@pytest.mark.parametrize("field", ["first_name", "last_name", "email", "password"])
def test_a_file_for_a_sign_up_field_is_a_400_form(testapp, dbsession, field):
    values = {"csrf_token": csrf_token_of(testapp, "/signup"), "first_name": "Ada",
              "last_name": "Lovelace", "email": "ada@example.com",
              "password": "a long enough password"}
    del values[field]
    response = testapp.post("/signup", values, upload_files=[(field, "x.txt", b"x")],
                            status=400)
    assert response.html.find(id=field)["aria-invalid"] == "true"
    assert NOT_TEXT in response.text and "FieldStorage" not in response.text
    assert dbsession.execute(select(User).where(User.email == "ada@example.com")).first() is None


@pytest.mark.parametrize("path", ["/signin", "/signup", "/signout"])
def test_a_file_for_the_csrf_token_is_an_expired_form(testapp, path):
    token = csrf_token_of(testapp).encode()
    response = testapp.post(path, {"email": "a@example.com"},
                            upload_files=[("csrf_token", "token.txt", token)], status=400)
    assert "This form has expired" in response.text


def test_a_file_for_the_consent_forms_fields_is_refused(signed_in_flow, testapp, dbsession):
    page = signed_in_flow.consent_page()
    action, token = page.forms["consent"].action, page.forms["consent"]["csrf_token"].value
    response = testapp.post(action, {}, upload_files=[
        ("csrf_token", "token.txt", token.encode())], status=400)
    assert "This form has expired" in response.text
    response = testapp.post(action, {"csrf_token": token},
                            upload_files=[("decision", "d.txt", b"approve")], status=302)
    assert "error=access_denied" in response.location


@pytest.mark.parametrize("foreign", ['other="caf\xe9"', 'caf\xe9="x"', 'a="\xff\xfe"'])
def test_a_foreign_cookie_that_is_not_utf8_is_ignored(testapp, signed_in_flow, foreign):
    """A cookie another site of the domain set, quoted and not UTF-8: WebOb
    raised on it as any page read the session, a 500 on every page. It is
    ignored; the session cookie beside it still signs the user in."""
    session = f'seatshare_session={testapp.cookies["seatshare_session"]}'
    for cookie in (f"{foreign}; {session}", f"{session}; {foreign}"):
        page = testapp.get("/signin", headers={"Cookie": cookie}, status=200)
        assert "You are signed in" in page.text
    testapp.get("/signup", headers={"Cookie": foreign}, status=200)


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/oauth/token"), ("POST", "/oauth/token"),
    ("POST", "/oauth/revoke"), ("POST", "/oauth/introspect"),
])
def test_an_undecodable_url_on_the_oauth_endpoints_is_invalid_request(testapp, method, path):
    """API.md §2: their errors follow RFC 6749 §5.2 and carry "code", a URL
    that is not UTF-8 included: JSON a client can read, not a page."""
    res = testapp.request(f"{path}?grant_type=%ff", method=method, status=400)
    assert res.content_type == "application/json"
    assert res.json == {"error": "invalid_request", "code": 400,
                        "error_description": "The URL is not valid UTF-8."}
    assert res.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/oauth/token", "/oauth/revoke", "/oauth/introspect"])
def test_a_body_over_the_limit_on_the_oauth_endpoints_is_their_json_error(testapp, app, path):
    """API.md §2: their errors carry "code" in RFC 6749 §5.2's shape, a 413 too."""
    limit = int(app.registry.settings["seatshare.max_body_bytes"])
    res = testapp.post(path, b"x" * (limit + 1), status=413,
                       content_type="application/x-www-form-urlencoded")
    assert res.status == "413 Content Too Large"  # the phrase other 413s give
    assert res.content_type == "application/json"
    assert res.json == {"error": "invalid_request", "code": 413,
                        "error_description": f"The request body is larger than {limit} bytes."}
    assert res.headers["Cache-Control"] == "no-store"
