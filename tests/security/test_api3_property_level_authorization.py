"""OWASP API3:2023 Broken Object Property Level Authorization.

The risk: the caller may reach an object but not every property of it.
Mass assignment lets a client write a property it must not (an owner, a
role, an id) by adding it to the body; excessive data exposure sends a
property the caller may not see (a password hash, another user's phone
number, a group's invitation code to a non-administrator).

Here: read-only properties in a body are ignored and change nothing, unknown
properties are a 400, a foreign ``user_id`` on a new alias is a 403; every
response carries exactly the documented properties for that caller, and no
response anywhere carries a secret or a hash.
"""
import json

import pytest
from sqlalchemy import select

from seatshare import models
from tests import factories as f

JSON = {"Content-Type": "application/json"}
PUBLIC_USER = {"id", "first_name", "last_name", "email", "timezone", "bio", "location",
               "created_at"}
TICKET = {"id", "group_id", "event_id", "owner_id", "assignee_id", "alias_id", "section",
          "row", "seat", "cost", "note", "created_at", "updated_at"}
GROUP = {"id", "name", "entity_id", "creator_id", "role", "created_at"}


def row(dbsession, model, record_id):
    dbsession.expire_all()
    record = dbsession.get(model, record_id)
    return {c.key: getattr(record, c.key) for c in model.__table__.columns
            if c.key != "updated_at"}


def put(testapp, url, headers, body):
    return testapp.put(url, json.dumps(body), headers={**headers, **JSON}, expect_errors=True)


# --- mass assignment ------------------------------------------------------------


def test_read_only_ticket_properties_are_ignored(testapp, world, dbsession):
    headers = world.headers("owner")
    other = f.make_group(creator=world.outsider)
    before = row(dbsession, models.Ticket, world.ticket.id)
    res = put(testapp, f"/api/v1/ticket/{world.ticket.id}", headers, {
        "id": 424242, "owner_id": world.outsider.id, "group_id": other.id,
        "event_id": 1, "created_at": "2000-01-01T00:00:00Z",
        "updated_at": "2000-01-01T00:00:00Z", "note": "changed"})
    assert res.status_int == 200, res.text
    after = row(dbsession, models.Ticket, world.ticket.id)
    assert after == {**before, "note": "changed"}


def test_read_only_group_properties_are_ignored(testapp, world, dbsession):
    headers = world.headers("admin")
    before = row(dbsession, models.Group, world.group.id)
    res = put(testapp, f"/api/v1/groups/{world.group.id}", headers, {
        "name": "Renamed", "entity_id": world.other_group.entity_id,
        "creator_id": world.outsider.id, "role": "admin", "invitation_code": "chosen",
        "id": 9999})
    assert res.status_int == 200, res.text
    assert row(dbsession, models.Group, world.group.id) == {**before, "name": "Renamed"}


def test_a_member_cannot_make_themselves_admin_by_the_group_body(testapp, world, dbsession):
    headers = world.headers("member")
    res = put(testapp, f"/api/v1/groups/{world.group.id}", headers, {"role": "admin"})
    assert res.status_int == 403
    membership = dbsession.scalar(select(models.Membership).where(
        models.Membership.group_id == world.group.id,
        models.Membership.user_id == world.member.id))
    assert membership.role == models.Role.MEMBER


def test_read_only_user_properties_are_ignored(testapp, world, dbsession):
    headers = world.headers("member")
    before = row(dbsession, models.User, world.member.id)
    res = put(testapp, "/api/v1/users/me", headers, {
        "id": world.admin.id, "created_at": "2000-01-01T00:00:00Z", "bio": "hi"})
    assert res.status_int == 200, res.text
    assert row(dbsession, models.User, world.member.id) == {**before, "bio": "hi"}


@pytest.mark.parametrize("field", ["password_hash", "calendar_nonce", "is_admin", "password",
                                   "role", "active"])
def test_a_property_the_resource_does_not_offer_is_400(testapp, world, dbsession, field):
    headers = world.headers("member")
    before = row(dbsession, models.User, world.member.id)
    res = put(testapp, "/api/v1/users/me", headers, {field: "x"})
    assert res.status_int == 400 and field in res.json["fields"]
    assert row(dbsession, models.User, world.member.id) == before


def test_an_alias_for_someone_else_is_403(testapp, world, dbsession):
    count = len(dbsession.scalars(select(models.UserAlias)).all())
    res = testapp.post("/api/v1/user_aliases",
                       json.dumps({"first_name": "Kid", "user_id": world.owner.id}),
                       headers={**world.headers("member"), **JSON}, expect_errors=True)
    assert res.status_int == 403
    assert len(dbsession.scalars(select(models.UserAlias)).all()) == count


