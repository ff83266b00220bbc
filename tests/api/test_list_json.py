"""The tickets list's JSON, written by the database (seatshare/sqljson.py),
is the JSON the renderer writes for the same tickets (GET /ticket/ID)."""
import datetime
import decimal
import json

import pytest
from sqlalchemy import Boolean, Column, DateTime, Enum, Float, Integer, MetaData, Table, select

from seatshare.pagination import PagedQuery
from seatshare.renderers import JSONText, json_array, json_renderer_factory
from seatshare.sqljson import json_object

from .. import factories as f

API = "/api/v1"

# Values whose JSON could go wrong: escapes, non-ASCII, money's two
# decimals, timestamps' fractions of a second (dropped, not rounded).
TICKETS = [
    dict(section="A", row="1", seat="1", cost=decimal.Decimal("0"), note=""),
    dict(section="", row="", seat="12", cost=decimal.Decimal("12.5"),
         note='quote " backslash \\ slash / tab \t newline \n bell \x07'),
    dict(section="Über", row="ряд 5", seat="😀", cost=decimal.Decimal("99999999.99"),
         note="é — \u2028 \u00a0 end"),
    dict(section="B", row="2", seat="3", cost=decimal.Decimal("0.01"), note="x" * 2000),
]
CREATED = datetime.datetime(2026, 3, 4, 5, 6, 7, 999999)
UPDATED = datetime.datetime(9999, 12, 31, 23, 59, 59, 999999)  # no rounding up


def test_the_list_writes_the_same_json_as_a_single_ticket(testapp, world, dbsession):
    tickets = [
        f.make_ticket(group=world.group, event=world.event, owner=world.owner,
                      assignee=world.assignee if i % 2 else None,
                      alias=world.assignee_alias if i % 2 else None,
                      created_at=CREATED, updated_at=UPDATED, **values)
        for i, values in enumerate(TICKETS)
    ]
    headers = world.headers("member")
    res = testapp.get(f"{API}/tickets", params={"group_id": world.group.id}, headers=headers)
    assert res.content_type == "application/json"
    listed = {ticket["id"]: ticket for ticket in res.json}
    for ticket in [world.ticket, *tickets]:
        one = testapp.get(f"{API}/ticket/{ticket.id}", headers=headers).json
        assert listed[ticket.id] == one
        assert list(listed[ticket.id]) == list(one)  # the fields in the same order
    written = [listed[t.id] for t in tickets]
    assert [t["cost"] for t in written] == ["0.00", "12.50", "99999999.99", "0.01"]
    assert {t["created_at"] for t in written} == {"2026-03-04T05:06:07Z"}
    assert {t["updated_at"] for t in written} == {"9999-12-31T23:59:59Z"}
    assert [t["note"] for t in written] == [values["note"] for values in TICKETS]
    assert [t["seat"] for t in written] == [values["seat"] for values in TICKETS]
    assert [(t["assignee_id"], t["alias_id"]) for t in written] == [
        (None, None), (world.assignee.id, world.assignee_alias.id)
    ] * 2


def test_an_empty_page_is_an_empty_array(testapp, world):
    res = testapp.get(f"{API}/tickets", params={"owner": "me"}, headers=world.headers("member"))
    assert res.json == []
    assert res.text == "[]"
    assert res.headers["X-Total-Count"] == "0"


def test_the_renderer_passes_database_json_on_and_encodes_the_rest():
    render = json_renderer_factory(None)
    assert render(json_array(['{"a":1}', '{"b" : "é"}']), {}) == '[{"a":1}, {"b" : "é"}]'
    assert render(json_array([]), {}) == "[]"
    # A plain str is a JSON string, not JSON text.
    assert render('{"a":1}', {}) == json.dumps('{"a":1}')
    assert isinstance(json_array([]), JSONText)


def test_a_column_without_a_json_format_is_refused():
    table = Table("t", MetaData(), Column("id", Integer), Column("flag", Boolean),
                  Column("ratio", Float), Column("kind", Enum("a", "b")))
    for column in (table.c.flag, table.c.ratio, table.c.kind):
        with pytest.raises(TypeError):
            json_object({"x": column})
    with pytest.raises(ValueError):
        json_object({"it's": table.c.id})


def test_a_list_written_as_json_needs_its_order():
    from sqlalchemy.dialects import sqlite

    table = Table("t", MetaData(), Column("id", Integer))
    with pytest.raises(ValueError):
        PagedQuery(select(table.c.id), json_fields=("id",))
    page = PagedQuery(select(table.c.id), json_fields=("id",), order_by=(table.c.id,)).page
    assert str(page.compile(dialect=sqlite.dialect())).endswith("ORDER BY page._order_0")


def test_each_database_writes_the_object():
    from sqlalchemy.dialects import postgresql, sqlite

    table = Table("t", MetaData(), Column("id", Integer), Column("at", DateTime))
    stmt = select(json_object({"id": table.c.id, "at": table.c.at}))
    assert str(stmt.compile(dialect=postgresql.dialect())) == (
        "SELECT json_build_object('id', t.id, 'at', "
        """to_char(t.at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))::text AS json_object_1 \nFROM t"""
    )
    assert str(stmt.compile(dialect=sqlite.dialect())) == (
        "SELECT json_object('id', t.id, 'at', "
        "substr(t.at, 1, 10) || 'T' || substr(t.at, 12, 8) || 'Z') AS json_object_1 \nFROM t"
    )
