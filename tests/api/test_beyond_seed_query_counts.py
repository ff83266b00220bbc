"""The §4 lists and writes send a number of SQL statements that does not grow
with the rows they touch (the season ticket's own test is in
test_season_tickets.py)."""
import json

import pytest

from seatshare.models import Role
from seatshare.models.session import on_postgresql

from .. import factories as f

API = "/api/v1"


def statements(testapp, query_counter, method, url, headers, body=None):
    query_counter.reset()
    testapp.request(url, method=method, headers={**headers, "Content-Type": "application/json"},
                    body=body or b"", status="2*")
    return query_counter.count


def more_requests(world, n):
    for _ in range(n):
        ticket = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
        f.make_ticket_request(ticket, requester=world.member)


def more_members(world, n):
    for _ in range(n):
        f.make_membership(world.group, f.make_user())



@pytest.mark.parametrize(("url", "grow"), [
    ("/ticket_requests", more_requests),
    ("/groups/{group}/members", more_members),
    ("/entities", lambda world, n: [f.make_entity() for _ in range(n)]),
])
def test_a_list_costs_the_same_statements_for_few_rows_and_many(
        testapp, world, query_counter, url, grow):
    headers = world.headers("owner")
    url = API + url.format(group=world.group.id)
    grow(world, 2)
    few = statements(testapp, query_counter, "GET", url, headers)
    grow(world, 20)
    assert statements(testapp, query_counter, "GET", url, headers) == few


def test_history_costs_the_same_statements_for_few_entries_and_many(
        testapp, world, query_counter):
    url = f"{API}/ticket/{world.ticket.id}"
    headers = world.headers("owner")

    def edit(n):
        for i in range(n):
            testapp.put_json(url, {"note": f"note {i} of {n}"}, headers=headers)

    group_history = f"{API}/groups/{world.group.id}/history"
    edit(2)
    few = statements(testapp, query_counter, "GET", f"{url}/history", headers)
    few_in_group = statements(testapp, query_counter, "GET", group_history, headers)
    edit(20)
    assert statements(testapp, query_counter, "GET", f"{url}/history", headers) == few
    assert statements(testapp, query_counter, "GET", group_history, headers) == few_in_group <= 3


def test_authorizations_cost_the_same_statements_for_few_applications_and_many(
        testapp, world, query_counter):
    headers = world.headers("member")

    def approve(n):
        for _ in range(n):
            f.make_token(user=world.member)

    approve(2)
    few = statements(testapp, query_counter, "GET", f"{API}/authorizations", headers)
    approve(20)
    assert statements(testapp, query_counter, "GET", f"{API}/authorizations", headers) == few


@pytest.mark.parametrize("removed", [False, True], ids=["leaving", "removed"])
def test_leaving_costs_the_same_statements_for_few_tickets_and_many(
        testapp, world, query_counter, dbsession, removed):
    """A member leaving, or removed by an administrator (who mails them
    the tickets they owned, and remembers the removal: one INSERT more).
    The leaver's tickets are read with their events in one statement,
    which the mails to their other parties use; the requests their leaving
    withdraws and those for the tickets it deletes in one more."""
    def leaver_with(n):
        """n tickets owned, each to its own event, assigned to and asked for
        by someone (each mailed as it goes), n assigned, each by its own
        owner (each mailed), and n requests of theirs."""
        user = f.make_user()
        f.make_membership(world.group, user)
        for _ in range(n):
            event = f.make_event(entity=world.entity)
            asker, assignee = f.make_user(), f.make_user()
            f.make_membership(world.group, asker)
            f.make_membership(world.group, assignee)
            owned = f.make_ticket(group=world.group, event=event, owner=user, assignee=assignee)
            f.make_ticket_request(owned, requester=asker)
            f.make_ticket(group=world.group, event=event, owner=asker, assignee=user)
            # and a request of theirs, withdrawn as they go (its owner mailed)
            other = f.make_ticket(group=world.group, event=event, owner=asker)
            f.make_ticket_request(other, requester=user)
            # and one they own and nobody holds (listed to them, removed)
            f.make_ticket(group=world.group, event=f.make_event(entity=world.entity), owner=user)
        return user

    def remove(user):
        headers = world.headers("admin") if removed else world.auth_headers(user)
        return statements(testapp, query_counter, "DELETE",
                          f"{API}/groups/{world.group.id}/members/{user.id}", headers)

    few, many = leaver_with(2), leaver_with(20)
    assert remove(few) == remove(many) == (15 if removed else 14)


def test_deactivating_costs_the_same_statements_for_few_members_and_many(
        testapp, world, query_counter):
    """Each other member is mailed that the group was deleted."""
    def deactivate(n):
        group = f.make_group(entity=world.entity, creator=world.admin)
        for _ in range(n):
            f.make_membership(group, f.make_user())
        return statements(testapp, query_counter, "DELETE", f"{API}/groups/{group.id}",
                          world.headers("admin"))

    assert deactivate(2) == deactivate(20)


