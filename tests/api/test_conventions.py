"""API.md §1, one test per convention, exercised on the §3 resources."""
import re

import pytest

from seatshare.route_views import VIEWS_NAMED

from .. import factories as f

API = "/api/v1"


def link_relations(res) -> dict:
    """``{rel: url}`` from an RFC 8288 Link header."""
    return {
        rel: url
        for url, rel in re.findall(r'<([^>]+)>;\s*rel="([a-z]+)"', res.headers["Link"])
    }


@pytest.fixture
def many_aliases(world):
    """57 aliases of the member: three pages of 25."""
    for i in range(57):
        f.make_alias(world.member, first_name=f"A{i:02d}", last_name="Zed")
    return world


# --- base path, JSON, authentication -------------------------------------

def test_responses_are_json_under_api_v1(testapp, world):
    res = testapp.get(f"{API}/users/me", headers=world.headers("member"))
    assert res.content_type == "application/json"


def test_bearer_scheme_is_case_insensitive_and_tolerates_the_seeds_semicolon(testapp, world):
    token = world.headers("member")["Authorization"].split()[1]
    for header in (f"bearer {token};", f"BEARER {token}", f"Bearer {token} ", f"bearer {token} ; "):
        res = testapp.get(f"{API}/users/me", headers={"Authorization": header})
        assert res.json["id"] == world.member.id


def test_tabs_around_the_token_are_whitespace_too(testapp, world):
    token = world.headers("member")["Authorization"].split()[1]
    res = testapp.get(f"{API}/users/me", headers={"Authorization": f"Bearer\t{token}\t;"})
    assert res.json["id"] == world.member.id


@pytest.mark.parametrize("extra", [";;", "; x", ", Basic eA==", ", Bearer {token}"])
def test_anything_else_beside_the_token_makes_it_invalid(testapp, world, extra):
    # ", Bearer TOKEN": a second Authorization header, which the server
    # hands on joined to the first.
    token = world.headers("member")["Authorization"].split()[1]
    header = f"Bearer {token}" + extra.format(token=token)
    res = testapp.get(f"{API}/users/me", headers={"Authorization": header}, status=401)
    assert 'error="invalid_token"' in res.headers["WWW-Authenticate"]


def test_token_in_query_string_is_never_accepted(testapp, world):
    token = world.headers("member")["Authorization"].split()[1]
    res = testapp.get(f"{API}/users/me?access_token={token}", status=401)
    assert res.json["code"] == 401


# Every kind of route: a list, a list below a record, a record, a named
# record, a record below a record, a write, and the public document.
QUERY_TOKEN_ROUTES = [
    ("GET", "/tickets"), ("GET", "/groups/{group}/members"), ("GET", "/ticket/{ticket}"),
    ("GET", "/users/me"), ("GET", "/groups/{group}/members/{member}"),
    ("PUT", "/users/me"), ("GET", "/openapi.json"),
]


@pytest.mark.parametrize(("method", "path"), QUERY_TOKEN_ROUTES)
def test_token_in_query_string_beside_the_header_is_a_400_on_every_route(testapp, world,
                                                                        method, path):
    """RFC 6750 §2.3's access_token is never read (API.md §1), and every
    route says so alike: a record's once ignored it (200), a list refused
    it as an unknown parameter."""
    headers = world.headers("member")
    token = headers["Authorization"].split()[1]
    url = API + path.format(group=world.group.id, ticket=world.ticket.id, member=world.member.id)
    res = testapp.request(f"{url}?access_token={token}", method=method, headers=headers,
                          json={} if method == "PUT" else None, status=400)
    assert res.json["fields"] == {
        "access_token": "is never read: send the token in the Authorization header only"}


def test_token_in_query_string_of_the_public_document_is_a_400_without_a_header(testapp):
    res = testapp.get(f"{API}/openapi.json?access_token=x", status=400)
    assert set(res.json["fields"]) == {"access_token"}


def test_token_in_query_string_comes_after_404(testapp, world):
    """API.md §1's order: a record that does not exist is a 404 first."""
    headers = world.headers("member")
    testapp.get(f"{API}/tickets/999999?access_token=x", headers=headers, status=404)


def test_token_in_body_is_never_accepted(testapp, world):
    token = world.headers("member")["Authorization"].split()[1]
    testapp.put_json(f"{API}/users/me", {"access_token": token}, status=401)
    testapp.put(f"{API}/users/me", {"access_token": token}, status=401)


# --- ids, timestamps, money, booleans -------------------------------------

def test_ids_are_integers_timestamps_utc_z_and_money_two_places(testapp, world):
    res = testapp.get(f"{API}/ticket/{world.ticket.id}", headers=world.headers("owner"))
    body = res.json
    assert isinstance(body["id"], int) and isinstance(body["group_id"], int)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["created_at"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["updated_at"])
    assert body["cost"] == "45.00"


