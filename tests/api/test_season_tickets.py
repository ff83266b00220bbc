"""API.md §4: POST /tickets, one ticket or a season ticket, all or none."""
import datetime

import pytest

from seatshare.models import Entity, HistoryAction, Ticket, TicketHistory, utcnow

from .. import factories as f

API = "/api/v1"


def season(world, games=5):
    return [f.make_event(entity=world.entity) for _ in range(games)]


def ticket_count(dbsession):
    dbsession.expire_all()
    return dbsession.query(Ticket).count()


def test_member_adds_one_ticket_and_owns_it(testapp, world, dbsession):
    res = testapp.post_json(
        f"{API}/tickets",
        {"group_id": world.group.id, "event_id": world.event.id, "section": "9", "row": "C",
         "seat": "4", "cost": "30.5", "note": "aisle", "owner_id": world.admin.id, "id": 5},
        headers=world.headers("member"), status=201,
    )
    body = res.json
    assert body["owner_id"] == world.member.id and body["group_id"] == world.group.id
    assert (body["section"], body["row"], body["seat"], body["cost"]) == ("9", "C", "4", "30.50")
    assert body["assignee_id"] is None and body["alias_id"] is None
    assert res.headers["Location"] == f"http://example.com{API}/tickets/{body['id']}"
    [entry] = dbsession.query(TicketHistory).filter_by(ticket_id=body["id"]).all()
    assert entry.action == HistoryAction.CREATED and entry.actor_id == world.member.id


def test_new_tickets_section_row_and_seat_are_stored_without_the_spaces_around_them(
        testapp, world, dbsession):
    games = season(world, 2)
    res = testapp.post_json(
        f"{API}/tickets",
        {"group_id": world.group.id, "event_ids": [e.id for e in games], "section": " 9 ",
         "row": "C\n", "seat": " "},
        headers=world.headers("member"), status=201,
    )
    assert {(t["section"], t["row"], t["seat"]) for t in res.json} == {("9", "C", "")}
    dbsession.expire_all()
    ticket = dbsession.get(Ticket, res.json[0]["id"])
    assert (ticket.section, ticket.row, ticket.seat) == ("9", "C", "")


def test_season_ticket_answers_the_array_in_the_order_given(testapp, world, dbsession):
    games = season(world)
    event_ids = [g.id for g in reversed(games)]
    res = testapp.post_json(
        f"{API}/tickets",
        {"group_id": world.group.id, "event_ids": event_ids, "section": "101", "row": "A",
         "seat": "1", "cost": 45},
        headers=world.headers("owner"), status=201,
    )
    assert [t["event_id"] for t in res.json] == event_ids
    assert {t["owner_id"] for t in res.json} == {world.owner.id}
    assert {t["cost"] for t in res.json} == {"45.00"}
    assert res.headers["Location"].endswith(f"/tickets/{res.json[0]['id']}")
    created = dbsession.query(TicketHistory).filter(
        TicketHistory.ticket_id.in_([t["id"] for t in res.json])).all()
    assert sorted(e.ticket_id for e in created) == sorted(t["id"] for t in res.json)
    assert {e.action for e in created} == {HistoryAction.CREATED}


def test_season_ticket_with_one_bad_event_is_400_and_writes_nothing(testapp, world, dbsession):
    games = season(world, 3)
    elsewhere = f.make_event(entity=dbsession.get(Entity, world.other_group.entity_id))
    before = ticket_count(dbsession)
    res = testapp.post_json(
        f"{API}/tickets",
        {"group_id": world.group.id, "event_ids": [g.id for g in games] + [elsewhere.id, 999999],
         "section": "101"},
        headers=world.headers("owner"), status=400,
    )
    assert res.json["fields"] == {
        "event_ids": f"must be events of the group's entity; not: {elsewhere.id}, 999999"
    }
    assert ticket_count(dbsession) == before
    assert dbsession.query(TicketHistory).count() == 0


def test_event_of_another_entity_is_400(testapp, world, dbsession):
    elsewhere = f.make_event(entity=dbsession.get(Entity, world.other_group.entity_id))
    res = testapp.post_json(
        f"{API}/tickets", {"group_id": world.group.id, "event_id": elsewhere.id, "seat": "1"},
        headers=world.headers("member"), status=400,
    )
    assert set(res.json["fields"]) == {"event_id"}


def test_non_member_gets_403_adding_a_ticket(testapp, world, dbsession):
    before = ticket_count(dbsession)
    testapp.post_json(
        f"{API}/tickets", {"group_id": world.group.id, "event_id": world.event.id, "seat": "1"},
        headers=world.headers("non_member"), status=403,
    )
    assert ticket_count(dbsession) == before


def test_group_that_does_not_exist_is_400(testapp, world):
    res = testapp.post_json(
        f"{API}/tickets", {"group_id": 999999, "event_id": world.event.id, "seat": "1"},
        headers=world.headers("member"), status=400,
    )
    assert res.json["fields"] == {"group_id": "is not a known group"}


def test_inactive_group_is_400(testapp, world):
    old = f.make_group(entity=world.entity, creator=world.member, active=False)
    testapp.post_json(
        f"{API}/tickets", {"group_id": old.id, "event_id": world.event.id, "seat": "1"},
        headers=world.headers("member"), status=400,
    )


