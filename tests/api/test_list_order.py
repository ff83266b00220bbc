"""Lists sort text by code point, on SQLite and on PostgreSQL alike.

SQLite compares text by its bytes; PostgreSQL by the database's collation,
which on most clusters is a language's ("en_US.UTF-8": case and spaces
weigh little, "Ö" sorts with "O"). The suite's PostgreSQL database has such
a collation (``tests.conftest.create_database``), so each list here is
checked against the order SQLite gives: Python's ``sorted``.
"""
import uuid

import pytest
from sqlalchemy import text

from .. import factories as f


@pytest.fixture(autouse=True)
def a_collation_that_would_tell(backend, dbsession):
    """On a PostgreSQL server without ICU the database keeps the server's
    own collation; under C it sorts by code point whatever the code asks,
    and these tests could not fail: say so rather than pass."""
    if backend == "postgresql" and dbsession.scalar(text("SELECT 'B' < 'a'")):
        pytest.skip("this PostgreSQL database sorts by code point already (C collation); "
                    "the order tests need a language's (ICU en-US)")

API = "/api/v1"
# Sorted by code point: "Baker", "DeLaCruz", "Zhu", "de la Cruz", "van Dyke",
# "Ödegaard"; by en-US: "Baker", "de la Cruz", "DeLaCruz", "Ödegaard",
# "van Dyke", "Zhu".
NAMES = ["van Dyke", "Baker", "Ödegaard", "de la Cruz", "DeLaCruz", "Zhu"]


def test_users_and_members_sort_by_code_point(testapp, world, dbsession):
    group = f.make_group(creator=world.member, name="Names")
    people = [f.make_user(last_name=name, first_name="Pat") for name in NAMES]
    for person in people:
        f.make_membership(group, person)
    expected = [
        u.id for u in sorted(people + [world.member], key=lambda u: (u.last_name, u.first_name, u.id))
    ]
    headers = world.headers("member")
    users = testapp.get(f"{API}/users?group_id={group.id}", headers=headers).json
    assert [u["id"] for u in users] == expected
    members = testapp.get(f"{API}/groups/{group.id}/members", headers=headers).json
    assert [m["user_id"] for m in members] == expected


def test_aliases_sort_by_code_point(testapp, world):
    for name in NAMES:
        f.make_alias(world.outsider, first_name=name.upper(), last_name=name)
    res = testapp.get(f"{API}/user_aliases", headers=world.headers("non_member"))
    keys = [(a["last_name"], a["first_name"], a["id"]) for a in res.json]
    assert [k[0] for k in keys] == sorted(NAMES)
    assert keys == sorted(keys)


def test_groups_sort_by_code_point(testapp, world):
    for name in NAMES:
        f.make_group(creator=world.outsider, name=name)
    res = testapp.get(f"{API}/groups", headers=world.headers("non_member"))
    assert [g["name"] for g in res.json] == sorted(NAMES + [world.other_group.name])


def test_entities_sort_by_code_point(testapp, world):
    marker = uuid.uuid4().hex[:8]
    for name in NAMES:
        f.make_entity(name=f"{name} {marker}")
    res = testapp.get(f"{API}/entities", {"q": marker}, headers=world.headers("member"))
    assert [e["name"] for e in res.json] == sorted(f"{name} {marker}" for name in NAMES)


def test_tickets_sort_their_seats_by_code_point(testapp, world):
    event = f.make_event(entity=world.entity)
    for name in NAMES:
        f.make_ticket(group=world.group, event=event, owner=world.owner,
                      section=name, row=name.lower(), seat=name.upper())
    res = testapp.get(f"{API}/tickets?event_id={event.id}", headers=world.headers("member"))
    assert [t["section"] for t in res.json] == sorted(NAMES)


def test_first_names_break_ties_by_code_point(testapp, world):
    group = f.make_group(creator=world.member, name="First names")
    people = [f.make_user(last_name="Same", first_name=name) for name in NAMES]
    for person in people:
        f.make_membership(group, person)
    users = testapp.get(f"{API}/users?group_id={group.id}", headers=world.headers("member")).json
    same = [u["first_name"] for u in users if u["last_name"] == "Same"]
    assert same == sorted(NAMES)


def test_rows_and_seats_sort_by_code_point_in_the_list_and_the_feed(
        testapp, world, app):
    """The seat fields after the section: one section, rows and seats that
    only code point order puts in this order; the ticket feed, the list's
    twin, in the same order."""
    from pyramid.request import Request
    from seatshare.calendar import user_feed_url

    event = f.make_event(entity=world.entity)
    made = [f.make_ticket(group=world.group, event=event, owner=world.owner,
                          section="A", row=name, seat="1") for name in NAMES]
    made += [f.make_ticket(group=world.group, event=event, owner=world.owner,
                           section="B", row="1", seat=name) for name in NAMES]
    expected = [t.id for t in sorted(made, key=lambda t: (t.section, t.row, t.seat))]
    res = testapp.get(f"{API}/tickets?event_id={event.id}&per_page=100",
                      headers=world.headers("member"))
    assert [t["id"] for t in res.json] == expected
    request = Request.blank("/", base_url="http://example.com")
    request.registry = app.registry
    feed = testapp.get(user_feed_url(request, world.owner).removeprefix("http://example.com"))
    order = [int(line.split("-")[1]) for line in feed.text.splitlines()
             if line.startswith("UID:ticket-")]
    assert [i for i in order if i in set(expected)] == expected