def test_booleans_are_json_booleans(testapp, world):
    headers = world.headers("member")
    assert testapp.get(f"{API}/users/me", headers=headers).json["sms_notify"] is False
    event = testapp.get(f"{API}/events/{world.event.id}", headers=headers).json
    assert event["date_tba"] is False and event["time_tba"] is False
    res = testapp.put_json(f"{API}/users/me", {"sms_notify": "true"}, headers=headers, status=400)
    assert res.json["fields"] == {"sms_notify": "must be true or false"}


# --- lists -----------------------------------------------------------------

def test_list_defaults_to_page_1_of_25_with_total_count(testapp, many_aliases):
    res = testapp.get(f"{API}/user_aliases", headers=many_aliases.headers("member"))
    # 57 of the member's, plus the two aliases of mutual members in the world.
    assert res.headers["X-Total-Count"] == "59"
    assert len(res.json) == 25


def test_list_order_is_stable_and_documented(testapp, many_aliases):
    headers = many_aliases.headers("member")
    pages = [
        testapp.get(f"{API}/user_aliases?page={n}", headers=headers).json for n in (1, 2, 3)
    ]
    rows = [row for page in pages for row in page]
    assert len(rows) == 59 and len({row["id"] for row in rows}) == 59
    keys = [(row["last_name"], row["first_name"], row["id"]) for row in rows]
    assert keys == sorted(keys)


def test_per_page_above_100_is_served_as_100(testapp, world):
    for i in range(105):
        f.make_alias(world.member, first_name=f"A{i:03d}")
    res = testapp.get(f"{API}/user_aliases?per_page=1000", headers=world.headers("member"))
    assert len(res.json) == 100
    assert "per_page=100" in link_relations(res)["next"]


def test_first_page_links_next_and_last_only(testapp, many_aliases):
    res = testapp.get(f"{API}/user_aliases?per_page=25", headers=many_aliases.headers("member"))
    links = link_relations(res)
    assert set(links) == {"next", "last"}
    assert "page=2" in links["next"] and "page=3" in links["last"]
    assert res.headers["Link"].index('rel="next"') < res.headers["Link"].index('rel="last"')


def test_middle_page_links_first_prev_next_last_in_order(testapp, many_aliases):
    res = testapp.get(f"{API}/user_aliases?page=2", headers=many_aliases.headers("member"))
    assert [rel for _, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', res.headers["Link"])] == [
        "first", "prev", "next", "last"
    ]
    links = link_relations(res)
    assert "page=1" in links["first"] and "page=1" in links["prev"]
    assert "page=3" in links["next"] and "page=3" in links["last"]


def test_last_page_links_first_and_prev_only(testapp, many_aliases):
    res = testapp.get(f"{API}/user_aliases?page=3", headers=many_aliases.headers("member"))
    assert set(link_relations(res)) == {"first", "prev"}
    assert len(res.json) == 9


def test_single_page_list_carries_an_empty_link_header(testapp, world):
    res = testapp.get(f"{API}/groups", headers=world.headers("member"))
    assert "Link" in res.headers and link_relations(res) == {}
    assert res.headers["X-Total-Count"] == "1"


def test_page_past_the_end_is_empty_and_still_counts(testapp, world):
    res = testapp.get(f"{API}/groups?page=5", headers=world.headers("member"))
    assert res.json == []
    assert res.headers["X-Total-Count"] == "1"
    assert set(link_relations(res)) == {"first", "prev"}


def test_prev_past_the_end_is_the_last_page_with_records(testapp, many_aliases):
    res = testapp.get(f"{API}/user_aliases?per_page=25&page=9",
                      headers=many_aliases.headers("member"))
    total = int(res.headers["X-Total-Count"])
    assert res.json == [] and 50 < total <= 75  # the world's aliases too: three pages
    links = link_relations(res)
    assert "page=1&" in links["first"] and "page=3&" in links["prev"]
    last_page = testapp.get(links["prev"], headers=many_aliases.headers("member"))
    assert len(last_page.json) == total - 50


def test_links_keep_the_querys_filters(testapp, world):
    for i in range(3):
        f.make_ticket(group=world.group, event=world.event, owner=world.owner)
    res = testapp.get(
        f"{API}/tickets?owner=me&group_id={world.group.id}&per_page=2",
        headers=world.headers("owner"),
    )
    assert res.headers["X-Total-Count"] == "4"
    for url in link_relations(res).values():
        assert "owner=me" in url and f"group_id={world.group.id}" in url
        assert url.startswith("http://example.com/api/v1/tickets?")


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", "1_0", "²"])
@pytest.mark.parametrize("param", ["page", "per_page"])
def test_non_integer_or_non_positive_page_is_400(testapp, world, param, value):
    res = testapp.get(
        f"{API}/groups", {param: value}, headers=world.headers("member"), status=400
    )
    assert res.json["code"] == 400 and param in res.json["fields"]


