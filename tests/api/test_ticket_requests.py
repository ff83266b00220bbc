"""API.md §4: ticket requests: ask, list, accept, decline, withdraw."""
import datetime

import pytest

from seatshare.models import (
    HistoryAction,
    RequestStatus,
    Ticket,
    TicketHistory,
    TicketRequest,
    utcnow,
)

from .. import factories as f
from ..mailtext import prose
from .clock import within_one_second

API = "/api/v1"


def ask(testapp, world, caller="member", ticket=None, **body):
    ticket = ticket or world.ticket
    return testapp.post_json(f"{API}/ticket/{ticket.id}/requests", body,
                             headers=world.headers(caller), status="*")


def answer(testapp, world, caller, request_id, status):
    return testapp.put_json(f"{API}/ticket_requests/{request_id}", {"status": status},
                            headers=world.headers(caller), status="*")


def name(user) -> str:
    return f"{user.first_name} {user.last_name}"


def fresh(dbsession, model, record_id):
    dbsession.expire_all()
    return dbsession.get(model, record_id)


# --- POST /ticket/ID/requests ----------------------------------------------

def test_member_asks_the_owner_and_the_owner_is_mailed(testapp, world, dbsession, outbox):
    res = ask(testapp, world, message="My dad's birthday!")
    assert res.status_int == 201
    body = res.json
    assert body["status"] == "pending" and body["requester_id"] == world.member.id
    assert body["owner_id"] == world.owner.id and body["ticket_id"] == world.ticket.id
    assert body["message"] == "My dad's birthday!"
    assert res.headers["Location"] == f"http://example.com{API}/ticket_requests/{body['id']}"
    [message] = outbox
    assert world.owner.email in message.to and "My dad's birthday!" in message.body
    [entry] = dbsession.query(TicketHistory).filter_by(ticket_id=world.ticket.id).all()
    assert entry.action == HistoryAction.REQUESTED and entry.actor_id == world.member.id
    assert entry.changes == {"request_id": body["id"]}


def test_owner_gets_403_asking_for_their_own_ticket(testapp, world, outbox):
    assert ask(testapp, world, "owner").status_int == 403
    assert outbox == []


def test_non_member_gets_403_asking(testapp, world):
    assert ask(testapp, world, "non_member").status_int == 403


def test_second_pending_request_by_the_same_member_is_409(testapp, world, dbsession):
    assert ask(testapp, world).status_int == 201
    res = ask(testapp, world)
    assert res.status_int == 409 and res.json["code"] == 409
    assert dbsession.query(TicketRequest).count() == 1


def test_assignee_asking_for_the_ticket_they_hold_is_409(testapp, world, dbsession, outbox):
    """Accepting could give them nothing: the ticket is theirs already."""
    res = ask(testapp, world, "assignee")
    assert res.status_int == 409 and res.json["code"] == 409
    assert res.json["error_detail"] == "This ticket is already assigned to you."
    assert dbsession.query(TicketRequest).count() == 0
    assert dbsession.query(TicketHistory).filter_by(ticket_id=world.ticket.id).count() == 0
    assert outbox == []


def ticket_to(world, started_ago, **event):
    """A ticket of ``owner``'s to an event whose ``start_time`` was
    ``started_ago`` (a timedelta; negative: still to come)."""
    start_time = utcnow().replace(microsecond=0) - started_ago
    event = f.make_event(entity=world.entity, start_time=start_time, **event)
    return f.make_ticket(group=world.group, event=event, owner=world.owner)


def test_asking_for_a_ticket_to_an_event_that_started_is_409(testapp, world, dbsession, outbox):
    ticket = ticket_to(world, datetime.timedelta(minutes=1))
    res = ask(testapp, world, ticket=ticket, message="Am I too late?")
    assert res.status_int == 409 and res.json["code"] == 409
    assert res.json["error_detail"] == (
        "This event has already started: its tickets can no longer be requested.")
    assert dbsession.query(TicketRequest).count() == 0
    assert dbsession.query(TicketHistory).filter_by(ticket_id=ticket.id).count() == 0
    assert outbox == []


