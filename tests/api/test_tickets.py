"""API.md §3 Tickets."""
import datetime
import decimal
import json

import pytest

from seatshare.models import (
    Entity,
    HistoryAction,
    Ticket,
    TicketHistory,
    TicketRequest,
    this_second,
    utcnow,
)
from seatshare.resources.tickets import ticket_list

from .. import factories as f
from ..mailtext import prose
from .clock import within_one_second

API = "/api/v1"
FIELDS = {
    "id", "group_id", "event_id", "owner_id", "assignee_id", "alias_id", "section", "row",
    "seat", "cost", "note", "created_at", "updated_at",
}


def at(days):
    return utcnow().replace(microsecond=0) + datetime.timedelta(days=days)


def ids(res):
    return [t["id"] for t in res.json]


def history(dbsession, ticket_id):
    dbsession.expire_all()
    return dbsession.query(TicketHistory).filter_by(ticket_id=ticket_id).order_by(TicketHistory.id).all()


# --- GET /tickets and its filters -----------------------------------------

def test_tickets_lists_tickets_in_your_groups_in_contract_order(testapp, world, dbsession):
    early = f.make_event(entity=world.entity, start_time=at(-2))
    t = [
        f.make_ticket(group=world.group, event=early, owner=world.member, section="B", row="1", seat="1"),
        f.make_ticket(group=world.group, event=early, owner=world.member, section="A", row="2", seat="1"),
        f.make_ticket(group=world.group, event=early, owner=world.member, section="A", row="1", seat="2"),
        f.make_ticket(group=world.group, event=early, owner=world.member, section="A", row="1", seat="1"),
    ]
    f.make_ticket(group=world.other_group, owner=world.outsider)  # not in the caller's groups
    res = testapp.get(f"{API}/tickets", headers=world.headers("member"))
    assert ids(res) == [t[3].id, t[2].id, t[1].id, t[0].id, world.ticket.id]
    assert set(res.json[0]) == FIELDS


FILTER_COMBINATIONS = [
    (owner, assignee, show, by_group, by_event)
    for owner in (False, True)
    for assignee in (False, True)
    for show in (None, "past", "future")
    for by_group in (False, True)
    for by_event in (False, True)
]


def test_every_combination_of_filters_lists_its_tickets_in_contract_order(
    testapp, world, dbsession
):
    """Each combination of filters has its own statement (on a group, one
    that joins the group's events): against the rule read straight off the
    rows, every one lists the right tickets, in the contract's order (event
    time, then section, row, seat, id), with the right total and pages."""
    me = world.member
    mine = f.make_group(entity=world.entity, creator=me)  # a second group of yours
    f.make_membership(mine, world.owner)
    tied = at(-3)  # two events at one time: their tickets interleave by seat
    events = [f.make_event(entity=world.entity, start_time=tied) for _ in range(2)]
    events.append(f.make_event(entity=world.entity, start_time=at(-5)))
    events.append(f.make_event(entity=world.entity, start_time=at(4)))
    for group in (world.group, mine):
        for event in events:
            for section, owner, assignee in (
                ("B", me, None), ("A", world.owner, me), ("A", world.owner, None),
                ("C", me, world.owner),
            ):
                f.make_ticket(group=group, event=event, owner=owner, assignee=assignee,
                              section=section, row="1", seat=str(event.id % 3))
    f.make_ticket(group=world.other_group, owner=world.outsider)  # not in your groups
    dbsession.flush()
    now = utcnow()
    starts = {e.id: e.start_time for e in dbsession.query(type(world.event))}
    yours = [t for t in dbsession.query(Ticket) if t.group_id in (world.group.id, mine.id)]
    headers = world.headers("member")
    for owner, assignee, show, by_group, by_event in FILTER_COMBINATIONS:
        query = {}
        expected = yours
        if owner:
            query["owner"] = "me"
            expected = [t for t in expected if t.owner_id == me.id]
        if assignee:
            query["assignee"] = "me"
            expected = [t for t in expected if t.assignee_id == me.id]
        if show:
            query["show"] = show
            expected = [t for t in expected if me.id in (t.owner_id, t.assignee_id)
                        and (starts[t.event_id] < now) == (show == "past")]
        if by_group:
            query["group_id"] = mine.id
            expected = [t for t in expected if t.group_id == mine.id]
        if by_event:
            query["event_id"] = events[0].id
            expected = [t for t in expected if t.event_id == events[0].id]
        expected = [t.id for t in sorted(
            expected, key=lambda t: (starts[t.event_id], t.section, t.row, t.seat, t.id))]
        res = testapp.get(f"{API}/tickets", {**query, "per_page": 100}, headers=headers)
        assert ids(res) == expected, query
        assert res.headers["X-Total-Count"] == str(len(expected)), query
        second_page = testapp.get(f"{API}/tickets", {**query, "per_page": 3, "page": 2},
                                  headers=headers)
        assert ids(second_page) == expected[3:6], query
        assert second_page.headers["X-Total-Count"] == str(len(expected)), query


