"""``seatshare.token_endpoint_allow_get = false``: the token endpoint
answers POST only (API.md §2: "an ini setting can turn GET off")."""
from urllib.parse import urlencode

APP_OVERRIDES = {"seatshare.token_endpoint_allow_get": "false"}


def test_get_is_405_allowing_post_and_the_code_still_works(signed_in_flow, make_client):
    client = make_client()
    code = signed_in_flow.code()
    response = client.get(
        "/oauth/token?" + urlencode(signed_in_flow.token_params(code)), status=405
    )
    assert response.headers["Allow"] == "POST"
    assert response.json == {
        "error": "invalid_request",
        "error_description": "This endpoint takes POST only.",
        "code": 405,
    }
    exchanged = client.post("/oauth/token", signed_in_flow.token_params(code))
    assert exchanged.json["token_type"] == "bearer"


def test_allow_names_post_only(make_client):
    response = make_client().put("/oauth/token", status=405)
    assert response.headers["Allow"] == "POST"