def test_unknown_query_parameter_is_400(testapp, world):
    res = testapp.get(f"{API}/groups?colour=red", headers=world.headers("member"), status=400)
    assert res.json["fields"] == {"colour": "is not a known field"}


# --- writes ----------------------------------------------------------------

def test_put_is_partial_and_answers_the_whole_resource(testapp, world):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"note": "bring gloves"}, headers=world.headers("owner")
    )
    assert res.status_int == 200
    assert res.json["note"] == "bring gloves"
    assert res.json["section"] == "101" and res.json["cost"] == "45.00"
    assert set(res.json) >= {"id", "group_id", "event_id", "owner_id", "created_at", "updated_at"}


def test_post_answers_201_with_location(testapp, world):
    res = testapp.post_json(
        f"{API}/user_aliases", {"first_name": "Pat"}, headers=world.headers("member"), status=201
    )
    assert res.headers["Location"] == f"http://example.com/api/v1/user_aliases/{res.json['id']}"
    assert testapp.get(res.headers["Location"], headers=world.headers("member")).json == res.json


def test_unknown_field_is_400_with_fields(testapp, world, dbsession):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}",
        {"note": "x", "price": 3},
        headers=world.headers("owner"),
        status=400,
    )
    assert res.json == {
        "error": "Bad Request",
        "error_detail": res.json["error_detail"],
        "code": 400,
        "fields": {"price": "is not a known field"},
    }
    dbsession.expire_all()
    assert world.ticket.note == ""  # nothing half-written


def test_read_only_fields_are_ignored(testapp, world, dbsession):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}",
        {"id": 999, "group_id": 999, "event_id": 999, "owner_id": 999,
         "created_at": "x", "updated_at": "x", "note": "ok"},
        headers=world.headers("owner"),
    )
    assert res.json["id"] == world.ticket.id and res.json["owner_id"] == world.owner.id
    assert res.json["group_id"] == world.group.id and res.json["note"] == "ok"


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"3", b"null", b""])
def test_body_that_is_not_a_json_object_is_400(testapp, world, body):
    res = testapp.put(
        f"{API}/users/me", body, headers={**world.headers("member"),
                                          "Content-Type": "application/json"}, status=400
    )
    assert res.json["code"] == 400


def test_invalid_json_is_400(testapp, world):
    res = testapp.put(
        f"{API}/users/me", b'{"bio": ', headers={**world.headers("member"),
                                                "Content-Type": "application/json"}, status=400
    )
    assert res.json["error"] == "Bad Request"


def refused_ticket_body(testapp, world, dbsession, body: bytes) -> str:
    """PUT ``body`` as JSON to the world's ticket: a 400 in the contract's
    shape that changed nothing. Its ``error_detail``."""
    res = testapp.put(f"{API}/ticket/{world.ticket.id}", body,
                      headers={**world.headers("owner"), "Content-Type": "application/json"},
                      status=400)
    assert set(res.json) == {"error", "error_detail", "code"}
    assert (res.json["error"], res.json["code"]) == ("Bad Request", 400)
    dbsession.expire_all()
    assert world.ticket.note == ""
    return res.json["error_detail"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(testapp, world, dbsession, constant):
    """Python's json module reads NaN and Infinity, which JSON (RFC 8259)
    does not have: beside a read-only field, which is ignored, such a body
    was applied. It is invalid JSON, a 400 that changes nothing."""
    body = b'{"note": "changed", "id": %s}' % constant.encode()
    detail = refused_ticket_body(testapp, world, dbsession, body)
    assert detail == "The request body is not valid JSON."


@pytest.mark.parametrize("body", [
    b'{"note": "first", "note": "second"}',
    b'{"note": "x", "assignee_id": null, "assignee_id": null}',
    b'{"note": "x", "id": 1, "id": 2}',
])
def test_a_name_given_twice_in_the_body_is_400(testapp, world, dbsession, body):
    """Which of two values a body means is not for the server to guess
    (RFC 8259 §4: only unique names are interoperable); it took the last."""
    detail = refused_ticket_body(testapp, world, dbsession, body)
    assert detail == "The request body names a field more than once."


def test_string_longer_than_its_column_is_400(testapp, world):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"section": "x" * 51},
        headers=world.headers("owner"), status=400,
    )
    assert res.json["fields"] == {"section": "must be at most 50 characters"}


def test_id_outside_32_bit_range_is_400(testapp, world):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"assignee_id": 2**31},
        headers=world.headers("owner"), status=400,
    )
    assert "assignee_id" in res.json["fields"]


# --- errors and the order of checks ---------------------------------------

