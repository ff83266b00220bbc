"""A group's events with your seats: /calendar/<user_id>/<token>/groups/<id>.ics."""
import datetime

from seatshare.calendar import feed_token, group_feed_url

from .. import factories as f

UTC = datetime.UTC


def uid(event, group, user, site="example.com"):
    return f"event-{event.id}-group-{group.id}-user-{user.id}@{site}"


def test_feed_lists_the_groups_events_except_date_tba(fetch, feed_request, season):
    viewer, group, events = season["viewer"], season["group"], season["events"]
    response = fetch(group_feed_url(feed_request, viewer, group.id))
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert set(response.entries) == {
        uid(events[name], group, viewer) for name in ("timed", "time_tba", "no_seat")
    }
    assert str(response.calendar["X-WR-CALNAME"]) == "SeatShare: Section 101 Crew"


def test_uids_name_the_site(fetch, feed_request, season):
    viewer, group, events = season["viewer"], season["group"], season["events"]
    url = group_feed_url(feed_request, viewer, group.id)
    entries = fetch(url, extra_environ={"HTTP_HOST": "seats.example.org"}).entries
    assert uid(events["timed"], group, viewer, "seats.example.org") in entries


def test_a_group_without_events_is_still_a_calendar(fetch, feed_request, season):
    viewer = season["viewer"]
    group = f.make_group(creator=viewer)  # its team has no events yet
    response = fetch(group_feed_url(feed_request, viewer, group.id))  # RFC 5545 checked
    assert response.entries == {}


def test_the_calendars_name_is_escaped_text_on_one_line(fetch, feed_request, dbsession, season):
    """A calendar app shows its name on one line, as an entry's title: a
    line break typed into a group's name is a space there, as in SUMMARY,
    and a blank line between two words one space, not two."""
    viewer, group, events = season["viewer"], season["group"], season["events"]
    group.name = "Row C, Seats 7; 8\nthe \\ crew"
    events["timed"].name = "Otters\n\nvs  Herons"
    dbsession.flush()
    response = fetch(group_feed_url(feed_request, viewer, group.id))
    for name in ("NAME", "X-WR-CALNAME"):
        assert response.calendar[name].to_ical() == rb"SeatShare: Row C\, Seats 7\; 8 the \\ crew"
    # The description may have lines.
    assert response.calendar["X-WR-CALDESC"].to_ical() == (
        rb"Events of Row C\, Seats 7\; 8\nthe \\ crew")
    entry = response.entries[uid(events["timed"], group, viewer)]
    assert str(entry["SUMMARY"]) == "Otters vs Herons · your seat: Section 101, Row C, Seat 7"


def test_events_of_other_entities_are_left_out(fetch, feed_request, season):
    viewer, group = season["viewer"], season["group"]
    elsewhere = f.make_event(name="Somebody else's game")
    entries = fetch(group_feed_url(feed_request, viewer, group.id)).entries
    assert uid(elsewhere, group, viewer) not in entries


def test_your_seat_is_noted(fetch, feed_request, season):
    viewer, group, events = season["viewer"], season["group"], season["events"]
    entry = fetch(group_feed_url(feed_request, viewer, group.id)).entries[
        uid(events["timed"], group, viewer)
    ]
    assert str(entry["SUMMARY"]) == "Otters vs Herons · your seat: Section 101, Row C, Seat 7"
    assert "- Section 101, Row C, Seat 7 (owner: you; not assigned)" in str(entry["DESCRIPTION"])
    assert entry.decoded("DTSTART") == datetime.datetime(2026, 4, 10, 23, 5, tzinfo=UTC)
    assert str(entry["TRANSP"]) == "OPAQUE"


def test_your_seat_names_who_sits_there_when_it_is_not_you(fetch, feed_request, season):
    viewer, group, events = season["viewer"], season["group"], season["events"]
    entry = fetch(group_feed_url(feed_request, viewer, group.id)).entries[
        uid(events["time_tba"], group, viewer)
    ]
    assert str(entry["SUMMARY"]) == (
        "Otters vs Pikes · your seat: Section 101, Row C, Seat 8 · for Carla Guest"
    )


