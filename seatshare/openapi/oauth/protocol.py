"""The endpoints OAuth clients call (API.md §2): token (RFC 6749 §4.1.3,
§6), revocation (RFC 7009) and introspection (RFC 7662), whose every error
is RFC 6749 §5.2's JSON."""
from ...security.challenges import CLIENT_CHALLENGE
from ..builders import ERROR_HEADERS, NO_STORE, json_response
from .forms import form_body, query, string

# RFC 6749 §5.2: the scheme a client authenticates with, whichever it used.
CLIENT_CHALLENGE_HEADER = {
    "WWW-Authenticate": {"description": f"`{CLIENT_CHALLENGE}`.", "required": True,
                         "schema": {"type": "string", "const": CLIENT_CHALLENGE}},
}

OAUTH_ERROR = {
    "type": "object",
    "description": "RFC 6749 §5.2, with the HTTP status as `code`.",
    "properties": {
        "error": string(
            "",
            enum=[
                "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
                "unsupported_grant_type", "invalid_scope", "unsupported_token_type",
                # RFC 6749 §4.1.2.1's, for a 500 and a 503.
                "server_error", "temporarily_unavailable",
            ],
        ),
        "error_description": {"type": "string"},
        "code": {"type": "integer"},
    },
    "required": ["error", "error_description", "code"],
}

TOKEN_RESPONSE = {
    "type": "object",
    "properties": {
        "access_token": string("64 lowercase hex.", pattern="^[0-9a-f]{64}$"),
        "token_type": string("", const="bearer"),
        "expires_in": {"type": "integer", "description": "Seconds; 7200 by default."},
        "refresh_token": string("64 lowercase hex; rotates on every use.", pattern="^[0-9a-f]{64}$"),
        "scope": string("Space-separated: `read`, `write`."),
    },
    "required": ["access_token", "token_type", "expires_in", "refresh_token", "scope"],
}

TOKEN_FORM = {
    "type": "object",
    "properties": {
        "grant_type": string("", enum=["authorization_code", "refresh_token"]),
        "code": string("With `authorization_code`: the code (works once, lives 10 minutes)."),
        "redirect_uri": string("With `authorization_code`: as sent to /oauth/authorization."),
        "code_verifier": string("With `authorization_code`, where PKCE (S256) was used: "
                                "43 to 128 unreserved characters (RFC 7636 §4.1)."),
        "refresh_token": string("With `refresh_token`."),
        "scope": string("With `refresh_token`: at most the refresh token's scopes; it "
                        "narrows the new access token only (the new refresh token keeps "
                        "the presented one's, RFC 6749 §6)."),
        "client_id": string("Client authentication in the body (or HTTP Basic). A "
                            "public application's refresh may leave it out: the refresh "
                            "token names the application."),
        "client_secret": string("Client authentication in the body, or HTTP Basic: not "
                                "both (`invalid_request`)."),
    },
    "required": ["grant_type"],
}

TOKEN_QUERY = [
    query(name, schema["description"], required=name == "grant_type",
          **{k: v for k, v in schema.items() if k not in ("type", "description")})
    for name, schema in TOKEN_FORM["properties"].items()
]

# seatshare.limits: a body over seatshare.max_body_bytes.
TOO_LARGE = json_response("`invalid_request`: the body is larger than "
                          "`seatshare.max_body_bytes`.", OAUTH_ERROR, NO_STORE)

# Every JSON answer of the token, revocation and introspection endpoints
# but a revocation's empty 200 is no-store (seatshare.oauth.views).
INVALID_CLIENT = json_response("`invalid_client`.", OAUTH_ERROR,
                               {**NO_STORE, **CLIENT_CHALLENGE_HEADER})

# seatshare.errors: an unexpected error (500), the database out of reach
# (503): RFC 6749 §5.2's body on the endpoints programs call (the
# authorization endpoint, which a browser shows, answers pages:
# authorization.PAGE_SERVER_ERRORS).
SERVER_ERRORS = {
    "500": json_response("`server_error`: an unexpected error; logged, nothing internal "
                         "in the body.", OAUTH_ERROR, NO_STORE),
    "503": json_response("`temporarily_unavailable`: the database cannot be reached; retry "
                         "after `Retry-After` seconds.", OAUTH_ERROR,
                         {**NO_STORE, **ERROR_HEADERS[503]}),
}

# seatshare.token_endpoint_allow_get = false: the seed's GET is a 405.
GET_TURNED_OFF = json_response(
    "`invalid_request`: `seatshare.token_endpoint_allow_get` is off.", OAUTH_ERROR,
    {**NO_STORE, "Allow": {"description": "`POST`.", "required": True,
                           "schema": {"type": "string", "const": "POST"}}},
)

CLIENT_AUTH = [{"clientBasic": []}, {}]