def test_401_without_token_sends_bearer_challenge(testapp, world):
    res = testapp.get(f"{API}/groups", status=401)
    assert res.headers["WWW-Authenticate"] == 'Bearer realm="seatshare"'
    assert res.json == {
        "error": "Unauthorized",
        "error_detail": "Your authentication token is invalid or has expired.",
        "code": 401,
    }


@pytest.mark.parametrize("caller", ["unknown_token", "expired_token"])
def test_401_with_bad_token_says_invalid_token(testapp, world, caller):
    res = testapp.get(f"{API}/groups", headers=world.headers(caller), status=401)
    assert res.headers["WWW-Authenticate"] == 'Bearer realm="seatshare", error="invalid_token"'


def test_401_for_a_revoked_token(testapp, world):
    from seatshare.models import utcnow

    token, value = f.make_token(user=world.member, revoked_at=utcnow())
    testapp.get(f"{API}/groups", headers={"Authorization": f"Bearer {value}"}, status=401)


def test_403_when_the_token_lacks_write_scope(testapp, world):
    res = testapp.put_json(
        f"{API}/ticket/{world.ticket.id}", {"note": "x"}, headers=world.headers("read_only"),
        status=403,
    )
    assert res.json["code"] == 403


def test_403_when_the_token_lacks_read_scope(testapp, world):
    headers = world.auth_headers(world.member, scopes="write")
    testapp.get(f"{API}/groups", headers=headers, status=403)


@pytest.mark.parametrize("path", ["/tickets", "/ticket/{ticket}", "/users/me"])
def test_a_read_only_token_may_head_what_it_may_get(testapp, world, path):
    """HEAD reads, as GET does (API.md §2: ``read`` is the scope of reading);
    a ``write``-only token may not."""
    url = API + path.format(ticket=world.ticket.id)
    res = testapp.head(url, headers=world.headers("read_only"), status=200)
    assert res.headers["Content-Type"].startswith("application/json")
    testapp.head(url, headers=world.headers("write_only"), status=403)


def test_403_body_names_the_record_you_cannot_reach(testapp, world):
    res = testapp.get(f"{API}/groups/{world.group.id}", headers=world.headers("non_member"),
                      status=403)
    assert res.json["error"] == "Forbidden" and res.json["code"] == 403


def test_error_is_the_reason_phrase_of_the_status_line(testapp, world):
    """And the 413's: tests/hardening/test_abuse_limits.py."""
    member, url = world.headers("member"), f"{API}/ticket/{world.ticket.id}"
    responses = [
        testapp.get(f"{API}/tickets?page=0", headers=member, status=400),
        testapp.get(f"{API}/tickets", status=401),
        testapp.put_json(url, {"note": "x"}, headers=member, status=403),
        testapp.get(f"{API}/tickets/999999", headers=member, status=404),
        testapp.delete(f"{API}/users", headers=member, status=405),
    ]
    for res in responses:
        assert res.status == f"{res.json['code']} {res.json['error']}"


def test_404_for_no_such_record(testapp, world):
    res = testapp.get(f"{API}/tickets/999999", headers=world.headers("member"), status=404)
    assert res.json == {
        "error": "Not Found",
        "error_detail": "The record you requested could not be found.",
        "code": 404,
    }


@pytest.mark.parametrize("path", ["/tickets/abc", "/tickets/0", "/tickets/99999999999", "/users/x"])
def test_404_for_an_id_that_is_not_one(testapp, world, path):
    testapp.get(f"{API}{path}", headers=world.headers("member"), status=404)


def test_unknown_route_is_404_with_or_without_token(testapp, world):
    testapp.get(f"{API}/nope", status=404)
    testapp.get(f"{API}/nope", headers=world.headers("member"), status=404)
    testapp.get(f"{API}/tickets/{world.ticket.id}/nope", headers=world.headers("member"),
                status=404)


def test_unknown_route_below_a_record_is_404_without_a_token_too(testapp, world):
    for ticket_id in (world.ticket.id, 999999):
        testapp.get(f"{API}/tickets/{ticket_id}/nope", status=404)
        testapp.get(f"{API}/users/{ticket_id}/nope", status=404)
        # Routes that exist stay 401, whether or not the id does.
        testapp.get(f"{API}/tickets/{ticket_id}", status=401)
        testapp.get(f"{API}/ticket/{ticket_id}/history", status=401)
    # Ids are integers: a key that is none is no route, with or without a token.
    testapp.get(f"{API}/groups/nope", status=404)
    testapp.get(f"{API}/groups/nope", headers=world.headers("member"), status=404)
    # A number is an id whether or not it exists: 401 first.
    testapp.get(f"{API}/groups/0", status=401)