def test_tickets_of_inactive_groups_are_not_listed(testapp, world):
    old = f.make_group(creator=world.member, active=False)
    gone = f.make_ticket(group=old, owner=world.member)
    res = testapp.get(f"{API}/tickets", headers=world.headers("member"))
    assert gone.id not in ids(res)
    testapp.get(f"{API}/ticket/{gone.id}", headers=world.headers("member"), status=404)


def test_unset_assignee_and_alias_are_null(testapp, world):
    ticket = f.make_ticket(group=world.group, owner=world.member)
    res = testapp.get(f"{API}/ticket/{ticket.id}", headers=world.headers("member"))
    assert res.json["assignee_id"] is None and res.json["alias_id"] is None


def test_owner_me_lists_tickets_you_own(testapp, world):
    mine = f.make_ticket(group=world.group, event=world.event, owner=world.member)
    res = testapp.get(f"{API}/tickets?owner=me", headers=world.headers("member"))
    assert ids(res) == [mine.id]


def test_assignee_me_lists_tickets_assigned_to_you(testapp, world):
    f.make_ticket(group=world.group, event=world.event, owner=world.assignee)
    res = testapp.get(f"{API}/tickets?assignee=me", headers=world.headers("assignee"))
    assert ids(res) == [world.ticket.id]


@pytest.mark.parametrize("query", ["owner=you", "assignee=1", "owner=", "show=soon"])
def test_other_filter_values_are_400(testapp, world, query):
    res = testapp.get(f"{API}/tickets?{query}", headers=world.headers("member"), status=400)
    assert set(res.json["fields"]) == {query.split("=")[0]}


def test_show_past_lists_only_tickets_you_own_or_are_assigned_before_now(testapp, world):
    past = f.make_event(entity=world.entity, start_time=at(-1))
    owned = f.make_ticket(group=world.group, event=past, owner=world.owner)
    assigned = f.make_ticket(group=world.group, event=past, owner=world.member, assignee=world.owner)
    f.make_ticket(group=world.group, event=past, owner=world.member)  # neither
    res = testapp.get(f"{API}/tickets?show=past", headers=world.headers("owner"))
    assert sorted(ids(res)) == sorted([owned.id, assigned.id])


def test_show_future_lists_only_tickets_you_own_or_are_assigned_from_now(testapp, world):
    f.make_ticket(group=world.group, event=world.event, owner=world.alias_owner)  # neither
    past = f.make_event(entity=world.entity, start_time=at(-1))
    f.make_ticket(group=world.group, event=past, owner=world.owner)  # past
    assert ids(testapp.get(f"{API}/tickets?show=future", headers=world.headers("owner"))) == [
        world.ticket.id
    ]
    assert ids(testapp.get(f"{API}/tickets?show=future", headers=world.headers("assignee"))) == [
        world.ticket.id
    ]
    assert testapp.get(f"{API}/tickets?show=future", headers=world.headers("member")).json == []


def test_a_ticket_to_an_event_starting_this_second_is_future_not_past(testapp, world):
    def lists(second):
        starting = f.make_event(entity=world.entity, start_time=second)
        ticket = f.make_ticket(group=world.group, event=starting, owner=world.owner)
        found = {
            show: ids(testapp.get(f"{API}/tickets?show={show}", headers=world.headers("owner")))
            for show in ("future", "past")
        }
        return ticket.id, found

    ticket, found = within_one_second(lists)
    assert ticket in found["future"] and ticket not in found["past"]


def test_tickets_by_group(testapp, world):
    second = f.make_group(entity=world.entity, creator=world.member)
    other = f.make_ticket(group=second, event=world.event, owner=world.member)
    res = testapp.get(f"{API}/tickets?group_id={second.id}", headers=world.headers("member"))
    assert ids(res) == [other.id]