def test_a_ticket_listed_as_future_may_be_asked_for_in_its_events_first_second(
        testapp, world):
    """``?show=future`` lists an event starting this second (the API writes
    times in whole seconds): asking for its ticket in that second is no
    409 "has already started", as a comparison with now's microseconds
    made it."""
    def listed_and_asked(second):
        event = f.make_event(entity=world.entity, start_time=second)
        ticket = f.make_ticket(group=world.group, event=event, owner=world.owner)
        future = testapp.get(f"{API}/tickets?show=future", headers=world.headers("owner"))
        return ticket.id in [t["id"] for t in future.json], ask(testapp, world, ticket=ticket)

    listed, res = within_one_second(listed_and_asked)
    assert listed
    assert res.status_int == 201, res.json


@pytest.mark.parametrize(("started_ago", "event", "status"), [
    (datetime.timedelta(minutes=-1), {}, 201),
    # Its start_time is a placeholder: it has not started.
    (datetime.timedelta(days=30), {"date_tba": True, "time_tba": True}, 201),
    # A placeholder on its date: the game may still be to come that day...
    (datetime.timedelta(hours=23), {"time_tba": True}, 201),
    # ...but not once the day is over.
    (datetime.timedelta(hours=25), {"time_tba": True}, 409),
])
def test_an_event_to_be_announced_has_started_only_once_it_surely_has(
    testapp, world, started_ago, event, status
):
    ticket = ticket_to(world, started_ago, **event)
    assert ask(testapp, world, ticket=ticket).status_int == status


@pytest.mark.parametrize("verdict", ["accepted", "declined"])
def test_a_request_made_before_the_event_is_answered_after_it_started(
    testapp, world, dbsession, outbox, verdict
):
    """Accepting still records who used the seat."""
    ticket = ticket_to(world, datetime.timedelta(hours=2))
    asked = f.make_ticket_request(ticket, requester=world.member)
    res = answer(testapp, world, "owner", asked.id, verdict)
    assert res.status_int == 200 and res.json["status"] == verdict
    assignee_id = fresh(dbsession, Ticket, ticket.id).assignee_id
    assert assignee_id == (world.member.id if verdict == "accepted" else None)
    [message] = outbox
    assert verdict in message.subject


def test_request_message_must_be_a_string(testapp, world):
    res = ask(testapp, world, message=5)
    assert res.status_int == 400 and res.json["fields"] == {"message": "must be a string"}


# --- GET /ticket_requests ---------------------------------------------------

def test_list_holds_yours_and_those_for_your_tickets_in_order(testapp, world, dbsession):
    mine = f.make_ticket(group=world.group, event=world.event, owner=world.member)
    asked_of_me = f.make_ticket_request(mine, requester=world.admin)
    i_asked = f.make_ticket_request(world.ticket, requester=world.member)
    f.make_ticket_request(world.ticket, requester=world.alias_owner)  # neither
    gone = f.make_group(entity=world.entity, creator=world.member, active=False)
    f.make_ticket_request(f.make_ticket(group=gone, event=world.event, owner=world.member),
                          requester=world.admin)
    res = testapp.get(f"{API}/ticket_requests", headers=world.headers("member"))
    assert [r["id"] for r in res.json] == [asked_of_me.id, i_asked.id]
    assert res.headers["X-Total-Count"] == "2"


def test_list_filters_by_status(testapp, world):
    pending = f.make_ticket_request(world.ticket, requester=world.member)
    f.make_ticket_request(world.ticket, requester=world.admin, status=RequestStatus.DECLINED)
    res = testapp.get(f"{API}/ticket_requests?status=pending", headers=world.headers("owner"))
    assert [r["id"] for r in res.json] == [pending.id]
    res = testapp.get(f"{API}/ticket_requests?status=maybe", headers=world.headers("owner"),
                      status=400)
    assert "status" in res.json["fields"]


def test_requester_and_owner_see_a_request_others_get_403(testapp, world):
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    for caller in ("member", "owner"):
        testapp.get(f"{API}/ticket_requests/{asked.id}", headers=world.headers(caller), status=200)
    for caller in ("assignee", "admin", "non_member"):
        testapp.get(f"{API}/ticket_requests/{asked.id}", headers=world.headers(caller), status=403)