@pytest.mark.parametrize("path", [
    "/groups/{group}/members/nope",
    "/groups/{group}/members/{user}/nope",
    "/groups/{group}/members/{user}/nope/deeper",
    "/groups/{group}/invitations/1/nope",
    "/ticket/{ticket}/history/1",
    "/ticket/{ticket}/requests/1",
    "/entities/{entity}/nope",
    "/ticket_requests/1/nope",
    "/authorizations/1/nope",
    "/users/me/nope",
    "/users/me/nope/deeper",
])
def test_unknown_route_deeper_below_a_record_is_404_without_a_token_too(testapp, world, path):
    path = API + path.format(
        group=world.group.id, user=world.admin.id, ticket=world.ticket.id, entity=world.entity.id
    )
    testapp.get(path, status=404)
    testapp.get(path, headers=world.headers("member"), status=404)


@pytest.mark.parametrize("path", [
    "/tickets/", "/ticket/{ticket}/", "/users/me/", "/groups/{group}/members/",
    "//tickets", "/ticket//{ticket}", "/groups/{group}//members", "/ticket/{ticket}/history/",
])
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
def test_an_empty_path_segment_is_no_route(testapp, world, path, method):
    """The OpenAPI document's paths have no empty segment: a trailing or a
    doubled slash is an unknown route, a 404 with or without a token (traversal
    skipped the empty segment and served /tickets/ as /tickets)."""
    path = API + path.format(group=world.group.id, ticket=world.ticket.id)
    for caller in ("member", "anonymous"):
        res = testapp.request(path, method=method, headers=world.headers(caller), status=404)
        assert res.json["error"] == "Not Found"


@pytest.mark.parametrize("method", ["GET", "POST", "HEAD", "DELETE"])
def test_the_tickets_list_is_not_also_at_ticket(testapp, world, method):
    """``/ticket/ID`` is a ticket (API.md §3), but the list and its POST are
    at ``/tickets`` only, as the OpenAPI document says."""
    for caller in ("member", "anonymous"):
        res = testapp.request(f"{API}/ticket", method=method, headers=world.headers(caller),
                              status=404)
        if method != "HEAD":
            assert res.json["error"] == "Not Found"
    testapp.get(f"{API}/ticket/{world.ticket.id}", headers=world.headers("member"), status=200)


@pytest.mark.parametrize("path", [
    "/user_aliases/@@",
    "/user_aliases/%40%40",
    "/tickets/@@",
    "/@@users",
    "/ticket/{ticket}/@@",
    "/ticket/{ticket}/@@/deeper",
    "/groups/{group}/@@members",
])
def test_a_view_selector_in_the_path_is_no_route(testapp, world, path):
    """Pyramid's traversal reads a segment starting ``@@`` as a view's name:
    ``/user_aliases/@@`` served the list, ``/ticket/ID/@@`` the ticket."""
    path = API + path.format(group=world.group.id, ticket=world.ticket.id)
    res = testapp.get(path, headers=world.headers("member"), status=404)
    assert res.json["code"] == 404
    testapp.get(path, status=404)


def test_a_view_selector_is_no_page_either(testapp):
    testapp.get("/@@signin", status=404)
    testapp.get("/@@healthz", status=404)


@pytest.mark.parametrize("path", ["/groups/join/nope", "/openapi.json/nope"])
@pytest.mark.parametrize("caller", ["anonymous", "member"])
def test_a_path_below_a_named_view_is_404(testapp, world, path, caller):
    headers = world.headers(caller)
    if path.startswith("/groups/join"):
        testapp.post_json(API + path, {"invitation_code": f.standing_code(world.group)},
                          headers=headers, status=404)
    else:
        testapp.get(API + path, headers=headers, status=404)


@pytest.mark.parametrize("path", [
    "/groups/{group}/members/{user}",
    "/groups/{group}/invitations/1",
    "/ticket/{ticket}/history",
    "/entities/{entity}",
    "/ticket_requests/1",
    "/authorizations/1",
])
def test_routes_deeper_below_a_record_stay_401_without_a_token(testapp, world, path):
    ids = dict(group=world.group.id, user=world.admin.id, ticket=world.ticket.id,
               entity=world.entity.id)
    testapp.get(API + path.format(**ids), status=401)
    # Whether or not the ids exist.
    testapp.get(API + path.format(**{name: 999999 for name in ids}), status=401)


def test_405_with_allow_for_a_method_the_route_lacks(testapp, world):
    res = testapp.delete(f"{API}/users", headers=world.headers("member"), status=405)
    assert res.headers["Allow"] == "GET, HEAD"
    assert res.json["code"] == 405
    res = testapp.post_json(f"{API}/ticket/{world.ticket.id}", {}, headers=world.headers("owner"),
                            status=405)
    assert res.headers["Allow"] == "DELETE, GET, HEAD, PUT"


