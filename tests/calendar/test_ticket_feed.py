"""The feed of a user's tickets: /calendar/<user_id>/<token>/tickets.ics."""
import datetime
import gzip
import hashlib
import hmac

import pytest
from pyramid.request import Request
from sqlalchemy import select

from seatshare.calendar import feed_token, group_feed_url, reset_feed_secret, user_feed_url
from seatshare.calendar.describe import describe_when
from seatshare.models import Event, User
from seatshare.services.schedule import import_events, parse_schedule

from .. import factories as f

UTC = datetime.UTC


def uid(ticket, user, site="example.com"):
    return f"ticket-{ticket.id}-user-{user.id}@{site}"


def test_feed_lists_the_tickets_you_own_or_are_assigned(fetch, feed_request, season):
    viewer, tickets = season["viewer"], season["tickets"]
    response = fetch(user_feed_url(feed_request, viewer))
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert set(response.entries) == {
        uid(tickets["owned"], viewer),
        uid(tickets["assigned"], viewer),
    }


def test_uids_name_the_site_so_that_two_sites_never_share_one(fetch, feed_request, season):
    """RFC 5545 §3.8.4.7: a UID is globally unique, the site's domain on
    the right of the "@". Ticket 1 of user 1 is on every SeatShare site,
    and a calendar app that meets one UID twice shows one entry."""
    viewer, ticket = season["viewer"], season["tickets"]["owned"]
    url = user_feed_url(feed_request, viewer)
    for host in ("seats.example.org", "SEATS.example.org:8443", "tickets.example.net"):
        entries = fetch(url, extra_environ={"HTTP_HOST": host}).entries
        site = host.split(":")[0].lower()
        assert uid(ticket, viewer, site) in entries


def test_a_feed_without_tickets_is_still_a_calendar(fetch, feed_request, dbsession):
    """A new user subscribes before they hold a ticket. RFC 5545 wants a
    component in every calendar, and a strict app refuses one without: the
    feed has the UTC time zone its entries are written in."""
    newcomer = f.make_user()
    response = fetch(user_feed_url(feed_request, newcomer))  # the RFC 5545 check included
    assert response.entries == {}
    [zone] = response.calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "UTC"


def test_timed_event_has_its_start_and_the_seat(fetch, feed_request, season):
    viewer = season["viewer"]
    entry = fetch(user_feed_url(feed_request, viewer)).entries[uid(season["tickets"]["owned"], viewer)]
    assert entry.decoded("DTSTART") == datetime.datetime(2026, 4, 10, 23, 5, tzinfo=UTC)
    assert entry.decoded("DTEND") > entry.decoded("DTSTART")
    assert str(entry["SUMMARY"]) == "Otters vs Herons · Section 101, Row C, Seat 7"
    description = str(entry["DESCRIPTION"])
    assert "announced" not in description
    assert "Section 101, Row C, Seat 7 (owner: you; not assigned)" in description
    assert "Group: Section 101 Crew" in description
    assert "Note: Bring the blanket" in description
    assert str(entry["TRANSP"]) == "OPAQUE"


def test_time_tba_event_is_an_all_day_entry(fetch, feed_request, season):
    viewer = season["viewer"]
    entry = fetch(user_feed_url(feed_request, viewer)).entries[uid(season["tickets"]["assigned"], viewer)]
    assert entry.decoded("DTSTART") == datetime.date(2026, 5, 2)
    assert not isinstance(entry.decoded("DTSTART"), datetime.datetime)
    assert entry.decoded("DTEND") == datetime.date(2026, 5, 3)
    description = str(entry["DESCRIPTION"])
    assert "(owner: Finn Friend; assigned to: you, for Carla Guest)" in description
    # An all-day entry is not an all-day game: the description says why.
    assert description.startswith("Time to be announced\n")
    # Carla sits there, not the viewer: the entry does not block their time.
    assert str(entry["TRANSP"]) == "TRANSPARENT"


