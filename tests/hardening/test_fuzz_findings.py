"""What the schemathesis fuzzing (tests/fuzz) found, kept as regular tests.

Each case checks the app and, where the finding was a gap between the app
and its OpenAPI document, that the document now says what the app does (the
document's schema is applied with the validator schemathesis uses).
"""
import decimal
import json

import jsonschema_rs
import pytest

from seatshare.openapi import document

JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def doc():
    return document()


def request_schema(doc, path, method, media="application/json"):
    return jsonschema_rs.validator_for(
        doc["paths"][path][method]["requestBody"]["content"][media]["schema"]
    )


def put_ticket(testapp, world, body):
    return testapp.put(f"/api/v1/ticket/{world.ticket.id}", body,
                       headers={**world.headers("owner"), **JSON}, expect_errors=True)


# JSON Schema's "integer" includes 1.0 and 1e0; the app refused them.
@pytest.mark.parametrize("spelling", ["{id}.0", "{id}.000", "{id}e0", "{id}0e-1"])
def test_an_id_written_as_a_number_without_fraction_is_that_integer(testapp, world, spelling):
    value = spelling.format(id=world.member.id)
    res = put_ticket(testapp, world, '{"assignee_id": %s}' % value)
    assert res.status_int == 200, res.text
    assert res.json["assignee_id"] == world.member.id


@pytest.mark.parametrize("value", ["1.5", "1e999999", "-1.0", "2147483648.0", "1e-999999"])
def test_a_number_that_is_no_valid_id_is_still_400(testapp, world, value):
    res = put_ticket(testapp, world, '{"assignee_id": %s}' % value)
    assert res.status_int == 400 and "assignee_id" in res.json["fields"]


# POST /tickets needs exactly one of event_id and event_ids; the document
# allowed both and neither.
def test_a_ticket_names_exactly_one_of_event_id_and_event_ids(testapp, world, doc):
    validator = request_schema(doc, "/api/v1/tickets", "post")
    base = {"group_id": world.group.id, "seat": "1"}
    both = {**base, "event_id": world.event.id, "event_ids": [world.event.id]}
    for body in (base, both):
        assert not validator.is_valid(body)
        res = testapp.post("/api/v1/tickets", json.dumps(body),
                           headers={**world.headers("member"), **JSON}, expect_errors=True)
        assert res.status_int == 400 and "event_id" in res.json["fields"]
    assert validator.is_valid({**base, "event_id": world.event.id})
    assert validator.is_valid({**base, "event_ids": [world.event.id]})


# A NUL is refused by the app (PostgreSQL cannot store it); the document
# said nothing. And "blank" meant str.strip() to the app but \s to the
# document, which disagree on "\x1e" and "\ufeff"; both now build it from
# seatshare.text, where "\ufeff" and the other format characters are blank.
@pytest.mark.parametrize(("value", "valid"), [
    ("a\x00", False), ("\x1e", False), ("\u3000 \x85", False), ("\ufeff", False),
    ("\ufeffx\u200b", True), ("x", True),
])
def test_the_document_and_the_app_agree_on_blank_and_nul(testapp, world, doc, value, valid):
    validator = request_schema(doc, "/api/v1/user_aliases", "post")
    assert validator.is_valid({"first_name": value}) is valid
    res = testapp.post("/api/v1/user_aliases", json.dumps({"first_name": value}),
                       headers={**world.headers("member"), **JSON}, expect_errors=True)
    assert res.status_int == (201 if valid else 400), res.text


# The blank characters beyond U+FFFF (tag characters, …) are not in the
# patterns, which must compile as ECMA-262 without the u flag
# (tests/api/test_openapi_patterns.py): the description names them instead,
# and the app refuses a name of them as blank.
def test_the_description_names_the_blank_characters_the_pattern_leaves_out(testapp, world, doc):
    body = doc["paths"]["/api/v1/user_aliases"]["post"]["requestBody"]
    first_name = body["content"]["application/json"]["schema"]["properties"]["first_name"]
    assert "beyond U+FFFF (" in first_name["description"]
    assert "U+E0020–U+E007F" in first_name["description"]
    res = testapp.post("/api/v1/user_aliases", json.dumps({"first_name": "\u200b\U000e007f"}),
                       headers={**world.headers("member"), **JSON}, status=400)
    assert res.json["fields"] == {"first_name": "must not be blank"}


# Money as a JSON number: the app allows two decimal places; the document
# allowed any.
@pytest.mark.parametrize(("cost", "valid"), [
    (8066757.601163479, False), (45.1, True), (0.07, True), (99999999.99, True),
])
def test_money_as_a_number_has_at_most_two_places_in_both(testapp, world, doc, cost, valid):
    validator = request_schema(doc, "/api/v1/ticket/{id}", "put")
    assert validator.is_valid({"cost": cost}) is valid
    res = put_ticket(testapp, world, json.dumps({"cost": cost}))
    assert res.status_int == (200 if valid else 400), res.text


