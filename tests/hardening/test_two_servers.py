"""Two ``pserve`` processes against one PostgreSQL database, as operators run
SeatShare when one machine is not enough (several waitress processes behind a
load balancer, one PostgreSQL).

Nothing that matters lives in one process's memory: a token issued through
one server works on the other, a code exchanged on one is refused on the
other, and the sign-in rate limit counts failures made on both.
"""
import os
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import sqlalchemy as sa

from seatshare.models import meta
from seatshare.oauth.applications import register_application
from tests import factories as f
from tests.conftest import PG_ENV, create_database
from tests.e2e.conftest import forms_of
from tests.e2e.test_oauth_live import sign_in_and_approve

from .pgcluster import free_port

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not os.environ.get(PG_ENV),
        reason=f"two servers need one shared PostgreSQL database; set {PG_ENV}",
    ),
]

INI = """\
[app:main]
use = egg:seatshare
sqlalchemy.url = {url}
seatshare.session_secret = two-servers-session-secret
seatshare.calendar_secret = two-servers-calendar-secret
seatshare.password_hash_fast = true
seatshare.signin_max_failures = 4
mail.mailer = testing
mail.default_sender = SeatShare <no-reply@seatshare.invalid>

[server:main]
use = egg:waitress#main
listen = 127.0.0.1:{port}
threads = 4
"""


def pserve(ini_path, log_path):
    pserve_bin = os.path.join(os.path.dirname(sys.executable), "pserve")
    log = open(log_path, "wb")
    return subprocess.Popen([pserve_bin, ini_path], stdout=log, stderr=subprocess.STDOUT), log


def wait_until_up(url, process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            with open(log_path) as log:
                pytest.fail(f"pserve exited with {process.returncode}:\n{log.read()}")
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    pytest.fail(f"pserve did not answer on {url} within {timeout}s")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two-servers")
    url, drop = create_database("postgresql", str(folder))
    engine = sa.create_engine(url)
    meta.metadata.create_all(engine)
    engine.dispose()
    started = []
    try:
        for name in ("a", "b"):
            port = free_port()
            ini = folder / f"{name}.ini"
            ini.write_text(INI.format(url=url, port=port))
            process, log = pserve(str(ini), str(folder / f"{name}.log"))
            started.append((process, log))
            wait_until_up(f"http://127.0.0.1:{port}", process, str(folder / f"{name}.log"))
            started[-1] = (process, log, f"http://127.0.0.1:{port}")
        yield url, [entry[2] for entry in started]
    finally:
        for entry in started:
            process, log = entry[0], entry[1]
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
        drop()


@pytest.fixture(scope="module")
def shared(servers):
    """A user and a confidential application, committed to the shared database."""
    url, (a, b) = servers
    engine = sa.create_engine(url)
    with f.committed(engine) as session:
        # One user per test: an approval is remembered per user.
        users = [f.make_user() for _ in range(3)]
        app, secret = register_application(session, "Courtside Companion", [a + "/callback"])
    engine.dispose()
    return users, app.client_id, secret, a + "/callback"


def code_from(base, shared, user):
    _, client_id, _, redirect_uri = shared
    authorization_url = (f"{base}/oauth/authorization?client_id={client_id}"
                         f"&redirect_uri={redirect_uri}&response_type=code")
    with requests.Session() as browser:
        callback = sign_in_and_approve(browser, base, authorization_url, user.email)
    return parse_qs(urlsplit(callback).query)["code"][0]


def exchange(base, shared, code):
    _, client_id, secret, redirect_uri = shared
    return requests.post(base + "/oauth/token", timeout=10, auth=(client_id, secret), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri})


def test_a_token_issued_by_one_server_works_on_the_other(servers, shared):
    _, (a, b) = servers
    user = shared[0][0]
    tokens = exchange(a, shared, code_from(a, shared, user))
    assert tokens.status_code == 200
    headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    me = requests.get(b + "/api/v1/users/me", headers=headers, timeout=10)
    assert me.status_code == 200 and me.json()["id"] == user.id
    # And a refresh on the other server rotates it for both.
    _, client_id, secret, _ = shared
    refreshed = requests.post(b + "/oauth/token", auth=(client_id, secret), timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": tokens.json()["refresh_token"]})
    assert refreshed.status_code == 200
    new_headers = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
    assert requests.get(a + "/api/v1/users/me", headers=new_headers, timeout=10).status_code == 200


def test_a_code_exchanged_on_one_server_is_refused_on_the_other(servers, shared):
    _, (a, b) = servers
    code = code_from(b, shared, shared[0][1])
    first = exchange(a, shared, code)
    assert first.status_code == 200
    again = exchange(b, shared, code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    # The replay revoked what the first exchange issued, on both servers.
    headers = {"Authorization": f"Bearer {first.json()['access_token']}"}
    for base in (a, b):
        assert requests.get(base + "/api/v1/users/me", headers=headers, timeout=10).status_code == 401


def sign_in(base, email, password):
    with requests.Session() as browser:
        page = browser.get(base + "/signin", timeout=10)
        action, fields = forms_of(page.text)["signin"]
        fields.update(email=email, password=password)
        return browser.post(base + "/signin", data=fields, allow_redirects=False, timeout=10)


def test_the_sign_in_rate_limit_counts_attempts_on_both_servers(servers, shared):
    _, (a, b) = servers
    victim = shared[0][2]
    limit = 4  # seatshare.signin_max_failures in the generated ini
    for attempt in range(limit):
        assert sign_in((a, b)[attempt % 2], victim.email, "wrong").status_code == 400
    # Two failures on each server, four in all: both servers now refuse,
    # even the right password.
    for base in (a, b):
        res = sign_in(base, victim.email, f.DEFAULT_PASSWORD)
        assert res.status_code == 429
        assert int(res.headers["Retry-After"]) > 0