def test_a_request_in_a_deactivated_group_is_gone_for_requester_and_owner(
    testapp, world, dbsession, outbox
):
    """The group's tickets are 404 once it is deactivated, and so are the
    requests for them: neither seen nor answered, and nothing changes."""
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    testapp.delete(f"{API}/groups/{world.group.id}", headers=world.headers("admin"), status=204)
    for caller in ("member", "owner"):
        testapp.get(f"{API}/ticket_requests/{asked.id}", headers=world.headers(caller), status=404)
    assert answer(testapp, world, "owner", asked.id, "accepted").status_int == 404
    assert answer(testapp, world, "member", asked.id, "withdrawn").status_int == 404
    assert fresh(dbsession, TicketRequest, asked.id).status == RequestStatus.PENDING
    assert fresh(dbsession, Ticket, world.ticket.id).assignee_id == world.assignee.id
    # Only the deletion itself was mailed (to each member).
    assert all(" deleted " in m.subject for m in outbox)


# --- PUT /ticket_requests/ID -----------------------------------------------

def test_owner_accepts_and_the_ticket_goes_to_the_requester(testapp, world, dbsession, outbox):
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    res = answer(testapp, world, "owner", asked.id, "accepted")
    assert res.status_int == 200 and res.json["status"] == "accepted"
    ticket = fresh(dbsession, Ticket, world.ticket.id)
    assert (ticket.assignee_id, ticket.alias_id) == (world.member.id, None)
    [entry] = dbsession.query(TicketHistory).filter_by(ticket_id=ticket.id).all()
    assert entry.action == HistoryAction.ASSIGNED and entry.actor_id == world.owner.id
    assert entry.changes == {
        "assignee_id": [world.assignee.id, world.member.id],
        "alias_id": [world.assignee_alias.id, None],
        "request_id": asked.id,
    }
    verdicts = mailed(outbox)
    assert set(verdicts) == {world.member.email, world.assignee.email}
    assert "accepted" in verdicts[world.member.email]
    # The assignee it was taken from: test_tickets.py has the words.
    assert verdicts[world.assignee.email] == (
        f"{name(world.owner)} gave your ticket to {world.event.name} to {name(world.member)}")


def test_accepting_declines_the_other_pending_requests(testapp, world, dbsession, outbox):
    accepted = f.make_ticket_request(world.ticket, requester=world.member)
    other = f.make_ticket_request(world.ticket, requester=world.admin)
    withdrawn = f.make_ticket_request(world.ticket, requester=world.alias_owner,
                                      status=RequestStatus.WITHDRAWN)
    assert answer(testapp, world, "owner", accepted.id, "accepted").status_int == 200
    assert fresh(dbsession, TicketRequest, other.id).status == RequestStatus.DECLINED
    assert fresh(dbsession, TicketRequest, withdrawn.id).status == RequestStatus.WITHDRAWN
    verdicts = mailed(outbox)
    assert set(verdicts) == {world.member.email, world.admin.email, world.assignee.email}
    assert "accepted" in verdicts[world.member.email]
    assert "declined" in verdicts[world.admin.email]


def test_owner_declines_and_the_ticket_stays(testapp, world, dbsession, outbox):
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    res = answer(testapp, world, "owner", asked.id, "declined")
    assert res.json["status"] == "declined"
    assert fresh(dbsession, Ticket, world.ticket.id).assignee_id == world.assignee.id
    [message] = outbox
    assert "declined" in message.subject
    assert "The ticket is assigned to someone else." in message.body


def test_the_requests_declined_as_another_is_accepted_say_the_ticket_is_taken(
    testapp, world, dbsession, outbox
):
    """Not that it stays with its owner: it just went to another member."""
    unassigned = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
    accepted = f.make_ticket_request(unassigned, requester=world.member)
    f.make_ticket_request(unassigned, requester=world.admin)
    assert answer(testapp, world, "owner", accepted.id, "accepted").status_int == 200
    [declined] = [m for m in outbox if world.admin.email in m.to]
    assert "The ticket is assigned to someone else." in declined.body
    assert "stays with its owner" not in declined.body


def test_requester_withdraws_and_the_owner_is_mailed(testapp, world, outbox):
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    res = answer(testapp, world, "member", asked.id, "withdrawn")
    assert res.status_int == 200 and res.json["status"] == "withdrawn"
    [message] = outbox
    assert world.owner.email in message.to and "withdrew" in message.subject


