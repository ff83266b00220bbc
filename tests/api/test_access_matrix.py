"""Every endpoint of API.md §3 against every kind of caller: the exact status.

One row per endpoint, one column per caller, so a missing cell shows in the
table itself (``test_every_row_has_a_cell_per_caller``). The callers stand in
``world`` (tests/api/conftest.py): ``read_only`` is the ticket owner holding a
token with only the ``read`` scope; ``alias_owner`` owns ``{alias}``; the
ticket ``{ticket}`` belongs to ``owner`` and is assigned to ``assignee``.

To add an endpoint: a row here, and a body in BODIES if it takes one.
"""
import json

import pytest

CALLERS = (
    "anonymous",
    "unknown_token",
    "expired_token",
    "read_only",
    "non_member",
    "member",
    "owner",
    "assignee",
    "alias_owner",
    "admin",
)

# fmt: off
MATRIX = [
    # endpoint                              anon unkn expd  ro   nonm memb ownr asgn alia admn
    ("GET /users",                           401, 401, 401, 200, 200, 200, 200, 200, 200, 200),
    ("GET /users?group_id={group}",          401, 401, 401, 200, 403, 200, 200, 200, 200, 200),
    ("GET /users/me",                        401, 401, 401, 200, 200, 200, 200, 200, 200, 200),
    ("PUT /users/me",                        401, 401, 401, 403, 200, 200, 200, 200, 200, 200),
    ("GET /users/{owner_id}",                401, 401, 401, 200, 403, 200, 200, 200, 200, 200),
    ("GET /user_aliases",                    401, 401, 401, 200, 200, 200, 200, 200, 200, 200),
    ("POST /user_aliases",                   401, 401, 401, 403, 201, 201, 201, 201, 201, 201),
    ("POST /user_aliases (admin's user_id)", 401, 401, 401, 403, 403, 403, 403, 403, 403, 201),
    ("GET /user_aliases/{alias}",            401, 401, 401, 200, 403, 200, 200, 200, 200, 200),
    ("PUT /user_aliases/{alias}",            401, 401, 401, 403, 403, 403, 403, 403, 200, 403),
    ("DELETE /user_aliases/{alias}",         401, 401, 401, 403, 403, 403, 403, 403, 204, 403),
    ("GET /groups",                          401, 401, 401, 200, 200, 200, 200, 200, 200, 200),
    ("GET /groups/{group}",                  401, 401, 401, 200, 403, 200, 200, 200, 200, 200),
    ("PUT /groups/{group}",                  401, 401, 401, 403, 403, 403, 403, 403, 403, 200),
    ("GET /events",                          401, 401, 401, 200, 200, 200, 200, 200, 200, 200),
    ("GET /events?show=past",                401, 401, 401, 200, 200, 200, 200, 200, 200, 200),
    ("GET /events?show=future",              401, 401, 401, 200, 200, 200, 200, 200, 200, 200),
    ("GET /events?group_id={group}",         401, 401, 401, 200, 403, 200, 200, 200, 200, 200),
    ("GET /events/{event}",                  401, 401, 401, 200, 403, 200, 200, 200, 200, 200),
    ("GET /tickets",                         401, 401, 401, 200, 200, 200, 200, 200, 200, 200),
    ("GET /tickets?owner=me",                401, 401, 401, 200, 200, 200, 200, 200, 200, 200),
    ("GET /tickets?assignee=me",             401, 401, 401, 200, 200, 200, 200, 200, 200, 200),
    ("GET /tickets?show=past",               401, 401, 401, 200, 200, 200, 200, 200, 200, 200),
    ("GET /tickets?show=future",             401, 401, 401, 200, 200, 200, 200, 200, 200, 200),
    ("GET /tickets?group_id={group}",        401, 401, 401, 200, 403, 200, 200, 200, 200, 200),
    ("GET /tickets?event_id={event}",        401, 401, 401, 200, 403, 200, 200, 200, 200, 200),
    ("GET /ticket/{ticket}",                 401, 401, 401, 200, 403, 200, 200, 200, 200, 200),
    ("GET /tickets/{ticket}",                401, 401, 401, 200, 403, 200, 200, 200, 200, 200),
    ("PUT /ticket/{ticket}",                 401, 401, 401, 403, 403, 403, 200, 200, 403, 403),
    ("PUT /tickets/{ticket}",                401, 401, 401, 403, 403, 403, 200, 200, 403, 403),
    ("DELETE /ticket/{ticket}",              401, 401, 401, 403, 403, 403, 204, 204, 403, 403),
    ("DELETE /tickets/{ticket}",             401, 401, 401, 403, 403, 403, 204, 204, 403, 403),
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
}


def ids(world) -> dict:
    return {
        "group": world.group.id,
        "owner_id": world.owner.id,
        "admin_id": world.admin.id,
        "alias": world.alias.id,
        "event": world.event.id,
        "ticket": world.ticket.id,
    }


def request_for(endpoint, world):
    """``(method, url, body)`` for a row's endpoint in this world."""
    method, path = endpoint.split(" (")[0].split(" ", 1)
    values = ids(world)
    url = "/api/v1" + path.format(**values)
    body = BODIES.get(endpoint)
    if body is not None:
        body = {
            key: int(value.format(**values)) if isinstance(value, str) and value.startswith("{") else value
            for key, value in body.items()
        }
    return method, url, body


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
def test_access(testapp, world, endpoint, caller, status):
    method, url, body = request_for(endpoint, world)
    res = testapp.request(
        url,
        method=method,
        headers={**world.headers(caller), "Content-Type": "application/json"},
        body=b"" if body is None else json.dumps(body).encode(),
        expect_errors=True,
    )
    assert res.status_int == status, res.text
    if status >= 400:
        assert res.json["code"] == status
    if status == 401:
        assert res.headers["WWW-Authenticate"].startswith('Bearer realm="seatshare"')