def test_an_all_day_entry_leaves_the_day_free_even_for_your_own_seat(
    fetch, feed_request, season
):
    """The game takes three hours of that day, at a time nobody knows yet:
    an all-day busy block would turn away every meeting of the day."""
    viewer, group, events = season["viewer"], season["group"], season["events"]
    ticket = f.make_ticket(group=group, event=events["time_tba"], owner=viewer, seat="9")
    entry = fetch(user_feed_url(feed_request, viewer)).entries[uid(ticket, viewer)]
    assert entry.decoded("DTSTART") == datetime.date(2026, 5, 2)
    assert str(entry["TRANSP"]) == "TRANSPARENT"


def test_time_tba_date_is_the_date_in_the_users_time_zone(fetch, feed_request, dbsession):
    """Midnight in Berlin is the evening before in UTC; the entry is on the Berlin date."""
    user = f.make_user(timezone="Europe/Berlin")
    entity = f.make_entity()
    group = f.make_group(entity=entity, creator=user)
    event = f.make_event(
        entity=entity,
        start_time=datetime.datetime(2026, 4, 30, 22, 0),  # 1 May 00:00 CEST
        time_tba=True,
    )
    ticket = f.make_ticket(group=group, event=event, owner=user)
    entry = fetch(user_feed_url(feed_request, user)).entries[uid(ticket, user)]
    assert entry.decoded("DTSTART") == datetime.date(2026, 5, 1)


def test_date_tba_event_is_left_out(fetch, feed_request, season):
    viewer = season["viewer"]
    entries = fetch(user_feed_url(feed_request, viewer)).entries
    assert uid(season["tickets"]["date_tba"], viewer) not in entries
    assert not any("Eels" in str(e["SUMMARY"]) for e in entries.values())


def test_tickets_of_an_inactive_group_are_left_out(fetch, feed_request, season):
    viewer = season["viewer"]
    closed = f.make_group(creator=viewer, active=False)
    ticket = f.make_ticket(group=closed, owner=viewer)
    assert uid(ticket, viewer) not in fetch(user_feed_url(feed_request, viewer)).entries


def test_owner_sees_the_ticket_they_assigned_to_someone_else(fetch, feed_request, season):
    friend, viewer = season["friend"], season["viewer"]
    entries = fetch(user_feed_url(feed_request, friend)).entries
    entry = entries[uid(season["tickets"]["assigned"], friend)]
    assert "(owner: you; assigned to: Vera Viewer, for Carla Guest)" in str(entry["DESCRIPTION"])
    assert str(entry["TRANSP"]) == "TRANSPARENT"
    # The same ticket has a different UID in each person's feed.
    assert uid(season["tickets"]["assigned"], viewer) not in entries


def test_the_title_names_who_has_the_seat_when_it_is_not_you(
    fetch, feed_request, dbsession, season
):
    """A glance at the calendar tells a game you go to from a seat you
    passed on: the title names the one who sits there, alias included."""
    friend, viewer = season["friend"], season["viewer"]
    ticket = season["tickets"]["assigned"]  # Finn's, assigned to Vera, for Carla
    for reader in (friend, viewer):
        entry = fetch(user_feed_url(feed_request, reader)).entries[uid(ticket, reader)]
        assert str(entry["SUMMARY"]) == "Otters vs Pikes · Section 101, Row C, Seat 8 · for Carla Guest"
    ticket.alias_id = None
    dbsession.flush()
    entries = fetch(user_feed_url(feed_request, friend)).entries
    assert str(entries[uid(ticket, friend)]["SUMMARY"]).endswith("Seat 8 · for Vera Viewer")
    # The seat you sit in says nothing more.
    entries = fetch(user_feed_url(feed_request, viewer)).entries
    assert str(entries[uid(ticket, viewer)]["SUMMARY"]) == "Otters vs Pikes · Section 101, Row C, Seat 8"