# Every kind of route, each with a method it lacks: a list, a list below a
# record, a form (a named view), a record, a named record, a record below
# a record.
WRONG_METHODS = [
    ("PATCH", "/tickets", "GET, HEAD, POST"),
    ("DELETE", "/users", "GET, HEAD"),
    ("PUT", "/groups/{group}/members", "GET, HEAD"),
    ("GET", "/groups/join", "POST"),
    ("POST", "/ticket/{ticket}", "DELETE, GET, HEAD, PUT"),
    ("DELETE", "/users/me", "GET, HEAD, PUT"),
    ("POST", "/groups/{group}/members/{member}", "DELETE, GET, HEAD, PUT"),
]


@pytest.mark.parametrize(("method", "path", "allow"), WRONG_METHODS)
@pytest.mark.parametrize("caller", ["anonymous", "unknown_token"])
def test_without_a_valid_token_a_method_the_route_lacks_is_401_first(testapp, world, method,
                                                                     path, allow, caller):
    """API.md §1's order, 401 first, at a list as at a record: a list
    answered an anonymous caller 405, a record 401."""
    url = API + path.format(group=world.group.id, ticket=world.ticket.id, member=world.member.id)
    res = testapp.request(url, method=method, headers=world.headers(caller), status=401)
    assert res.headers["WWW-Authenticate"].startswith('Bearer realm="seatshare"')
    assert res.json["code"] == 401 and "Allow" not in res.headers
    res = testapp.request(url, method=method, headers=world.headers("member"), status=405)
    assert res.headers["Allow"] == allow


def test_the_public_document_answers_a_method_it_lacks_405_without_a_token(testapp):
    res = testapp.delete(f"{API}/openapi.json", status=405)
    assert res.headers["Allow"] == "GET, HEAD"


def test_without_a_valid_token_nobody_learns_which_ids_exist(testapp, world):
    for path in (f"/tickets/{world.ticket.id}", "/tickets/999999", "/users/999999",
                 "/groups?group_id=999999", "/users?group_id=999999"):
        testapp.get(f"{API}{path}", status=401)
        testapp.get(f"{API}{path}", headers=world.headers("unknown_token"), status=401)


def test_404_comes_before_403(testapp, world):
    headers = world.headers("non_member")
    testapp.put_json(f"{API}/ticket/999999", {"note": "x"}, headers=headers, status=404)
    testapp.get(f"{API}/tickets?group_id=999999", headers=headers, status=404)


def test_403_comes_before_400(testapp, world):
    headers = world.headers("non_member")
    testapp.put_json(f"{API}/ticket/{world.ticket.id}", {"cost": -5}, headers=headers, status=403)
    testapp.get(f"{API}/tickets?group_id={world.group.id}&page=0", headers=headers, status=403)


def test_filter_naming_a_missing_record_is_404_even_with_bad_paging(testapp, world):
    headers = world.headers("member")
    testapp.get(f"{API}/tickets?group_id=999999", headers=headers, status=404)
    testapp.get(f"{API}/tickets?event_id=999999&page=x", headers=headers, status=404)
    testapp.get(f"{API}/users?group_id=999999", headers=headers, status=404)
    testapp.get(f"{API}/events?group_id=999999", headers=headers, status=404)


@pytest.mark.parametrize("path", [
    "/users/me", "/users/{owner}", "/events/{event}", "/ticket/{ticket}", "/tickets/{ticket}",
])
@pytest.mark.parametrize("query", ["group_id=999999", "event_id=999999"])
def test_a_list_filter_sent_to_one_record_is_ignored(testapp, world, path, query):
    """A filter narrows a list (API.md §1: one naming no record is a 404
    there); a single record takes no query and ignores it (README), so
    ``?group_id=999999`` on it was a 404 for a record that exists."""
    url = API + path.format(owner=world.owner.id, event=world.event.id, ticket=world.ticket.id)
    testapp.get(f"{url}?{query}", headers=world.headers("member"), status=200)


@pytest.mark.parametrize("query", ["group_id=999999", "event_id=999999"])
def test_another_lists_filter_is_an_unknown_parameter_of_a_ticket_s_history(testapp, world,
                                                                            query):
    """The history list takes only page and per_page: the tickets list's
    filters are unknown there, a 400, not a 404 for the record they name."""
    res = testapp.get(f"{API}/ticket/{world.ticket.id}/history?{query}",
                      headers=world.headers("member"), status=400)
    assert res.json["fields"] == {query.split("=")[0]: "is not a known field"}


