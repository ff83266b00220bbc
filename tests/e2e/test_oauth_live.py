"""The OAuth flow over real HTTP: a client no one here wrote (requests-oauthlib),
the seed's literal steps, and two exchanges of one code racing each other."""
import threading
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from requests_oauthlib import OAuth2Session

from .conftest import HEX64, PASSWORD, forms_of

pytestmark = pytest.mark.live


def sign_in_and_approve(browser, base_url, authorization_url, email):
    """What a person does in the browser: sign in, then press Approve.
    Returns the redirect back to the client (not followed)."""
    response = browser.get(authorization_url)
    assert response.status_code == 200 and urlsplit(response.url).path == "/signin"
    action, fields = forms_of(response.text)["signin"]
    fields.update(email=email, password=PASSWORD)
    response = browser.post(urljoin(base_url, action), data=fields)
    # Back to the same authorization request, now showing the consent page.
    assert response.url == authorization_url
    assert "Courtside Companion" in response.text
    action, fields = forms_of(response.text)["consent"]
    assert fields["decision"] == ["deny", "approve"]
    fields["decision"] = "approve"
    response = browser.post(urljoin(base_url, action), data=fields, allow_redirects=False)
    assert response.status_code == 302
    return response.headers["Location"]


def test_requests_oauthlib_client(live_server, live_user, live_client, monkeypatch):
    # requests-oauthlib insists on HTTPS; the loopback server speaks HTTP.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    base = live_server.url
    token_url = base + "/oauth/token"
    oauth = OAuth2Session(
        live_client.client_id,
        redirect_uri=live_client.redirect_uri,
        scope=["read", "write"],
        pkce="S256",
    )
    authorization_url, state = oauth.authorization_url(base + "/oauth/authorization")

    with requests.Session() as browser:
        callback = sign_in_and_approve(browser, base, authorization_url, live_user.email)
    assert callback.startswith(live_client.redirect_uri + "?")
    assert parse_qs(urlsplit(callback).query)["state"] == [state]

    token = oauth.fetch_token(
        token_url, authorization_response=callback, client_secret=live_client.client_secret
    )
    assert HEX64.match(token["access_token"]) and HEX64.match(token["refresh_token"])
    assert token["token_type"] == "bearer" and token["expires_in"] == 7200
    assert token["scope"] == ["read", "write"]

    me = oauth.get(base + "/api/v1/users/me")
    assert me.status_code == 200 and me.json()["email"] == live_user.email

    old_refresh = token["refresh_token"]
    new = oauth.refresh_token(
        token_url, client_id=live_client.client_id, client_secret=live_client.client_secret
    )
    assert new["refresh_token"] != old_refresh
    assert oauth.get(base + "/api/v1/users/me").status_code == 200

    # The rotated refresh token, presented again, revokes the family.
    replay = requests.post(
        token_url,
        data={"grant_type": "refresh_token", "refresh_token": old_refresh},
        auth=(live_client.client_id, live_client.client_secret),
        timeout=10,
    )
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert oauth.get(base + "/api/v1/users/me").status_code == 401


def test_seed_literal_steps(live_server, live_user, live_client):
    base = live_server.url
    authorization_url = (
        f"{base}/oauth/authorization?client_id={live_client.client_id}"
        f"&redirect_uri={live_client.redirect_uri}&response_type=code"
    )
    with requests.Session() as browser:
        callback = sign_in_and_approve(browser, base, authorization_url, live_user.email)
    code = parse_qs(urlsplit(callback).query)["code"][0]

    response = requests.get(
        f"{base}/oauth/token?grant_type=authorization_code&code={code}"
        f"&redirect_uri={live_client.redirect_uri}&client_id={live_client.client_id}"
        f"&client_secret={live_client.client_secret}",
        timeout=10,
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "scope"}
    assert body["token_type"] == "bearer" and body["scope"] == "read write"

    me = requests.get(
        f"{base}/api/v1/users/me",
        headers={"Authorization": f"bearer {body['access_token']};"},
        timeout=10,
    )
    assert me.status_code == 200
    assert me.json()["id"] == live_user.id and "sms_notify" in me.json()


def live_code(live_server, live_user, live_client):
    authorization_url = (
        f"{live_server.url}/oauth/authorization?client_id={live_client.client_id}"
        f"&redirect_uri={live_client.redirect_uri}&response_type=code"
    )
    with requests.Session() as browser:
        callback = sign_in_and_approve(
            browser, live_server.url, authorization_url, live_user.email
        )
    return parse_qs(urlsplit(callback).query)["code"][0]


def post_twice_at_once(url, data, auth):
    """Two identical POSTs released together; their responses."""
    start = threading.Barrier(2)
    results = []

    def post():
        start.wait()
        results.append(requests.post(url, data=data, auth=auth, timeout=30))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_parallel_exchanges_of_one_code(live_server, live_user, live_client):
    base = live_server.url
    data = {"grant_type": "authorization_code",
            "code": live_code(live_server, live_user, live_client),
            "redirect_uri": live_client.redirect_uri}
    auth = (live_client.client_id, live_client.client_secret)
    results = post_twice_at_once(base + "/oauth/token", data, auth)

    assert sorted(r.status_code for r in results) == [200, 400]
    winner = next(r for r in results if r.status_code == 200).json()
    loser = next(r for r in results if r.status_code == 400).json()
    assert loser["error"] == "invalid_grant" and loser["code"] == 400
    # The loser revoked what the winner got.
    me = requests.get(base + "/api/v1/users/me",
                      headers={"Authorization": f"Bearer {winner['access_token']}"}, timeout=10)
    assert me.status_code == 401


def test_two_parallel_refreshes_of_one_refresh_token(live_server, live_user, live_client):
    base = live_server.url
    auth = (live_client.client_id, live_client.client_secret)
    first = requests.post(
        base + "/oauth/token",
        data={"grant_type": "authorization_code",
              "code": live_code(live_server, live_user, live_client),
              "redirect_uri": live_client.redirect_uri},
        auth=auth, timeout=10,
    ).json()
    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    results = post_twice_at_once(base + "/oauth/token", data, auth)

    assert sorted(r.status_code for r in results) == [200, 400]
    winner = next(r for r in results if r.status_code == 200).json()
    # A refresh token used twice leaked: the whole family is revoked.
    me = requests.get(base + "/api/v1/users/me",
                      headers={"Authorization": f"Bearer {winner['access_token']}"}, timeout=10)
    assert me.status_code == 401
