"""HEAD is safe (RFC 9110 §9.2.1): it answers the status and headers GET
would, and issues, records and changes nothing, in the database or in the
browser's session cookie."""
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from seatshare.models import AuthorizationCode, Token

from .conftest import REDIRECT_URI, authorization_url, query_of
from .test_browser_sessions import browser, is_signed_in
from .test_password_change import change
from .test_signin import session_of


def tokens(dbsession, revoked=None) -> int:
    query = select(func.count()).select_from(Token)
    if revoked is False:
        query = query.where(Token.revoked_at.is_(None))
    return dbsession.execute(query).scalar_one()


def codes(dbsession) -> int:
    return dbsession.execute(select(func.count()).select_from(AuthorizationCode)).scalar_one()


def test_head_of_a_remembered_approval_stores_no_code(signed_in_flow, testapp, dbsession):
    signed_in_flow.code(state="s1")  # approved: remembered from now on
    before = codes(dbsession)
    url = authorization_url(signed_in_flow.application.client_id, state="s1")
    head = testapp.head(url, status=302)
    assert codes(dbsession) == before
    # Back to the application as GET goes, with the state but no code (it
    # would be one that does not work).
    assert head.location == REDIRECT_URI + "?state=s1"
    # GET, as ever, issues one.
    assert "code" in query_of(testapp.get(url, status=302).location)
    assert codes(dbsession) == before + 1


def test_head_of_a_remembered_approval_without_state_redirects_bare(signed_in_flow, testapp):
    signed_in_flow.code()
    url = authorization_url(signed_in_flow.application.client_id)
    assert testapp.head(url, status=302).location == REDIRECT_URI


def test_head_of_the_consent_page_answers_as_get_and_records_nothing(signed_in_flow,
                                                                     testapp, dbsession):
    url = authorization_url(signed_in_flow.application.client_id)
    head = testapp.head(url, status=200)
    get = testapp.get(url, status=200)
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.headers["Cache-Control"] == get.headers["Cache-Control"] == "no-store"
    assert head.body == b"" and codes(dbsession) == 0


def signed_out(testapp, flow):
    flow.sign_in()
    testapp.get("/signin").forms[0].submit(status=302)
    return "/signin", "You are signed out"


def password_changed(testapp, flow):
    flow.sign_in()
    change(testapp, status=302)
    return "/signin", "Your password has been changed"


def disconnected(testapp, flow):
    flow.sign_in()
    testapp.post("/apps/999999", {"csrf_token": session_of(testapp)["_csrft_"]}, status=302)
    return "/apps", "not connected to your account"


def new_calendar_links(testapp, flow):
    flow.sign_in()
    testapp.post("/calendars", {"csrf_token": session_of(testapp)["_csrft_"],
                                "confirm": "yes"}, status=302)
    return "/calendars", "New calendar links made"


@pytest.mark.parametrize("notice", [signed_out, password_changed, disconnected,
                                    new_calendar_links])
def test_head_leaves_a_pages_notice_for_its_get(flow, testapp, notice):
    """A page shows a notice once (``pop_flash``): a HEAD of it neither
    shows it nor takes it away, and leaves the cookie as it was."""
    path, text = notice(testapp, flow)
    head = testapp.head(path, status=200)
    assert "Set-Cookie" not in head.headers
    assert text in testapp.get(path).text


def test_head_gives_a_new_browser_no_session(app):
    stranger = browser(app)
    head = stranger.head("/signin", status=200)
    get = browser(app).get("/signin", status=200)
    assert "Set-Cookie" in get.headers and "Set-Cookie" not in head.headers
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert not stranger.cookies


@pytest.mark.parametrize("method", ["get", "head"])
def test_there_is_no_sign_out_by_get_or_head(signed_in_flow, testapp, method):
    getattr(testapp, method)("/signout", status=405)
    assert is_signed_in(testapp)



def test_head_of_the_token_endpoint_is_405_and_tries_nothing(signed_in_flow, testapp,
                                                             dbsession):
    """A HEAD that ran the grant (rolled back) would tell whether a code or
    a refresh token works without using it up, and a replayed one would
    revoke nothing (API.md §2): HEAD is a 405 naming the methods there are."""
    code = signed_in_flow.code()
    url = "/oauth/token?" + urlencode(signed_in_flow.token_params(code))
    head = testapp.head(url, status=405)
    assert head.headers["Allow"] == "GET, POST"
    assert head.headers["Content-Type"] == "application/json"
    assert tokens(dbsession) == 0
    issued = testapp.get(url, status=200).json
    # A HEAD of the used code says nothing of it and leaves its tokens be;
    # a HEAD of the refresh token neither rotates it nor answers for it.
    testapp.head(url, status=405)
    params = signed_in_flow.token_params(None, grant_type="refresh_token", redirect_uri=None,
                                         refresh_token=issued["refresh_token"])
    refresh = "/oauth/token?" + urlencode(params)
    testapp.head(refresh, status=405)
    assert tokens(dbsession, revoked=False) == 1
    assert testapp.get(refresh, status=200).json["refresh_token"] != issued["refresh_token"]