def test_control_characters_typed_into_the_api_stay_out_of_the_feed(
    fetch, feed_request, dbsession, season
):
    """RFC 5545 TEXT allows no control character but TAB, and a strict
    calendar app refuses the whole feed over one. A vertical tab (a line
    break pasted from a word processor) becomes a line break; the rest go."""
    viewer, group, ticket = season["viewer"], season["group"], season["tickets"]["assigned"]
    ticket.note = "Gate B\x0bbring the blanket\x1b[0m\x07"
    ticket.seat = "8\x0c"
    season["friend"].first_name = "Finn\x7f"
    group.name = "Section 101\x1fCrew"
    viewer.last_name = "Viewer\x08"
    dbsession.flush()
    response = fetch(user_feed_url(feed_request, viewer))  # the RFC 5545 check included
    entry = response.entries[uid(ticket, viewer)]
    assert str(entry["SUMMARY"]) == "Otters vs Pikes · Section 101, Row C, Seat 8 · for Carla Guest"
    description = str(entry["DESCRIPTION"])
    assert "Note: Gate B\nbring the blanket[0m\n" in description + "\n"
    assert "(owner: Finn Friend;" in description
    assert "Group: Section 101Crew" in description
    assert str(response.calendar["X-WR-CALDESC"]) == "Tickets held by Vera Viewer"


def test_the_calendars_name_and_description_are_escaped_text(
    fetch, feed_request, dbsession, season
):
    """NAME and the X-WR-* properties are TEXT, like SUMMARY: a line break
    (which the API takes into a name) ended the feed in a 500, and commas
    and semicolons went out unescaped, which TEXT does not allow."""
    viewer = season["viewer"]
    viewer.first_name, viewer.last_name = "Vera\nJo", "Viewer, Esq.; \\o/"
    dbsession.flush()
    calendar = fetch(user_feed_url(feed_request, viewer)).calendar
    for name in ("DESCRIPTION", "X-WR-CALDESC"):
        assert calendar[name].to_ical() == rb"Tickets held by Vera\nJo Viewer\, Esq.\; \\o/"


def test_long_lines_fold_between_characters_never_inside_one(
    fetch, feed_request, dbsession, season
):
    """RFC 5545 §3.1 folds at 75 octets; a fold inside a multi-byte UTF-8
    character makes both lines invalid UTF-8. The RFC 5545 check reads
    every line on its own, so each of these offsets puts a fold elsewhere."""
    viewer, ticket = season["viewer"], season["tickets"]["owned"]
    url = user_feed_url(feed_request, viewer)
    for offset in range(4):
        ticket.event.name = "x" * offset + "Öttérs vs Häring ⚾ Élite Cup 🏆 " * 4
        ticket.note = "Bring the blanket 🧣 " * 10
        dbsession.flush()
        entry = fetch(url).entries[uid(ticket, viewer)]  # the RFC 5545 check included
        assert str(entry["SUMMARY"]).startswith(ticket.event.name)


def test_token_is_the_hmac_of_user_id_and_nonce(app, season):
    viewer = season["viewer"]
    expected = hmac.new(
        b"test-calendar-secret", f"{viewer.id}:{viewer.calendar_nonce}".encode(), hashlib.sha256
    ).hexdigest()
    assert feed_token(app.registry.settings, viewer) == expected


def test_wrong_token_is_404(fetch, app, season):
    viewer = season["viewer"]
    token = feed_token(app.registry.settings, viewer)
    wrong = ("0" if token[0] != "0" else "1") + token[1:]
    for bad in (wrong, token.upper(), token[:-1], token + "0", "x" * 64):
        fetch(f"/calendar/{viewer.id}/{bad}/tickets.ics", status=404)


def test_another_users_token_is_404(fetch, app, season):
    viewer, friend = season["viewer"], season["friend"]
    friends_token = feed_token(app.registry.settings, friend)
    fetch(f"/calendar/{viewer.id}/{friends_token}/tickets.ics", status=404)