def test_a_list_filter_sent_with_a_write_is_ignored(testapp, world):
    """A write's query string is ignored (``POST /groups?x=1``), and a list
    filter is no exception: ``POST /tickets?group_id=999999`` was a 404."""
    headers = world.headers("owner")
    query = "?group_id=999999&event_id=999999"
    body = {"group_id": world.group.id, "event_id": world.event.id, "seat": "7"}
    testapp.post_json(f"{API}/tickets{query}", body, headers=headers, status=201)
    testapp.put_json(f"{API}/ticket/{world.ticket.id}{query}", {"note": "aisle"},
                     headers=headers, status=200)
    testapp.delete(f"{API}/ticket/{world.ticket.id}{query}", headers=headers, status=204)


@pytest.mark.parametrize("query", ["", "?group_id=999999"])
def test_options_on_a_list_is_405_whatever_its_filters_name(testapp, world, query):
    """No list takes OPTIONS: the route exists, the method does not (a 405
    with Allow), with or without a filter naming no record."""
    res = testapp.options(f"{API}/tickets{query}", headers=world.headers("member"), status=405)
    assert res.headers["Allow"] == "GET, HEAD, POST"


def test_filter_value_that_is_not_an_id_is_400(testapp, world):
    res = testapp.get(f"{API}/tickets?group_id=abc", headers=world.headers("member"), status=400)
    assert res.json["fields"] == {"group_id": "must be a positive integer"}


# --- a URL that is not UTF-8: the same order of checks --------------------

NOT_UTF8 = {"error": "Bad Request", "error_detail": "The query string is not valid UTF-8.",
            "code": 400}


def world_path(world, path):
    return API + path.format(ticket=world.ticket.id, group=world.group.id,
                             user=world.admin.id, other_group=world.other_group.id)


@pytest.mark.parametrize("caller", ["anonymous", "unknown_token", "expired_token",
                                    "revoked_token"])
@pytest.mark.parametrize("path", [
    "/users/me?x=%FF", "/tickets?page=%C0%AF", "/ticket/{ticket}?x=%FF",
    "/tickets/999999?x=%FF", "/tickets?group_id=999999&x=%FF", "/groups/{group}/members?%FF",
])
def test_a_query_that_is_not_utf8_is_401_without_a_valid_token(testapp, world, caller, path):
    """401 first (API.md §1), the very answer the same request gets with its
    query in UTF-8: the body and the Bearer challenge."""
    url = world_path(world, path)
    res = testapp.get(url, headers=world.headers(caller), status=401)
    plain = testapp.get(url.replace("%FF", "x").replace("%C0%AF", "1"),
                        headers=world.headers(caller), status=401)
    assert res.json == plain.json
    assert res.headers["WWW-Authenticate"] == plain.headers["WWW-Authenticate"]


@pytest.mark.parametrize("caller", ["anonymous", "unknown_token", "non_member", "member"])
@pytest.mark.parametrize("path", [
    "/tickets/%FF", "/ticket/{ticket}/%FF", "/users/%C0%AF", "/%FF", "/%FF/1",
    "/groups/{group}/members/%FF", "/tickets/%FF?x=%FF",
])
def test_a_path_that_is_not_utf8_is_no_route(testapp, world, caller, path):
    """No route or record has such a name: a 404 with or without a token,
    as ``/tickets/nope`` is."""
    res = testapp.get(world_path(world, path), headers=world.headers(caller), status=404)
    assert res.json["code"] == 404


@pytest.mark.parametrize("caller", ["anonymous", "member"])
def test_a_path_that_is_not_utf8_is_no_route_outside_v1_either(testapp, world, caller):
    res = testapp.get("/api/%FF%FE", headers=world.headers(caller), status=404)
    assert res.json["code"] == 404


@pytest.mark.parametrize("path", [
    "/nope?x=%FF", "/tickets/999999?x=%FF", "/tickets/{ticket}/nope?x=%FF",
    "/tickets?group_id=999999&x=%FF", "/users?group_id=999999&page=%FF",
])
@pytest.mark.parametrize("caller", ["non_member", "member"])
def test_a_query_that_is_not_utf8_is_404_where_there_is_no_record(testapp, world, caller,
                                                                   path):
    res = testapp.get(world_path(world, path), headers=world.headers(caller), status=404)
    assert res.json["code"] == 404


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/ticket/{ticket}?x=%FF"), ("PUT", "/ticket/{ticket}?x=%FF"),
    ("GET", "/groups/{group}?x=%FF"), ("GET", "/tickets?group_id={group}&x=%FF"),
    ("GET", "/users/{user}?x=%FF"),
])
def test_a_query_that_is_not_utf8_is_403_where_you_may_not(testapp, world, method, path):
    res = testapp.request(world_path(world, path), method=method, json={"note": "x"},
                          headers=world.headers("non_member"), status=403)
    assert res.json["code"] == 403


def test_a_query_that_is_not_utf8_is_403_for_a_token_without_the_scope(testapp, world):
    res = testapp.put_json(world_path(world, "/ticket/{ticket}?x=%FF"), {"note": "x"},
                           headers=world.headers("read_only"), status=403)
    assert 'error="insufficient_scope"' in res.headers["WWW-Authenticate"]