@pytest.mark.parametrize(("caller", "status"), [
    ("member", "accepted"), ("member", "declined"), ("owner", "withdrawn"),
    ("admin", "accepted"), ("assignee", "withdrawn"),
])
def test_only_the_owner_answers_and_only_the_requester_withdraws(
        testapp, world, dbsession, caller, status):
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    assert answer(testapp, world, caller, asked.id, status).status_int == 403
    assert fresh(dbsession, TicketRequest, asked.id).status == RequestStatus.PENDING


def test_only_a_pending_request_changes_else_409(testapp, world, dbsession, outbox):
    asked = f.make_ticket_request(world.ticket, requester=world.member,
                                  status=RequestStatus.DECLINED)
    res = answer(testapp, world, "owner", asked.id, "accepted")
    assert res.status_int == 409
    assert res.json["error_detail"] == "Only a pending request can change; this one is declined."
    assert fresh(dbsession, Ticket, world.ticket.id).assignee_id == world.assignee.id
    assert answer(testapp, world, "member", asked.id, "withdrawn").status_int == 409
    assert outbox == []


@pytest.mark.parametrize("status", ["pending", "yes", 1])
def test_status_must_be_an_answer(testapp, world, status):
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    res = answer(testapp, world, "owner", asked.id, status)
    assert res.status_int == 400
    assert res.json["fields"] == {
        "status": 'must be one of "accepted", "declined", "withdrawn"'}


def test_a_request_sent_back_as_read_is_answered_its_message_ignored(testapp, world, dbsession):
    """API.md §1: read-only fields are ignored; the message is the asker's."""
    asked = f.make_ticket_request(world.ticket, requester=world.member, message="Please?")
    body = testapp.get(f"{API}/ticket_requests/{asked.id}", headers=world.headers("owner")).json
    body.update(status="declined", message="Changed by the owner")
    res = testapp.put_json(f"{API}/ticket_requests/{asked.id}", body,
                           headers=world.headers("owner"))
    assert res.json["status"] == "declined" and res.json["message"] == "Please?"
    assert fresh(dbsession, TicketRequest, asked.id).message == "Please?"


# --- the ticket goes, its pending requests with it --------------------------

@pytest.mark.parametrize("caller", ["owner", "assignee"])
def test_deleting_a_ticket_mails_whoever_asked_for_it(testapp, world, dbsession, outbox, caller):
    pending = f.make_ticket_request(world.ticket, requester=world.member)
    f.make_ticket_request(world.ticket, requester=world.admin, status=RequestStatus.DECLINED)
    event_name = world.ticket.event.name
    testapp.delete(f"{API}/ticket/{world.ticket.id}", headers=world.headers(caller), status=204)
    assert fresh(dbsession, TicketRequest, pending.id) is None
    # (and the ticket's other party: test_tickets.py)
    [message] = [m for m in outbox if world.member.email in m.to]
    assert world.member.email in message.to
    deleter = name(getattr(world, caller))
    assert message.subject == f"{deleter} deleted the ticket to {event_name} you asked for"
    assert "your request with it" in message.body
    assert getattr(world, caller).email in message.message["Reply-To"]  # whoever deleted it


def test_a_refused_deletion_mails_nobody(testapp, world, dbsession, outbox):
    pending = f.make_ticket_request(world.ticket, requester=world.member)
    testapp.delete(f"{API}/ticket/{world.ticket.id}", headers=world.headers("member"), status=403)
    assert fresh(dbsession, TicketRequest, pending.id).status == RequestStatus.PENDING
    assert outbox == []


def test_an_owner_leaving_mails_whoever_asked_for_their_tickets(
    testapp, world, dbsession, outbox
):
    f.make_ticket_request(world.ticket, requester=world.member)
    testapp.delete(f"{API}/groups/{world.ticket.group_id}/members/{world.owner.id}",
                   headers=world.headers("owner"), status=204)
    assert fresh(dbsession, Ticket, world.ticket.id) is None
    # (and its assignee: test_groups_admin.py)
    [message] = [m for m in outbox if world.member.email in m.to]
    assert message.subject.endswith("is deleted")


