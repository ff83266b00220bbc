"""The connected-apps page (``/apps``): the applications the signed-in user
approved, and Disconnect, which does what ``DELETE /api/v1/authorizations/ID``
does. Only that user's own applications, only with the form's CSRF token."""
import datetime

from sqlalchemy import select, update

from seatshare.models import Approval, Token
from tests import factories

from .conftest import REDIRECT_URI, Flow, api_me
from .test_browser_sessions import browser
from .test_signin import session_of


def listed(testapp):
    page = testapp.get("/apps")
    return [li.find("strong").text for li in page.html.select("ul.apps li")]


def disconnect(testapp, application_id, status=302):
    token = session_of(testapp)["_csrft_"]
    return testapp.post(f"/apps/{application_id}", {"csrf_token": token}, status=status)


def test_anonymous_is_sent_to_sign_in_and_back(flow, testapp):
    assert testapp.get("/apps", status=302).location == (
        "http://example.com/signin?next=%2Fapps")
    assert flow.sign_in(next_url="%2Fapps").location == "http://example.com/apps"
    assert "No app is connected" in testapp.get("/apps").text


def test_anonymous_cannot_disconnect(signed_in_flow, testapp, app):
    tokens = signed_in_flow.tokens()
    stranger = browser(app)
    stranger.get("/signin")
    response = stranger.post(f"/apps/{signed_in_flow.application.id}",
                             {"csrf_token": session_of(stranger)["_csrft_"]}, status=302)
    assert response.location.startswith("http://example.com/signin?next=")
    api_me(testapp, tokens["access_token"])


def test_a_bearer_token_does_not_sign_the_page_in(signed_in_flow, app):
    tokens = signed_in_flow.tokens()
    response = browser(app).get(
        "/apps", headers={"Authorization": f"Bearer {tokens['access_token']}"}, status=302)
    assert response.location.startswith("http://example.com/signin?next=")


def test_the_approved_applications_are_listed(signed_in_flow, testapp, dbsession):
    user = signed_in_flow.user
    user.timezone = "Pacific/Auckland"
    signed_in_flow.tokens()
    dbsession.execute(update(Approval).where(Approval.user_id == user.id).values(
        created_at=datetime.datetime(2026, 3, 1, 12, 30)))  # 2 March 01:30 in Auckland
    other, _ = factories.make_application(name="Someone Else's App")
    factories.make_token(application=other)
    page = testapp.get("/signin").click("Connected apps")
    assert page.headers["Cache-Control"] == "no-store"
    [item] = page.html.select("ul.apps li")
    lines = [span.text for span in item.find_all("span")]
    assert item.find("strong").text == signed_in_flow.application.name
    assert lines == ["Connected since 2 March 2026",
                     "See your profile, groups, events and tickets",
                     "Make changes for you: update your tickets, answer ticket requests, manage your groups"]


def test_each_disconnect_button_names_its_app(signed_in_flow, testapp, user):
    signed_in_flow.tokens()
    other, secret = factories.make_application(name="Another App", redirect_uris=[REDIRECT_URI])
    Flow(testapp, other, secret, user).tokens()
    buttons = [b["aria-label"] for b in testapp.get("/apps").html.select("ul.apps button")]
    assert sorted(buttons) == sorted(
        ["Disconnect Another App", f"Disconnect {signed_in_flow.application.name}"])


def test_read_only_applications_show_one_scope(signed_in_flow, testapp):
    signed_in_flow.tokens(scope="read")
    [item] = testapp.get("/apps").html.select("ul.apps li")
    assert [span.text for span in item.find_all("span")][1:] == [
        "See your profile, groups, events and tickets"]


def test_disconnecting_revokes_the_tokens_and_the_approval(signed_in_flow, testapp,
                                                           dbsession):
    tokens = signed_in_flow.tokens()
    application = signed_in_flow.application
    response = disconnect(testapp, application.id)
    assert response.location == "http://example.com/apps"
    page = response.follow()
    assert page.html.find(class_="notice").text == (
        f"Disconnected {application.name}: it can no longer reach your account.")
    assert listed(testapp) == []
    api_me(testapp, tokens["access_token"], status=401)
    signed_in_flow.refresh(tokens["refresh_token"], status=400)
    assert dbsession.execute(select(Approval).where(
        Approval.user_id == signed_in_flow.user.id)).first() is None
    consent = signed_in_flow.consent_page()
    assert consent.status_int == 200 and consent.forms["consent"]


def test_disconnecting_one_application_leaves_the_others(signed_in_flow, testapp):
    first = signed_in_flow.tokens()
    application, secret = factories.make_application(redirect_uris=[REDIRECT_URI],
                                                     name="Second App")
    second = Flow(testapp, application, secret, signed_in_flow.user).tokens()
    assert sorted(listed(testapp)) == sorted([signed_in_flow.application.name, "Second App"])
    disconnect(testapp, application.id)
    assert listed(testapp) == [signed_in_flow.application.name]
    api_me(testapp, first["access_token"])
    api_me(testapp, second["access_token"], status=401)


def test_another_users_application_is_not_touched(signed_in_flow, testapp, dbsession):
    """An application only someone else approved, one nobody approved, and an
    id no application has all answer the same: back to the list, which says
    there was nothing to disconnect; nobody's tokens change. A key that is
    no id is no page (404)."""
    theirs, _ = factories.make_application()
    _, their_token = factories.make_token(application=theirs)
    unused, _ = factories.make_application()
    for key in (theirs.id, unused.id, 999999):
        page = disconnect(testapp, key).follow()
        assert page.html.find(class_="notice").text == (
            "That app is not connected to your account (any more): nothing to do.")
    for key in ("abc", "0"):
        disconnect(testapp, key, status=404)
    assert dbsession.execute(select(Token.revoked_at).where(
        Token.application_id == theirs.id)).scalar_one() is None
    api_me(testapp, their_token)


def test_a_second_click_of_disconnect_says_it_is_done(signed_in_flow, testapp):
    signed_in_flow.tokens()
    form = testapp.get("/apps").forms[0]
    form.submit(status=302).follow()
    again = form.submit(status=302).follow()  # the same form, posted again
    assert "not connected to your account" in again.html.find(class_="notice").text


def test_disconnect_needs_the_csrf_token(signed_in_flow, testapp):
    tokens = signed_in_flow.tokens()
    expired = testapp.post(f"/apps/{signed_in_flow.application.id}", status=400)
    assert expired.html.find("a", string="Back to the form")["href"] == "/apps"
    testapp.post(f"/apps/{signed_in_flow.application.id}", {"csrf_token": "x" * 40},
                 status=400)
    api_me(testapp, tokens["access_token"])


def test_a_get_of_one_application_shows_the_list(signed_in_flow, testapp):
    signed_in_flow.tokens()
    response = testapp.get(f"/apps/{signed_in_flow.application.id}", status=302)
    assert response.location == "http://example.com/apps"


def test_the_consent_page_says_where_to_withdraw_access(flow, testapp):
    flow.sign_in()
    link = flow.consent_page().html.find("a", string="Connected apps")
    assert link["href"] == "/apps"
