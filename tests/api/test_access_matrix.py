"""Every endpoint of API.md §3 and §4 against every kind of caller: the exact status.

One row per endpoint, one column per caller, so a missing cell shows in the
table itself (``test_every_row_has_a_cell_per_caller``). The callers stand in
``world`` (tests/api/conftest.py): ``malformed_token`` sends a bearer token
no token can be; ``revoked_token`` is a revoked token of the
ticket owner; ``read_only`` and ``write_only`` are the ticket owner holding a
token with only the ``read`` or only the ``write`` scope, so a 403 there is
the scope's alone (API.md §2: ``read`` for every GET, ``write`` for every
other method); ``alias_owner`` owns ``{alias}``; the ticket ``{ticket}``
belongs to ``owner`` and is assigned to ``assignee`` (who
therefore may not ask for it: 409).

Every refusal is checked whole: the contract's error body, and the
``WWW-Authenticate`` challenge that tells a 401 (``invalid_token`` when a
token was sent), a 403 of the token's scope (``insufficient_scope``) and a
403 of the ACL (none) apart.

To add an endpoint: a row here, and a body in BODIES if it takes one.
"""
import json
from http import HTTPStatus

import pytest

from .beyond_seed import beyond_seed_ids, fill

CALLERS = (
    "anonymous",
    "unknown_token",
    "malformed_token",
    "expired_token",
    "revoked_token",
    "read_only",
    "write_only",
    "non_member",
    "member",
    "owner",
    "assignee",
    "alias_owner",
    "admin",
)

