"""On PostgreSQL, every list reads its rows through indexes: no request reads
a whole table, so a list costs the same with a thousand users or a million.

PostgreSQL plans a sequential scan of a table this small whatever the query,
so the plans are made with ``enable_seqscan`` off: a statement that still
scans a whole table then has no index that could serve it.
"""
import pytest
from sqlalchemy import event

from .test_query_counts import API, LISTS, grow


@pytest.fixture
def recorded(engine):
    """The SELECTs, UPDATEs and DELETEs sent, with their parameters."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH", "UPDATE", "DELETE")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    yield statements
    event.remove(engine, "before_cursor_execute", record)


def plan(dbsession, statement, parameters) -> str:
    cursor = dbsession.connection().connection.cursor()
    cursor.execute("SET LOCAL enable_seqscan = off")
    try:
        cursor.execute("EXPLAIN " + statement, parameters)
        return "\n".join(row[0] for row in cursor.fetchall())
    finally:
        cursor.execute("SET LOCAL enable_seqscan = on")


# Beside the lists whose statements are counted, as (caller, path).
OTHER_LISTS = [
    ("member", "/ticket_requests"),
    ("member", "/ticket/{ticket}/history"),
    ("member", "/entities"),
    ("member", "/entities?q=a"),
    ("member", "/authorizations"),
    ("member", "/groups/{group}/members"),
    ("member", "/groups/{group}/history"),
    ("admin", "/groups/{group}/invitations"),
]
PATHS = [("member", path) for path, _ in LISTS] + OTHER_LISTS


@pytest.mark.parametrize(("caller", "path"), PATHS, ids=[path for _, path in PATHS])
def test_no_list_reads_a_whole_table(testapp, dbsession, world, backend, recorded, caller,
                                     path):
    if backend != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    grow(dbsession, world, 50)
    headers = world.headers(caller)
    recorded.clear()
    url = API + path.format(group=world.group.id, event=world.event.id, ticket=world.ticket.id)
    testapp.get(url, headers=headers, status=200)
    assert recorded
    for statement, parameters in recorded:
        text = plan(dbsession, statement, parameters)
        assert "Seq Scan" not in text, f"{statement}\n{text}"


# Writes whose statements find rows by something other than their id.
WRITES = [
    ("owner", "PUT", "/ticket/{ticket}", {"note": "row C", "assignee_id": None}),
    ("assignee", "DELETE", "/ticket/{ticket}", None),
    ("alias_owner", "DELETE", "/user_aliases/{alias}", None),
    ("assignee", "DELETE", "/groups/{group}/members/{assignee}", None),
    ("admin", "DELETE", "/groups/{group}/members/{owner}", None),
    ("admin", "DELETE", "/groups/{group}", None),
    ("member", "POST", "/ticket/{ticket}/requests", {"message": "May I?"}),
    ("member", "PUT", "/users/me", {"email": "new@example.com"}),
]


@pytest.mark.parametrize(("caller", "method", "path", "body"), WRITES,
                         ids=[f"{m} {p}" for _, m, p, _ in WRITES])
def test_no_write_reads_a_whole_table(testapp, dbsession, world, backend, recorded, caller,
                                      method, path, body):
    if backend != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    grow(dbsession, world, 50)
    headers = world.headers(caller)
    recorded.clear()
    url = API + path.format(group=world.group.id, ticket=world.ticket.id, alias=world.alias.id,
                            assignee=world.assignee.id, owner=world.owner.id)
    response = testapp.request(url, method=method, headers=headers, json=body)
    assert response.status_int < 300, response.text
    assert recorded
    for statement, parameters in recorded:
        text = plan(dbsession, statement, parameters)
        assert "Seq Scan" not in text, f"{statement}\n{text}"
