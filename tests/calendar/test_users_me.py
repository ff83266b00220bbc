"""``GET /users/me`` shows your feed URL; ``PUT /users/me`` can reset it."""
from seatshare.calendar import user_feed_url

from .. import factories as f

ME = "/api/v1/users/me"


def test_me_includes_a_working_calendar_url(testapp, fetch, auth_headers, season):
    viewer = season["viewer"]
    me = testapp.get(ME, headers=auth_headers(viewer)).json
    assert me["calendar_url"].startswith(f"http://example.com/calendar/{viewer.id}/")
    assert me["calendar_url"].endswith("/tickets.ics")
    assert fetch(me["calendar_url"]).entries


def test_reset_gives_a_new_url_and_the_old_one_is_404(testapp, fetch, auth_headers, season):
    headers = auth_headers(season["viewer"])
    old_url = testapp.get(ME, headers=headers).json["calendar_url"]
    answer = testapp.put_json(ME, {"reset_calendar_url": True}, headers=headers).json
    assert answer["calendar_url"] != old_url
    assert testapp.get(ME, headers=headers).json["calendar_url"] == answer["calendar_url"]
    fetch(old_url, status=404)
    assert fetch(answer["calendar_url"]).entries


def test_false_keeps_the_url(testapp, auth_headers):
    headers = auth_headers(f.make_user())
    url = testapp.get(ME, headers=headers).json["calendar_url"]
    answer = testapp.put_json(ME, {"reset_calendar_url": False, "bio": "Hi"}, headers=headers).json
    assert answer["calendar_url"] == url
    assert answer["bio"] == "Hi"


def test_calendar_url_is_read_only(testapp, auth_headers):
    headers = auth_headers(f.make_user())
    url = testapp.get(ME, headers=headers).json["calendar_url"]
    answer = testapp.put_json(
        ME, {"calendar_url": "http://evil.example/x.ics"}, headers=headers
    ).json
    assert answer["calendar_url"] == url


def test_a_non_boolean_reset_is_400_and_changes_nothing(testapp, auth_headers):
    headers = auth_headers(f.make_user())
    url = testapp.get(ME, headers=headers).json["calendar_url"]
    for body in ({"reset_calendar_url": "yes"}, {"reset_calendar_url": True, "timezone": "Mars/Base"}):
        answer = testapp.put_json(ME, body, headers=headers, status=400).json
        assert answer["code"] == 400
        assert set(answer["fields"]) <= {"reset_calendar_url", "timezone"}
    assert testapp.get(ME, headers=headers).json["calendar_url"] == url


def test_reset_needs_the_write_scope(testapp, auth_headers):
    user, application = f.make_user(), f.make_application()[0]
    url = testapp.get(ME, headers=auth_headers(user, application=application)).json["calendar_url"]
    testapp.put_json(ME, {"reset_calendar_url": True},
                     headers=auth_headers(user, scopes="read", application=application), status=403)
    assert testapp.get(ME, headers=auth_headers(user, application=application)).json[
        "calendar_url"] == url


def test_no_cache_keeps_an_answer_that_carries_the_url(testapp, auth_headers):
    """The feed URL is a password: as on the /calendars page, neither the
    browser of an app nor any cache on the way may store it."""
    headers = auth_headers(f.make_user())
    assert testapp.get(ME, headers=headers).headers["Cache-Control"] == "no-store"
    answer = testapp.put_json(ME, {"reset_calendar_url": True}, headers=headers)
    assert answer.headers["Cache-Control"] == "no-store"


def test_each_application_is_given_urls_of_its_own(testapp, fetch, auth_headers, feed_request,
                                                   season):
    viewer = season["viewer"]
    first = testapp.get(ME, headers=auth_headers(viewer)).json["calendar_url"]
    second = testapp.get(ME, headers=auth_headers(viewer)).json["calendar_url"]
    assert len({first, second, user_feed_url(feed_request, viewer)}) == 3
    assert fetch(first).entries == fetch(second).entries


def test_disconnecting_an_application_ends_the_calendar_urls_it_was_given(
        testapp, fetch, auth_headers, feed_request, season):
    """A feed URL is a password the application could keep: it stops with
    the application's tokens, and the user's own links go on working."""
    viewer, group = season["viewer"], season["group"]
    application = f.make_application()[0]
    url = testapp.get(ME, headers=auth_headers(viewer, application=application)).json[
        "calendar_url"]
    group_url = url.replace("tickets.ics", f"groups/{group.id}.ics")
    assert fetch(url).entries and fetch(group_url).entries
    testapp.delete(f"/api/v1/authorizations/{application.id}", headers=auth_headers(viewer),
                   status=204)
    fetch(url, status=404)
    fetch(group_url, status=404)
    assert fetch(user_feed_url(feed_request, viewer)).entries


def test_a_disabled_applications_urls_work_again_once_it_is_enabled(
        testapp, fetch, auth_headers, dbsession, season):
    viewer = season["viewer"]
    application = f.make_application()[0]
    url = testapp.get(ME, headers=auth_headers(viewer, application=application)).json[
        "calendar_url"]
    application.disabled = True
    dbsession.flush()
    fetch(url, status=404)
    application.disabled = False
    dbsession.flush()
    assert fetch(url).entries


def test_a_write_only_token_is_not_given_the_calendar_url(testapp, auth_headers):
    """The feed reads the user's tickets: a token that may not read gets no
    URL from the answer to its PUT."""
    user = f.make_user()
    answer = testapp.put_json(ME, {"bio": "Hi"}, headers=auth_headers(user, scopes="write")).json
    assert answer["bio"] == "Hi" and "calendar_url" not in answer
    assert "calendar_url" in testapp.put_json(ME, {"bio": "Hey"}, headers=auth_headers(user)).json


def test_an_application_left_with_write_alone_loses_its_calendar_urls(
        testapp, fetch, auth_headers, dbsession, season):
    """The feeds show what ``read`` does: once an application's live grants
    carry only ``write``, the URL it was given while it could read is a 404,
    and works again once it may read again."""
    viewer = season["viewer"]
    application = f.make_application()[0]
    reading, value = f.make_token(user=viewer, application=application)
    url = testapp.get(ME, headers={"Authorization": f"Bearer {value}"}).json["calendar_url"]
    assert fetch(url).entries
    dbsession.delete(reading)
    f.make_token(user=viewer, application=application, scopes="write")
    dbsession.flush()
    fetch(url, status=404)
    f.make_token(user=viewer, application=application, scopes="read")
    dbsession.flush()
    assert fetch(url).entries