# Money as a string: the document's pattern is plain ASCII digits with at
# most two places; the app also took "1e3", "+5", "12_000", " 45 ", "١٢" and
# answered "-0" as "-0.00". Each JSON text here is valid in both (and
# answered as the amount given) or in neither (and changes nothing).
@pytest.mark.parametrize(("cost", "answered"), [
    ('"45"', "45.00"), ('"45.5"', "45.50"), ('"0045.00"', "45.00"), ('"0"', "0.00"),
    ('"99999999.99"', "99999999.99"), ("1e3", "1000.00"), ("1.5", "1.50"), ("45", "45.00"),
    ("-0.0", "0.00"),
    *[(cost, None) for cost in (
        '"-0"', '"-0.00"', '"1e3"', '"1E+2"', '"+5"', '".5"', '"45."', '" 45 "', '"12_000"',
        '"1_0.5_0"', '"\u0661\u0662"', '"\uff11\uff12"', '"45.100"', '"000000045"', '"-1"',
        "-1",
    )],
])
def test_money_is_valid_in_the_document_exactly_when_the_app_takes_it(
        testapp, world, doc, dbsession, cost, answered):
    from seatshare.models import Ticket

    validator = request_schema(doc, "/api/v1/ticket/{id}", "put")
    assert validator.is_valid(json.loads('{"cost": %s}' % cost)) is (answered is not None)
    res = put_ticket(testapp, world, '{"cost": %s}' % cost)
    assert res.status_int == (400 if answered is None else 200), res.text
    dbsession.expire_all()
    stored = dbsession.get(Ticket, world.ticket.id).cost
    if answered is None:
        assert stored == decimal.Decimal("45.00")
    else:
        assert res.json["cost"] == answered and stored == decimal.Decimal(answered)


# RFC 7009 / 7662: an empty token is missing (400); an unknown hint is ignored.
@pytest.mark.parametrize("path", ["/oauth/revoke", "/oauth/introspect"])
def test_token_hint_forms_need_a_token_and_ignore_unknown_hints(testapp, doc, path, dbsession):
    from tests import factories as f
    from tests.oauth.conftest import basic

    validator = request_schema(doc, path, "post", "application/x-www-form-urlencoded")
    assert not validator.is_valid({"token": ""})
    assert validator.is_valid({"token": "x", "token_type_hint": "AAA"})
    application, secret = f.make_application()
    auth = basic(application.client_id, secret)
    res = testapp.post(path, {"token": ""}, headers=auth, expect_errors=True)
    assert res.status_int == 400 and res.json["error"] == "invalid_request"
    res = testapp.post(path, {"token": "x" * 64, "token_type_hint": "AAA"}, headers=auth)
    assert res.status_int == 200


# POST /tickets' ACL reads group_id from the body before the schema checks
# it, and sent an out-of-range integer to PostgreSQL: a 500.
@pytest.mark.parametrize("value", [0, -1, 2**31, 2**63, 10**30])
def test_an_out_of_range_group_id_of_a_new_ticket_is_400(testapp, world, value):
    body = {"group_id": value, "event_id": world.event.id, "seat": "1"}
    res = testapp.post("/api/v1/tickets", json.dumps(body),
                       headers={**world.headers("member"), **JSON}, expect_errors=True)
    assert res.status_int == 400 and "group_id" in res.json["fields"]


@pytest.mark.parametrize("value", [0, -1, 2**31, 2**63, 10**30])
def test_an_out_of_range_user_id_of_a_new_alias_is_403(testapp, world, value):
    """Not yours, whatever it is (API.md §3)."""
    res = testapp.post("/api/v1/user_aliases", json.dumps({"first_name": "Kid", "user_id": value}),
                       headers={**world.headers("member"), **JSON}, expect_errors=True)
    assert res.status_int == 403


# WebOb splits a query string on ";" as well as "&": ?q=Rock;Roll searched for
# "Rock" and sent "Roll" as an unknown parameter (a 400).
def test_a_semicolon_in_a_query_value_is_part_of_the_value(testapp, world):
    from tests import factories as f

    entity = f.make_entity(name="Rock;Roll Stars")
    res = testapp.get("/api/v1/entities?q=rock;roll", headers=world.headers("member"))
    assert [row["id"] for row in res.json] == [entity.id]
    res = testapp.get("/api/v1/tickets?per_page=5;page=2", headers=world.headers("member"),
                      expect_errors=True)
    assert res.status_int == 400 and "per_page" in res.json["fields"]