@pytest.mark.parametrize("caller", ["member", "admin"])
def test_a_requester_leaving_or_removed_withdraws_and_the_owner_is_mailed(
    testapp, world, dbsession, outbox, caller
):
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    f.make_ticket_request(world.ticket, requester=world.admin)  # someone else's: stays
    testapp.delete(f"{API}/groups/{world.ticket.group_id}/members/{world.member.id}",
                   headers=world.headers(caller), status=204)
    assert fresh(dbsession, TicketRequest, asked.id).status == RequestStatus.WITHDRAWN
    [message] = not_to(outbox, world.member)  # a member removed is told so
    assert world.owner.email in message.to
    assert "is withdrawn" in message.subject and "no longer a member" in message.body


def test_a_requester_removed_by_an_administrator_is_not_said_to_have_left(
    testapp, world, dbsession, outbox
):
    """The owner's mail must not claim the requester left of their own
    accord when an administrator removed them."""
    f.make_ticket_request(world.ticket, requester=world.member)
    testapp.delete(f"{API}/groups/{world.ticket.group_id}/members/{world.member.id}",
                   headers=world.headers("admin"), status=204)
    [message] = not_to(outbox, world.member)
    assert message.subject == (f"{world.group.name}: {name(world.member)}'s request to you is "
                               "withdrawn")


def test_nobody_is_mailed_about_what_they_did_themselves(testapp, world, dbsession, outbox):
    """An administrator removing a member who asked for the administrator's
    ticket; an assignee deleting a ticket they had also asked for (its
    owner is told: test_tickets.py)."""
    theirs = f.make_ticket(group=world.group, event=world.event, owner=world.admin)
    f.make_ticket_request(theirs, requester=world.member)
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                   headers=world.headers("admin"), status=204)
    f.make_ticket_request(world.ticket, requester=world.assignee)
    testapp.delete(f"{API}/ticket/{world.ticket.id}", headers=world.headers("assignee"),
                   status=204)
    # The member removed is told that, and nothing else; the administrator nothing.
    assert [(m.to, m.subject) for m in not_to(outbox, world.owner)] == [
        (f"{name(world.member)} <{world.member.email}>",
         f"{name(world.admin)} removed you from {world.group.name}")]


def not_to(outbox, user) -> list:
    return [m for m in outbox if user.email not in m.to]


# --- the ticket given directly (PUT /ticket/ID) settles its requests ----------

def give(testapp, world, caller, assignee, **body):
    return testapp.put_json(f"{API}/ticket/{world.ticket.id}",
                            {"assignee_id": assignee.id, **body},
                            headers=world.headers(caller), status="*")


def mailed(outbox) -> dict:
    """Each recipient's address: the subject of their one message."""
    verdicts = {m.to.split("<")[1].rstrip(">"): m.subject for m in outbox}
    assert len(verdicts) == len(outbox)
    return verdicts


def settled(dbsession, world, *requests):
    dbsession.expire_all()
    entries = dbsession.query(TicketHistory).filter_by(ticket_id=world.ticket.id).all()
    return ([dbsession.get(TicketRequest, r.id).status for r in requests],
            [(e.action, e.actor_id, e.changes) for e in entries],
            dbsession.get(Ticket, world.ticket.id).assignee_id)


@pytest.mark.parametrize("how", ["accepting", "assigning"])
def test_assigning_to_a_requester_is_accepting_their_request(
    testapp, world, dbsession, outbox, how
):
    """The same statuses, history entry and mails either way."""
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    other = f.make_ticket_request(world.ticket, requester=world.admin)
    if how == "accepting":
        res = answer(testapp, world, "owner", asked.id, "accepted")
    else:
        res = give(testapp, world, "owner", world.member)
    assert res.status_int == 200
    assert settled(dbsession, world, asked, other) == (
        [RequestStatus.ACCEPTED, RequestStatus.DECLINED],
        [(HistoryAction.ASSIGNED, world.owner.id, {
            "assignee_id": [world.assignee.id, world.member.id],
            "alias_id": [world.assignee_alias.id, None],
            "request_id": asked.id,
        })],
        world.member.id,
    )
    owner, event = name(world.owner), world.ticket.event.name
    assert mailed(outbox) == {
        world.member.email: f"{owner} accepted your request for {event}",
        world.admin.email: f"{owner} declined your request for {event}",
        world.assignee.email: f"{owner} gave your ticket to {event} to {name(world.member)}",
    }


