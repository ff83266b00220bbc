"""OWASP API4:2023 Unrestricted Resource Consumption.

The risk: a request can make the server do unbounded work or hold unbounded
data (memory, CPU, database rows and queries, mail), so a few clients can
exhaust it or run up its costs.

Here: every request is bounded before it does work. Bodies over
``seatshare.max_body_bytes`` are refused before they are parsed (413); lists
serve at most 100 rows a page and cost the same few statements however many
rows there are; strings have maximum lengths; a season ticket names at most
200 events; deeply nested JSON is refused; a bad token costs no more than one
query and a malformed one none; password guessing is limited per account and
per address (429), and so are sign-ups per address, which would otherwise
create accounts and test emails without end. The fuller abuse-limit tests are in tests/hardening.
"""
import json

import pytest

from tests import factories as f

JSON = {"Content-Type": "application/json"}


def test_a_body_over_the_limit_is_refused_before_anything_reads_it(
    testapp, world, app, query_counter
):
    limit = int(app.registry.settings["seatshare.max_body_bytes"])
    headers = {**world.headers("owner"), **JSON}
    query_counter.reset()
    res = testapp.put(f"/api/v1/ticket/{world.ticket.id}", b"{" + b" " * limit + b"}",
                      headers=headers, expect_errors=True)
    assert res.status_int == 413 and res.json["code"] == 413
    assert query_counter.count == 0  # not even the token was looked up


@pytest.mark.parametrize("path", ["/tickets", "/users", "/user_aliases", "/events", "/groups"])
def test_a_page_is_at_most_100_rows_and_a_fixed_number_of_statements(
    testapp, world, dbsession, query_counter, path
):
    headers = world.headers("member")

    def statements(per_page):
        query_counter.reset()
        res = testapp.get(f"/api/v1{path}?per_page={per_page}", headers=headers)
        assert len(res.json) <= 100
        return query_counter.count

    few = statements(1000)
    for i in range(30):  # more rows of every kind
        user = f.make_user()
        f.make_membership(world.group, user)
        f.make_alias(world.member)
        f.make_ticket(group=world.group, event=world.event, owner=user)
        f.make_event(entity=world.entity)
        f.make_group(entity=world.entity, creator=world.member)
    assert statements(1000) == few


def test_a_season_ticket_names_at_most_200_events(testapp, world):
    res = testapp.post("/api/v1/tickets", json.dumps({
        "group_id": world.group.id, "event_ids": list(range(1, 202)), "seat": "1"}),
        headers={**world.headers("member"), **JSON}, expect_errors=True)
    assert res.status_int == 400 and "event_ids" in res.json["fields"]


def test_deeply_nested_json_is_refused_quickly(testapp, world):
    res = testapp.put(f"/api/v1/ticket/{world.ticket.id}", b"[" * 60000,
                      headers={**world.headers("owner"), **JSON}, expect_errors=True)
    assert res.status_int == 400


def test_a_long_search_is_refused(testapp, world):
    res = testapp.get("/api/v1/entities?q=" + "x" * 201, headers=world.headers("member"),
                      expect_errors=True)
    assert res.status_int == 400 and "q" in res.json["fields"]


def test_a_bad_token_costs_one_query_and_a_malformed_one_none(testapp, query_counter):
    query_counter.reset()
    testapp.get("/api/v1/users/me", headers={"Authorization": "Bearer " + "a" * 64}, status=401)
    assert query_counter.count == 1
    query_counter.reset()
    testapp.get("/api/v1/users/me", headers={"Authorization": "x" * 100000}, status=401)
    assert query_counter.count == 0


def test_password_guessing_stops_at_the_limit(testapp, app, dbsession):
    user = f.make_user()
    limit = int(app.registry.settings["seatshare.signin_max_failures"])
    statuses = []
    for _ in range(limit + 3):
        form = testapp.get("/signin").forms["signin"]
        form["email"], form["password"] = user.email, "guess"
        statuses.append(form.submit(expect_errors=True).status_int)
    assert statuses == [400] * limit + [429] * 3


def test_sign_up_probing_stops_at_the_limit(testapp, app):
    user = f.make_user()
    limit = int(app.registry.settings["seatshare.signin_max_failures"])
    statuses = []
    for _ in range(limit + 3):
        form = testapp.get("/signup").forms["signup"]
        form["first_name"], form["last_name"] = "Probe", "Probe"
        form["email"], form["password"] = user.email, "a long enough password"
        statuses.append(form.submit(expect_errors=True).status_int)
    assert statuses == [400] * limit + [429] * 3
