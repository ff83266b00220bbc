"""A reviewer's checks of API.md against the running app, one test per clause
that the other suites left open."""
import pytest

API = "/api/v1"
CHALLENGE = 'Bearer realm="seatshare"'


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNzd29yZA==", "Bearer", "Bearer   ", "Digest x"])
def test_401_without_a_bearer_token_sends_the_plain_challenge(testapp, world, header):
    """§1: ``error="invalid_token"`` only "when a token was sent"; another
    scheme, or the word Bearer alone, sends none (RFC 6750 §3.1)."""
    res = testapp.get(f"{API}/users/me", headers={"Authorization": header}, status=401)
    assert res.headers["WWW-Authenticate"] == CHALLENGE
    assert res.json["code"] == 401


@pytest.mark.parametrize("header", ["Bearer not-a-live-token", "bearer x y", "Bearer a;"])
def test_401_with_a_bearer_token_that_is_no_good_says_invalid_token(testapp, world, header):
    res = testapp.get(f"{API}/users/me", headers={"Authorization": header}, status=401)
    assert res.headers["WWW-Authenticate"] == CHALLENGE + ', error="invalid_token"'
