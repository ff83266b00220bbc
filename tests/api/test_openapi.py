"""The OpenAPI document: served, valid OpenAPI 3.1, and true to real responses.

Every response of every test under tests/api is checked against the document
(``testapp`` in tests/api/conftest.py); here each documented /api/v1
operation is also called once for its success status.
"""
import json
import re
from urllib.parse import urlsplit

import jsonschema_rs
import pytest
import schemathesis
from schemathesis.specs.openapi.definitions import OPENAPI_31

from seatshare.calendar import TOKEN_LENGTH
from seatshare.openapi import api_v1, document

from .beyond_seed import beyond_seed_ids, fill
from .openapi_check import ResponseChecker
from .test_openapi_beyond_seed import EXAMPLES as BEYOND_SEED_EXAMPLES

API = "/api/v1"

# (method, path) → (caller, path with the world's ids, body): one success each.
EXAMPLES = {
    ("GET", "/api/v1/openapi.json"): ("anonymous", "/openapi.json", None),
    ("GET", "/api/v1/users"): ("member", "/users?group_id={group}", None),
    ("GET", "/api/v1/users/me"): ("member", "/users/me", None),
    ("PUT", "/api/v1/users/me"): ("member", "/users/me", {"bio": "hello", "sms_notify": True}),
    ("GET", "/api/v1/users/{id}"): ("member", "/users/{owner}", None),
    ("GET", "/api/v1/user_aliases"): ("member", "/user_aliases?per_page=1", None),
    ("POST", "/api/v1/user_aliases"): ("member", "/user_aliases", {"first_name": "Jo"}),
    ("GET", "/api/v1/user_aliases/{id}"): ("member", "/user_aliases/{alias}", None),
    ("PUT", "/api/v1/user_aliases/{id}"): ("alias_owner", "/user_aliases/{alias}", {"last_name": "Q"}),
    ("DELETE", "/api/v1/user_aliases/{id}"): ("alias_owner", "/user_aliases/{alias}", None),
    ("GET", "/api/v1/groups"): ("admin", "/groups", None),
    ("GET", "/api/v1/groups/{id}"): ("admin", "/groups/{group}", None),
    ("PUT", "/api/v1/groups/{id}"): ("admin", "/groups/{group}", {"name": "Box"}),
    ("GET", "/api/v1/events"): ("member", "/events?show=future&group_id={group}", None),
    ("GET", "/api/v1/events/{id}"): ("member", "/events/{event}", None),
    ("GET", "/api/v1/tickets"): ("owner", "/tickets?owner=me&event_id={event}", None),
    ("GET", "/api/v1/ticket/{id}"): ("member", "/ticket/{ticket}", None),
    ("PUT", "/api/v1/ticket/{id}"): ("owner", "/ticket/{ticket}", {"cost": 10, "assignee_id": None}),
    ("DELETE", "/api/v1/ticket/{id}"): ("assignee", "/ticket/{ticket}", None),
    ("GET", "/api/v1/tickets/{id}"): ("member", "/tickets/{ticket}", None),
    ("PUT", "/api/v1/tickets/{id}"): ("assignee", "/tickets/{ticket}", {"note": "n"}),
    ("DELETE", "/api/v1/tickets/{id}"): ("owner", "/tickets/{ticket}", None),
}


def api_operations(prefix="/api/v1/", with_body=False):
    """The document's operations under ``prefix``; ``with_body``: those
    taking a request body."""
    doc = document()
    return sorted(
        (method.upper(), path)
        for path, item in doc["paths"].items()
        if path.startswith(prefix)
        for method, op in item.items()
        if method != "parameters" and (not with_body or "requestBody" in op)
    )


def test_document_is_served_without_a_token(testapp):
    res = testapp.get(f"{API}/openapi.json", status=200)
    assert res.content_type == "application/json"
    assert res.json == json.loads(json.dumps(document()))
    assert res.json["openapi"] == "3.1.0"


def test_calendar_feeds_say_a_to_be_announced_entry_is_free_even_for_your_seat():
    """Only a timed entry for a seat you sit in is busy time, as README says."""
    for path in ("/calendar/{user_id}/{token}/tickets.ics",
                 "/calendar/{user_id}/{token}/groups/{group_id}.ics"):
        description = document()["paths"][path]["get"]["description"]
        assert "(`TRANSP:TRANSPARENT`) even for a seat you sit in." in description
        assert "A timed entry for a seat you sit in is busy time (`OPAQUE`)" in description
        assert "An entry for a seat you sit in is busy" not in description


def test_document_is_valid_openapi_3_1():
    doc = document()
    errors = [e.message for e in jsonschema_rs.validator_for(OPENAPI_31).iter_errors(doc)]
    assert errors == []