def test_event_id_or_event_ids_exactly_one(testapp, world):
    headers = world.headers("member")
    neither = testapp.post_json(f"{API}/tickets", {"group_id": world.group.id, "seat": "1"},
                                headers=headers, status=400)
    assert neither.json["fields"] == {"event_id": "is required"}
    both = testapp.post_json(
        f"{API}/tickets",
        {"group_id": world.group.id, "event_id": world.event.id, "event_ids": [world.event.id],
         "seat": "1"},
        headers=headers, status=400,
    )
    assert both.json["fields"] == {"event_id": "give event_id or event_ids, not both"}


def test_event_ids_must_be_a_non_empty_list_of_distinct_ids(testapp, world):
    headers = world.headers("member")
    for bad, message in (
        ([], "must be a non-empty array of event ids"),
        ("1,2", "must be a non-empty array of event ids"),
        ([world.event.id, world.event.id], "must not name an event twice"),
        (["1"], "must be an integer"),
    ):
        res = testapp.post_json(
            f"{API}/tickets", {"group_id": world.group.id, "event_ids": bad, "seat": "1"},
            headers=headers, status=400,
        )
        assert res.json["fields"] == {"event_ids": message}, bad


def test_a_seat_must_not_be_all_blank_and_cost_not_negative(testapp, world, dbsession):
    before = ticket_count(dbsession)
    res = testapp.post_json(
        f"{API}/tickets", {"group_id": world.group.id, "event_id": world.event.id},
        headers=world.headers("member"), status=400,
    )
    assert set(res.json["fields"]) == {"section", "row", "seat"}
    res = testapp.post_json(
        f"{API}/tickets",
        {"group_id": world.group.id, "event_id": world.event.id, "seat": "1", "cost": -1},
        headers=world.headers("member"), status=400,
    )
    assert res.json["fields"] == {"cost": "must be at least 0"}
    assert ticket_count(dbsession) == before


def test_assignee_must_be_a_member_and_alias_the_assignees(testapp, world):
    res = testapp.post_json(
        f"{API}/tickets",
        {"group_id": world.group.id, "event_id": world.event.id, "seat": "1",
         "assignee_id": world.outsider.id},
        headers=world.headers("member"), status=400,
    )
    assert res.json["fields"] == {"assignee_id": "must be a member of the ticket's group"}
    res = testapp.post_json(
        f"{API}/tickets",
        {"group_id": world.group.id, "event_id": world.event.id, "seat": "1",
         "assignee_id": world.assignee.id, "alias_id": world.assignee_alias.id},
        headers=world.headers("member"), status=201,
    )
    assert (res.json["assignee_id"], res.json["alias_id"]) == (
        world.assignee.id, world.assignee_alias.id)


@pytest.mark.parametrize("given_to", [None, "member"])
def test_season_ticket_statements_do_not_grow_with_the_events(testapp, world, query_counter,
                                                               given_to):
    """Given to a member, who is mailed, or not."""
    def statements(games):
        event_ids = [g.id for g in season(world, games)]
        headers = world.headers("owner")
        query_counter.reset()
        testapp.post_json(
            f"{API}/tickets", {"group_id": world.group.id, "event_ids": event_ids, "seat": "1",
                               "assignee_id": given_to and getattr(world, given_to).id},
            headers=headers, status=201,
        )
        return query_counter.count

    assert statements(2) == statements(40)


# --- the member a new ticket is given to is told ------------------------------

def test_a_season_ticket_given_to_a_member_is_one_mail_of_the_games_to_come_in_order(
        testapp, world, outbox):
    """In the name of its owner; a game already played is left out."""
    now = utcnow().replace(microsecond=0)
    later, sooner, played = (
        f.make_event(entity=world.entity, start_time=now + datetime.timedelta(days=days))
        for days in (20, 10, -10))
    testapp.post_json(
        f"{API}/tickets",
        {"group_id": world.group.id, "event_ids": [later.id, played.id, sooner.id],
         "seat": "1", "assignee_id": world.member.id},
        headers=world.headers("owner"), status=201,
    )
    [message] = outbox
    owner = f"{world.owner.first_name} {world.owner.last_name}"
    assert world.member.email in message.to
    assert message.subject == f"{owner} gave you 2 tickets in {world.group.name}"
    assert f"{owner} gave you these tickets in {world.group.name}:" in message.body
    assert message.body.index(sooner.name) < message.body.index(later.name)
    assert played.name not in message.body
    assert world.owner.email in message.message["Reply-To"]


def test_one_new_ticket_given_to_a_member_names_its_game(testapp, world, outbox):
    testapp.post_json(
        f"{API}/tickets", {"group_id": world.group.id, "event_id": world.event.id,
                           "seat": "1", "assignee_id": world.member.id},
        headers=world.headers("owner"), status=201,
    )
    [message] = outbox
    owner = f"{world.owner.first_name} {world.owner.last_name}"
    assert message.subject == f"{owner} gave you a ticket to {world.event.name}"


@pytest.mark.parametrize("assignee", [None, "owner"])
def test_a_new_ticket_nobody_else_is_given_mails_nobody(testapp, world, outbox, assignee):
    testapp.post_json(
        f"{API}/tickets", {"group_id": world.group.id, "event_ids": [world.event.id],
                           "seat": "1", "assignee_id": assignee and getattr(world, assignee).id},
        headers=world.headers("owner"), status=201,
    )
    assert outbox == []


def test_a_refused_season_ticket_mails_nobody(testapp, world, outbox):
    stranger = f.make_event()
    testapp.post_json(
        f"{API}/tickets", {"group_id": world.group.id, "event_ids": [world.event.id, stranger.id],
                           "seat": "1", "assignee_id": world.member.id},
        headers=world.headers("owner"), status=400,
    )
    assert outbox == []