def test_several_seats_are_counted_and_listed(fetch, feed_request, season):
    viewer, group, events = season["viewer"], season["group"], season["events"]
    f.make_ticket(group=group, event=events["timed"], owner=viewer, section="101", row="C", seat="9")
    entry = fetch(group_feed_url(feed_request, viewer, group.id)).entries[
        uid(events["timed"], group, viewer)
    ]
    assert str(entry["SUMMARY"]) == "Otters vs Herons · your seats: 2"
    description = str(entry["DESCRIPTION"])
    assert "Seat 7 (owner: you" in description and "Seat 9 (owner: you" in description


def test_event_without_your_seat_is_free_time(fetch, feed_request, season):
    viewer, group, events = season["viewer"], season["group"], season["events"]
    entry = fetch(group_feed_url(feed_request, viewer, group.id)).entries[
        uid(events["no_seat"], group, viewer)
    ]
    # The friend's ticket to this event is not the viewer's seat.
    assert str(entry["SUMMARY"]) == "Otters vs Carps"
    assert "Your seats" not in str(entry["DESCRIPTION"])
    assert str(entry["TRANSP"]) == "TRANSPARENT"


def test_time_tba_event_is_an_all_day_entry(fetch, feed_request, season):
    viewer, group, events = season["viewer"], season["group"], season["events"]
    entry = fetch(group_feed_url(feed_request, viewer, group.id)).entries[
        uid(events["time_tba"], group, viewer)
    ]
    assert entry.decoded("DTSTART") == datetime.date(2026, 5, 2)
    assert entry.decoded("DTEND") == datetime.date(2026, 5, 3)
    assert "assigned to: you, for Carla Guest" in str(entry["DESCRIPTION"])
    assert str(entry["DESCRIPTION"]).startswith("Time to be announced\n")


def test_an_all_day_entry_leaves_the_day_free_even_with_your_seat(fetch, feed_request, season):
    viewer, group, events = season["viewer"], season["group"], season["events"]
    f.make_ticket(group=group, event=events["time_tba"], owner=viewer, seat="9")
    entry = fetch(group_feed_url(feed_request, viewer, group.id)).entries[
        uid(events["time_tba"], group, viewer)
    ]
    assert "Seat 9 (owner: you; not assigned)" in str(entry["DESCRIPTION"])
    assert str(entry["TRANSP"]) == "TRANSPARENT"


def test_an_entry_starts_at_sequence_0_and_rises_when_your_seat_changes(
    fetch, feed_request, dbsession, season, backdate
):
    viewer, group, events = season["viewer"], season["group"], season["events"]
    ticket = season["tickets"]["owned"]
    backdate(ticket, events["timed"], group, viewer)
    url = group_feed_url(feed_request, viewer, group.id)
    before = fetch(url).entries[uid(events["timed"], group, viewer)]
    assert before.decoded("SEQUENCE") == 0
    ticket.seat = "8"
    dbsession.flush()
    after = fetch(url).entries[uid(events["timed"], group, viewer)]
    assert after.decoded("SEQUENCE") > 0
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


def test_losing_your_seat_is_a_newer_version_of_the_entry(
    testapp, fetch, feed_request, auth_headers, season, backdate
):
    """Your seat leaving an entry (unassigned from you, or deleted) is a
    change like any other: LAST-MODIFIED and SEQUENCE never go back, or a
    calendar app keeps the version that still shows the seat."""
    viewer, friend, group, events = season["viewer"], season["friend"], season["group"], season["events"]
    unassigned = season["tickets"]["assigned"]  # the friend's, assigned to the viewer
    deleted = f.make_ticket(group=group, event=events["no_seat"], owner=viewer)
    backdate(events["time_tba"], events["no_seat"], days=2)
    backdate(unassigned, deleted, season["tickets"]["friends"], group, viewer, friend,
             season["alias"])
    url = group_feed_url(feed_request, viewer, group.id)
    before = fetch(url).entries
    testapp.put_json(f"/api/v1/ticket/{unassigned.id}", {"assignee_id": None},
                     headers=auth_headers(friend))
    testapp.delete(f"/api/v1/ticket/{deleted.id}", headers=auth_headers(viewer), status=204)
    after = fetch(url).entries
    for event in (events["time_tba"], events["no_seat"]):
        old, new = before[uid(event, group, viewer)], after[uid(event, group, viewer)]
        assert "Your seats" in str(old["DESCRIPTION"])
        assert "Your seats" not in str(new["DESCRIPTION"])
        assert new.decoded("LAST-MODIFIED") > old.decoded("LAST-MODIFIED")
        assert new.decoded("SEQUENCE") > old.decoded("SEQUENCE")