def test_unknown_user_looks_the_same_as_a_wrong_token(fetch, app, season):
    viewer = season["viewer"]
    token = feed_token(app.registry.settings, viewer)
    wrong_token = fetch(f"/calendar/{viewer.id}/{'a' * 64}/tickets.ics", status=404)
    unknown_user = fetch(f"/calendar/999999/{token}/tickets.ics", status=404)
    not_an_id = fetch(f"/calendar/me/{token}/tickets.ics", status=404)
    assert wrong_token.body == unknown_user.body == not_an_id.body


def test_nothing_is_served_above_the_feeds(fetch, app, season):
    viewer = season["viewer"]
    base = f"/calendar/{viewer.id}/{feed_token(app.registry.settings, viewer)}"
    for path in ("/calendar", f"/calendar/{viewer.id}", base, f"{base}/groups", f"{base}/nope.ics"):
        fetch(path, status=404)


def test_reset_changes_the_url_and_the_old_one_is_404(fetch, feed_request, season, dbsession):
    viewer = season["viewer"]
    old_url = user_feed_url(feed_request, viewer)
    reset_feed_secret(viewer)
    dbsession.flush()
    new_url = user_feed_url(feed_request, viewer)
    assert new_url != old_url
    fetch(old_url, status=404)
    assert fetch(new_url).entries


def test_new_users_get_a_random_nonce(dbsession):
    first = User(email="first@example.com")
    second = User(email="second@example.com")
    dbsession.add_all([first, second])
    dbsession.flush()
    assert len(first.calendar_nonce) == 32
    assert first.calendar_nonce != second.calendar_nonce


def test_feed_is_stable_and_answers_conditional_requests(fetch, feed_request, season):
    url = user_feed_url(feed_request, season["viewer"])
    first, second = fetch(url), fetch(url)
    assert first.body == second.body
    assert first.headers["ETag"] == second.headers["ETag"]
    assert "private" in first.headers["Cache-Control"]
    fetch(url, status=304, headers={"If-None-Match": first.headers["ETag"]})


def test_a_feed_has_no_method_so_its_dtstamps_are_the_last_changes(
    fetch, feed_request, season, backdate
):
    """RFC 5545 §3.8.7.2: under a METHOD (PUBLISH), DTSTAMP is when that copy
    of the calendar was made, a new value at every poll; without one, it is
    the entry's last change, LAST-MODIFIED, the same at every poll."""
    backdate(*season["tickets"].values(), *season["events"].values(), season["viewer"],
             season["friend"], season["group"], season["alias"])
    viewer = season["viewer"]
    for url in (user_feed_url(feed_request, viewer),
                group_feed_url(feed_request, viewer, season["group"].id)):
        feed = fetch(url)
        assert "METHOD" not in feed.calendar
        assert "method=" not in feed.headers["Content-Type"]
        for entry in feed.entries.values():
            assert entry.decoded("DTSTAMP") == entry.decoded("LAST-MODIFIED")
            assert entry.decoded("DTSTAMP") < datetime.datetime.now(UTC) - datetime.timedelta(hours=1)


def test_a_calendar_app_that_accepts_gzip_gets_the_feed_compressed(
    testapp, fetch, feed_request, season
):
    """Calendar apps poll every feed they follow, and a season's feed is
    hundreds of kilobytes of repetitive text: compressed where the app
    says it can read gzip, with a validator of its own (RFC 9110 §8.8.3:
    a strong ETag names one representation) and Vary for shared caches."""
    url = user_feed_url(feed_request, season["viewer"]).removeprefix("http://example.com")

    def raw(accept_encoding=None, method="GET", **headers):
        # webtest would decode the body; a calendar app gets these bytes.
        if accept_encoding is not None:
            headers["Accept-Encoding"] = accept_encoding
        request = Request.blank(url, method=method, headers=headers,
                                environ={"HTTP_HOST": "example.com"})
        return request.get_response(testapp.app)

    plain = fetch(url)
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["Vary"] == "Accept-Encoding"
    packed = raw("gzip, deflate, br")
    assert packed.status_int == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(packed.body) == plain.body
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = raw("gzip")
    assert again.body == packed.body and again.headers["ETag"] == packed.headers["ETag"]
    assert raw("gzip", **{"If-None-Match": packed.headers["ETag"]}).status_int == 304
    assert raw("gzip", **{"If-None-Match": plain.headers["ETag"]}).status_int == 200
    head = raw("gzip", method="HEAD")
    assert head.headers["Content-Length"] == str(len(packed.body)) and not head.body
    # An app that refuses gzip, or names no coding, gets the calendar as it is.
    for refusal in ("gzip;q=0", "identity", "", None):
        response = raw(refusal)
        assert "Content-Encoding" not in response.headers and response.body == plain.body