def test_non_member_gets_403_on_tickets_by_group(testapp, world):
    testapp.get(
        f"{API}/tickets?group_id={world.group.id}", headers=world.headers("non_member"), status=403
    )


def test_tickets_by_event(testapp, world):
    later = f.make_event(entity=world.entity)
    other = f.make_ticket(group=world.group, event=later, owner=world.member)
    res = testapp.get(f"{API}/tickets?event_id={later.id}", headers=world.headers("member"))
    assert ids(res) == [other.id]


def test_tickets_by_event_of_another_groups_entity_is_403(testapp, world, dbsession):
    theirs = f.make_event(entity=dbsession.get(Entity, world.other_group.entity_id))
    testapp.get(f"{API}/tickets?event_id={theirs.id}", headers=world.headers("member"), status=403)


def test_ticket_filters_combine(testapp, world, dbsession):
    later = f.make_event(entity=world.entity)
    mine = f.make_ticket(group=world.group, event=later, owner=world.member)
    f.make_ticket(group=world.group, event=later, owner=world.owner)
    f.make_ticket(group=world.group, event=world.event, owner=world.member)
    res = testapp.get(
        f"{API}/tickets?owner=me&event_id={later.id}&group_id={world.group.id}",
        headers=world.headers("member"),
    )
    assert ids(res) == [mine.id]


def test_combined_filters_need_every_record_to_be_yours(testapp, world, dbsession):
    theirs = f.make_event(entity=dbsession.get(Entity, world.other_group.entity_id))
    headers = world.headers("member")
    testapp.get(
        f"{API}/tickets?group_id={world.group.id}&event_id={theirs.id}", headers=headers, status=403
    )
    testapp.get(
        f"{API}/tickets?group_id={world.other_group.id}&event_id={world.event.id}",
        headers=headers, status=403,
    )
    # Both yours, from different groups: allowed, and simply empty.
    mine = f.make_group(creator=world.member)
    res = testapp.get(
        f"{API}/tickets?group_id={mine.id}&event_id={world.event.id}", headers=headers
    )
    assert res.json == []


# --- GET /ticket/ID --------------------------------------------------------

@pytest.mark.parametrize("base", ["ticket", "tickets"])
def test_member_can_view_ticket_at_both_paths(testapp, world, base):
    res = testapp.get(f"{API}/{base}/{world.ticket.id}", headers=world.headers("member"))
    assert res.json["id"] == world.ticket.id
    assert res.json["assignee_id"] == world.assignee.id
    assert res.json["alias_id"] == world.assignee_alias.id


def test_non_member_gets_403_on_ticket(testapp, world):
    testapp.get(f"{API}/ticket/{world.ticket.id}", headers=world.headers("non_member"), status=403)


# --- PUT /ticket/ID --------------------------------------------------------

def test_owner_can_update_ticket_and_history_records_it(testapp, world, dbsession):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}",
        {"section": "202", "row": "B", "seat": "7", "cost": 52.5, "note": "aisle"},
        headers=world.headers("owner"),
    )
    assert {k: res.json[k] for k in ("section", "row", "seat", "cost", "note")} == {
        "section": "202", "row": "B", "seat": "7", "cost": "52.50", "note": "aisle"
    }
    [entry] = history(dbsession, world.ticket.id)
    assert entry.action == HistoryAction.UPDATED and entry.actor_id == world.owner.id
    assert entry.changes["cost"] == ["45.00", "52.50"]
    assert entry.changes["section"] == ["101", "202"]


def test_assignee_can_update_ticket(testapp, world):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"note": "I'll bring snacks"},
        headers=world.headers("assignee"),
    )
    assert res.json["note"] == "I'll bring snacks"


def test_member_gets_403_updating_ticket(testapp, world):
    testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"note": "x"}, headers=world.headers("member"),
        status=403,
    )


def test_admin_who_is_not_owner_or_assignee_gets_403_updating_ticket(testapp, world):
    testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"note": "x"}, headers=world.headers("admin"),
        status=403,
    )


@pytest.mark.parametrize("cost", ["45.5", 45, "0", 0, "0.00", "99999999.99"])
def test_cost_accepts_a_number_or_decimal_string(testapp, world, cost):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"cost": cost}, headers=world.headers("owner")
    )
    expected = decimal.Decimal(str(cost)).quantize(decimal.Decimal("0.01"))
    assert res.json["cost"] == str(expected)