def test_every_schema_in_the_document_is_valid_json_schema():
    checker = ResponseChecker()
    count = 0
    for path, item in checker.doc["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            for status, response in op["responses"].items():
                for media in response.get("content", {}):
                    checker.validator(("paths", path, method, "responses", status, "content",
                                       media, "schema"))
                    count += 1
    assert count > 40


def test_schemathesis_loads_every_operation(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    labels = {op.ok().label for op in schema.get_all_operations()}
    # (schemathesis leaves out the operation that serves the document itself)
    assert {f"{m} {p}" for m, p in api_operations()} - {"GET /api/v1/openapi.json"} <= labels
    assert {"POST /oauth/token", "GET /oauth/authorization", "POST /oauth/revoke",
            "POST /oauth/introspect", "GET /.well-known/oauth-authorization-server"} <= labels


def test_oauth_metadata_matches_the_document(testapp):
    res = testapp.get("/.well-known/oauth-authorization-server")
    ResponseChecker().check("GET", res.request.url, res.status_int, res.headers, res.body)


def test_client_authentication_the_metadata_offers_is_documented(testapp):
    """Each OAuth endpoint's security in the document offers what the RFC 8414
    metadata says it takes: HTTP Basic (``clientBasic``) for
    ``client_secret_basic``, and credentials in the form body (the
    alternative without a scheme) for ``client_secret_post``."""
    metadata = testapp.get("/.well-known/oauth-authorization-server").json
    paths = document()["paths"]
    for endpoint, methods_key in [("token", "token_endpoint_auth_methods_supported"),
                                  ("revocation", "revocation_endpoint_auth_methods_supported"),
                                  ("introspection",
                                   "introspection_endpoint_auth_methods_supported")]:
        path = urlsplit(metadata[f"{endpoint}_endpoint"]).path
        security = paths[path]["post"]["security"]
        methods = metadata[methods_key]
        assert ({"clientBasic": []} in security) == ("client_secret_basic" in methods), path
        assert ({} in security) == ("client_secret_post" in methods), path


def seed_operations():
    """The operations of API.md §3 (and the document itself)."""
    return {
        (method.upper(), path)
        for build in api_v1.PATH_BUILDERS
        for path, item in build().items()
        for method in item
        if method != "parameters"
    }


def test_every_seed_operation_has_an_example():
    # Operations beyond the seed may add examples too; every example must be documented.
    assert seed_operations() <= set(EXAMPLES) <= set(api_operations())


@pytest.mark.parametrize(("method", "path"), sorted(EXAMPLES), ids=[f"{m} {p}" for m, p in sorted(EXAMPLES)])
def test_operation_answers_its_documented_success(testapp, world, method, path):
    caller, url, body = EXAMPLES[(method, path)]
    url = API + url.format(group=world.group.id, owner=world.owner.id, alias=world.alias.id,
                           event=world.event.id, ticket=world.ticket.id)
    res = testapp.request(
        url, method=method, headers={**world.headers(caller), "Content-Type": "application/json"},
        body=json.dumps(body).encode() if body is not None else b"",
    )
    # The testapp fixture has checked status, headers and body against the document.
    success = [int(s) for s in document()["paths"][path][method.lower()]["responses"] if s < "300"]
    assert res.status_int in success


def test_checker_refuses_an_undocumented_status():
    with pytest.raises(AssertionError, match="undocumented 418"):
        ResponseChecker().check("GET", "http://x/api/v1/groups", 418, {}, b"{}")


def test_checker_refuses_a_body_that_breaks_the_schema():
    body = json.dumps([{"id": "seven"}]).encode()
    headers = {"Link": "", "X-Total-Count": "1"}
    with pytest.raises(AssertionError):
        ResponseChecker().check("GET", "http://x/api/v1/groups", 200, headers, body)


def test_checker_refuses_a_value_its_format_does_not_allow():
    """Formats are asserted, not only noted: a timestamp of the right shape
    that is no date, a Location that is no URI."""
    group = {"id": 1, "name": "G", "entity_id": 1, "creator_id": 1, "role": "admin",
             "created_at": "2026-13-45T25:61:00Z"}
    headers = {"Link": "", "X-Total-Count": "1"}
    with pytest.raises(AssertionError, match="date-time"):
        ResponseChecker().check("GET", "http://x/api/v1/groups", 200, headers,
                                json.dumps([group]).encode())
    group["created_at"] = "2026-11-30T16:03:21Z"
    with pytest.raises(AssertionError, match="uri"):
        ResponseChecker().check("POST", "http://x/api/v1/groups", 201, {"Location": "/groups/1"},
                                json.dumps(group).encode())


def test_checker_refuses_a_missing_list_header():
    with pytest.raises(AssertionError, match="lacks header Link"):
        ResponseChecker().check("GET", "http://x/api/v1/groups", 200, {}, b"[]")


def test_checker_refuses_a_list_header_value_its_schema_does_not_allow():
    with pytest.raises(AssertionError, match="X-Total-Count"):
        ResponseChecker().check("GET", "http://x/api/v1/groups", 200,
                                {"Link": "", "X-Total-Count": "many"}, b"[]")


@pytest.mark.parametrize("header", ["Cache-Control", "Retry-After", "Location"])
def test_checker_refuses_a_contract_header_the_document_does_not_name(header):
    headers = {"Link": "", "X-Total-Count": "0", header: "1"}
    with pytest.raises(AssertionError, match=f"sends {header}"):
        ResponseChecker().check("GET", "http://x/api/v1/groups", 200, headers, b"[]")


@pytest.mark.parametrize(("method", "path"), api_operations("/", with_body=True),
                         ids=[f"{m} {p}" for m, p in api_operations("/", with_body=True)])
def test_every_operation_with_a_body_documents_its_413(testapp, world, app, method, path):
    """A body over seatshare.max_body_bytes is a 413 on every operation
    that takes one, /api/ and OAuth alike, in the media type the document
    gives (the testapp fixture also checks /api/ responses against it)."""
    operation = document()["paths"][path][method.lower()]
    documented = operation["responses"]["413"]
    limit = int(app.registry.settings["seatshare.max_body_bytes"])
    url = re.sub(r"\{[a-z_]+\}", str(world.ticket.id), path)
    media_type = next(iter(operation["requestBody"]["content"]))
    res = testapp.request(url, method=method, body=b" " * (limit + 1), expect_errors=True,
                          headers={**world.headers("owner"), "Content-Type": media_type})
    assert res.status_int == 413
    assert res.content_type in documented["content"]


OTHER_OPERATIONS = [(m, p) for m, p in api_operations("/") if not p.startswith("/api/")]


@pytest.mark.parametrize(("method", "path"), OTHER_OPERATIONS,
                         ids=[f"{m} {p}" for m, p in OTHER_OPERATIONS])
def test_every_other_operation_documents_its_400_for_a_url_that_is_not_utf8(testapp, world,
                                                                             method, path):
    """Off /api/ (OAuth, the calendar feeds), seatshare.limits refuses a URL
    that is not UTF-8 before anything else, token or no token: a 400 the
    document gives every operation (the testapp fixture checks its media
    type and body)."""
    url = re.sub(r"\{token\}", "0" * TOKEN_LENGTH, path)
    url = re.sub(r"\{[a-z_]+\}", str(world.ticket.id), url) + "?x=%FF"
    res = testapp.request(url, method=method, expect_errors=True)
    assert res.status_int == 400


ALL_EXAMPLES = {**EXAMPLES, **BEYOND_SEED_EXAMPLES}


@pytest.mark.parametrize(("method", "path"), api_operations("/api/"),
                         ids=[f"{m} {p}" for m, p in api_operations("/api/")])
def test_every_api_operation_documents_its_400_for_a_query_that_is_not_utf8(
        testapp, world, dbsession, method, path):
    """On /api/, a query string that is not UTF-8 is a 400 once the caller
    has passed the 401, 404 and 403 checks (API.md §1): each operation's
    example, which succeeds with its own query, answers the 400 the document
    gives it (the testapp fixture checks the body), and without a token the
    401 first (but the document itself, which needs none)."""
    ids = {**beyond_seed_ids(world, dbsession), "group": world.group.id,
           "owner": world.owner.id, "alias": world.alias.id, "event": world.event.id,
           "ticket": world.ticket.id}
    caller, url, body = ALL_EXAMPLES[(method, path)]
    url = API + url.format(**ids)
    url += ("&" if "?" in url else "?") + "x=%FF"
    payload = json.dumps(fill(body, ids)).encode() if body is not None else b""
    for who in (caller, "anonymous"):
        res = testapp.request(url, method=method, body=payload, expect_errors=True,
                              headers={**world.headers(who), "Content-Type": "application/json"})
        if who == caller or caller == "anonymous":
            assert res.status_int == 400
            assert res.json["error_detail"] == "The query string is not valid UTF-8."
        else:
            assert res.status_int == 401


def documented_paths():
    """Each /api/ path of the document with its operations' methods."""
    operations = {}
    for method, path in api_operations("/api/"):
        operations.setdefault(path, set()).add(method)
    return sorted(operations.items())


@pytest.mark.parametrize(("path", "methods"), documented_paths(),
                         ids=[path for path, _ in documented_paths()])
def test_every_api_path_allows_exactly_the_methods_the_document_gives_it(
        testapp, world, dbsession, path, methods):
    """API.md §1: a method the route lacks is a 405 whose ``Allow`` names
    the methods it has; those must be the document's operations for the
    path (and HEAD beside GET), so a client reading either learns the same."""
    ids = {**beyond_seed_ids(world, dbsession), "group": world.group.id,
           "owner": world.owner.id, "alias": world.alias.id, "event": world.event.id,
           "ticket": world.ticket.id}
    caller, url, _ = ALL_EXAMPLES[(min(methods), path)]
    url = API + url.format(**ids)
    allowed = methods | ({"HEAD"} if "GET" in methods else set())
    for method in sorted({"GET", "POST", "PUT", "DELETE", "PATCH"} - methods):
        res = testapp.request(url, method=method, body=b"{}", expect_errors=True,
                              headers={**world.headers(caller), "Content-Type": "application/json"})
        assert (res.status_int, res.headers.get("Allow")) == (405, ", ".join(sorted(allowed))), (
            f"{method} {path}")
        assert res.json["code"] == 405