# fmt: off
MATRIX = [
    # endpoint                              anon unkn malf expd rvkd  ro   wo  nonm memb ownr asgn alia admn
    ("GET /users",                           401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /users?group_id={group}",          401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("GET /users/me",                        401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("PUT /users/me",                        401, 401, 401, 401, 401, 403, 200, 200, 200, 200, 200, 200, 200),
    ("GET /users/{owner_id}",                401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("GET /user_aliases",                    401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("POST /user_aliases",                   401, 401, 401, 401, 401, 403, 201, 201, 201, 201, 201, 201, 201),
    ("POST /user_aliases (admin's user_id)", 401, 401, 401, 401, 401, 403, 403, 403, 403, 403, 403, 403, 201),
    ("GET /user_aliases/{alias}",            401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("PUT /user_aliases/{alias}",            401, 401, 401, 401, 401, 403, 403, 403, 403, 403, 403, 200, 403),
    ("DELETE /user_aliases/{alias}",         401, 401, 401, 401, 401, 403, 403, 403, 403, 403, 403, 204, 403),
    ("GET /groups",                          401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /groups/{group}",                  401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("PUT /groups/{group}",                  401, 401, 401, 401, 401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET /events",                          401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /events?show=past",                401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /events?show=future",              401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /events?group_id={group}",         401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("GET /events/{event}",                  401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("GET /tickets",                         401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /tickets?owner=me",                401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /tickets?assignee=me",             401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /tickets?show=past",               401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /tickets?show=future",             401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /tickets?group_id={group}",        401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("GET /tickets?event_id={event}",        401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("GET /ticket/{ticket}",                 401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("GET /tickets/{ticket}",                401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("PUT /ticket/{ticket}",                 401, 401, 401, 401, 401, 403, 200, 403, 403, 200, 200, 403, 403),
    ("PUT /tickets/{ticket}",                401, 401, 401, 401, 401, 403, 200, 403, 403, 200, 200, 403, 403),
    ("DELETE /ticket/{ticket}",              401, 401, 401, 401, 401, 403, 204, 403, 403, 204, 204, 403, 403),
    ("DELETE /tickets/{ticket}",             401, 401, 401, 401, 401, 403, 204, 403, 403, 204, 204, 403, 403),
    # §4, beyond the seed. {request} is member's pending request for another
    # ticket of owner's; {invitation} an unused invitation; {application} an
    # application member approved (tests/api/beyond_seed.py).
    # endpoint                                        anon unkn malf expd rvkd  ro   wo  nonm memb ownr asgn alia admn
    ("GET /entities",                                  401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /entities?q=team",                           401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /entities/{entity}",                         401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("POST /groups",                                   401, 401, 401, 401, 401, 403, 201, 201, 201, 201, 201, 201, 201),
    ("POST /groups/join",                              401, 401, 401, 401, 401, 403, 200, 200, 200, 200, 200, 200, 200),
    ("DELETE /groups/{group}",                         401, 401, 401, 401, 401, 403, 403, 403, 403, 403, 403, 403, 204),
    ("POST /groups/{group}/invitation_code",           401, 401, 401, 401, 401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("GET /groups/{group}/members",                    401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("GET /groups/{group}/members/{member_id}",        401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("GET /groups/{group}/history",                    401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("PUT /groups/{group}/members/{member_id}",        401, 401, 401, 401, 401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("DELETE /groups/{group}/members/{member_id}",     401, 401, 401, 401, 401, 403, 403, 403, 204, 403, 403, 403, 204),
    ("GET /groups/{group}/invitations",                401, 401, 401, 401, 401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST /groups/{group}/invitations",               401, 401, 401, 401, 401, 403, 403, 403, 403, 403, 403, 403, 201),
    ("GET /groups/{group}/invitations/{invitation}",   401, 401, 401, 401, 401, 403, 403, 403, 403, 403, 403, 403, 200),
    ("DELETE /groups/{group}/invitations/{invitation}", 401, 401, 401, 401, 401, 403, 403, 403, 403, 403, 403, 403, 204),
    ("POST /tickets (one event)",                      401, 401, 401, 401, 401, 403, 201, 403, 201, 201, 201, 201, 201),
    ("POST /tickets (season)",                         401, 401, 401, 401, 401, 403, 201, 403, 201, 201, 201, 201, 201),
    ("POST /ticket/{ticket}/requests",                 401, 401, 401, 401, 401, 403, 403, 403, 201, 403, 409, 201, 201),
    ("POST /tickets/{ticket}/requests",                401, 401, 401, 401, 401, 403, 403, 403, 201, 403, 409, 201, 201),
    ("GET /ticket/{ticket}/history",                   401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("GET /tickets/{ticket}/history",                  401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 200, 200, 200),
    ("GET /ticket_requests",                           401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /ticket_requests?status=pending",            401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /ticket_requests/{request}",                 401, 401, 401, 401, 401, 200, 403, 403, 200, 200, 403, 403, 403),
    ("PUT /ticket_requests/{request} (accept)",        401, 401, 401, 401, 401, 403, 200, 403, 403, 200, 403, 403, 403),
    ("PUT /ticket_requests/{request} (decline)",       401, 401, 401, 401, 401, 403, 200, 403, 403, 200, 403, 403, 403),
    ("PUT /ticket_requests/{request} (withdraw)",      401, 401, 401, 401, 401, 403, 403, 403, 200, 403, 403, 403, 403),
    ("GET /authorizations",                            401, 401, 401, 401, 401, 200, 403, 200, 200, 200, 200, 200, 200),
    ("GET /authorizations/{application}",              401, 401, 401, 401, 401, 404, 404, 404, 200, 404, 404, 404, 404),
    ("DELETE /authorizations/{application}",           401, 401, 401, 401, 401, 404, 404, 404, 204, 404, 404, 404, 404),
]
# fmt: on

BODIES = {
    "PUT /users/me": {"bio": "Season ticket holder"},
    "POST /user_aliases": {"first_name": "Junior"},
    "POST /user_aliases (admin's user_id)": {"first_name": "Junior", "user_id": "{admin_id}"},
    "PUT /user_aliases/{alias}": {"last_name": "Renamed"},
    "PUT /groups/{group}": {"name": "Renamed"},
    "PUT /ticket/{ticket}": {"note": "aisle seat"},
    "PUT /tickets/{ticket}": {"note": "aisle seat"},
    "POST /groups": {"name": "Bleachers", "entity_id": "{entity}"},
    "POST /groups/join": {"invitation_code": "{code}"},
    "POST /groups/{group}/invitation_code": {},
    "PUT /groups/{group}/members/{member_id}": {"role": "admin"},
    "POST /groups/{group}/invitations": {"email": "pal@example.com"},
    "POST /tickets (one event)": {"group_id": "{group}", "event_id": "{event}", "seat": "9"},
    "POST /tickets (season)": {"group_id": "{group}", "event_ids": ["{event}"], "seat": "9"},
    "POST /ticket/{ticket}/requests": {"message": "May I?"},
    "POST /tickets/{ticket}/requests": {"message": "May I?"},
    "PUT /ticket_requests/{request} (accept)": {"status": "accepted"},
    "PUT /ticket_requests/{request} (decline)": {"status": "declined"},
    "PUT /ticket_requests/{request} (withdraw)": {"status": "withdrawn"},
}


def ids(world, dbsession) -> dict:
    return {
        **beyond_seed_ids(world, dbsession),
        "group": world.group.id,
        "owner_id": world.owner.id,
        "admin_id": world.admin.id,
        "alias": world.alias.id,
        "event": world.event.id,
        "ticket": world.ticket.id,
    }


def request_for(endpoint, world, dbsession):
    """``(method, url, body)`` for a row's endpoint in this world."""
    method, path = endpoint.split(" (")[0].split(" ", 1)
    values = ids(world, dbsession)
    url = "/api/v1" + path.format(**values)
    body = BODIES.get(endpoint)
    if body is not None:
        body = fill(body, values)
    return method, url, body


# The contract's sentences (API.md §1 quotes the 404's, the seed's).
DETAILS = {
    401: "Your authentication token is invalid or has expired.",
    403: "You are authorized, but attempting to access or change a record that you cannot.",
    404: "The record you requested could not be found.",
}
SCOPE_DETAIL = "Your token does not carry the scope this request needs."

# read_only and write_only are the owner's tokens: the owner's status says
# what the ACL alone answers them.
OWNER_STATUS = {row[0]: row[1 + CALLERS.index("owner")] for row in MATRIX}

CELLS = [
    pytest.param(row[0], caller, status, id=f"{row[0]} | {caller}")
    for row in MATRIX
    for caller, status in zip(CALLERS, row[1:])
]


def test_every_row_has_a_cell_per_caller():
    for row in MATRIX:
        assert len(row) == 1 + len(CALLERS), row[0]
    assert len({row[0] for row in MATRIX}) == len(MATRIX)


@pytest.mark.parametrize(("endpoint", "caller", "status"), CELLS)
def test_access(testapp, world, dbsession, endpoint, caller, status):
    method, url, body = request_for(endpoint, world, dbsession)
    res = testapp.request(
        url,
        method=method,
        headers={**world.headers(caller), "Content-Type": "application/json"},
        body=b"" if body is None else json.dumps(body).encode(),
        expect_errors=True,
    )
    assert res.status_int == status, res.text
    challenge = res.headers.get("WWW-Authenticate")
    scope_refused = status == 403 and lacks_scope(caller, method)
    if scope_refused and OWNER_STATUS[endpoint] == 403:
        # The ACL refuses the owner too, with any token; a gate that asks it
        # before the scope (resources/group_members.py: a group's lists tell a
        # caller nothing before the ACL lets them in) may answer first.
        scope_refused = challenge is not None
    if status >= 400:
        detail = SCOPE_DETAIL if scope_refused else DETAILS.get(status)
        assert res.json == {
            "error": HTTPStatus(status).phrase,
            "error_detail": detail or res.json["error_detail"],
            "code": status,
        }
        assert res.json["error_detail"]
    if status == 401:
        expected = 'Bearer realm="seatshare"'
        if caller != "anonymous":
            expected += ', error="invalid_token"'
        assert challenge == expected
    elif scope_refused:
        # The token's scope refused it, whatever the ACL would have said.
        scope = "read" if method == "GET" else "write"
        assert challenge == f'Bearer realm="seatshare", error="insufficient_scope", scope="{scope}"'
    else:
        # Refused by the ACL (or not refused): no challenge to answer.
        assert challenge is None


def lacks_scope(caller, method) -> bool:
    """Whether the caller's token lacks the scope ``method`` needs (API.md
    §2: ``read`` for every GET, ``write`` for every other method)."""
    return (caller == "read_only" and method != "GET") or (
        caller == "write_only" and method == "GET"
    )