def test_a_poll_answered_304_compresses_nothing(testapp, feed_request, season, monkeypatch):
    """Most polls name the current ETag: their 304 has no body to compress."""
    url = user_feed_url(feed_request, season["viewer"]).removeprefix("http://example.com")

    def get(**headers):
        request = Request.blank(url, headers={"Accept-Encoding": "gzip", **headers},
                                environ={"HTTP_HOST": "example.com"})
        return request.get_response(testapp.app)

    etag = get().headers["ETag"]
    compressed = []
    real_compress = gzip.compress
    monkeypatch.setattr(gzip, "compress",
                        lambda data, **kwargs: compressed.append(1) or real_compress(data, **kwargs))
    poll = get(**{"If-None-Match": etag})
    assert poll.status_int == 304 and not poll.body
    assert poll.headers["ETag"] == etag and poll.headers["Content-Encoding"] == "gzip"
    assert "Content-Length" not in poll.headers
    assert compressed == []
    assert get(**{"If-None-Match": '"older"'}).status_int == 200 and compressed == [1]


def test_no_last_modified_so_if_modified_since_never_answers_304(fetch, feed_request, season):
    """A deleted ticket leaves the feed without leaving a date behind: a
    Last-Modified could not tell that the feed changed. Only the ETag does."""
    url = user_feed_url(feed_request, season["viewer"])
    assert "Last-Modified" not in fetch(url).headers
    fetch(url, status=200, headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})


def test_head_answers_without_a_body(testapp, feed_request, season):
    url = user_feed_url(feed_request, season["viewer"]).removeprefix("http://example.com")
    response = testapp.head(url, status=200)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.body == b""


def test_feed_is_read_only(testapp, feed_request, season):
    url = user_feed_url(feed_request, season["viewer"]).removeprefix("http://example.com")
    testapp.post(url, status=405)


def test_feed_query_count_does_not_grow_with_tickets(feed_request, season, measure):
    viewer, group = season["viewer"], season["group"]
    url = user_feed_url(feed_request, viewer)

    few_queries, few_entries = measure(url)
    for _ in range(12):
        f.make_ticket(group=group, owner=viewer, assignee=season["friend"])
    many_queries, many_entries = measure(url)
    assert many_entries == few_entries + 12
    assert many_queries == few_queries == 3  # the user, the feed's version, the tickets


def test_a_failing_feed_does_not_log_its_token(testapp, app, feed_request, season, monkeypatch, caplog):
    from seatshare.calendar import resources

    def broken(dbsession, user, site):
        raise RuntimeError("the feed broke")

    monkeypatch.setattr(resources, "ticket_feed", broken)
    viewer = season["viewer"]
    url = user_feed_url(feed_request, viewer).removeprefix("http://example.com")
    testapp.get(url, status=500)
    logged = caplog.text
    assert "the feed broke" in logged
    assert f"/calendar/{viewer.id}/[token]/tickets.ics" in logged
    assert feed_token(app.registry.settings, viewer) not in logged