@pytest.mark.parametrize(("caller", "path"), [
    ("member", "/users/me?x=%FF"),
    ("member", "/ticket/{ticket}?x=%FF"),
    ("member", "/tickets?page=%C0%AF"),
    ("member", "/tickets?group_id=%FF"),
    ("member", "/tickets?group_id={group}&x=%FF"),
    ("member", "/users/{user}?%FF"),
    ("admin", "/groups/{group}/members?x=%FF"),
    ("anonymous", "/openapi.json?x=%FF"),
])
def test_a_query_that_is_not_utf8_is_400_once_you_may(testapp, world, caller, path):
    res = testapp.get(world_path(world, path), headers=world.headers(caller), status=400)
    assert res.json == NOT_UTF8


def test_a_write_with_a_query_that_is_not_utf8_is_400_and_changes_nothing(testapp, world,
                                                                          dbsession):
    url = world_path(world, "/ticket/{ticket}")
    note = world.ticket.note
    res = testapp.put_json(f"{url}?x=%FF", {"note": "changed"}, headers=world.headers("owner"),
                           status=400)
    assert res.json == NOT_UTF8
    assert testapp.get(url, headers=world.headers("owner")).json["note"] == note


def test_a_query_that_is_not_utf8_on_a_method_the_route_lacks_is_405(testapp, world):
    res = testapp.delete(f"{API}/users?x=%FF", headers=world.headers("member"), status=405)
    assert res.headers["Allow"] == "GET, HEAD"


def test_you_are_a_mutual_member_of_yourself(testapp, world):
    loner = f.make_user()
    headers = world.auth_headers(loner)
    assert [u["id"] for u in testapp.get(f"{API}/users", headers=headers).json] == [loner.id]
    testapp.get(f"{API}/users/{loner.id}", headers=headers, status=200)


@pytest.mark.parametrize(("method", "path", "needed", "token_scopes"), [
    ("PUT", "/users/me", "write", "read"),
    ("GET", "/users/me", "read", "write"),
])
def test_a_token_without_the_scope_is_told_which_it_needs(testapp, world, method, path,
                                                          needed, token_scopes):
    """RFC 6750 §3.1: a 403 for a missing scope names it in the challenge,
    so a client can ask the user for it; a 403 of the ACL has no challenge."""
    headers = world.auth_headers(world.member, scopes=token_scopes)
    res = testapp.request(API + path, method=method, headers=headers, json={}, status=403)
    assert res.headers["WWW-Authenticate"] == (
        f'Bearer realm="seatshare", error="insufficient_scope", scope="{needed}"')
    assert res.json["error_detail"] == "Your token does not carry the scope this request needs."
    denied = testapp.get(f"{API}/groups/{world.other_group.id}",
                         headers=world.headers("member"), status=403)
    assert "WWW-Authenticate" not in denied.headers


@pytest.mark.parametrize(("path", "status"), [
    ("/oauth/token", 405), ("/api/v1/openapi.json", 405), ("/api/v1/tickets", 401),
    ("/api/v1/groups/join", 401), ("/api/v1/users/me", 401), ("/api/v1/ticket/{ticket}", 401),
    ("/api/v1/groups/{group}/members", 401), ("/api/v1/groups/{group}/history", 401),
])
def test_a_preflight_options_is_refused_as_the_readme_says(testapp, world, path, status):
    """No CORS: a preflight carries no token, so every API route that needs
    one answers 401 (API.md §1: 401 first); the OAuth endpoints and the
    public OpenAPI document, 405."""
    url = path.format(ticket=world.ticket.id, group=world.group.id)
    res = testapp.options(url, headers={"Origin": "https://elsewhere.example",
                                        "Access-Control-Request-Method": "GET"}, status=status)
    assert res.json["code"] == status
    assert not any(name.lower().startswith("access-control-") for name in res.headers)


def test_a_method_a_route_lacks_walks_the_site_s_views_once_per_route(app, testapp, world,
                                                                      monkeypatch):
    """The not-found view learns a route's methods, and whether it needs a
    token, and traversal whether a name is a view, from every view of the
    site: once per route, not per request."""
    monkeypatch.delitem(app.registry, VIEWS_NAMED, raising=False)
    introspector, walks = app.registry.introspector, []
    get_category = introspector.get_category

    def counted(name, *args, **kwargs):
        walks.append(name)
        return get_category(name, *args, **kwargs)

    monkeypatch.setattr(introspector, "get_category", counted)
    for _ in range(3):
        testapp.delete(f"{API}/users", headers=world.headers("member"), status=405)
        testapp.delete(f"{API}/users", status=401)
    testapp.get(f"{API}/groups/join", status=401)
    assert walks.count("views") == 2
