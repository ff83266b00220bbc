"""Hostile input gets a clear 4xx in the contract's body, never a 500, and
leaves the database as it was.

Body size (413), the ``per_page`` cap, the length of every string field,
integers outside the database's range, URLs and bodies that are not UTF-8,
invalid and deeply nested JSON, the sign-in rate limit, and ``Authorization``
headers that are empty, huge or malformed (401).
"""
import http.client
import importlib
import inspect
import json
import pkgutil
import urllib.parse

import colander
import pytest
from sqlalchemy import func, select

from seatshare import models, schemas
from seatshare.schemas.types import JSONString
from tests import factories as f

JSON = {"Content-Type": "application/json"}
MAX_ID = 2**31 - 1
OUT_OF_RANGE = [0, -1, MAX_ID + 1, 2**63, 2**64, 10**30]


def assert_error(res, status, field=None):
    assert res.status_int == status, res.text
    assert res.content_type == "application/json"
    body = res.json
    assert body["code"] == status
    assert set(body) >= {"error", "error_detail", "code"}
    if field is not None:
        assert field in body["fields"], body


def send(testapp, method, url, body, headers, status=None):
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    return testapp.request(
        url, method=method, body=payload, headers={**headers, **JSON}, expect_errors=True
    )


def ticket_row(dbsession, ticket_id):
    dbsession.expire_all()
    ticket = dbsession.get(models.Ticket, ticket_id)
    return {name: getattr(ticket, name) for name in
            ("section", "row", "seat", "cost", "note", "assignee_id", "alias_id")}


# --- request body size ---------------------------------------------------------


def test_body_over_the_limit_is_413_with_the_contract_body(testapp, world, dbsession, app):
    limit = int(app.registry.settings["seatshare.max_body_bytes"])
    before = dbsession.scalar(select(func.count(models.UserAlias.id)))
    body = {"first_name": "Big", "last_name": "x" * limit}
    res = send(testapp, "POST", "/api/v1/user_aliases", body, world.headers("member"))
    assert_error(res, 413)
    assert res.json["error"] == "Content Too Large"
    assert res.status == "413 Content Too Large"  # the status line agrees
    assert dbsession.scalar(select(func.count(models.UserAlias.id))) == before


