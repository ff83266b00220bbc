"""OWASP API1:2023 Broken Object Level Authorization.

The risk: an endpoint takes an object's id from the client (a path segment, a
filter, a body field) and acts on it without checking that the caller may
touch that object, so changing the id reaches someone else's data.

Here: every endpoint that names an object, called by someone with a valid
token who is not entitled to that object, is refused (403 for a record that
exists, 404 for one that does not, as API.md §1 orders them) and changes
nothing; lists and filters never carry another group's objects; ids inside
bodies (an assignee, an alias, a group, an event) are checked as well.
"""
import json

import pytest
from sqlalchemy import func, select

from seatshare import models
from tests import factories as f

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def objects(world, dbsession):
    """Objects of world.group that the outsider must not reach."""
    ticket_request = f.make_ticket_request(world.ticket, world.member)
    invitation = f._add(models.GroupInvitation(
        group_id=world.group.id, email="friend@example.com", code_hash="0" * 64,
        inviter_id=world.admin.id))
    application, _ = f.make_application()
    f._add(models.Approval(user_id=world.member.id, application_id=application.id,
                           scopes="read write"))
    return {
        "ticket": world.ticket.id,
        "group": world.group.id,
        "event": world.event.id,
        "alias": world.alias.id,
        "user": world.owner.id,
        "member": world.member.id,
        "request": ticket_request.id,
        "invitation": invitation.id,
        "application": application.id,
    }


def call(testapp, method, url, headers, body=None):
    return testapp.request(url, method=method, headers={**headers, **JSON},
                           body=json.dumps(body).encode() if body is not None else b"",
                           expect_errors=True)


def database_state(dbsession):
    """Everything the calls below could change, as comparable rows."""
    dbsession.expire_all()
    state = {}
    for model in (models.Ticket, models.Group, models.UserAlias, models.User,
                  models.Membership, models.TicketRequest, models.GroupInvitation,
                  models.Approval, models.TicketHistory, models.Token):
        state[model.__tablename__] = sorted(
            tuple(str(getattr(row, c.key)) for c in model.__table__.columns)
            for row in dbsession.scalars(select(model)))
    return state


# Every endpoint that names an object of world.group, as the outsider calls it.
OUTSIDER_CALLS = [
    ("GET", "/ticket/{ticket}", None),
    ("PUT", "/ticket/{ticket}", {"note": "mine now"}),
    ("DELETE", "/ticket/{ticket}", None),
    ("GET", "/ticket/{ticket}/history", None),
    ("POST", "/ticket/{ticket}/requests", {"message": "give it to me"}),
    ("GET", "/ticket_requests/{request}", None),
    ("PUT", "/ticket_requests/{request}", {"status": "declined"}),
    ("GET", "/groups/{group}", None),
    ("PUT", "/groups/{group}", {"name": "Taken over"}),
    ("DELETE", "/groups/{group}", None),
    ("GET", "/groups/{group}/members", None),
    ("GET", "/groups/{group}/members/{member}", None),
    ("PUT", "/groups/{group}/members/{member}", {"role": "admin"}),
    ("DELETE", "/groups/{group}/members/{member}", None),
    ("GET", "/groups/{group}/invitations", None),
    ("GET", "/groups/{group}/invitations/{invitation}", None),
    ("DELETE", "/groups/{group}/invitations/{invitation}", None),
    ("POST", "/groups/{group}/invitations", {"email": "me@example.com"}),
    ("POST", "/groups/{group}/invitation_code", {}),
    ("GET", "/events/{event}", None),
    ("GET", "/users/{user}", None),
    ("GET", "/user_aliases/{alias}", None),
    ("PUT", "/user_aliases/{alias}", {"first_name": "Mine"}),
    ("DELETE", "/user_aliases/{alias}", None),
    ("GET", "/authorizations/{application}", None),
    ("DELETE", "/authorizations/{application}", None),
    ("GET", "/tickets?group_id={group}", None),
    ("GET", "/tickets?event_id={event}", None),
    ("GET", "/events?group_id={group}", None),
    ("GET", "/users?group_id={group}", None),
]


def assert_outsider_refused(testapp, world, objects, dbsession, method, path, body):
    headers = world.headers("non_member")
    before = database_state(dbsession)
    res = call(testapp, method, "/api/v1" + path.format(**objects), headers, body)
    # Authorizations are per user: another user's is simply not there.
    expected = 404 if path.startswith("/authorizations") else 403
    assert res.status_int == expected, res.text
    assert res.json["code"] == expected
    assert database_state(dbsession) == before


@pytest.mark.parametrize(("method", "path", "body"), OUTSIDER_CALLS,
                         ids=[f"{m} {p}" for m, p, _ in OUTSIDER_CALLS])
def test_an_outsider_cannot_reach_another_groups_objects(
    testapp, world, objects, dbsession, method, path, body
):
    assert_outsider_refused(testapp, world, objects, dbsession, method, path, body)


# The event's are the calls a fan of the same team may make (below).
EVENT_CALLS = ("/events/{event}", "/tickets?event_id={event}")
FAN_CALLS = [call for call in OUTSIDER_CALLS if call[1] not in EVENT_CALLS]


@pytest.mark.parametrize(("method", "path", "body"), FAN_CALLS,
                         ids=[f"{m} {p}" for m, p, _ in FAN_CALLS])