ALL_DAY_ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//SeatShare tests//EN\r
BEGIN:VEVENT\r
UID:all-day@example.com\r
SUMMARY:Otters vs Newts\r
DTSTART;VALUE=DATE:20270401\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.mark.parametrize(
    "timezone", ["America/Los_Angeles", "America/New_York", "UTC", "Europe/Berlin", "Asia/Tokyo",
                 "Pacific/Auckland", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
)
def test_an_imported_all_day_event_is_on_its_date_in_every_users_feed(
    fetch, feed_request, dbsession, timezone
):
    """An .ics all-day date is the day of the game wherever the reader
    lives: not the day before in the Americas."""
    user = f.make_user(timezone=timezone)
    entity = f.make_entity()
    group = f.make_group(entity=entity, creator=user)
    import_events(dbsession, entity.id, parse_schedule("season.ics", ALL_DAY_ICS))
    event = dbsession.scalars(select(Event).where(Event.entity_id == entity.id)).one()
    assert event.time_tba is True
    ticket = f.make_ticket(group=group, event=event, owner=user)
    entry = fetch(user_feed_url(feed_request, user)).entries[uid(ticket, user)]
    assert entry.decoded("DTSTART") == datetime.date(2027, 4, 1)
    assert entry.decoded("DTEND") == datetime.date(2027, 4, 2)
    assert describe_when(event, timezone) == "Thursday 1 April 2027, time to be announced"


def test_a_rescheduled_game_keeps_its_entry_and_changes_the_feed(fetch, feed_request, dbsession):
    """Re-importing a schedule that moves a game updates the same entry
    (same UID, newer LAST-MODIFIED), and the old ETag no longer matches."""
    user = f.make_user(timezone="America/New_York")
    entity = f.make_entity()
    group = f.make_group(entity=entity, creator=user)
    timed = ALL_DAY_ICS.replace(b"DTSTART;VALUE=DATE:20270401", b"DTSTART:20270401T230500Z")
    import_events(dbsession, entity.id, parse_schedule("season.ics", timed))
    event = dbsession.scalars(select(Event).where(Event.entity_id == entity.id)).one()
    ticket = f.make_ticket(group=group, event=event, owner=user)
    url = user_feed_url(feed_request, user)
    before = fetch(url)
    moved = timed.replace(b"20270401T230500Z", b"20270402T170500Z")
    result = import_events(dbsession, entity.id, parse_schedule("season.ics", moved))
    assert (result.created, result.updated) == (0, 1)
    after = fetch(url)
    assert set(after.entries) == set(before.entries) == {uid(ticket, user)}
    old, new = before.entries[uid(ticket, user)], after.entries[uid(ticket, user)]
    assert new.decoded("DTSTART") == datetime.datetime(2027, 4, 2, 17, 5, tzinfo=UTC)
    assert new.decoded("LAST-MODIFIED") >= old.decoded("LAST-MODIFIED")
    assert after.headers["ETag"] != before.headers["ETag"]
    fetch(url, status=200, headers={"If-None-Match": before.headers["ETag"]})


def test_an_entry_starts_at_sequence_0_and_rises_when_the_game_moves(
    fetch, feed_request, dbsession, season, backdate
):
    """RFC 5545 §3.8.7.4: a calendar app takes a changed start time for
    a new version of the entry only if its SEQUENCE is higher."""
    viewer, ticket = season["viewer"], season["tickets"]["owned"]
    backdate(ticket, ticket.event, season["group"], viewer)
    url = user_feed_url(feed_request, viewer)
    before = fetch(url).entries[uid(ticket, viewer)]
    assert before.decoded("SEQUENCE") == 0
    ticket.event.start_time += datetime.timedelta(days=1)
    dbsession.flush()
    after = fetch(url).entries[uid(ticket, viewer)]
    assert after.decoded("SEQUENCE") > 0
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


def test_a_new_time_zone_that_moves_an_all_day_entry_is_a_newer_version(
    fetch, feed_request, dbsession, season, backdate
):
    """A time-to-be-announced game's date is the reader's: when their time
    zone moves it to another day, SEQUENCE rises like for any moved game."""
    viewer, ticket = season["viewer"], season["tickets"]["assigned"]
    backdate(viewer, ticket, ticket.event, season["friend"], season["group"], season["alias"])
    url = user_feed_url(feed_request, viewer)
    before = fetch(url).entries[uid(ticket, viewer)]
    viewer.timezone = "Pacific/Kiritimati"  # 16:00 UTC is 06:00 the next day
    dbsession.flush()
    after = fetch(url).entries[uid(ticket, viewer)]
    assert (before.decoded("DTSTART"), after.decoded("DTSTART")) == (
        datetime.date(2026, 5, 2), datetime.date(2026, 5, 3))
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


def test_renaming_the_group_or_the_owner_is_a_newer_version(
    fetch, feed_request, dbsession, season, backdate
):
    viewer, friend, group = season["viewer"], season["friend"], season["group"]
    ticket = season["tickets"]["assigned"]  # Finn Friend's, assigned to the viewer
    backdate(ticket, ticket.event, friend, group)
    url = user_feed_url(feed_request, viewer)
    for rename in (lambda: setattr(friend, "first_name", "Fionn"),
                   lambda: setattr(group, "name", "Row C Regulars")):
        before = fetch(url).entries[uid(ticket, viewer)]
        rename()
        dbsession.flush()
        after = fetch(url).entries[uid(ticket, viewer)]
        assert str(after["DESCRIPTION"]) != str(before["DESCRIPTION"])
        assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
        backdate(friend, group)


def test_renaming_the_alias_on_the_seat_is_a_newer_version(
    fetch, feed_request, dbsession, season, backdate
):
    """The entry names the alias the seat is for ("for Carla Guest"): a new
    name for the alias is a new version, as one for the owner is."""
    viewer, alias = season["viewer"], season["alias"]
    ticket = season["tickets"]["assigned"]  # assigned to the viewer, for Carla Guest
    backdate(ticket, ticket.event, season["friend"], viewer, season["group"], alias)
    url = user_feed_url(feed_request, viewer)
    before = fetch(url).entries[uid(ticket, viewer)]
    alias.first_name = "Carlotta"
    dbsession.flush()
    after = fetch(url).entries[uid(ticket, viewer)]
    assert "Carlotta Guest" in str(after["DESCRIPTION"])
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


def test_a_time_tba_placeholder_other_than_noon_stays_in_the_users_zone(dbsession):
    """Only the .ics all-day placeholder (noon UTC) is a date of its own."""
    event = Event(start_time=datetime.datetime(2026, 4, 30, 22, 0), time_tba=True,
                  date_tba=False)
    assert describe_when(event, "Europe/Berlin") == "Friday 1 May 2026, time to be announced"
    noon = Event(start_time=datetime.datetime(2027, 4, 1, 12, 0), time_tba=True, date_tba=False)
    assert describe_when(noon, "Pacific/Auckland") == "Thursday 1 April 2027, time to be announced"


def test_an_old_or_damaged_feed_url_says_what_to_do(fetch, feed_request, season, dbsession):
    """Opened in a browser (a link copied before "Make new links", say):
    what happened and where the links that work are, not "There is no
    page here"; the same page whichever part is wrong, still a 404 for
    calendar apps, kept out of search engines and Referer headers."""
    viewer = season["viewer"]
    old_url = user_feed_url(feed_request, viewer)
    reset_feed_secret(viewer)
    dbsession.flush()
    pages = [fetch(url, status=404) for url in (
        old_url, old_url[:-30], old_url.replace("/calendar/", "/calendar/9999"),
        old_url + "/more")]
    assert len({page.body for page in pages}) == 1
    page = pages[0]
    assert page.html.h1.text.endswith("This calendar link does not work")
    assert "make new links on the Calendars page" in " ".join(page.html.main.text.split())
    assert page.html.find("a", string="Go to your calendar links")["href"] == "/calendars"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Robots-Tag"] == "noindex"
