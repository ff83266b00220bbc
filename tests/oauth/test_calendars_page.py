"""The calendar-feeds page (``/calendars``): the signed-in user's own feed
URLs, ready to paste or subscribe to, and new ones on demand."""
from seatshare.calendar import group_feed_url, user_feed_url
from tests import factories
from tests.calendar.conftest import feed_request  # noqa: F401

from .test_browser_sessions import browser
from .test_signin import session_of


def feeds(page):
    return [(div.find("h2").text, div.find("input")["value"], div.find("a")["href"])
            for div in page.html.select("div.feed")]


def test_anonymous_is_sent_to_sign_in_and_back(flow, testapp):
    assert testapp.get("/calendars", status=302).location == (
        "http://example.com/signin?next=%2Fcalendars")
    assert flow.sign_in(next_url="%2Fcalendars").location == "http://example.com/calendars"


def test_the_page_shows_the_users_own_feeds(signed_in_flow, testapp, feed_request):
    user = signed_in_flow.user
    beta = factories.make_group(name="Beta Seats", creator=user)
    alpha = factories.make_group(name="Alpha Seats")
    factories.make_membership(alpha, user)
    factories.make_group(name="Not Mine")
    factories.make_membership(factories.make_group(name="Closed", active=False), user)
    page = testapp.get("/signin").click("Calendar feeds")
    assert page.headers["Cache-Control"] == "no-store"
    ticket_url = user_feed_url(feed_request, user)
    alpha_url = group_feed_url(feed_request, user, alpha.id)
    beta_url = group_feed_url(feed_request, user, beta.id)
    assert feeds(page) == [
        ("Your tickets", ticket_url, ticket_url.replace("http:", "webcal:", 1)),
        ("Alpha Seats", alpha_url, alpha_url.replace("http:", "webcal:", 1)),
        ("Beta Seats", beta_url, beta_url.replace("http:", "webcal:", 1)),
    ]
    for _, url, _ in feeds(page):
        assert testapp.get(url.removeprefix("http://example.com")).content_type == (
            "text/calendar")


def test_each_subscribe_link_names_its_calendar(signed_in_flow, testapp):
    """A screen reader's list of links shows one "Subscribe" per feed: each
    must say which (its name keeps the visible words, WCAG 2.5.3)."""
    factories.make_group(name="Beta Seats", creator=signed_in_flow.user)
    links = [a["aria-label"] for a in testapp.get("/calendars").html.select("div.feed a")]
    assert links == ["Subscribe in your calendar app: Your tickets",
                     "Subscribe in your calendar app: Beta Seats"]


def test_make_new_links_asks_first_and_changes_nothing_until_confirmed(
    signed_in_flow, testapp, feed_request
):
    """Every subscribed calendar app stops updating when the links change:
    one click on "Make new links" asks, it does not break them."""
    old = user_feed_url(feed_request, signed_in_flow.user)
    asked = testapp.get("/calendars").click("Make new links")
    assert asked.headers["Cache-Control"] == "no-store"
    assert "stop working in every calendar app" in asked.html.find(class_="lead").text
    [confirm] = asked.forms.values()
    assert confirm["confirm"].value == "yes"
    assert confirm.method.upper() == "POST" and confirm.action == "/calendars"
    assert asked.html.find("a", string="Keep my links")["href"] == "/calendars"
    testapp.get(old.removeprefix("http://example.com"), status=200)


def test_the_question_is_a_page_of_its_own_that_back_opens_again(signed_in_flow, testapp):
    """"Make new links" opens the question by a link, not by a form posted
    to ``/calendars``: a page a POST answered cannot be shown again, so
    Back, once the links were made, was the browser's "Confirm Form
    Resubmission"."""
    page = testapp.get("/calendars")
    assert page.forms == {}
    assert page.html.find("a", string="Make new links")["href"] == "/calendars/new-links"
    asked = testapp.get("/calendars/new-links")
    assert asked.html.title.text == "Make new calendar links? · SeatShare"
    testapp.reset()
    assert testapp.get("/calendars/new-links", status=302).location == (
        "http://example.com/signin?next=%2Fcalendars%2Fnew-links")


def test_a_post_without_confirm_is_sent_to_the_question(signed_in_flow, testapp,
                                                        feed_request):
    """A form posted from a tab opened before the question had a page of its
    own has no ``confirm``: it got the question as the POST's answer, so
    Back from it was "Confirm Form Resubmission" again. Now a 303 to the
    question's page, and the links stay as they were."""
    old = user_feed_url(feed_request, signed_in_flow.user)
    [form] = testapp.get("/calendars/new-links").forms.values()
    csrf = form["csrf_token"].value
    response = testapp.post("/calendars", {"csrf_token": csrf}, status=303)
    assert response.location == "http://example.com/calendars/new-links"
    assert response.follow().html.title.text == "Make new calendar links? · SeatShare"
    testapp.get(old.removeprefix("http://example.com"), status=200)


def test_new_links_retire_the_old_ones(signed_in_flow, testapp, feed_request, dbsession):
    user = signed_in_flow.user
    old = user_feed_url(feed_request, user)
    asked = testapp.get("/calendars").click("Make new links")
    response = list(asked.forms.values())[0].submit(status=302)
    assert response.location == "http://example.com/calendars"
    page = response.follow()
    assert "the old ones no longer work" in page.html.find(class_="notice").text
    dbsession.refresh(user)
    [(_, new, _)] = feeds(page)
    assert new == user_feed_url(feed_request, user) != old
    testapp.get(old.removeprefix("http://example.com"), status=404)
    testapp.get(new.removeprefix("http://example.com"), status=200)


def test_new_links_need_the_csrf_token(signed_in_flow, testapp, feed_request):
    old = user_feed_url(feed_request, signed_in_flow.user)
    expired = testapp.post("/calendars", status=400)
    assert expired.html.find("a", string="Back to the form")["href"] == "/calendars"
    testapp.get(old.removeprefix("http://example.com"), status=200)


def test_anonymous_cannot_make_new_links(user, app, feed_request, testapp):
    old = user_feed_url(feed_request, user)
    stranger = browser(app)
    stranger.get("/signin")
    stranger.post("/calendars", {"csrf_token": session_of(stranger)["_csrft_"]}, status=302)
    testapp.get(old.removeprefix("http://example.com"), status=200)


def test_each_feed_link_is_a_url_field_labelled_by_its_calendar(signed_in_flow, testapp):
    """The calendar's name over each link is the field's label (a tap on it
    selects the link), the line under it its description, and the field is
    a URL's."""
    factories.make_group(name="Beta Seats", creator=signed_in_flow.user)
    page = testapp.get("/calendars").html
    fields = page.select("div.feed input")
    assert [page.find("label", attrs={"for": field["id"]}).text for field in fields] == [
        "Your tickets", "Beta Seats"]
    assert [page.find(id=field["aria-describedby"]).text for field in fields] == [
        "The tickets you own or are assigned.", "The group's events, with your seats."]
    assert {field["type"] for field in fields} == {"url"}
    assert not any(field.has_attr("aria-label") for field in fields)
