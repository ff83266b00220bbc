"""A page's path is exact, as an API path is: a segment below it is a 404,
not the page."""
import pytest

PAGES = ["/calendars/new-links", "/signin", "/password", "/apps", "/calendars"]


@pytest.mark.parametrize("path", [
    "/calendars/new-links/x", "/calendars/new-links/x/y", "/signin/x/y", "/signup/x/y",
    "/password/x/y", "/calendars/x/y", "/apps/x/y", "/password-reset/x/y",
    "/email-undo/x/y",
])
@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous"])
def test_a_segment_below_a_page_is_the_404_page(flow, testapp, path, signed_in):
    """``/calendars/new-links/x`` was the question's page (traversal handed
    "x" to its view as a subpath, which it ignored), or the sign-in page a
    browser not signed in is sent to; ``/signin/x/y`` the sign-in page."""
    if signed_in:
        flow.sign_in()
    assert testapp.get(path, status=404).content_type == "text/html"


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_themselves_are_served(signed_in_flow, testapp, path):
    assert testapp.get(path, status=200).content_type == "text/html"


def test_the_health_check_and_a_feed_are_exact_too(signed_in_flow, testapp):
    """``/healthz/x`` answered as ``/healthz``; a feed's path was exact
    already. No view takes a subpath: there are no static assets (the
    pages' styles are inline)."""
    assert testapp.get("/healthz", status=200).json == {"status": "ok"}
    testapp.get("/healthz/x", status=404)
    feed = testapp.get("/calendars").html.select_one("div.feed input")["value"]
    feed = feed.removeprefix("http://example.com")
    assert testapp.get(feed, status=200).content_type == "text/calendar"
    testapp.get(feed + "/x/y", status=404)


@pytest.mark.parametrize(("path", "title"), [
    ("/password-reset/x/y/z", "This link is incomplete"),
    ("/email-undo/x/y/z", "This link is incomplete"),
    ("/calendar/1/x/tickets.ics/y", "This calendar link does not work"),
])
def test_below_a_mailed_link_or_a_feed_its_own_404_page_is_kept(testapp, path, title):
    """Their part of the site's not-found page, not "There is no page here"."""
    response = testapp.get(path, status=404)
    assert response.html.title.text.startswith(title)
