"""Cross-cutting behaviour of every /api/ path: error bodies, 404, 405, /healthz."""
from seatshare.errors import error_body


def test_unknown_api_route_is_json_404(testapp):
    res = testapp.get("/api/v1/nope", status=404)
    assert res.json == {
        "error": "Not Found",
        "error_detail": "The record you requested could not be found.",
        "code": 404,
    }


def test_unknown_api_route_is_404_with_a_token_too(testapp, auth_headers):
    from . import factories

    res = testapp.get("/api/v1/nope", headers=auth_headers(factories.make_user()), status=404)
    assert res.json["code"] == 404


def test_healthz_answers_200_after_a_query(testapp, query_counter):
    res = testapp.get("/healthz", status=200)
    assert res.json == {"status": "ok"}
    assert query_counter.count == 1


def test_wrong_method_is_405_with_allow(testapp):
    res = testapp.post("/healthz", status=405)
    assert res.headers["Allow"] == "GET, HEAD"


def test_error_body_uses_reason_phrase():
    assert error_body(503)["error"] == "Service Unavailable"
    assert error_body(400, fields={"cost": "must be at least 0"})["fields"] == {
        "cost": "must be at least 0"
    }


def test_body_over_the_limit_is_413_with_the_contract_body(testapp, app_settings):
    limit = 65536
    res = testapp.post(
        "/api/v1/tickets",
        params=b"x" * (limit + 1),
        headers={"Content-Type": "application/json"},
        status=413,
    )
    assert res.json == {
        "error": "Content Too Large",
        "error_detail": f"The request body is larger than {limit} bytes.",
        "code": 413,
    }