# A negative zero is zero: answered "0.00", as a GET afterwards says. (As a
# string, "-0" has a sign, which the string form refuses: test_bad_cost_is_400.)
@pytest.mark.parametrize("cost", ["-0.0", "-0.00", "-0e5", "-0"])
def test_a_negative_zero_cost_is_answered_as_zero(testapp, world, dbsession, cost):
    url = f"{API}/ticket/{world.ticket.id}"
    res = testapp.put(url, '{"cost": %s}' % cost, headers={
        **world.headers("owner"), "Content-Type": "application/json"})
    assert res.json["cost"] == "0.00"
    assert testapp.get(url, headers=world.headers("owner")).json["cost"] == "0.00"
    [entry] = history(dbsession, world.ticket.id)
    assert entry.changes == {"cost": ["45.00", "0.00"]}
    res = testapp.post(f"{API}/tickets", '{"group_id": %d, "event_id": %d, "seat": "1", '
                       '"cost": %s}' % (world.group.id, world.event.id, cost),
                       headers={**world.headers("owner"), "Content-Type": "application/json"},
                       status=201)
    assert res.json["cost"] == "0.00"


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        (-1, "must be at least 0"),
        ("-0.01", "must be at least 0"),
        ("1.005", "must have at most two decimal places"),
        ("abc", 'must be a decimal amount such as "45.00"'),
        ("NaN", 'must be a decimal amount such as "45.00"'),
        (True, 'must be a decimal amount such as "45.00"'),
        (None, "must not be null"),
        ("100000000", "must be at most 99999999.99"),
        # A string is a plain ASCII decimal, as the OpenAPI pattern says.
        ("-1", "must be at least 0"),
        ("0.001", "must have at most two decimal places"),
        ("45.100", "must have at most two decimal places"),
        ("100000000.00", "must be at most 99999999.99"),
        *[(text, 'must be a decimal amount such as "45.00"') for text in (
            "-0", "-0.00", "-0e5", "12_000", "1_0.5_0", "\u0661\u0662", "\uff11\uff12",
            "1e3", "1E+2", "+5", ".5", "45.", " 45 ", "45\n", "000000045", "", "Infinity",
        )],
    ],
)
def test_bad_cost_is_400(testapp, world, dbsession, cost, message):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"cost": cost, "note": "changed"},
        headers=world.headers("owner"), status=400,
    )
    assert res.json["fields"] == {"cost": message}
    dbsession.expire_all()
    assert dbsession.get(Ticket, world.ticket.id).note == ""


def test_assign_to_a_member_records_assigned_and_clears_the_alias(testapp, world, dbsession):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"assignee_id": world.member.id},
        headers=world.headers("owner"),
    )
    assert res.json["assignee_id"] == world.member.id
    assert res.json["alias_id"] is None
    [entry] = history(dbsession, world.ticket.id)
    assert entry.action == HistoryAction.ASSIGNED
    assert entry.changes == {
        "assignee_id": [world.assignee.id, world.member.id],
        "alias_id": [world.assignee_alias.id, None],
    }


def test_assign_with_the_new_assignees_alias(testapp, world):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}",
        {"assignee_id": world.alias_owner.id, "alias_id": world.alias.id},
        headers=world.headers("owner"),
    )
    assert (res.json["assignee_id"], res.json["alias_id"]) == (world.alias_owner.id, world.alias.id)


def test_unassign_records_unassigned(testapp, world, dbsession):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"assignee_id": None}, headers=world.headers("owner")
    )
    assert res.json["assignee_id"] is None and res.json["alias_id"] is None
    [entry] = history(dbsession, world.ticket.id)
    assert entry.action == HistoryAction.UNASSIGNED


def test_assignee_who_is_not_a_member_is_400(testapp, world, dbsession):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"assignee_id": world.outsider.id, "note": "x"},
        headers=world.headers("owner"), status=400,
    )
    assert res.json["fields"] == {"assignee_id": "must be a member of the ticket's group"}
    testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"assignee_id": 999999},
        headers=world.headers("owner"), status=400,
    )
    dbsession.expire_all()
    assert dbsession.get(Ticket, world.ticket.id).assignee_id == world.assignee.id
    assert history(dbsession, world.ticket.id) == []


