"""Bad input on the OAuth endpoints and forms: a clear 400, never a 500."""
import pytest

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
    "&response_type=code",
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