def test_following_the_same_team_in_another_group_reaches_nothing_of_this_group(
    testapp, world, objects, dbsession, method, path, body
):
    """The outsider's own group follows world.group's entity: they see its
    events, and still none of world.group's members, tickets or history
    (``?group_id=ID``: 403 unless you are a member)."""
    f.make_group(entity=world.entity, creator=world.outsider)
    assert_outsider_refused(testapp, world, objects, dbsession, method, path, body)


def test_following_the_same_team_in_another_group_shows_its_events_not_the_groups_tickets(
    testapp, world, objects
):
    f.make_group(entity=world.entity, creator=world.outsider)
    headers = world.headers("non_member")
    res = testapp.get(f"/api/v1/events/{world.event.id}", headers=headers)
    assert res.json["id"] == world.event.id
    res = testapp.get(f"/api/v1/tickets?event_id={world.event.id}", headers=headers)
    assert res.json == []


@pytest.mark.parametrize(("method", "path", "body"), [
    ("PUT", "/ticket/{ticket}", {"note": "mine now"}),
    ("DELETE", "/ticket/{ticket}", None),
    ("PUT", "/ticket_requests/{request}", {"status": "accepted"}),
    ("PUT", "/user_aliases/{alias}", {"first_name": "Mine"}),
    ("DELETE", "/user_aliases/{alias}", None),
    ("PUT", "/groups/{group}", {"name": "Mine"}),
    ("GET", "/groups/{group}/invitations/{invitation}", None),
])
def test_a_fellow_member_may_look_but_not_change_what_is_not_theirs(
    testapp, world, objects, dbsession, method, path, body
):
    """The member asked for the ticket; only its owner may accept."""
    headers = world.headers("member")
    before = database_state(dbsession)
    res = call(testapp, method, "/api/v1" + path.format(**objects), headers, body)
    assert res.status_int == 403, res.text
    assert database_state(dbsession) == before


def test_an_id_that_exists_nowhere_is_404_for_everyone(testapp, world):
    for path in ("/ticket/999999", "/groups/999999", "/user_aliases/999999",
                 "/ticket_requests/999999", "/tickets?group_id=999999"):
        res = testapp.get("/api/v1" + path, headers=world.headers("member"), expect_errors=True)
        assert res.status_int == 404, path


def test_lists_never_carry_another_groups_objects(testapp, world, objects):
    outsider = world.headers("non_member")

    def ids(path):
        return {row["id"] for row in testapp.get("/api/v1" + path + "?per_page=100",
                                                headers=outsider).json}

    assert world.ticket.id not in ids("/tickets")
    assert world.event.id not in ids("/events")
    assert world.group.id not in ids("/groups")
    assert ids("/users") == {world.outsider.id}
    assert world.alias.id not in ids("/user_aliases")
    assert objects["request"] not in ids("/ticket_requests")
    assert objects["application"] not in ids("/authorizations")


@pytest.mark.parametrize("field", ["assignee_id", "alias_id"])
def test_ids_in_a_body_must_belong_to_the_ticket(testapp, world, dbsession, field):
    """The owner cannot hand the ticket to an outsider or to a stranger's alias."""
    foreign = {"assignee_id": world.outsider.id, "alias_id": world.alias.id}[field]
    headers = world.headers("owner")
    before = database_state(dbsession)
    res = call(testapp, "PUT", f"/api/v1/ticket/{world.ticket.id}", headers, {field: foreign})
    assert res.status_int == 400 and field in res.json["fields"]
    assert database_state(dbsession) == before


def test_a_ticket_cannot_be_created_in_another_group(testapp, world, dbsession):
    count = dbsession.scalar(select(func.count(models.Ticket.id)))
    res = call(testapp, "POST", "/api/v1/tickets", world.headers("non_member"),
               {"group_id": world.group.id, "event_id": world.event.id, "seat": "1"})
    assert res.status_int == 403
    # Nor in your own group for an event of another entity.
    other_event = f.make_event()
    res = call(testapp, "POST", "/api/v1/tickets", world.headers("member"),
               {"group_id": world.group.id, "event_id": other_event.id, "seat": "1"})
    assert res.status_int == 400
    assert dbsession.scalar(select(func.count(models.Ticket.id))) == count


def test_a_calendar_feed_token_opens_only_its_own_users_feed(testapp, world):
    mine = testapp.get("/api/v1/users/me", headers=world.headers("member")).json["calendar_url"]
    path = mine.split("example.com", 1)[1]
    assert testapp.get(path).status_int == 200
    # The same token under another user's id opens nothing.
    parts = path.split("/")
    index = parts.index(str(world.member.id))
    parts[index] = str(world.owner.id)
    assert testapp.get("/".join(parts), expect_errors=True).status_int == 404


@pytest.mark.parametrize("spelling", ["{id}", "{id}.0", "{id}e0", "{id}0e-1"])
def test_an_id_in_a_body_is_checked_however_it_is_written(testapp, world, dbsession, spelling):
    """1.0 is the id 1 to the schema, so it must be to the access check too."""
    count = dbsession.scalar(select(func.count(models.Ticket.id)))
    body = ('{"group_id": %s, "event_id": %d, "seat": "1"}'
            % (spelling.format(id=world.group.id), world.event.id))
    res = testapp.post("/api/v1/tickets", body, headers={**world.headers("non_member"), **JSON},
                       expect_errors=True)
    assert res.status_int == 403, res.text
    alias = '{"first_name": "Kid", "user_id": %s}' % spelling.format(id=world.owner.id)
    res = testapp.post("/api/v1/user_aliases", alias,
                       headers={**world.headers("member"), **JSON}, expect_errors=True)
    assert res.status_int == 403, res.text
    assert dbsession.scalar(select(func.count(models.Ticket.id))) == count