def test_alias_of_someone_other_than_the_assignee_is_400(testapp, world):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"alias_id": world.alias.id},
        headers=world.headers("owner"), status=400,
    )
    assert res.json["fields"] == {"alias_id": "must be an alias of the ticket's assignee"}


def test_alias_without_an_assignee_is_400(testapp, world):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"assignee_id": None, "alias_id": world.assignee_alias.id},
        headers=world.headers("owner"), status=400,
    )
    assert set(res.json["fields"]) == {"alias_id"}


def test_alias_can_be_cleared(testapp, world):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"alias_id": None}, headers=world.headers("assignee")
    )
    assert res.json["alias_id"] is None and res.json["assignee_id"] == world.assignee.id


def test_section_row_and_seat_cannot_all_be_blank(testapp, world):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"section": "", "row": " ", "seat": ""},
        headers=world.headers("owner"), status=400,
    )
    assert set(res.json["fields"]) == {"section", "row", "seat"}
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"section": "", "row": ""},
        headers=world.headers("owner"),
    )
    assert res.json["seat"] == world.ticket.seat


def test_section_row_and_seat_are_stored_without_the_spaces_around_them(
        testapp, world, dbsession):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"section": " 101 ", "row": "\tB", "seat": "7  "},
        headers=world.headers("owner"),
    )
    assert (res.json["section"], res.json["row"], res.json["seat"]) == ("101", "B", "7")
    dbsession.expire_all()
    ticket = dbsession.get(Ticket, world.ticket.id)
    assert (ticket.section, ticket.row, ticket.seat) == ("101", "B", "7")


def test_unchanged_update_writes_no_history(testapp, world, dbsession):
    testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"section": "101"}, headers=world.headers("owner")
    )
    assert history(dbsession, world.ticket.id) == []


# --- DELETE /ticket/ID -----------------------------------------------------

@pytest.mark.parametrize("caller", ["owner", "assignee"])
def test_owner_or_assignee_can_delete_ticket(testapp, world, dbsession, caller):
    ticket_id, request_id = world.ticket.id, f.make_ticket_request(world.ticket).id
    actor_id, headers = getattr(world, caller).id, world.headers(caller)
    res = testapp.delete(f"{API}/ticket/{ticket_id}", headers=headers, status=204)
    assert res.body == b""
    dbsession.expire_all()
    assert dbsession.get(Ticket, ticket_id) is None
    assert dbsession.get(TicketRequest, request_id) is None
    [entry] = history(dbsession, ticket_id)
    assert entry.action == HistoryAction.DELETED and entry.actor_id == actor_id
    testapp.get(f"{API}/ticket/{ticket_id}", headers=headers, status=404)


def test_member_gets_403_deleting_ticket(testapp, world, dbsession):
    testapp.delete(f"{API}/ticket/{world.ticket.id}", headers=world.headers("member"), status=403)
    dbsession.expire_all()
    assert dbsession.get(Ticket, world.ticket.id) is not None


def name(user) -> str:
    return f"{user.first_name} {user.last_name}"


@pytest.mark.parametrize(("caller", "told", "opening"), [
    ("owner", "assignee", "deleted this ticket, which was assigned to you in Season:"),
    ("assignee", "owner", "deleted this ticket of yours, which was assigned to them in Season:"),
])
def test_deleting_a_ticket_mails_its_other_party(testapp, world, outbox, caller, told, opening):
    """Whoever loses the seat (its assignee, or its owner) is told, in the
    name of whoever deleted it, and only they are."""
    actor, reader, event_name = getattr(world, caller), getattr(world, told), world.event.name
    testapp.delete(f"{API}/ticket/{world.ticket.id}", headers=world.headers(caller), status=204)
    [message] = outbox
    assert reader.email in message.to
    assert message.subject == f"{name(actor)} deleted your ticket to {event_name}"
    assert f"{name(actor)} {opening}" in prose(message) and event_name in message.body
    assert actor.email in message.message["Reply-To"]


def test_deleting_a_ticket_to_a_game_already_played_mails_nobody(testapp, world, outbox):
    played = f.make_event(entity=world.entity, name="Rovers vs. Yesterday",
                          start_time=utcnow() - datetime.timedelta(days=30))
    ticket = f.make_ticket(group=world.group, event=played, owner=world.owner,
                           assignee=world.assignee)
    testapp.delete(f"{API}/ticket/{ticket.id}", headers=world.headers("owner"), status=204)
    assert outbox == []


