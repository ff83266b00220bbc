"""A small world every API test can stand in: one group and its people.

``world`` holds an administrator, a member, a ticket owner, its assignee (who
has an alias the ticket uses), an alias owner, and an outsider who belongs to
another group following another entity. ``world.headers(caller)`` gives each
kind of caller's Authorization header.
"""
import dataclasses

import pytest

from seatshare.models import utcnow
from seatshare.tokens import new_token

from .. import factories as f
from .openapi_check import checker


@dataclasses.dataclass
class World:
    entity: object
    group: object
    event: object
    admin: object
    member: object
    owner: object
    assignee: object
    alias_owner: object
    outsider: object
    other_group: object
    alias: object  # alias_owner's
    assignee_alias: object
    ticket: object
    auth_headers: object = None

    def headers(self, caller) -> dict:
        if caller == "anonymous":
            return {}
        if caller == "unknown_token":
            return {"Authorization": f"Bearer {new_token()}"}
        if caller == "malformed_token":
            # A bearer token sent, but not one a token can be: no lookup.
            return {"Authorization": "Bearer not!a*token"}
        if caller == "expired_token":
            return self.auth_headers(self.member, expires_in=-60)
        if caller == "revoked_token":
            # The ticket owner's, whose reads and writes would otherwise succeed.
            return self.auth_headers(self.owner, revoked_at=utcnow())
        if caller == "read_only":
            # The ticket owner, whose writes would otherwise succeed.
            return self.auth_headers(self.owner, scopes="read")
        if caller == "write_only":
            # The ticket owner, whose reads would otherwise succeed.
            return self.auth_headers(self.owner, scopes="write")
        return self.auth_headers(getattr(self, CALLER_USERS[caller]))


CALLER_USERS = {
    "non_member": "outsider",
    "member": "member",
    "owner": "owner",
    "assignee": "assignee",
    "alias_owner": "alias_owner",
    "admin": "admin",
}


@pytest.fixture
def world(dbsession, auth_headers):
    entity = f.make_entity()
    admin = f.make_user(last_name="Adams")
    group = f.make_group(entity=entity, creator=admin, name="Season")
    member, owner, assignee, alias_owner = (
        f.make_user(last_name=name) for name in ("Miller", "Owens", "Ash", "Alvarez")
    )
    for user in (member, owner, assignee, alias_owner):
        f.make_membership(group, user)
    outsider = f.make_user(last_name="Outis")
    other_group = f.make_group(creator=outsider, name="Elsewhere")
    f.make_event(entity=dbsession.get(type(entity), other_group.entity_id))
    event = f.make_event(entity=entity)
    alias = f.make_alias(alias_owner, first_name="Kid", last_name="Alvarez")
    assignee_alias = f.make_alias(assignee, first_name="Sis", last_name="Ash")
    ticket = f.make_ticket(
        group=group, event=event, owner=owner, assignee=assignee, alias=assignee_alias
    )
    return World(
        entity=entity,
        group=group,
        event=event,
        admin=admin,
        member=member,
        owner=owner,
        assignee=assignee,
        alias_owner=alias_owner,
        outsider=outsider,
        other_group=other_group,
        alias=alias,
        assignee_alias=assignee_alias,
        ticket=ticket,
        auth_headers=auth_headers,
    )


@pytest.fixture
def testapp(testapp):
    """The suite's TestApp, with every API response checked against the
    OpenAPI document (tests/api/openapi_check.py), so the document stays true."""
    do_request = testapp.do_request

    def checked(req, status=None, expect_errors=None):
        res = do_request(req, status=status, expect_errors=expect_errors)
        checker().check(req.method, req.url, res.status_int, res.headers, res.body)
        return res

    testapp.do_request = checked
    return testapp
