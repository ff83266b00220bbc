"""The operator functions behind ``seatshare … app …`` and ``tokens purge``."""
import datetime
import logging

import pytest
from sqlalchemy import func, select
from webtest import TestApp

from seatshare import main
from seatshare.models import Application, AuthorizationCode, SignInAttempt, Token, utcnow
from seatshare.oauth.applications import (
    ApplicationError,
    application_as_dict,
    list_applications,
    register_application,
    set_application_disabled,
)
from seatshare.oauth.maintenance import purge_expired
from seatshare.tokens import hash_token
from tests import factories

from .conftest import REDIRECT_URI, Flow, api_me, authorization_url


def test_register_confidential_application(dbsession):
    app, secret = register_application(
        dbsession, "Seat Finder", [REDIRECT_URI, "http://127.0.0.1:8000/cb"]
    )
    assert len(secret) == 64
    assert app.client_secret_hash == hash_token(secret)
    assert app.confidential and not app.trusted and not app.disabled
    assert app.redirect_uris == [REDIRECT_URI, "http://127.0.0.1:8000/cb"]
    data = application_as_dict(app, secret)
    assert data["client_secret"] == secret and data["public"] is False
    assert "client_secret" not in application_as_dict(app)
    assert secret not in repr(dbsession.execute(select(Application.__table__)).all())


def test_register_public_and_trusted_application(dbsession):
    app, secret = register_application(dbsession, "Phone", [REDIRECT_URI], public=True,
                                       trusted=True)
    assert secret is None and app.client_secret_hash is None
    assert not app.confidential and app.trusted


@pytest.mark.parametrize("name,uris", [
    ("", [REDIRECT_URI]),
    ("App", []),
    ("App", ["/relative"]),
    ("App", ["https://x.example.com/cb#frag"]),
    ("App", ["https:///nohost"]),
])
def test_register_refuses_bad_registrations(dbsession, name, uris):
    with pytest.raises(ApplicationError):
        register_application(dbsession, name, uris)


def test_list_and_disable(dbsession, testapp, user):
    app, secret = register_application(dbsession, "Old", [REDIRECT_URI])
    assert app in list_applications(dbsession)
    flow = Flow(testapp, app, secret, user)
    flow.sign_in()
    tokens = flow.tokens()
    set_application_disabled(dbsession, app.client_id, True)
    assert app.disabled
    api_me(testapp, tokens["access_token"], status=401)
    assert flow.refresh(tokens["refresh_token"], 401).json["error"] == "invalid_client"
    testapp.get(authorization_url(app.client_id), status=400)
    with pytest.raises(ApplicationError):
        set_application_disabled(dbsession, "unknown", True)


def test_purge_removes_only_what_can_never_be_used(dbsession, signed_in_flow):
    now = utcnow()
    past = now - datetime.timedelta(seconds=1)
    live = signed_in_flow.tokens()
    dead, _ = factories.make_token(expires_in=-10)
    dead.refresh_expires_at = past
    # Access expired, refresh still live: kept.
    refreshable, _ = factories.make_token(expires_in=-10)
    old_code = AuthorizationCode(
        code_hash=hash_token("old"), application_id=signed_in_flow.application.id,
        user_id=signed_in_flow.user.id, redirect_uri=REDIRECT_URI, scopes="read",
        expires_at=past,
    )
    dbsession.add(old_code)
    dbsession.add(SignInAttempt(key="account:x", created_at=now - datetime.timedelta(days=2)))
    dbsession.add(SignInAttempt(key="account:x", created_at=now))
    dbsession.flush()
    dead_id, refreshable_id = dead.id, refreshable.id

    counts = purge_expired(dbsession, now=now + datetime.timedelta(seconds=1))
    assert counts == {"tokens": 1, "authorization_codes": 1, "sign_in_attempts": 1,
                      "email_undo_links": 0}
    dbsession.expire_all()
    remaining = set(dbsession.execute(select(Token.id)).scalars())
    assert dead_id not in remaining and refreshable_id in remaining
    assert dbsession.execute(
        select(Token.id).where(Token.access_token_hash == hash_token(live["access_token"]))
    ).first()
    # The live flow's (expired-later) code stays while its token lives.
    assert dbsession.execute(select(func.count(AuthorizationCode.id))).scalar_one() == 1


def test_purge_keeps_a_used_code_while_its_tokens_live(dbsession, signed_in_flow):
    signed_in_flow.tokens()
    later = utcnow() + datetime.timedelta(minutes=11)
    assert purge_expired(dbsession, now=later)["authorization_codes"] == 0


def test_secrets_never_reach_the_logs(signed_in_flow, caplog):
    caplog.set_level(logging.DEBUG)
    first = signed_in_flow.tokens()
    code = signed_in_flow.code()
    signed_in_flow.exchange(code)
    signed_in_flow.exchange(code, 400)
    second = signed_in_flow.refresh(first["refresh_token"]).json
    text = caplog.text
    for secret in (code, first["access_token"], first["refresh_token"],
                   second["refresh_token"], signed_in_flow.secret,
                   factories.DEFAULT_PASSWORD):
        assert secret not in text


def test_no_logger_of_oauthlib_logs_a_code(app_settings, session_factory, dbsession,
                                           monkeypatch, caplog):
    """An ini file may set any of oauthlib's loggers to DEBUG, not only
    ``oauthlib`` (at DEBUG, oauthlib's grant logs each code it issues): a
    server started after logging is configured, as pserve starts it, keeps
    every one of them at WARNING."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="oauthlib.oauth2")
    app = main({}, **app_settings)
    monkeypatch.setitem(app.registry, "dbsession_factory", session_factory)
    user = factories.make_user()
    application, secret = factories.make_application(redirect_uris=[REDIRECT_URI])
    flow = Flow(TestApp(app, extra_environ={"HTTP_HOST": "example.com"}),
                application, secret, user)
    assert flow.sign_in().status_int == 302
    code = flow.code()
    flow.exchange(code)
    app.registry["dbengine"].dispose()
    assert code not in caplog.text
