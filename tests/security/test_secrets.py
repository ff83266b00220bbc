"""Secrets stay secret: not in the logs, not in the database in plain text.

Extends tests/oauth/test_applications.py::test_secrets_never_reach_the_logs
(the OAuth flow with the root logger at DEBUG) to the whole product: a
sign-up with a password, the OAuth flow (codes, access and refresh tokens,
rotation, revocation, introspection), API calls that mail a single-use
invitation code and hand out a calendar feed URL, with the root logger and
``sqlalchemy.engine`` at DEBUG so every SQL statement, its parameters and its
result rows are logged. No plain value appears in the captured logs, nor in
any text column of any table. Then the pages' own defences: security headers
on every kind of HTML page, and CSRF tokens on every form.
"""
import logging
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from seatshare.models import meta
from tests import factories as f
from tests.oauth.conftest import REDIRECT_URI, Flow, basic

PASSWORD = "a long sign-up passphrase 7421"


@pytest.fixture
def debug_logs(caplog):
    """Everything logged at DEBUG, SQL parameters and rows included. Requested
    before ``testapp`` so the test's connection is made with logging on
    (SQLAlchemy decides per connection whether to log)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    return caplog


def sign_up(testapp, email):
    form = testapp.get("/signup").forms["signup"]
    form["first_name"], form["last_name"] = "Pat", "Secret"
    form["email"], form["password"] = email, PASSWORD
    assert form.submit().status_int == 302


def text_columns(table):
    return [c for c in table.columns
            if isinstance(c.type, (sa.String, sa.Text, sa.JSON, sa.Enum))]


def test_no_secret_in_the_logs_or_in_any_column(debug_logs, testapp, dbsession, outbox):
    secrets = {"password": PASSWORD}
    email = "pat.secret@example.com"
    sign_up(testapp, email)
    user = dbsession.execute(sa.select(meta.metadata.tables["users"])
                             .where(sa.text("email = :e")), {"e": email}).one()

    application, client_secret = f.make_application(redirect_uris=[REDIRECT_URI])
    secrets["client_secret"] = client_secret
    flow = Flow(testapp, application, client_secret, user)
    secrets["code_1"] = code = flow.code()
    first = flow.exchange(code).json
    secrets["access_1"], secrets["refresh_1"] = first["access_token"], first["refresh_token"]
    second = flow.refresh(first["refresh_token"]).json
    secrets["access_2"], secrets["refresh_2"] = second["access_token"], second["refresh_token"]
    secrets["code_2"] = code = flow.code()
    third = flow.exchange(code).json
    secrets["access_3"], secrets["refresh_3"] = third["access_token"], third["refresh_token"]
    testapp.post("/oauth/revoke", {"token": third["access_token"]},
                 headers=basic(application.client_id, client_secret))
    introspected = testapp.post("/oauth/introspect", {"token": second["access_token"]},
                                headers=basic(application.client_id, client_secret)).json
    assert introspected["active"] is True

    api = {"Authorization": f"Bearer {second['access_token']}"}
    me = testapp.get("/api/v1/users/me", headers=api).json
    feed_path = urlsplit(me["calendar_url"]).path
    secrets["calendar_token"] = feed_path.rstrip("/").split("/")[3]
    assert testapp.get(feed_path).status_int == 200
    testapp.put_json("/api/v1/users/me", {"bio": "shares seats"}, headers=api)
    entity = f.make_entity()
    group = testapp.post_json("/api/v1/groups", {"name": "Secret Society",
                                                  "entity_id": entity.id}, headers=api).json
    testapp.post_json(f"/api/v1/groups/{group['id']}/invitations",
                      {"email": "friend@example.com"}, headers=api)
    invitation_code = re.search(r"code:\s+(\S+)", outbox[-1].body).group(1)
    secrets["invitation_code"] = invitation_code
    friend = f.make_user()
    _, friend_token = f.make_token(user=friend)
    secrets["friend_token"] = friend_token
    testapp.post_json("/api/v1/groups/join", {"invitation_code": invitation_code},
                      headers={"Authorization": f"Bearer {friend_token}"})

    logged = debug_logs.text
    # The logging really was on: statements and the rows they read are there.
    assert "INSERT INTO oauth_tokens" in logged and "Row [" in logged
    for name, value in secrets.items():
        assert value not in logged, f"the {name} is in the logs"

    dbsession.expire_all()
    for table in meta.metadata.sorted_tables:
        columns = text_columns(table)
        if not columns:
            continue
        for row in dbsession.execute(sa.select(*columns)):
            for column, stored in zip(columns, row):
                stored = str(stored)
                for name, value in secrets.items():
                    assert value not in stored, f"the {name} is in {table.name}.{column.name}"


def test_sql_debug_logging_shows_no_row_values(debug_logs, testapp, dbsession):
    """At DEBUG SQLAlchemy logs every row a statement reads: a user's row
    carries the password's argon2 hash, which an offline guesser needs and
    nobody reading a log should have. Like the parameters, the values are
    hidden; the statements and their columns are still logged."""
    user = f.make_user()
    stored = dbsession.scalar(sa.text("SELECT password_hash FROM users WHERE id = :id"),
                              {"id": user.id})
    flow = Flow(testapp, None, None, user)
    assert flow.sign_in(password="not the password at all").status_int == 400
    assert flow.sign_in().status_int == 302

    logged = debug_logs.text
    assert "FROM users" in logged and "Col (" in logged  # the reads were logged
    assert "Row [values hidden" in logged
    assert stored not in logged and "$argon2" not in logged
    assert user.email not in logged


# --- the pages' own defences -----------------------------------------------------


def assert_page_headers(response):
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp


@pytest.fixture
def signed_in(testapp, dbsession):
    user = f.make_user()
    application, secret = f.make_application(redirect_uris=[REDIRECT_URI])
    flow = Flow(testapp, application, secret, user)
    assert flow.sign_in().status_int == 302
    return flow


def test_every_kind_of_page_sends_the_security_headers(testapp, signed_in, dbsession):
    assert_page_headers(signed_in.consent_page())  # the page clickjacking would target
    assert_page_headers(testapp.get("/signin"))  # signed in: the signed-in page
    assert_page_headers(testapp.post("/signin", {"csrf_token": "forged"}, status=400))
    assert_page_headers(testapp.get("/oauth/authorization?client_id=nobody", status=400))
    assert_page_headers(testapp.get("/calendar/1/forged/tickets.ics", status=404))


def test_the_too_many_attempts_page_sends_the_security_headers(testapp, app, dbsession):
    user = f.make_user()
    for _ in range(int(app.registry.settings["seatshare.signin_max_failures"]) + 1):
        response = Flow(testapp, None, None, user).sign_in(password="wrong")
    assert response.status_int == 429
    assert_page_headers(response)


def form_post(testapp, url, fields, token):
    if token == "missing":
        fields = {k: v for k, v in fields.items() if k != "csrf_token"}
    elif token == "wrong":
        fields = {**fields, "csrf_token": "f" * 40}
    return testapp.post(url, fields, expect_errors=True)


@pytest.mark.parametrize("token", ["missing", "wrong"])
def test_the_sign_in_and_sign_up_forms_need_their_csrf_token(testapp, dbsession, token):
    user = f.make_user()
    form = testapp.get("/signin").forms["signin"]
    fields = {"email": user.email, "password": f.DEFAULT_PASSWORD,
              "csrf_token": form["csrf_token"].value}
    assert form_post(testapp, "/signin", fields, token).status_int == 400
    assert "signin" in testapp.get("/signin").forms  # still signed out
    signup = {"first_name": "A", "last_name": "B", "email": "csrf@example.com",
              "password": PASSWORD, "csrf_token": form["csrf_token"].value}
    assert form_post(testapp, "/signup", signup, token).status_int == 400
    count = dbsession.scalar(sa.text("SELECT count(*) FROM users WHERE email = 'csrf@example.com'"))
    assert count == 0


@pytest.mark.parametrize("token", ["missing", "wrong"])
def test_the_consent_form_needs_its_csrf_token(testapp, signed_in, dbsession, token):
    page = signed_in.consent_page()
    form = page.forms["consent"]
    fields = {"decision": "approve", "csrf_token": form["csrf_token"].value}
    response = form_post(testapp, form.action, fields, token)
    assert response.status_int == 400 and "Location" not in response.headers
    codes = dbsession.scalar(sa.text("SELECT count(*) FROM oauth_authorization_codes"))
    approvals = dbsession.scalar(sa.text("SELECT count(*) FROM oauth_approvals"))
    assert (codes, approvals) == (0, 0)