def test_renaming_the_group_or_a_seats_owner_is_a_newer_version(
    fetch, feed_request, dbsession, season, backdate
):
    viewer, friend, group, events = season["viewer"], season["friend"], season["group"], season["events"]
    backdate(*season["tickets"].values(), *events.values(), friend, group)
    url = group_feed_url(feed_request, viewer, group.id)
    entry = uid(events["time_tba"], group, viewer)  # your seat is Finn Friend's ticket
    for rename in (lambda: setattr(friend, "first_name", "Fionn"),
                   lambda: setattr(group, "name", "Row C Regulars")):
        before = fetch(url).entries[entry]
        rename()
        dbsession.flush()
        after = fetch(url).entries[entry]
        assert str(after["DESCRIPTION"]) != str(before["DESCRIPTION"])
        assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
        backdate(friend, group)


def test_renaming_the_alias_on_your_seat_is_a_newer_version(
    fetch, feed_request, dbsession, season, backdate
):
    viewer, group, events, alias = season["viewer"], season["group"], season["events"], season["alias"]
    backdate(*season["tickets"].values(), *events.values(), season["friend"], viewer, group,
             alias)
    url = group_feed_url(feed_request, viewer, group.id)
    entry = uid(events["time_tba"], group, viewer)  # your seat, for Carla Guest
    before = fetch(url).entries[entry]
    alias.last_name = "Gast"
    dbsession.flush()
    after = fetch(url).entries[entry]
    assert "Carla Gast" in str(after["DESCRIPTION"])
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")


def test_non_member_gets_404(fetch, feed_request, season):
    outsider = f.make_user()
    fetch(group_feed_url(feed_request, outsider, season["group"].id), status=404)


def test_inactive_group_is_404_even_for_its_members(fetch, feed_request, season, dbsession):
    viewer, group = season["viewer"], season["group"]
    group.active = False
    dbsession.flush()
    fetch(group_feed_url(feed_request, viewer, group.id), status=404)


def test_unknown_or_malformed_group_is_404(fetch, app, season):
    viewer = season["viewer"]
    base = f"/calendar/{viewer.id}/{feed_token(app.registry.settings, viewer)}/groups"
    for name in ("999999.ics", "abc.ics", f"{season['group'].id}", f"{season['group'].id}.ical", "0.ics"):
        fetch(f"{base}/{name}", status=404)


def test_wrong_token_is_404(fetch, season):
    viewer, group = season["viewer"], season["group"]
    fetch(f"/calendar/{viewer.id}/{'0' * 64}/groups/{group.id}.ics", status=404)


def test_feed_query_count_does_not_grow_with_events_or_tickets(
    feed_request, season, measure
):
    viewer, group, entity = season["viewer"], season["group"], season["entity"]
    url = group_feed_url(feed_request, viewer, group.id)

    few_queries, few_entries = measure(url)
    for _ in range(10):
        event = f.make_event(entity=entity)
        f.make_ticket(group=group, event=event, owner=viewer)
        f.make_ticket(group=group, event=event, owner=season["friend"], assignee=viewer)
    many_queries, many_entries = measure(url)
    assert many_entries == few_entries + 10
    # The user, the group with the membership, the version, the events with the seats.
    assert many_queries == few_queries == 4