@pytest.mark.parametrize("self_assigned", [True, False])
def test_deleting_a_ticket_nobody_else_holds_mails_nobody(testapp, world, outbox, self_assigned):
    ticket = f.make_ticket(group=world.group, event=world.event, owner=world.owner,
                           assignee=world.owner if self_assigned else None)
    testapp.delete(f"{API}/ticket/{ticket.id}", headers=world.headers("owner"), status=204)
    assert outbox == []


# --- PUT /ticket/ID moving it away from its assignee --------------------------

def move(testapp, world, caller, assignee_id, ticket=None):
    ticket = ticket or world.ticket
    return testapp.put_json(f"{API}/ticket/{ticket.id}", {"assignee_id": assignee_id},
                            headers=world.headers(caller), status=200)


@pytest.mark.parametrize(("caller", "to", "subject", "opening"), [
    # The owner tells the assignee they took it from...
    ("owner", "member", "gave your ticket to {event} to {member}",
     "gave this ticket, which was assigned to you in Season, to {member}:"),
    ("owner", None, "unassigned your ticket to {event}",
     "unassigned this ticket, which was assigned to you in Season:"),
    ("owner", "owner", "took back your ticket to {event}",
     "took back this ticket, which was assigned to you in Season:"),
    # ...and an assignee passing it on tells its owner, not themselves.
    ("assignee", "member", "passed your ticket to {event} on to {member}",
     "passed this ticket of yours, which was assigned to them in Season, on to {member}:"),
    ("assignee", None, "gave up your ticket to {event}",
     "gave up this ticket of yours, which was assigned to them in Season:"),
    ("assignee", "owner", "gave your ticket to {event} back to you",
     "gave this ticket of yours, which was assigned to them in Season, back to you:"),
])
def test_moving_a_ticket_away_from_its_assignee_mails_the_other_party(
    testapp, world, outbox, caller, to, subject, opening
):
    """In the name of whoever moved it, naming the alias that was to use
    the seat in the assignee's place."""
    actor, told = (world.owner, world.assignee) if caller == "owner" else (
        world.assignee, world.owner)
    names = {"event": world.event.name, "member": name(world.member)}
    move(testapp, world, caller, to and getattr(world, to).id)
    [message] = [message for message in outbox if told.email in message.to]
    assert message.subject == f"{name(actor)} " + subject.format(**names)
    assert f"{name(actor)} " + opening.format(**names) in prose(message)
    place = "your" if caller == "owner" else "their"
    games = prose(message).index(world.event.name)
    alias = prose(message).index(
        f"Sis Ash, who was to use it in {place} place, no longer has the seat either. ")
    assert games < alias
    assert actor.email in message.message["Reply-To"]


def test_moving_a_ticket_to_a_game_already_played_mails_nobody(testapp, world, outbox):
    played = f.make_event(entity=world.entity, start_time=at(-30))
    ticket = f.make_ticket(group=world.group, event=played, owner=world.owner,
                           assignee=world.assignee)
    move(testapp, world, "owner", world.member.id, ticket=ticket)
    move(testapp, world, "member", None, ticket=ticket)
    assert outbox == []


def test_a_ticket_listed_as_future_is_mailed_in_its_events_first_second(testapp, world,
                                                                        outbox):
    """The mails leave out games that have started by the same second as
    ``?show=future`` and ticket requests: an event starting this second is
    still to come, and the member given its ticket is told."""
    def listed_and_given(second):
        outbox.clear()
        event = f.make_event(entity=world.entity, start_time=second)
        ticket = f.make_ticket(group=world.group, event=event, owner=world.owner)
        future = testapp.get(f"{API}/tickets?show=future", headers=world.headers("owner"))
        move(testapp, world, "owner", world.member.id, ticket=ticket)
        return ticket.id in [t["id"] for t in future.json], list(outbox)

    listed, mailed = within_one_second(listed_and_given)
    assert listed
    assert [world.member.email in message.to for message in mailed] == [True]


def test_giving_a_ticket_nobody_held_back_to_its_owner_mails_nobody(testapp, world, outbox):
    ticket = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
    move(testapp, world, "owner", world.owner.id, ticket=ticket)
    assert outbox == []


# --- PUT /ticket/ID giving it to a member -------------------------------------

