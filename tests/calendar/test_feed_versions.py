"""A feed's ETag names its content without building it: a poll answered 304
(most polls) makes one narrow query after the URL's checks, and the ETag
changes exactly when the feed does."""
import datetime

import pytest

from seatshare.calendar import group_feed_url, user_feed_url
from seatshare.calendar import resources

from .. import factories as f


def feed_urls(feed_request, season):
    viewer = season["viewer"]
    return {
        "tickets": user_feed_url(feed_request, viewer),
        "group": group_feed_url(feed_request, viewer, season["group"].id),
    }


@pytest.mark.parametrize("feed, statements", [
    ("tickets", 2),  # the user, the feed's version
    ("group", 3),  # the user, the group with the membership, the feed's version
])
def test_a_poll_answered_304_builds_nothing(
    fetch, feed_request, season, query_counter, monkeypatch, feed, statements
):
    url = feed_urls(feed_request, season)[feed]
    etag = fetch(url).headers["ETag"]

    def unbuilt(*args):
        raise AssertionError("a feed answered 304 was built")

    monkeypatch.setattr(resources, "ticket_feed", unbuilt)
    monkeypatch.setattr(resources, "group_feed", unbuilt)
    query_counter.reset()
    poll = fetch(url, status=304, headers={"If-None-Match": etag})
    assert query_counter.count == statements
    assert poll.headers["ETag"] == etag and not poll.body


def season_rows(season):
    """Every row of ``season`` that a feed shows."""
    return (*season["tickets"].values(), *season["events"].values(), season["viewer"],
            season["friend"], season["group"], season["alias"])


def move_the_game(season):
    season["events"]["timed"].start_time += datetime.timedelta(hours=1)


def reassign_the_ticket(season):
    season["tickets"]["owned"].assignee_id = season["friend"].id


def rename_the_alias(season):
    season["alias"].last_name = "Gast"


def rename_the_group(season):
    season["group"].name = "Row C Regulars"


def announce_the_time(season):
    season["events"]["time_tba"].time_tba = False


def announce_the_date(season):
    season["events"]["date_tba"].date_tba = False


def rename_the_seats_owner(season):
    season["friend"].first_name = "Fionn"


def change_the_readers_time_zone(season):
    season["viewer"].timezone = "Pacific/Auckland"


def schedule_a_game(season):
    f.make_event(entity=season["entity"], name="Otters vs Rays")


def pass_on_a_seat_of_someone_else(season):
    season["tickets"]["friends"].assignee_id = f.make_user().id


def edit_the_note(season):
    season["tickets"]["owned"].note = "Bring two blankets"


def edit_the_games_description(season):
    season["events"]["timed"].description = "Fireworks after the game"


def edit_the_readers_bio(season):
    season["viewer"].bio = "Season ticket holder since 2019"


def rename_someone_not_in_the_feeds(season):
    f.make_user().first_name = "Nobody"


def change_another_groups_ticket(season):
    f.make_ticket(owner=season["viewer"]).section = "Upper deck"


@pytest.mark.parametrize("change, changed_feeds", [
    (move_the_game, {"tickets", "group"}),
    (reassign_the_ticket, {"tickets", "group"}),
    (rename_the_alias, {"tickets", "group"}),
    (rename_the_group, {"tickets", "group"}),
    (announce_the_time, {"tickets", "group"}),
    (announce_the_date, {"tickets", "group"}),
    (rename_the_seats_owner, {"tickets", "group"}),
    (change_the_readers_time_zone, {"tickets", "group"}),  # moves the all-day entries
    (schedule_a_game, {"group"}),
    (pass_on_a_seat_of_someone_else, {"group"}),  # the entry's version rises
    (edit_the_note, {"tickets", "group"}),  # the group's: a change to its tickets for the game
    (edit_the_games_description, {"tickets", "group"}),
    # The reader's last change stands for their time zone's, which dates an
    # all-day entry (both feeds have one): see the test below for the rest.
    (edit_the_readers_bio, {"tickets", "group"}),
    (rename_someone_not_in_the_feeds, set()),
    (change_another_groups_ticket, set()),
])
def test_the_etag_changes_exactly_when_the_feed_does(
    fetch, feed_request, dbsession, season, backdate, change, changed_feeds
):
    backdate(*season_rows(season))
    urls = feed_urls(feed_request, season)
    before = {feed: fetch(url) for feed, url in urls.items()}
    change(season)
    dbsession.flush()
    for feed, url in urls.items():
        old = before[feed]
        if feed in changed_feeds:
            new = fetch(url, headers={"If-None-Match": old.headers["ETag"]})
            assert new.body != old.body
            assert new.headers["ETag"] != old.headers["ETag"]
            fetch(url, status=304, headers={"If-None-Match": new.headers["ETag"]})
        else:
            fetch(url, status=304, headers={"If-None-Match": old.headers["ETag"]})
            assert fetch(url).body == old.body