def test_a_new_group_takes_no_role_or_creator_from_the_body(testapp, world, dbsession):
    res = testapp.post("/api/v1/groups", json.dumps({
        "name": "Mine", "entity_id": world.entity.id, "creator_id": world.admin.id,
        "invitation_code": "chosen-code"}),
        headers={**world.headers("member"), **JSON}, expect_errors=True)
    assert res.status_int == 201, res.text
    group = dbsession.get(models.Group, res.json["id"])
    assert group.creator_id == world.member.id
    assert res.json["invitation_code"] != "chosen-code"
    testapp.post("/api/v1/groups/join", json.dumps({"invitation_code": "chosen-code"}),
                 headers={**world.headers("non_member"), **JSON}, status=404)


def test_a_ticket_request_takes_no_requester_or_status_from_the_body(testapp, world, dbsession):
    headers = {**world.headers("member"), **JSON}
    url = f"/api/v1/ticket/{world.ticket.id}/requests"
    # A status is not the asker's to give: a 400, and nothing is created.
    res = testapp.post(url, json.dumps({"message": "please", "status": "accepted"}),
                       headers=headers, expect_errors=True)
    assert res.status_int == 400 and "status" in res.json["fields"]
    assert dbsession.scalars(select(models.TicketRequest)).all() == []
    # The requester is always the caller.
    res = testapp.post(url, json.dumps({"message": "please", "requester_id": world.admin.id}),
                       headers=headers, expect_errors=True)
    assert res.status_int == 201, res.text
    created = dbsession.scalars(select(models.TicketRequest)).one()
    assert created.requester_id == world.member.id
    assert created.status == models.RequestStatus.PENDING


# --- exposure -------------------------------------------------------------------


def test_another_user_is_shown_only_public_properties(testapp, world):
    headers = world.headers("member")
    other = testapp.get(f"/api/v1/users/{world.owner.id}", headers=headers).json
    assert set(other) == PUBLIC_USER
    for listed in testapp.get("/api/v1/users", headers=headers).json:
        assert set(listed) == PUBLIC_USER
    me = testapp.get("/api/v1/users/me", headers=headers).json
    assert set(me) == PUBLIC_USER | {"mobile", "sms_notify", "calendar_url"}


def test_only_administrators_see_the_invitation_code(testapp, world):
    member = testapp.get(f"/api/v1/groups/{world.group.id}", headers=world.headers("member")).json
    assert set(member) == GROUP and member["role"] == "member"
    admin = testapp.get(f"/api/v1/groups/{world.group.id}", headers=world.headers("admin")).json
    assert set(admin) == GROUP | {"invitation_code"} and admin["role"] == "admin"
    listed = testapp.get("/api/v1/groups", headers=world.headers("member")).json
    assert all("invitation_code" not in group for group in listed)


def test_a_ticket_shows_exactly_its_documented_properties(testapp, world):
    shown = testapp.get(f"/api/v1/ticket/{world.ticket.id}", headers=world.headers("member")).json
    assert set(shown) == TICKET


def test_no_response_carries_a_hash_or_secret(testapp, world, dbsession):
    """Walk every readable endpoint as an administrator and look for the
    stored secrets of every row."""
    application, _ = f.make_application()
    f._add(models.Approval(user_id=world.admin.id, application_id=application.id,
                           scopes="read write"))
    headers = world.headers("admin")
    secrets_stored = set()
    for user in dbsession.scalars(select(models.User)):
        secrets_stored |= {user.password_hash, user.calendar_nonce}
    for token in dbsession.scalars(select(models.Token)):
        secrets_stored |= {token.access_token_hash, token.refresh_token_hash}
    for app_ in dbsession.scalars(select(models.Application)):
        secrets_stored.add(app_.client_secret_hash)
    secrets_stored.discard(None)
    paths = ["/users", "/users/me", f"/users/{world.owner.id}", "/user_aliases", "/groups",
             f"/groups/{world.group.id}", f"/groups/{world.group.id}/members",
             f"/groups/{world.group.id}/invitations", "/events", "/tickets",
             f"/ticket/{world.ticket.id}", f"/ticket/{world.ticket.id}/history",
             "/ticket_requests", "/authorizations", "/entities"]
    for path in paths:
        body = testapp.get("/api/v1" + path, headers=headers).text
        for secret in secrets_stored:
            assert secret not in body, path
        for name in ("password", "hash", "nonce", "secret"):
            assert name not in body.lower(), (path, name)
