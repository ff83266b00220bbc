"""OWASP API5:2023 Broken Function Level Authorization.

The risk: a caller reaches a function meant for another role (an
administrator's, the owner's, a write where only reading was granted) by
calling its URL or method directly, or by dressing one method up as another.

Here: administrators' functions refuse members; writes refuse a token
holding only the ``read`` scope; a read-only scope cannot revoke anything;
method-override headers do nothing; the last administrator cannot leave;
introspection refuses a public client; and, at start-up, a view declared
without a permission is refused (deny by default).
"""
import json

import pytest
from pyramid.exceptions import ConfigurationError
from sqlalchemy import select

from seatshare import models
from tests import factories as f

JSON = {"Content-Type": "application/json"}

# method, path, body, the administrator's status
ADMIN_FUNCTIONS = [
    ("PUT", "/groups/{group}", {"name": "Renamed"}, 200),
    ("DELETE", "/groups/{group}", None, 204),
    ("PUT", "/groups/{group}/members/{member}", {"role": "admin"}, 200),
    ("DELETE", "/groups/{group}/members/{owner}", None, 204),
    ("POST", "/groups/{group}/invitations", {"email": "friend@example.com"}, 201),
    ("GET", "/groups/{group}/invitations", None, 200),
    ("POST", "/groups/{group}/invitation_code", {}, 200),
]
ADMIN_CALLS = [call[:3] for call in ADMIN_FUNCTIONS]


def call(testapp, method, path, world, headers, body=None):
    url = "/api/v1" + path.format(group=world.group.id, member=world.member.id,
                                  owner=world.owner.id, ticket=world.ticket.id)
    return testapp.request(url, method=method, headers={**headers, **JSON},
                           body=json.dumps(body).encode() if body is not None else b"",
                           expect_errors=True)


def memberships(dbsession, world):
    dbsession.expire_all()
    return sorted((m.user_id, m.role.value) for m in dbsession.scalars(
        select(models.Membership).where(models.Membership.group_id == world.group.id)))


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS,
                         ids=[f"{m} {p}" for m, p, _ in ADMIN_CALLS])
def test_administrator_functions_refuse_a_member(testapp, world, dbsession, method, path, body):
    headers = world.headers("member")
    before = memberships(dbsession, world)
    res = call(testapp, method, path, world, headers, body)
    assert res.status_int == 403, res.text
    assert memberships(dbsession, world) == before
    assert dbsession.get(models.Group, world.group.id).active is True


@pytest.mark.parametrize(("method", "path", "body", "status"), ADMIN_FUNCTIONS,
                         ids=[f"{m} {p}" for m, p, _, _ in ADMIN_FUNCTIONS])
def test_administrator_functions_serve_the_administrator(
    testapp, world, method, path, body, status
):
    res = call(testapp, method, path, world, world.headers("admin"), body)
    assert res.status_int == status, res.text


WRITES = [
    ("PUT", "/users/me", {"bio": "x"}),
    ("PUT", "/ticket/{ticket}", {"note": "x"}),
    ("DELETE", "/ticket/{ticket}", None),
    ("POST", "/user_aliases", {"first_name": "Kid"}),
    ("POST", "/ticket/{ticket}/requests", {"message": "x"}),
    ("POST", "/groups", {"name": "G", "entity_id": 1}),
    ("DELETE", "/groups/{group}/members/{owner}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES,
                         ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_a_read_only_token_cannot_write(testapp, world, dbsession, method, path, body):
    """The ticket owner's own ticket and membership: only the scope is missing."""
    headers = world.auth_headers(world.owner, scopes="read")
    before = memberships(dbsession, world)
    res = call(testapp, method, path, world, headers, body)
    assert res.status_int == 403, res.text
    assert "scope" in res.json["error_detail"]
    assert memberships(dbsession, world) == before


def test_a_write_only_token_cannot_read(testapp, world):
    res = call(testapp, "GET", "/users/me", world, world.auth_headers(world.owner, scopes="write"))
    assert res.status_int == 403


@pytest.mark.parametrize("override", ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"])
def test_method_override_headers_do_nothing(testapp, world, dbsession, override):
    headers = {**world.headers("owner"), override: "DELETE"}
    res = call(testapp, "POST", "/ticket/{ticket}", world, headers, {})
    assert res.status_int == 405
    assert "DELETE" in res.headers["Allow"]
    assert dbsession.get(models.Ticket, world.ticket.id) is not None
    res = testapp.get(f"/api/v1/ticket/{world.ticket.id}?_method=DELETE",
                      headers=world.headers("owner"))
    assert res.status_int == 200
    assert dbsession.get(models.Ticket, world.ticket.id) is not None


def test_the_last_administrator_cannot_leave(testapp, world, dbsession):
    before = memberships(dbsession, world)
    res = call(testapp, "DELETE", f"/groups/{{group}}/members/{world.admin.id}", world,
               world.headers("admin"))
    assert res.status_int == 409, res.text
    assert memberships(dbsession, world) == before


def test_a_member_may_leave_but_not_remove_others(testapp, world, dbsession):
    res = call(testapp, "DELETE", "/groups/{group}/members/{owner}", world, world.headers("member"))
    assert res.status_int == 403
    res = call(testapp, "DELETE", "/groups/{group}/members/{member}", world, world.headers("member"))
    assert res.status_int == 204
    assert world.member.id not in {uid for uid, _ in memberships(dbsession, world)}


def test_introspection_refuses_a_public_client(testapp, dbsession):
    application, _ = f.make_application(confidential=False)
    _, value = f.make_token()
    res = testapp.post("/oauth/introspect", {"token": value, "client_id": application.client_id},
                       expect_errors=True)
    assert res.status_int == 401
    assert "active" not in res.json


def test_a_view_without_a_permission_is_refused_at_start_up(app_settings):
    from pyramid.config import Configurator

    from seatshare.resources import Root

    def unguarded(request):  # pragma: no cover - never served
        return {}

    config = Configurator(settings=dict(app_settings), root_factory=Root)
    config.include("seatshare.errors")
    config.add_view(unguarded, context=Root, name="unguarded", renderer="json")
    with pytest.raises(ConfigurationError, match="without a permission"):
        config.commit()