def test_a_deleted_ticket_changes_both_feeds(
    testapp, fetch, feed_request, auth_headers, season, backdate
):
    backdate(*season["tickets"].values(), season["viewer"], season["group"])
    urls = feed_urls(feed_request, season)
    before = {feed: fetch(url).headers["ETag"] for feed, url in urls.items()}
    testapp.delete(f"/api/v1/ticket/{season['tickets']['owned'].id}",
                   headers=auth_headers(season["viewer"]), status=204)
    for feed, url in urls.items():
        assert fetch(url, headers={"If-None-Match": before[feed]}).headers["ETag"] != before[feed]


def test_two_sites_never_share_an_etag(fetch, feed_request, season):
    """The site's domain is in every UID: another Host is another feed."""
    url = feed_urls(feed_request, season)["tickets"].removeprefix("http://example.com")
    here = fetch(url)
    there = fetch(url, extra_environ={"HTTP_HOST": "seats.example.org"})
    assert there.body != here.body and there.headers["ETag"] != here.headers["ETag"]


def test_a_profile_edit_leaves_a_group_feed_without_an_all_day_entry_alone(
    fetch, feed_request, dbsession, season, backdate
):
    """The reader's seats call them "you": their profile is not in a group's feed."""
    season["events"]["time_tba"].time_tba = False
    backdate(*season_rows(season))
    url = feed_urls(feed_request, season)["group"]
    before = fetch(url)
    edit_the_readers_bio(season)
    season["viewer"].first_name = "Verena"
    dbsession.flush()
    fetch(url, status=304, headers={"If-None-Match": before.headers["ETag"]})
    assert fetch(url).body == before.body


def leave_the_group(testapp, auth_headers, season):
    viewer = season["viewer"]
    testapp.delete(f"/api/v1/groups/{season['group'].id}/members/{viewer.id}",
                   headers=auth_headers(viewer), status=204)


def deactivate_the_group(testapp, auth_headers, season):
    testapp.delete(f"/api/v1/groups/{season['group'].id}",
                   headers=auth_headers(season["friend"]), status=204)


@pytest.mark.parametrize("change", [leave_the_group, deactivate_the_group])
def test_a_group_left_or_deactivated_leaves_the_ticket_feed(
    testapp, fetch, feed_request, auth_headers, season, backdate, change
):
    backdate(*season["tickets"].values(), season["viewer"], season["group"])
    urls = feed_urls(feed_request, season)
    before = fetch(urls["tickets"])
    change(testapp, auth_headers, season)
    after = fetch(urls["tickets"], headers={"If-None-Match": before.headers["ETag"]})
    assert after.headers["ETag"] != before.headers["ETag"]
    assert before.entries and not after.entries
    fetch(urls["group"], status=404)


def test_a_new_time_zone_moves_a_group_feeds_all_day_entry_without_your_seat(
    fetch, feed_request, dbsession, season, backdate
):
    """The reader's time zone dates an all-day entry: with no seat of theirs
    in it (whose people the version has), the version has it still."""
    season["tickets"]["assigned"].assignee_id = None
    backdate(*season_rows(season))
    url = feed_urls(feed_request, season)["group"]
    before = fetch(url)
    change_the_readers_time_zone(season)
    dbsession.flush()
    after = fetch(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.headers["ETag"] != before.headers["ETag"] and after.body != before.body