def token_responses():
    return {
        "200": json_response(
            "The tokens.", TOKEN_RESPONSE, {**NO_STORE},
        ),
        "400": json_response("RFC 6749 §5.2 error (`invalid_request` for a repeated "
                             "parameter, or a body that is not a form).", OAUTH_ERROR,
                             NO_STORE),
        "401": INVALID_CLIENT,
        "413": TOO_LARGE,
        **SERVER_ERRORS,
    }


def token_hint_form(description):
    return form_body(
        {
            "token": string(description, minLength=1),
            # RFC 7009 §2.1 / RFC 7662 §2.1: a hint the server does not know is ignored.
            "token_type_hint": string("`access_token` or `refresh_token`; other values "
                                      "are ignored."),
            "client_id": string("Client authentication in the body (or HTTP Basic)."),
            "client_secret": string("Client authentication in the body, or HTTP Basic: "
                                    "not both (`invalid_request`)."),
        },
        ["token"],
    )


def protocol_paths() -> dict:
    return {
        "/oauth/token": {
            "post": {
                "summary": "Token request (RFC 6749 §4.1.3, §6)",
                "description": "Exchange a code, or rotate a refresh token (presenting a "
                "rotated refresh token again revokes its whole family, whichever client "
                "presents it, and its `error_description` says the refresh token was "
                "already used to whoever presents it as its client's: for a public "
                "client, the token is all it has to show; another client gets the "
                "generic one). A replayed code is refused and every token issued from it "
                "revoked, whether its own client or another confidential one replays it; "
                "the `error_description` says the code was already used only to its own "
                "client once it proves itself (a confidential client by its secret, a "
                "public one by the `code_verifier` of the code's challenge), anyone else "
                "gets the generic one. A code presented by another "
                "confidential client is refused and stops working (a public client is "
                "refused and changes nothing).",
                "tags": ["OAuth"],
                "operationId": "token",
                "security": CLIENT_AUTH,
                "requestBody": form_body(TOKEN_FORM["properties"], TOKEN_FORM["required"]),
                "responses": token_responses(),
            },
            "get": {
                "summary": "Token request with everything in the query string (the seed's)",
                "description": "As POST; an ini setting (`seatshare.token_endpoint_allow_get`) "
                "can turn it off, and then it is a 405 with `Allow: POST`. `HEAD` is a 405: "
                "it would tell whether a code or refresh token works without using it.",
                "tags": ["OAuth"],
                "operationId": "tokenByGet",
                "security": CLIENT_AUTH,
                "parameters": TOKEN_QUERY,
                "responses": dict(sorted({**token_responses(), "405": GET_TURNED_OFF}.items())),
            },
        },
        "/oauth/revoke": {
            "post": {
                "summary": "Revoke a token (RFC 7009)",
                "tags": ["OAuth"],
                "operationId": "revoke",
                "security": CLIENT_AUTH,
                "requestBody": token_hint_form("The access or refresh token to revoke."),
                "responses": {
                    "200": {"description": "Revoked, or there was nothing to revoke."},
                    "400": json_response(
                        "RFC 6749 §5.2 error; `unauthorized_client` for a token issued to "
                        "another client (RFC 7009 §2.1); `invalid_request` for a body that "
                        "is not a form.", OAUTH_ERROR, NO_STORE),
                    "401": INVALID_CLIENT,
                    "413": TOO_LARGE,
                    **SERVER_ERRORS,
                },
            }
        },
        "/oauth/introspect": {
            "post": {
                "summary": "Introspect a token (RFC 7662)",
                "description": "The client authenticates (HTTP Basic, or `client_id` and "
                "`client_secret` in the body); only its own tokens are active. A public "
                "application (no secret) is `invalid_client`, whose description says so.",
                "tags": ["OAuth"],
                "operationId": "introspect",
                "security": CLIENT_AUTH,
                "requestBody": token_hint_form("The token to describe."),
                "responses": {
                    "200": json_response(
                        "`{\"active\": false}` for anything but a live token of this client.",
                        {
                            "type": "object",
                            "properties": {
                                "active": {"type": "boolean"},
                                "scope": {"type": "string"},
                                "client_id": {"type": "string"},
                                "username": {
                                    "type": "string",
                                    "description": "The user's email; only for a token "
                                    "with the read scope.",
                                },
                                "sub": {"type": "string"},
                                "token_type": string("An access token's, `bearer`; a "
                                                     "refresh token has none (RFC 7662 §2.2).",
                                                     const="bearer"),
                                "exp": {"type": "integer"},
                                "iat": {"type": "integer"},
                            },
                            "required": ["active"],
                        },
                        NO_STORE,
                    ),
                    "400": json_response("RFC 6749 §5.2 error; `invalid_request` for a "
                                         "body that is not a form.", OAUTH_ERROR, NO_STORE),
                    "401": INVALID_CLIENT,
                    "413": TOO_LARGE,
                    **SERVER_ERRORS,
                },
            }
        },
    }
