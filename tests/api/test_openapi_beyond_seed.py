"""The §4 operations in the OpenAPI document: each one called once for its
documented success (the ``testapp`` fixture checks status, headers and body
against the document)."""
import json

import pytest

from seatshare.openapi import beyond_seed, document

from .beyond_seed import beyond_seed_ids, fill

API = "/api/v1"

# (method, path) → (caller, path with ids, body)
EXAMPLES = {
    ("GET", "/api/v1/entities"): ("member", "/entities?q=team", None),
    ("GET", "/api/v1/entities/{id}"): ("non_member", "/entities/{entity}", None),
    ("POST", "/api/v1/groups"): ("member", "/groups", {"name": "Box", "entity_id": "{entity}"}),
    ("POST", "/api/v1/groups/join"): ("non_member", "/groups/join", {"invitation_code": "{code}"}),
    ("DELETE", "/api/v1/groups/{id}"): ("admin", "/groups/{group}", None),
    ("POST", "/api/v1/groups/{id}/invitation_code"): (
        "admin", "/groups/{group}/invitation_code", {"role": "member"}),
    ("GET", "/api/v1/groups/{id}/members"): ("member", "/groups/{group}/members", None),
    ("GET", "/api/v1/groups/{id}/history"): ("member", "/groups/{group}/history", None),
    ("GET", "/api/v1/groups/{id}/members/{user_id}"): (
        "member", "/groups/{group}/members/{owner}", None),
    ("PUT", "/api/v1/groups/{id}/members/{user_id}"): (
        "admin", "/groups/{group}/members/{owner}", {"role": "admin"}),
    ("DELETE", "/api/v1/groups/{id}/members/{user_id}"): (
        "owner", "/groups/{group}/members/{owner}", None),
    ("GET", "/api/v1/groups/{id}/invitations"): ("admin", "/groups/{group}/invitations", None),
    ("POST", "/api/v1/groups/{id}/invitations"): (
        "admin", "/groups/{group}/invitations", {"email": "pal@example.com"}),
    ("GET", "/api/v1/groups/{id}/invitations/{invitation_id}"): (
        "admin", "/groups/{group}/invitations/{invitation}", None),
    ("DELETE", "/api/v1/groups/{id}/invitations/{invitation_id}"): (
        "admin", "/groups/{group}/invitations/{invitation}", None),
    ("POST", "/api/v1/tickets"): (
        "member", "/tickets",
        {"group_id": "{group}", "event_ids": ["{event}"], "section": "9", "cost": "12.50"}),
    ("POST", "/api/v1/ticket/{id}/requests"): ("member", "/ticket/{ticket}/requests", {}),
    ("POST", "/api/v1/tickets/{id}/requests"): (
        "admin", "/tickets/{ticket}/requests", {"message": "May I?"}),
    ("GET", "/api/v1/ticket/{id}/history"): ("member", "/ticket/{ticket}/history", None),
    ("GET", "/api/v1/tickets/{id}/history"): ("member", "/tickets/{ticket}/history", None),
    ("GET", "/api/v1/ticket_requests"): ("owner", "/ticket_requests?status=pending", None),
    ("GET", "/api/v1/ticket_requests/{id}"): ("member", "/ticket_requests/{request}", None),
    ("PUT", "/api/v1/ticket_requests/{id}"): (
        "owner", "/ticket_requests/{request}", {"status": "accepted"}),
    ("GET", "/api/v1/authorizations"): ("member", "/authorizations", None),
    ("GET", "/api/v1/authorizations/{id}"): ("member", "/authorizations/{application}", None),
    ("DELETE", "/api/v1/authorizations/{id}"): ("member", "/authorizations/{application}", None),
}


def beyond_seed_operations() -> set:
    paths = {}
    for build in beyond_seed.PATH_BUILDERS:
        paths.update(build())
    return {
        (method.upper(), path)
        for path, item in paths.items()
        for method in item
        if method != "parameters"
    }


def test_every_beyond_seed_operation_has_an_example_and_is_documented():
    assert set(EXAMPLES) == beyond_seed_operations()
    doc = document()
    for method, path in EXAMPLES:
        assert method.lower() in doc["paths"][path], (method, path)


@pytest.mark.parametrize(
    ("method", "path"), sorted(EXAMPLES), ids=[f"{m} {p}" for m, p in sorted(EXAMPLES)]
)
def test_operation_answers_its_documented_success(testapp, world, dbsession, method, path):
    ids = {**beyond_seed_ids(world, dbsession), "group": world.group.id,
           "owner": world.owner.id, "event": world.event.id, "ticket": world.ticket.id}
    caller, url, body = EXAMPLES[(method, path)]
    res = testapp.request(
        API + url.format(**ids), method=method,
        headers={**world.headers(caller), "Content-Type": "application/json"},
        body=json.dumps(fill(body, ids)).encode() if body is not None else b"",
    )
    success = [int(s) for s in document()["paths"][path][method.lower()]["responses"] if s < "300"]
    assert res.status_int in success
