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


# --- GET /groups/ID/history -------------------------------------------------

def group_history(testapp, world, caller="member", group_id=None, status=200, **params):
    return testapp.get(f"{API}/groups/{group_id or world.group.id}/history", params,
                       headers=world.headers(caller), status=status)


def test_group_history_keeps_what_happened_to_deleted_tickets(testapp, world):
    """A deleted ticket's own history is gone with it (404); the group's
    still tells who deleted it, and what it was."""
    headers = world.headers("owner")
    body = {"group_id": world.group.id, "event_id": world.event.id, "seat": "9"}
    made = testapp.post_json(f"{API}/tickets", body, headers=headers, status=201).json
    testapp.put_json(f"{API}/ticket/{made['id']}", {"note": "gone soon"}, headers=headers)
    testapp.delete(f"{API}/ticket/{made['id']}", headers=headers, status=204)
    testapp.get(f"{API}/ticket/{made['id']}/history", headers=world.headers("member"),
                status=404)
    res = group_history(testapp, world)
    entries = [e for e in res.json if e["ticket_id"] == made["id"]]
    assert [(e["action"], e["actor_id"]) for e in entries] == [
        ("deleted", world.owner.id), ("updated", world.owner.id), ("created", world.owner.id)]
    assert entries[0]["changes"]["seat"] == "9" and entries[0]["changes"]["note"] == "gone soon"
    assert res.headers["X-Total-Count"] == "3"


def test_group_history_tells_what_a_member_who_left_took_with_them(testapp, world):
    owned = f.make_ticket(group=world.group, event=world.event, owner=world.member, seat="4")
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                   headers=world.headers("member"), status=204)
    entries = group_history(testapp, world, caller="owner").json
    deleted = [e for e in entries if e["action"] == "deleted"]
    assert [(e["ticket_id"], e["actor_id"]) for e in deleted] == [(owned.id, world.member.id)]


def test_group_history_is_newest_first_and_paginated(testapp, world):
    url = f"{API}/ticket/{world.ticket.id}"
    for note in "abc":
        testapp.put_json(url, {"note": note}, headers=world.headers("owner"))
    first = group_history(testapp, world, per_page=2)
    assert [e["changes"]["note"][1] for e in first.json] == ["c", "b"]
    assert [e["id"] for e in first.json] == sorted((e["id"] for e in first.json), reverse=True)
    assert 'rel="next"' in first.headers["Link"] and first.headers["X-Total-Count"] == "3"
    second = group_history(testapp, world, per_page=2, page=2)
    assert [e["changes"]["note"][1] for e in second.json] == ["a"]


def test_group_history_holds_only_its_groups_tickets(testapp, world):
    elsewhere = f.make_ticket(group=world.other_group, owner=world.outsider)
    testapp.put_json(f"{API}/ticket/{elsewhere.id}", {"note": "x"},
                     headers=world.auth_headers(world.outsider))
    assert group_history(testapp, world).json == []


@pytest.mark.parametrize(("caller", "status"), [
    ("anonymous", 401), ("unknown_token", 401), ("expired_token", 401), ("non_member", 403),
    ("member", 200), ("owner", 200), ("assignee", 200), ("admin", 200), ("read_only", 200),
])
def test_group_history_is_for_the_groups_members(testapp, world, caller, status):
    res = group_history(testapp, world, caller=caller, status=status)
    if status >= 400:
        assert res.json["code"] == status


@pytest.mark.parametrize(("caller", "status"), [("anonymous", 401), ("non_member", 404),
                                                ("member", 404)])
def test_group_history_of_no_group_is_404_after_401(testapp, world, caller, status):
    group_history(testapp, world, caller=caller, group_id=999999, status=status)


def test_group_history_of_a_deactivated_group_is_gone(testapp, world, dbsession):
    testapp.delete(f"{API}/groups/{world.group.id}", headers=world.headers("admin"), status=204)
    group_history(testapp, world, caller="admin", status=404)


def test_group_history_takes_only_page_and_per_page(testapp, world):
    res = group_history(testapp, world, status=400, ticket_id=world.ticket.id)
    assert "ticket_id" in res.json["fields"]


def test_ids_the_history_names_are_never_given_again(testapp, world):
    """History outlives what it names: a deleted alias's id (``alias_id``)
    and a request deleted with its ticket (``request_id``) are not reused
    for another record, on SQLite either, as ticket ids are not."""
    ticket_url = f"{API}/ticket/{world.ticket.id}"
    alias = testapp.post_json(f"{API}/user_aliases", {"first_name": "Pat"},
                              headers=world.headers("assignee"), status=201).json
    testapp.put_json(ticket_url, {"alias_id": alias["id"]}, headers=world.headers("assignee"))
    testapp.delete(f"{API}/user_aliases/{alias['id']}", headers=world.headers("assignee"))
    entries = history(testapp, world).json
    assert entries[-1]["changes"] == {"alias_id": [alias["id"], None]}
    another = testapp.post_json(f"{API}/user_aliases", {"first_name": "Sam"},
                                headers=world.headers("member"), status=201).json
    assert another["id"] > alias["id"]

    doomed = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
    asked = testapp.post_json(f"{API}/ticket/{doomed.id}/requests", {},
                              headers=world.headers("member"), status=201).json
    testapp.delete(f"{API}/ticket/{doomed.id}", headers=world.headers("owner"), status=204)
    again = testapp.post_json(f"{ticket_url}/requests", {},
                              headers=world.headers("member"), status=201).json
    assert again["id"] > asked["id"]