def test_an_assignee_passing_the_ticket_to_a_requester_accepts_in_their_own_name(
    testapp, world, dbsession, outbox
):
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    assert give(testapp, world, "assignee", world.member).status_int == 200
    statuses, [(action, actor_id, changes)], _ = settled(dbsession, world, asked)
    assert statuses == [RequestStatus.ACCEPTED]
    assert (action, actor_id, changes["request_id"]) == (
        HistoryAction.ASSIGNED, world.assignee.id, asked.id)
    [message] = [m for m in outbox if world.member.email in m.to]
    assignee, event = name(world.assignee), world.ticket.event.name
    assert message.subject == f"{assignee} passed you the ticket to {event} you asked for"
    assert world.assignee.email in message.message["Reply-To"]
    assert mailed(outbox)[world.owner.email] == (
        f"{assignee} passed your ticket to {event} on to {name(world.member)}")


def test_assigning_to_someone_who_did_not_ask_declines_the_pending_requests(
    testapp, world, dbsession, outbox
):
    """The ticket is taken, as when another request is accepted."""
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    withdrawn = f.make_ticket_request(world.ticket, requester=world.admin,
                                      status=RequestStatus.WITHDRAWN)
    res = give(testapp, world, "owner", world.alias_owner, alias_id=world.alias.id)
    assert res.status_int == 200 and res.json["alias_id"] == world.alias.id
    statuses, [(action, _, changes)], assignee_id = settled(dbsession, world, asked, withdrawn)
    assert statuses == [RequestStatus.DECLINED, RequestStatus.WITHDRAWN]
    assert action == HistoryAction.ASSIGNED and "request_id" not in changes
    assert assignee_id == world.alias_owner.id
    # The new assignee is told they were given it.
    assert set(mailed(outbox)) == {world.member.email, world.assignee.email,
                                   world.alias_owner.email}
    [declined] = [m for m in outbox if world.member.email in m.to]
    assert "declined" in declined.subject
    assert "The ticket is assigned to someone else." in declined.body


@pytest.mark.parametrize("body", [{"assignee_id": None}, {"note": "aisle"}, {}])
def test_unassigning_or_changing_anything_else_leaves_requests_pending(
    testapp, world, dbsession, outbox, body
):
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    body = {"assignee_id": world.assignee.id, **body}  # {}: the same assignee again
    testapp.put_json(f"{API}/ticket/{world.ticket.id}", body, headers=world.headers("owner"),
                     status=200)
    assert fresh(dbsession, TicketRequest, asked.id).status == RequestStatus.PENDING
    # (an assignee it was taken from is told: test_tickets.py)
    assert [m for m in outbox if world.member.email in m.to] == []


@pytest.mark.parametrize("caller", ["owner", "assignee"])
def test_giving_the_ticket_back_to_its_owner_leaves_requests_pending(
    testapp, world, dbsession, outbox, caller
):
    """The owner holds the seat again: the requests are theirs to answer,
    not declined as if someone else had taken it."""
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    testapp.put_json(f"{API}/ticket/{world.ticket.id}", {"assignee_id": world.owner.id},
                     headers=world.headers(caller), status=200)
    assert fresh(dbsession, TicketRequest, asked.id).status == RequestStatus.PENDING
    assert [m for m in outbox if world.member.email in m.to] == []


def test_a_refused_assignment_settles_nothing(testapp, world, dbsession, outbox):
    asked = f.make_ticket_request(world.ticket, requester=world.member)
    res = give(testapp, world, "owner", world.member, alias_id=world.alias.id)
    assert res.status_int == 400 and "alias_id" in res.json["fields"]
    assert fresh(dbsession, TicketRequest, asked.id).status == RequestStatus.PENDING
    assert fresh(dbsession, Ticket, world.ticket.id).assignee_id == world.assignee.id
    assert outbox == []


@pytest.mark.parametrize(("holder", "taken"), [("assignee", True), ("owner", False), (None, False)])
def test_the_owner_is_told_whom_accepting_would_take_the_ticket_from(
    testapp, world, outbox, holder, taken
):
    ticket = f.make_ticket(group=world.group, event=world.event, owner=world.owner,
                           assignee=holder and getattr(world, holder))
    assert ask(testapp, world, ticket=ticket).status_int == 201
    [message] = outbox
    accepting = f"Accepting assigns the ticket to {name(world.member)}"
    if taken:
        accepting += f", taking it from {name(world.assignee)}, who has it now"
    assert accepting + ". --" in prose(message)