def test_body_over_the_limit_outside_the_api_is_413_with_the_same_phrase(testapp, app):
    limit = int(app.registry.settings["seatshare.max_body_bytes"])
    res = testapp.post("/signin", b"x" * (limit + 1), expect_errors=True,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert res.status == "413 Content Too Large"


def test_body_at_the_limit_reaches_validation(testapp, world, app):
    limit = int(app.registry.settings["seatshare.max_body_bytes"])
    prefix = b'{"first_name": "Big", "last_name": "'
    body = prefix + b"x" * (limit - len(prefix) - 2) + b'"}'
    assert len(body) == limit
    res = send(testapp, "POST", "/api/v1/user_aliases", body, world.headers("member"))
    # Past the size check; the schema then refuses the 100-character name.
    assert_error(res, 400, "last_name")


@pytest.mark.live
def test_chunked_body_without_length_is_413_too(live_server):
    """No Content-Length: the limit counts the bytes as they arrive."""
    parts = urllib.parse.urlsplit(live_server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    chunks = (b"x" * 8192 for _ in range(20))  # 160 KiB, well over 64 KiB
    conn.request("POST", "/api/v1/user_aliases", body=chunks,
                 headers={"Content-Type": "application/json"}, encode_chunked=True)
    res = conn.getresponse()
    body = json.loads(res.read())
    conn.close()
    assert (res.status, res.reason) == (413, "Content Too Large")
    assert body["code"] == 413 and body["error"] == "Content Too Large"


# --- lists ---------------------------------------------------------------------


def test_per_page_is_capped_at_100(testapp, world, dbsession):
    for i in range(105):
        f.make_alias(world.member, first_name=f"Guest{i:03d}")
    res = testapp.get("/api/v1/user_aliases?per_page=1000000",
                      headers=world.headers("member"))
    assert len(res.json) == 100
    assert int(res.headers["X-Total-Count"]) >= 105
    assert "per_page=100" in res.headers["Link"]


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", "1e3", "٣"])
def test_bad_page_or_per_page_is_400(testapp, world, value):
    for name in ("page", "per_page"):
        res = testapp.get(f"/api/v1/tickets?{name}={urllib.parse.quote(value)}",
                          headers=world.headers("member"), expect_errors=True)
        assert_error(res, 400, name)


def test_a_page_far_past_the_end_is_an_empty_list(testapp, world):
    res = testapp.get(f"/api/v1/tickets?page={MAX_ID}&per_page=100",
                      headers=world.headers("member"))
    assert res.json == []


# --- string lengths ------------------------------------------------------------

# (method, path, caller, field, maximum): every string field of every body.
STRING_FIELDS = [
    ("PUT", "/users/me", "member", "first_name", 100),
    ("PUT", "/users/me", "member", "last_name", 100),
    ("PUT", "/users/me", "member", "email", 254),
    ("PUT", "/users/me", "member", "timezone", 64),
    ("PUT", "/users/me", "member", "bio", 10000),
    ("PUT", "/users/me", "member", "location", 200),
    ("PUT", "/users/me", "member", "mobile", 32),
    ("POST", "/user_aliases", "member", "first_name", 100),
    ("POST", "/user_aliases", "member", "last_name", 100),
    ("PUT", "/user_aliases/{alias}", "alias_owner", "first_name", 100),
    ("PUT", "/user_aliases/{alias}", "alias_owner", "last_name", 100),
    ("PUT", "/groups/{group}", "admin", "name", 200),
    ("PUT", "/ticket/{ticket}", "owner", "section", 50),
    ("PUT", "/ticket/{ticket}", "owner", "row", 50),
    ("PUT", "/ticket/{ticket}", "owner", "seat", 50),
    ("PUT", "/ticket/{ticket}", "owner", "note", 10000),
    ("POST", "/groups", "member", "name", 200),
    ("POST", "/groups/join", "non_member", "invitation_code", 200),
    ("POST", "/groups/{group}/invitations", "admin", "email", 254),
    ("POST", "/ticket/{ticket}/requests", "member", "message", 10000),
    ("POST", "/tickets", "member", "section", 50),
    ("POST", "/tickets", "member", "row", 50),
    ("POST", "/tickets", "member", "seat", 50),
    ("POST", "/tickets", "member", "note", 10000),
]
# Fields whose format a run of "x" does not meet (or, for a code, that names
# nothing): only "too long" is tested.
FORMATTED = {"email", "timezone", "invitation_code"}


def required_fields(path, world) -> dict:
    """The other fields a body needs for the length to be its only fault."""
    return {
        "/user_aliases": {"first_name": "Ok"},
        "/groups": {"entity_id": world.entity.id},
        "/tickets": {"group_id": world.group.id, "event_id": world.event.id, "seat": "9"},
    }.get(path, {})


def url_for(path, world):
    return "/api/v1" + path.format(
        alias=world.alias.id, group=world.group.id, ticket=world.ticket.id
    )


def snapshot_everything(dbsession):
    dbsession.expire_all()
    return {
        model.__tablename__: sorted(
            tuple(str(getattr(row, c.key)) for c in model.__table__.columns)
            for row in dbsession.scalars(select(model))
        )
        for model in (models.User, models.UserAlias, models.Group, models.Ticket,
                      models.TicketHistory)
    }


@pytest.mark.parametrize(
    ("method", "path", "caller", "field", "maximum"),
    STRING_FIELDS,
    ids=[f"{m} {p} {fld}" for m, p, _, fld, _ in STRING_FIELDS],
)
def test_a_string_one_past_its_maximum_is_400_and_changes_nothing(
    testapp, world, dbsession, method, path, caller, field, maximum
):
    before = snapshot_everything(dbsession)
    body = {**required_fields(path, world), field: "x" * (maximum + 1)}
    res = send(testapp, method, url_for(path, world), body, world.headers(caller))
    assert_error(res, 400, field)
    assert "at most" in res.json["fields"][field]
    assert snapshot_everything(dbsession) == before


@pytest.mark.parametrize(
    ("method", "path", "caller", "field", "maximum"),
    [row for row in STRING_FIELDS if row[3] not in FORMATTED],
    ids=[f"{m} {p} {fld}" for m, p, _, fld, _ in STRING_FIELDS if fld not in FORMATTED],
)
def test_a_string_of_exactly_its_maximum_is_stored_whole(
    testapp, world, method, path, caller, field, maximum
):
    value = "é" * maximum  # characters, not bytes
    body = {**required_fields(path, world), field: value}
    res = send(testapp, method, url_for(path, world), body, world.headers(caller))
    assert res.status_int in (200, 201), res.text
    assert res.json[field] == value


def test_every_string_field_of_every_body_has_a_length_test():
    """A new body field cannot skip the table above."""
    covered = {field for _, _, _, field, _ in STRING_FIELDS}
    found = set()
    for info in pkgutil.iter_modules(schemas.__path__):
        module = importlib.import_module(f"seatshare.schemas.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not (issubclass(cls, colander.MappingSchema) and cls.__module__ == module.__name__):
                continue
            for node in cls().children:
                if type(node.typ) is JSONString:  # not a JSONChoice
                    found.add((cls.__name__, node.name))
    missing = {pair for pair in found if pair[1] not in covered}
    assert missing == set()


@pytest.mark.parametrize("value", ["a\x00b", "\ud800", "x\udfffy"])
def test_text_a_database_cannot_store_is_400(testapp, world, dbsession, value):
    """NUL (PostgreSQL refuses it) and lone surrogates (no UTF-8 encoding)."""
    before = ticket_row(dbsession, world.ticket.id)
    res = send(testapp, "PUT", f"/api/v1/ticket/{world.ticket.id}", {"note": value},
               world.headers("owner"))
    assert_error(res, 400, "note")
    assert ticket_row(dbsession, world.ticket.id) == before


# --- integers outside the database's range -------------------------------------


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("field", ["assignee_id", "alias_id"])
def test_an_id_outside_the_database_range_in_a_body_is_400(testapp, world, dbsession, field, value):
    before = ticket_row(dbsession, world.ticket.id)
    res = send(testapp, "PUT", f"/api/v1/ticket/{world.ticket.id}", {field: value},
               world.headers("owner"))
    assert_error(res, 400, field)
    assert ticket_row(dbsession, world.ticket.id) == before


@pytest.mark.parametrize("value", ["1e999", "-1", "100000000", "1" + "0" * 5000, "NaN",
                                   "Infinity", '"0.001"', "true"])
def test_money_outside_the_column_is_400(testapp, world, dbsession, value):
    before = ticket_row(dbsession, world.ticket.id)
    body = b'{"cost": ' + value.encode() + b"}"
    res = send(testapp, "PUT", f"/api/v1/ticket/{world.ticket.id}", body, world.headers("owner"))
    assert_error(res, 400)
    assert ticket_row(dbsession, world.ticket.id) == before


@pytest.mark.parametrize("value", [str(MAX_ID + 1), str(2**63), "9" * 40, "9" * 5000, "0",
                                   "-1", "0" * 30, "-" + "9" * 40, "-" + "9" * 5000])
@pytest.mark.parametrize("query", ["/tickets?group_id=", "/tickets?event_id=",
                                   "/users?group_id=", "/events?group_id="])
def test_a_filter_naming_an_id_no_record_can_have_is_404(testapp, world, query, value):
    """"A filter naming a record that does not exist is a 404" (API.md §1),
    whatever its size, after the 401 and before the 400 of a bad page."""
    url = "/api/v1" + query + urllib.parse.quote(value)
    assert_error(testapp.get(url, expect_errors=True), 401)
    assert_error(testapp.get(url, headers=world.headers("member"), expect_errors=True), 404)
    res = testapp.get(url + "&page=x", headers=world.headers("member"), expect_errors=True)
    assert_error(res, 404)


@pytest.mark.parametrize("query", ["group_id={group}&group_id=0", "group_id=0&group_id={group}",
                                   "group_id=999999&group_id=0", "group_id={group}&group_id=x"])
def test_a_repeated_filter_is_400_whatever_its_values(testapp, world, query):
    """Given twice, a filter names no one record: the schema's 400, in
    whichever order the values come."""
    url = "/api/v1/tickets?" + query.format(group=world.group.id)
    res = testapp.get(url, headers=world.headers("member"), expect_errors=True)
    assert_error(res, 400, "group_id")


@pytest.mark.parametrize("value", ["1.5", "1e3", "+1", "x", ""])
def test_a_filter_that_is_no_integer_is_400(testapp, world, value):
    res = testapp.get(f"/api/v1/tickets?group_id={urllib.parse.quote(value)}",
                      headers=world.headers("member"), expect_errors=True)
    assert_error(res, 400, "group_id")


@pytest.mark.parametrize("value", [str(MAX_ID + 1), str(2**63), "9" * 40, "9" * 5000])
def test_any_page_past_the_end_is_an_empty_list(testapp, world, value):
    """Only a non-integer or non-positive page is a 400 (API.md §1); any
    other is served, empty past the end, with first and prev (the last
    page) as its links."""
    f.make_ticket(world.group, world.event, world.member, seat="2")
    res = testapp.get(f"/api/v1/tickets?page={value}&per_page=1",
                      headers=world.headers("member"))
    assert res.json == []
    last = int(res.headers["X-Total-Count"])
    assert last >= 2
    base = res.request.host_url + "/api/v1/tickets"
    assert res.headers["Link"] == (
        f'<{base}?page=1&per_page=1>; rel="first", '
        f'<{base}?page={last}&per_page=1>; rel="prev"'
    )


@pytest.mark.parametrize("value", [str(MAX_ID + 1), str(2**63), "9" * 40, "9" * 5000, "-1",
                                   "0", "1e3"])
@pytest.mark.parametrize("collection", ["users", "user_aliases", "groups", "events",
                                        "tickets", "ticket"])
def test_an_id_outside_the_range_in_a_path_is_404_not_500(testapp, world, collection, value):
    """No record can have that id: "no such record" (API.md §1), after the 401.
    A segment that is no integer at all ("1e3") is no route: 404 either way."""
    url = f"/api/v1/{collection}/{value}"
    anonymous = 404 if value == "1e3" else 401
    assert_error(testapp.get(url, expect_errors=True), anonymous)
    assert_error(testapp.get(url, headers=world.headers("member"), expect_errors=True), 404)
    res = send(testapp, "PUT", url, {"name": "x"}, world.headers("member"))
    assert_error(res, 404)


@pytest.mark.parametrize("value", ["9" * 40, "9" * 5000, "0"])
def test_a_calendar_url_with_an_id_no_user_can_have_is_404(testapp, value):
    for path in (f"/calendar/{value}/{'a' * 64}/tickets.ics",
                 f"/calendar/1/{'a' * 64}/groups/{value}.ics"):
        assert testapp.get(path, expect_errors=True).status_int == 404


# --- encodings and JSON --------------------------------------------------------


# Bodies a JSON API must refuse: not UTF-8, not a JSON object, nested too deep.
MALFORMED_BODIES = {
    "not UTF-8": [
        b'{"note": "\xff"}',
        b'{"note": "caf\xe9"}',  # Latin-1
        b'{"note": "\xc0\xaf"}',  # an overlong encoding
        b'\xff\xfe{\x00}\x00',  # UTF-16
    ],
    "not a JSON object": [
        b"", b"not json", b'{"note": ', b'{"note": "x"} trailing', b"{'note': 'x'}",
        b"null", b"[]", b'"note"', b"42", b'{"note": "x",}', b"\xef\xbb\xbf{}",
    ],
    "nested too deep": [
        b"[" * 60000,
        b'{"a":' * 10000 + b"1" + b"}" * 10000,
        b'{"note": ' + b"[" * 30000 + b"]" * 30000 + b"}",
        b'{"note": ' + b"[" * 500 + b"]" * 500 + b"}",
    ],
}


@pytest.mark.parametrize("body", [
    pytest.param(body, id=f"{kind} {i}")
    for kind, bodies in MALFORMED_BODIES.items() for i, body in enumerate(bodies)
])
def test_a_malformed_body_is_400_and_changes_nothing(testapp, world, dbsession, body):
    before = ticket_row(dbsession, world.ticket.id)
    res = send(testapp, "PUT", f"/api/v1/ticket/{world.ticket.id}", body, world.headers("owner"))
    assert_error(res, 400)
    assert ticket_row(dbsession, world.ticket.id) == before


# An /api/ URL that is not UTF-8 keeps API.md's order of checks (401, 404,
# 403, then 400): tests/api/test_conventions.py.


@pytest.mark.parametrize("url", ["/%FF", "/signin?next=%FF", "/oauth/authorization?client_id=%FF"])
def test_a_page_url_that_is_not_utf8_is_400_on_the_sites_error_page(testapp, url):
    res = testapp.get(url, expect_errors=True)
    assert res.status_int == 400
    assert res.headers["X-Frame-Options"] == "DENY"
    assert res.content_type == "text/html"
    assert "The URL is not valid UTF-8." in res.html.find("main").text


@pytest.mark.parametrize("url", ["/healthz?%FF", "/.well-known/oauth-authorization-server?x=%FF"])
def test_a_program_url_that_is_not_utf8_is_400_in_the_json_error_body(testapp, url):
    assert_error(testapp.get(url, expect_errors=True), 400)


def test_a_token_request_body_that_is_not_utf8_is_400(testapp):
    res = testapp.post("/oauth/token", b"grant_type=\xff", expect_errors=True,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert res.status_int == 400
    assert res.json["error"] == "invalid_request"


# --- the sign-in rate limit ----------------------------------------------------


def sign_in(testapp, email, password):
    form = testapp.get("/signin").forms["signin"]
    form["email"] = email
    form["password"] = password
    return form.submit(expect_errors=True)


def test_sign_in_is_limited_and_case_or_spaces_do_not_reset_the_count(testapp, dbsession, app):
    user = f.make_user()
    limit = int(app.registry.settings["seatshare.signin_max_failures"])
    spellings = [user.email, user.email.upper(), f"  {user.email} ", user.email.title()]
    for i in range(limit):
        assert sign_in(testapp, spellings[i % len(spellings)], "wrong").status_int == 400
    locked = sign_in(testapp, user.email, f.DEFAULT_PASSWORD)
    assert locked.status_int == 429
    assert int(locked.headers["Retry-After"]) > 0
    # Not signed in: the sign-in page still offers the form.
    assert "signin" in testapp.get("/signin").forms


def test_a_huge_sign_in_form_is_refused_without_a_500(testapp):
    res = sign_in(testapp, "a" * 5000 + "@example.com", "p" * 5000)
    assert res.status_int == 400


def test_a_sign_in_form_that_is_not_utf8_is_400(testapp):
    page = testapp.get("/signin")
    token = page.forms["signin"]["csrf_token"].value
    body = b"csrf_token=" + token.encode() + b"&email=%FF%FE&password=x"
    res = testapp.post("/signin", body, expect_errors=True,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert res.status_int == 400



LATIN_1_FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=ISO-8859-1"}


@pytest.mark.parametrize("path", ["/signin", "/signup", "/signout", "/password-reset"])
def test_a_form_sent_in_another_charset_is_400(testapp, path):
    """Browsers send forms in the page's encoding, UTF-8; WebOb refuses to
    read any other (a DeprecationWarning), which was a 500."""
    testapp.get("/signin")
    body = b"csrf_token=x&email=\xe9@example.com"
    res = testapp.post(path, body, headers=LATIN_1_FORM, expect_errors=True)
    assert res.status_int == 400
    assert "UTF-8" in res.text
    assert res.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/password", "/calendars"])
def test_a_signed_in_form_sent_in_another_charset_is_400(testapp, path):
    user = f.make_user()
    assert sign_in(testapp, user.email, f.DEFAULT_PASSWORD).status_int == 302
    res = testapp.post(path, b"csrf_token=x", headers=LATIN_1_FORM, expect_errors=True)
    assert res.status_int == 400
    assert "UTF-8" in res.text


def test_an_api_body_in_another_charset_is_not_a_500(testapp, world):
    res = testapp.put("/api/v1/users/me", b'{"bio": "\xe9"}', expect_errors=True,
                      headers={**world.headers("member"),
                               "Content-Type": "application/json; charset=ISO-8859-1"})
    assert res.status_int < 500

# --- Authorization headers -----------------------------------------------------


@pytest.mark.parametrize("header", [
    "",
    " ",
    "Bearer",
    "Bearer ",
    "Bearer " + "a" * 5000,
    "a" * 100000,
    "Basic dXNlcjpwYXNz",
    "Token abcdef",
    "Bearer abc def",
    "Bearer \xe9\xe9\xe9",
    "Bearer a\x00b",
    "Bearer {token}x",
    "x{token}",
    "Bearer {token}, Bearer {token}",
    "Bearer\t\t",
])
def test_a_bad_authorization_header_is_401(testapp, world, header):
    _, value = f.make_token(user=world.member)
    res = testapp.get("/api/v1/users/me", headers={"Authorization": header.format(token=value)},
                      expect_errors=True)
    assert_error(res, 401)
    assert res.headers["WWW-Authenticate"].startswith('Bearer realm="seatshare"')


def test_a_token_in_the_query_string_or_body_is_never_accepted(testapp, world):
    _, value = f.make_token(user=world.member)
    assert_error(testapp.get(f"/api/v1/users/me?access_token={value}", expect_errors=True), 401)
    res = testapp.put("/api/v1/users/me", json.dumps({"access_token": value}),
                      headers=JSON, expect_errors=True)
    assert_error(res, 401)


@pytest.mark.parametrize(("query", "status"), [
    ("/entities?q=a%00b", 400),
    ("/tickets?show=%00", 400),
    ("/tickets?owner=me%00", 400),
    ("/ticket_requests?status=%00", 400),
    ("/entities?q=%25", 200),  # a literal "%", matching no team's name
    ("/entities?q=%5F%5C", 200),
])
def test_control_and_pattern_characters_in_a_query_are_not_a_500(testapp, world, query, status):
    res = testapp.get("/api/v1" + query, headers=world.headers("member"), expect_errors=True)
    assert res.status_int == status, res.text
    if status == 200:
        assert res.json == []
    else:
        assert res.json["code"] == 400
