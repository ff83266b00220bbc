"""A list request makes the same number of SQL statements at 3 rows and at 300.

At most 3 for a read: the token with its user and the user's memberships (the
principals), the page with its total (``count(*) OVER ()``), and the record a
filter names when the principals cannot vouch for it (``?event_id=``).
"""
import datetime
import uuid

import pytest
from sqlalchemy import event

from seatshare.models import Event, Group, Membership, Role, Ticket, User, UserAlias

API = "/api/v1"


def grow(dbsession, world, n):
    """``n`` more rows of each listed kind that the member can see, in bulk."""
    users = [
        User(email=f"bulk{i}-{uuid.uuid4().hex[:6]}@example.com", first_name="B", last_name=f"{i}")
        for i in range(n)
    ]
    events = [
        Event(entity_id=world.entity.id, key=uuid.uuid4().hex, name="Bulk",
              start_time=world.event.start_time + datetime.timedelta(hours=i + 1))
        for i in range(n)
    ]
    groups = [
        Group(entity_id=world.entity.id, creator_id=world.member.id, name=f"Bulk {i}")
        for i in range(n)
    ]
    dbsession.add_all(users + events + groups)
    dbsession.flush()
    g = world.group.id
    dbsession.add_all(
        [Membership(group_id=g, user_id=u.id) for u in users]
        + [Membership(group_id=gr.id, user_id=world.member.id, role=Role.ADMIN) for gr in groups]
        + [UserAlias(user_id=u.id, first_name="Kid") for u in users]
        + [Ticket(group_id=g, event_id=e.id, owner_id=world.member.id, seat="1") for e in events]
        + [Ticket(group_id=g, event_id=world.event.id, owner_id=u.id, seat="2") for u in users]
    )
    dbsession.flush()


LISTS = [
    ("/users", 2),
    ("/users?group_id={group}", 2),
    ("/user_aliases", 2),
    ("/groups", 2),
    ("/events", 2),
    ("/events?group_id={group}&show=future", 2),
    ("/tickets", 2),
    ("/tickets?owner=me&show=future", 2),
    ("/tickets?group_id={group}&event_id={event}", 3),
]


def count_statements(testapp, query_counter, world, path):
    url = API + path.format(group=world.group.id, event=world.event.id)
    headers = world.headers("member")  # its token is made before counting
    query_counter.reset()
    res = testapp.get(url + ("&" if "?" in url else "?") + "per_page=100", headers=headers)
    return query_counter.count, len(res.json), int(res.headers["X-Total-Count"])


@pytest.mark.parametrize(("path", "expected"), LISTS, ids=[path for path, _ in LISTS])
def test_list_statement_count_is_constant_in_rows(
    testapp, dbsession, world, query_counter, path, expected
):
    small, rows_small, _ = count_statements(testapp, query_counter, world, path)
    grow(dbsession, world, 300)
    large, rows_large, total = count_statements(testapp, query_counter, world, path)
    assert small == large == expected, query_counter.statements
    assert rows_small < rows_large
    assert rows_large == 100 and total >= 300


def test_page_past_the_end_costs_one_more_statement(testapp, world, query_counter):
    headers = world.headers("member")
    query_counter.reset()
    res = testapp.get(f"{API}/tickets?page=50", headers=headers)
    assert res.json == [] and res.headers["X-Total-Count"] == "1"
    assert query_counter.count == 3


@pytest.mark.parametrize(
    "path", ["/users/{owner}", "/user_aliases/{alias}", "/groups/{group}", "/events/{event}",
             "/ticket/{ticket}", "/users/me"],
)
def test_reading_one_record_takes_at_most_three_statements(testapp, world, query_counter, path):
    url = API + path.format(owner=world.owner.id, alias=world.alias.id, group=world.group.id,
                            event=world.event.id, ticket=world.ticket.id)
    headers = world.headers("member")
    query_counter.reset()
    testapp.get(url, headers=headers)
    assert query_counter.count <= 3, query_counter.statements


def test_group_page_asks_about_the_callers_membership_once(testapp, world, query_counter):
    """The total beside a group's page leaves out the caller's membership of
    the group: the page's rows passed it. A page past the end, whose total
    is a statement of its own, still asks."""
    headers = world.headers("member")
    query_counter.reset()
    res = testapp.get(f"{API}/tickets?group_id={world.group.id}", headers=headers)
    assert res.json and res.headers["X-Total-Count"] == str(len(res.json))
    page = query_counter.statements[-1]
    assert page.count("FROM memberships") == 1, page
    query_counter.reset()
    res = testapp.get(f"{API}/tickets?group_id={world.group.id}&page=50", headers=headers)
    assert res.json == [] and res.headers["X-Total-Count"] == "1"
    assert all("FROM memberships" in s for s in query_counter.statements[-2:])


def test_group_page_checks_the_callers_membership_once_not_per_ticket(
    testapp, dbsession, world, backend, engine
):
    """The membership is one condition on the statement's parameters, which
    the database evaluates once: not an IN looked up for every ticket."""
    recorded = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            recorded.append((statement, parameters))

    headers = world.headers("member")
    event.listen(engine, "before_cursor_execute", record)
    try:
        testapp.get(f"{API}/tickets?group_id={world.group.id}", headers=headers, status=200)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    statement, parameters = recorded[-1]
    cursor = dbsession.connection().connection.cursor()
    if backend == "sqlite":
        cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        plan = "\n".join(row[3] for row in cursor.fetchall())
        assert "LIST SUBQUERY" not in plan, plan
    else:
        cursor.execute("EXPLAIN " + statement, parameters)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "One-Time Filter" in plan and "SubPlan" not in plan, plan
