"""A write that touches several rows and fails after the first: the database
is exactly as before, no mail goes out, and the client gets the contract's
500 body. Each test makes the failure strike after rows were flushed."""
import pytest
import sqlalchemy as sa

from seatshare.models import (
    GroupRemoval,
    Membership,
    RequestStatus,
    Ticket,
    TicketHistory,
    TicketRequest,
    UserAlias,
)
from seatshare.services import group_membership as membership_service
from seatshare.services import ticket_requests as request_service
from seatshare.services import tickets as ticket_service

from .. import factories as f

API = "/api/v1"
TABLES = (Ticket, TicketHistory, TicketRequest, Membership, GroupRemoval, UserAlias)


class Midway(Exception):
    """The failure forced after part of a write was sent."""


def fail_after(real):
    """``real``, then the session flushed (its rows sent), then a failure."""

    def failing(first, *args, **kwargs):
        real(first, *args, **kwargs)
        getattr(first, "dbsession", first).flush()  # a request, or its session
        raise Midway("after the first rows")

    return failing


def state(dbsession):
    """Every row of the tables these writes touch, as plain values."""
    dbsession.expire_all()
    rows = {}
    for model in TABLES:
        table = model.__table__
        rows[table.name] = sorted(
            tuple(map(str, row)) for row in dbsession.execute(sa.select(table))
        )
    return rows


def assert_500(res):
    assert res.status_int == 500
    assert res.json["code"] == 500 and res.json["error"] == "Internal Server Error"
    assert "Midway" not in res.text


def test_a_season_ticket_failing_midway_leaves_no_ticket(testapp, world, dbsession,
                                                        outbox, monkeypatch):
    events = [f.make_event(entity=world.entity) for _ in range(3)]
    before = state(dbsession)
    monkeypatch.setattr(ticket_service, "record_ticket_changes",
                        fail_after(ticket_service.record_ticket_changes))
    res = testapp.post_json(f"{API}/tickets", {
        "group_id": world.group.id, "event_ids": [e.id for e in events],
        "section": "A", "row": "1", "seat": "2", "cost": "10.00",
    }, headers=world.headers("member"), status=500)
    assert_500(res)
    assert state(dbsession) == before


def test_a_ticket_deletion_failing_midway_keeps_it_and_mails_nobody(
        testapp, world, dbsession, outbox, monkeypatch):
    f.make_ticket_request(world.ticket, requester=world.member)
    before = state(dbsession)
    monkeypatch.setattr(ticket_service, "record_ticket_change",
                        fail_after(ticket_service.record_ticket_change))
    res = testapp.delete(f"{API}/ticket/{world.ticket.id}", headers=world.headers("owner"),
                         status=500)
    assert_500(res)
    assert state(dbsession) == before
    assert outbox == []  # the requester and the assignee were mailed before it failed


def test_a_member_removal_failing_midway_keeps_the_member_and_tickets(
        testapp, world, dbsession, outbox, monkeypatch):
    f.make_ticket(group=world.group, event=world.event, owner=world.member,
                  assignee=world.owner)
    f.make_ticket(group=world.group, event=world.event, owner=world.owner,
                  assignee=world.member)
    f.make_ticket_request(world.ticket, requester=world.member)
    before = state(dbsession)
    monkeypatch.setattr(membership_service, "record_ticket_changes",
                        fail_after(membership_service.record_ticket_changes))
    res = testapp.delete(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                         headers=world.headers("admin"), status=500)
    assert_500(res)
    assert state(dbsession) == before
    assert outbox == []  # the requester, the assignee and the owner were mailed before it failed


def test_an_alias_deletion_failing_midway_keeps_every_ticket_s_alias(
        testapp, world, dbsession, outbox, monkeypatch):
    for _ in range(2):
        f.make_ticket(group=world.group, event=world.event, owner=world.owner,
                      assignee=world.assignee, alias=world.assignee_alias)
    before = state(dbsession)
    deleting = []

    def fails_as_the_alias_goes(mapper, connection, target):
        # The same flush sent the history rows and the tickets' UPDATEs first.
        deleting.append(connection.scalar(
            sa.select(sa.func.count()).select_from(Ticket).where(Ticket.alias_id == target.id)))
        raise Midway("as the alias is deleted")

    sa.event.listen(UserAlias, "before_delete", fails_as_the_alias_goes)
    try:
        res = testapp.delete(f"{API}/user_aliases/{world.assignee_alias.id}",
                             headers=world.headers("assignee"), status=500)
    finally:
        sa.event.remove(UserAlias, "before_delete", fails_as_the_alias_goes)
    assert_500(res)
    assert deleting == [0]  # its two tickets had lost it, with their history rows
    assert state(dbsession) == before


@pytest.mark.parametrize(("service", "step"), [
    (request_service, "change_ticket"),  # after the history entry
    (ticket_service, "settle_requests"),  # after the other requests are declined
])
def test_accepting_a_request_failing_midway_changes_nothing_and_mails_nobody(
        testapp, world, dbsession, outbox, monkeypatch, service, step):
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    f.make_ticket_request(world.ticket, requester=world.admin)
    before = state(dbsession)
    monkeypatch.setattr(service, step, fail_after(getattr(service, step)))
    res = testapp.put_json(f"{API}/ticket_requests/{asked.id}", {"status": "accepted"},
                           headers=world.headers("owner"), status=500)
    assert_500(res)
    assert state(dbsession) == before
    assert dbsession.get(TicketRequest, asked.id).status == RequestStatus.PENDING
    assert outbox == []