@pytest.mark.parametrize("how", ["accepting", "assigning"])
def test_accepting_costs_the_same_statements_for_few_other_requests_and_many(
        testapp, world, query_counter, how):
    """Accepting a request, or assigning the ticket to its requester, which
    accepts it (each other requester is declined and mailed)."""
    def accept_with_others(n):
        ticket = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
        accepted = f.make_ticket_request(ticket, requester=world.member)
        for _ in range(n):
            other = f.make_user()
            f.make_membership(world.group, other, role=Role.MEMBER)
            f.make_ticket_request(ticket, requester=other)
        if how == "assigning":
            body = b'{"assignee_id": %d}' % world.member.id
            return statements(testapp, query_counter, "PUT", f"{API}/ticket/{ticket.id}",
                              world.headers("owner"), body)
        body = b'{"status": "accepted"}'
        return statements(testapp, query_counter, "PUT", f"{API}/ticket_requests/{accepted.id}",
                          world.headers("owner"), body)

    assert accept_with_others(1) == accept_with_others(10)


def test_deleting_an_alias_costs_the_same_statements_for_few_tickets_and_many(
        testapp, world, query_counter):
    """Each ticket that used the alias loses it, with a history entry: in
    statements that do not grow with the tickets."""
    def alias_used_by(n):
        alias = f.make_alias(world.assignee)
        for _ in range(n):
            f.make_ticket(group=world.group, event=world.event, owner=world.owner,
                          assignee=world.assignee, alias=alias)
        return alias

    few, many = alias_used_by(2), alias_used_by(20)
    url = f"{API}/user_aliases/{{}}"
    headers = world.headers("assignee")
    assert statements(testapp, query_counter, "DELETE", url.format(few.id), headers) == statements(
        testapp, query_counter, "DELETE", url.format(many.id), headers)


def test_moving_a_ticket_away_costs_what_giving_one_nobody_held_does(testapp, world,
                                                                     query_counter):
    """Both mail (the new assignee; and the assignee it was taken from,
    test_tickets.py) from the same two statements: its event, group and
    cleared alias in one, the people in the other."""
    headers, body = world.headers("owner"), b'{"assignee_id": %d}' % world.member.id
    free = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
    given = statements(testapp, query_counter, "PUT", f"{API}/ticket/{free.id}", headers, body)
    assert statements(testapp, query_counter, "PUT", f"{API}/ticket/{world.ticket.id}", headers,
                      body) == given


def given_with_alias(world, method, alias_id) -> tuple[str, bytes]:
    """The URL and body giving the assignee a ticket with ``alias_id``: a
    new one (POST), or one nobody holds (PUT)."""
    body = {"assignee_id": world.assignee.id, "alias_id": alias_id}
    if method == "POST":
        body.update(group_id=world.group.id, event_id=world.event.id, seat="9")
        return f"{API}/tickets", json.dumps(body).encode()
    free = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
    return f"{API}/ticket/{free.id}", json.dumps(body).encode()


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_a_ticket_given_with_an_alias_reads_the_alias_once(testapp, world, query_counter,
                                                          dbsession, method):
    """The alias a ticket is given with is read once, with the assignee's
    membership: for its rule (the assignee's) and for the mail naming it.
    Given with an alias, a ticket costs the statements it does without."""
    def give(alias_id):
        url, body = given_with_alias(world, method, alias_id)
        count = statements(testapp, query_counter, method, url, world.headers("owner"), body)
        return count, [s for s in query_counter.statements if "user_aliases" in s]

    without, _ = give(None)
    with_alias, reads = give(world.assignee_alias.id)
    assert len(reads) == 1, reads
    assert with_alias == without
    # And as many as before the alias was read once (PostgreSQL: one more,
    # the group's lock).
    lock = 1 if on_postgresql(dbsession) else 0
    assert with_alias == {"POST": 8, "PUT": 9}[method] + lock


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_an_unknown_alias_costs_the_statements_a_stranger_s_alias_does(testapp, world,
                                                                       query_counter, method):
    """The assignee's membership and the alias are one statement whether the
    alias exists or not (a 400 either way)."""
    def give(alias_id):
        url, body = given_with_alias(world, method, alias_id)
        query_counter.reset()
        res = testapp.request(url, method=method, body=body, status=400,
                              headers={**world.headers("owner"), "Content-Type": "application/json"})
        assert res.json["fields"] == {"alias_id": "must be an alias of the ticket's assignee"}
        return query_counter.count

    assert give(999999) == give(f.make_alias(world.owner).id)
