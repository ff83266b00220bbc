"""``GET /users/me`` shows your feed URL; ``PUT /users/me`` can reset it."""
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
    user = f.make_user()
    url = testapp.get(ME, headers=auth_headers(user)).json["calendar_url"]
    testapp.put_json(ME, {"reset_calendar_url": True}, headers=auth_headers(user, scopes="read"), status=403)
    assert testapp.get(ME, headers=auth_headers(user)).json["calendar_url"] == url


def test_no_cache_keeps_an_answer_that_carries_the_url(testapp, auth_headers):
    """The feed URL is a password: as on the /calendars page, neither the
    browser of an app nor any cache on the way may store it."""
    headers = auth_headers(f.make_user())
    assert testapp.get(ME, headers=headers).headers["Cache-Control"] == "no-store"
    answer = testapp.put_json(ME, {"reset_calendar_url": True}, headers=headers)
    assert answer.headers["Cache-Control"] == "no-store"
