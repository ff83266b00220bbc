"""What a feed says from the same rows is pinned to ``FEED_FORMAT``, which
is in every feed's ETag: a change to how feeds are written that does not
bump it would answer calendar apps 304 for the feed in its old form."""
import datetime
import pathlib

import pytest

from seatshare.calendar import feeds

from .. import factories as f
from .test_feed_versions import feed_urls

PINNED = pathlib.Path(__file__).parent / "feed_format"
SITE = "seats.example.org"


@pytest.fixture
def fixed_season(dbsession):
    """Rows whose ids and times are fixed: a timed game with a seat for an
    alias, a game whose time is to be announced, a name to escape; the
    reader changed last."""
    when = {"created_at": datetime.datetime(2026, 3, 1, 9, 30),
            "updated_at": datetime.datetime(2026, 3, 2, 10, 45)}
    entity = f.make_entity(id=9101, name="Riverside Otters", created_at=when["created_at"])
    reader = f.make_user(id=9201, first_name="Vera", last_name="Viewer",
                         timezone="America/New_York", created_at=when["created_at"],
                         updated_at=datetime.datetime(2026, 3, 3, 8, 15))
    friend = f.make_user(id=9202, first_name="Finn", last_name="O'Neil, Jr.", **when)
    group = f.make_group(id=9301, entity=entity, creator=friend,
                         name="Crew; Section 101, \"North\"\nStand", **when)
    f.make_membership(group, reader)
    timed = f.make_event(id=9401, entity=entity, name="Otters vs Herons",
                         description="Gates open at 6; bring ID, please.",
                         start_time=datetime.datetime(2026, 4, 10, 23, 5), **when)
    tba = f.make_event(id=9402, entity=entity, name="Otters vs Pikes", time_tba=True,
                       start_time=datetime.datetime(2026, 5, 2, 16, 0), **when)
    f.make_event(id=9403, entity=entity, name="Otters vs Carps",
                 start_time=datetime.datetime(2026, 5, 20, 23, 0), **when)
    alias = f.make_alias(reader, id=9501, first_name="Carla", last_name="Guest", **when)
    f.make_ticket(id=9601, group=group, event=timed, owner=reader, section="101", row="C",
                  seat="7", note="Bring the blanket;\nand the flask", **when)
    f.make_ticket(id=9602, group=group, event=tba, owner=friend, assignee=reader, alias=alias,
                  section="101", row="C", seat="8", **when)
    return {"reader": reader, "group": group}


@pytest.mark.parametrize("feed", ["tickets", "group"])
def test_a_feeds_bytes_are_those_its_format_pinned(dbsession, fixed_season, feed):
    reader, group = fixed_season["reader"], fixed_season["group"]
    if feed == "tickets":
        calendar = feeds.ticket_feed(dbsession, reader, SITE)
    else:
        calendar = feeds.group_feed(dbsession, reader, group, SITE)
    pinned = PINNED / f"{feed}-{feeds.FEED_FORMAT}.ics"
    assert pinned.exists(), f"no pinned body for FEED_FORMAT {feeds.FEED_FORMAT}: write {pinned.name}"
    # Stored with LF line ends (git may not keep CRLF); a feed has no bare LF.
    expected = pinned.read_bytes().replace(b"\n", b"\r\n")
    assert calendar.to_ical() == expected, "the feed's bytes changed: bump FEED_FORMAT"


def test_a_new_feed_format_is_a_new_etag(fetch, feed_request, season, monkeypatch):
    urls = feed_urls(feed_request, season)
    before = {feed: fetch(url) for feed, url in urls.items()}
    monkeypatch.setattr(feeds, "FEED_FORMAT", feeds.FEED_FORMAT + 1)
    for feed, url in urls.items():
        old = before[feed]
        new = fetch(url, headers={"If-None-Match": old.headers["ETag"]})
        assert new.headers["ETag"] != old.headers["ETag"] and new.body == old.body
