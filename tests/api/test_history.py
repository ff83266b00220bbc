"""API.md §4: GET /ticket/ID/history: who created, updated, assigned,
unassigned, requested the ticket, and when."""
import re

import pytest

from .. import factories as f

API = "/api/v1"


def history(testapp, world, caller="member", ticket_id=None, base="ticket"):
    ticket_id = ticket_id or world.ticket.id
    return testapp.get(f"{API}/{base}/{ticket_id}/history", headers=world.headers(caller))


def test_history_tells_who_did_what_and_when_in_order(testapp, world):
    created = testapp.post_json(
        f"{API}/tickets", {"group_id": world.group.id, "event_id": world.event.id, "seat": "3"},
        headers=world.headers("owner"), status=201,
    ).json
    url = f"{API}/ticket/{created['id']}"
    testapp.put_json(url, {"note": "aisle"}, headers=world.headers("owner"))
    testapp.put_json(url, {"assignee_id": world.assignee.id}, headers=world.headers("owner"))
    asked = testapp.post_json(f"{url}/requests", {}, headers=world.headers("member")).json
    testapp.put_json(url, {"assignee_id": None}, headers=world.headers("assignee"))
    res = history(testapp, world, ticket_id=created["id"])
    entries = res.json
    assert [(e["action"], e["actor_id"]) for e in entries] == [
        ("created", world.owner.id),
        ("updated", world.owner.id),
        ("assigned", world.owner.id),
        ("requested", world.member.id),
        ("unassigned", world.assignee.id),
    ]
    assert set(entries[0]) == {"id", "ticket_id", "action", "actor_id", "changes", "created_at"}
    assert entries[0]["changes"]["seat"] == "3" and entries[0]["changes"]["cost"] == "0.00"
    assert entries[1]["changes"] == {"note": ["", "aisle"]}
    assert entries[2]["changes"] == {"assignee_id": [None, world.assignee.id]}
    assert entries[3]["changes"] == {"request_id": asked["id"]}
    assert entries[4]["changes"] == {"assignee_id": [world.assignee.id, None]}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e["created_at"]) for e in entries)
    assert [e["id"] for e in entries] == sorted(e["id"] for e in entries)
    assert res.headers["X-Total-Count"] == "5"


def test_history_is_paginated(testapp, world):
    for note in "abc":
        testapp.put_json(f"{API}/ticket/{world.ticket.id}", {"note": note},
                         headers=world.headers("owner"))
    res = testapp.get(f"{API}/ticket/{world.ticket.id}/history?per_page=2&page=2",
                      headers=world.headers("member"))
    assert [e["changes"]["note"][1] for e in res.json] == ["c"]
    assert 'rel="prev"' in res.headers["Link"]


@pytest.mark.parametrize("base", ["ticket", "tickets"])
def test_members_read_history_at_both_paths(testapp, world, base):
    assert history(testapp, world, base=base).json == []


def test_non_member_gets_403_on_history(testapp, world):
    testapp.get(f"{API}/ticket/{world.ticket.id}/history", headers=world.headers("non_member"),
                status=403)


def test_history_of_a_ticket_that_does_not_exist_is_404(testapp, world):
    testapp.get(f"{API}/ticket/999999/history", headers=world.headers("member"), status=404)


def test_history_entries_are_not_addressed_one_by_one(testapp, world):
    testapp.get(f"{API}/ticket/{world.ticket.id}/history/1", headers=world.headers("member"),
                status=404)


def test_history_of_another_ticket_is_not_mixed_in(testapp, world):
    other = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
    testapp.put_json(f"{API}/ticket/{other.id}", {"note": "x"}, headers=world.headers("owner"))
    assert history(testapp, world).json == []


def test_a_new_ticket_does_not_inherit_a_deleted_tickets_history(testapp, world):
    """SQLite reuses the id of the last row deleted: the history must not."""
    headers = world.headers("owner")
    body = {"group_id": world.group.id, "event_id": world.event.id, "seat": "1"}
    first = testapp.post_json(f"{API}/tickets", body, headers=headers, status=201).json
    testapp.delete(f"{API}/ticket/{first['id']}", headers=headers, status=204)
    second = testapp.post_json(f"{API}/tickets", body, headers=headers, status=201).json
    assert second["id"] != first["id"]
    res = history(testapp, world, ticket_id=second["id"])
    assert [e["action"] for e in res.json] == ["created"]