@pytest.mark.parametrize(("caller", "held_by"), [
    ("owner", None),
    ("owner", "owner"),
    ("owner", "assignee"),
    ("assignee", "assignee"),
])
def test_a_member_given_a_ticket_is_mailed_in_the_name_of_whoever_gave_it(
    testapp, world, outbox, caller, held_by
):
    """By its owner, whoever held it before, or by its assignee passing it on."""
    ticket = f.make_ticket(group=world.group, event=world.event, owner=world.owner,
                           assignee=held_by and getattr(world, held_by))
    actor = getattr(world, caller)
    move(testapp, world, caller, world.member.id, ticket=ticket)
    [message] = [message for message in outbox if world.member.email in message.to]
    assert message.subject == f"{name(actor)} gave you a ticket to {world.event.name}"
    assert f"{name(actor)} gave you this ticket in Season:" in message.body
    assert world.event.name in message.body
    assert actor.email in message.message["Reply-To"]
    assert not any(actor.email in m.to for m in outbox)


def test_an_owner_assigning_a_ticket_to_themselves_mails_nobody(testapp, world, outbox):
    ticket = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
    move(testapp, world, "owner", world.owner.id, ticket=ticket)
    assert outbox == []


def test_a_member_given_a_ticket_to_a_game_already_played_is_not_mailed(testapp, world,
                                                                        outbox):
    played = f.make_event(entity=world.entity, start_time=at(-30))
    ticket = f.make_ticket(group=world.group, event=played, owner=world.owner)
    move(testapp, world, "owner", world.member.id, ticket=ticket)
    assert outbox == []


def test_a_member_given_a_ticket_they_asked_for_hears_only_of_their_request(
    testapp, world, outbox
):
    ticket = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
    f.make_ticket_request(ticket, requester=world.member)
    move(testapp, world, "owner", world.member.id, ticket=ticket)
    [message] = outbox
    assert world.member.email in message.to
    assert "gave you" not in message.subject


def test_a_refused_gift_mails_nobody(testapp, world, outbox):
    ticket = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
    testapp.put_json(f"{API}/ticket/{ticket.id}",
                     {"assignee_id": world.member.id, "alias_id": world.alias.id},
                     headers=world.headers("owner"), status=400)
    assert outbox == []


@pytest.mark.parametrize(("caller", "body"), [
    ("assignee", {"alias_id": None}),
    ("owner", {"note": "aisle"}),
    ("owner", {"assignee_id": "same"}),
])
def test_changing_a_ticket_but_not_its_assignee_mails_nobody(testapp, world, outbox, caller,
                                                              body):
    if body.get("assignee_id") == "same":
        body = {"assignee_id": world.assignee.id, "alias_id": world.assignee_alias.id}
    testapp.put_json(f"{API}/ticket/{world.ticket.id}", body, headers=world.headers(caller),
                     status=200)
    assert outbox == []


def test_an_owner_giving_away_a_seat_they_held_themselves_mails_only_the_new_assignee(
    testapp, world, outbox
):
    ticket = f.make_ticket(group=world.group, event=world.event, owner=world.owner,
                           assignee=world.owner)
    move(testapp, world, "owner", world.member.id, ticket=ticket)
    [message] = outbox
    assert world.member.email in message.to
    assert message.subject == f"{name(world.owner)} gave you a ticket to {world.event.name}"


def test_a_refused_move_mails_nobody(testapp, world, outbox):
    testapp.put_json(f"{API}/ticket/{world.ticket.id}",
                     {"assignee_id": world.member.id, "alias_id": world.alias.id},
                     headers=world.headers("owner"), status=400)
    assert outbox == []


@pytest.mark.parametrize("caller", ["outsider", "member"])
def test_one_groups_ticket_list_holds_only_for_its_members_in_sql_too(dbsession, world, caller):
    """``?group_id=``'s statement carries the caller's membership itself (one
    EXISTS beside the ACL, resources/tickets.py): run for a caller the ACL
    would refuse, it finds nothing and counts nothing. Through HTTP the ACL
    answers first, so only the statement can show it."""
    query = ticket_list(False, False, None, True, False)
    values = {"me": getattr(world, caller).id, "now": this_second(), "group_id": world.group.id}
    rows = dbsession.execute(query.page, {**values, "_limit": 25, "_offset": 0}).all()
    count = dbsession.execute(query.count, values).scalar()
    expected = [world.ticket.id] if caller == "member" else []
    assert [json.loads(row[0])["id"] for row in rows] == expected
    assert count == len(expected)
