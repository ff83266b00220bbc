"""The OAuth 2.0 authorization server's endpoints (API.md §2)."""
from ..security.challenges import CLIENT_CHALLENGE
from .builders import ERROR_HEADERS, NO_STORE, error_response, json_response

FORM = "application/x-www-form-urlencoded"
# RFC 6749 §5.2: the scheme a client authenticates with, whichever it used.
CLIENT_CHALLENGE_HEADER = {
    "WWW-Authenticate": {"description": f"`{CLIENT_CHALLENGE}`.", "required": True,
                         "schema": {"type": "string", "const": CLIENT_CHALLENGE}},
}
HTML = {"text/html": {"schema": {"type": "string"}}}


def html_page(description, cached_error=False):
    """An HTML page (seatshare.web.pages): never kept by a cache, as it
    carries the form's CSRF token or the request's parameters; but for
    ``cached_error``, whose 400 for a URL that is not UTF-8 is the site's
    error page (seatshare.limits), which carries neither."""
    no_store = {"Cache-Control": {**NO_STORE["Cache-Control"], "required": not cached_error}}
    return {"description": description, "headers": no_store, "content": HTML}


def string(description, **extra):
    return {"type": "string", "description": description, **extra}


def string_list(description):
    return {"type": "array", "items": {"type": "string"}, "description": description}


def query(name, description, required=False, **schema):
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", **schema},
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
        "client_id": string("Client authentication in the body (or HTTP Basic)."),
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
# (503): RFC 6749 §5.2's body on the endpoints programs call, a page on the
# authorization endpoint, which a browser shows.
SERVER_ERRORS = {
    "500": json_response("`server_error`: an unexpected error; logged, nothing internal "
                         "in the body.", OAUTH_ERROR, NO_STORE),
    "503": json_response("`temporarily_unavailable`: the database cannot be reached; retry "
                         "after `Retry-After` seconds.", OAUTH_ERROR,
                         {**NO_STORE, **ERROR_HEADERS[503]}),
}
PAGE_SERVER_ERRORS = {
    "500": {"description": "An unexpected error; logged, nothing internal in the page.",
            "content": HTML},
    "503": {"description": "The database cannot be reached; retry after `Retry-After` "
            "seconds.", "headers": ERROR_HEADERS[503], "content": HTML},
}

# seatshare.token_endpoint_allow_get = false: the seed's GET is a 405.
GET_TURNED_OFF = json_response(
    "`invalid_request`: `seatshare.token_endpoint_allow_get` is off.", OAUTH_ERROR,
    {**NO_STORE, "Allow": {"description": "`POST`.", "required": True,
                           "schema": {"type": "string", "const": "POST"}}},
)

CLIENT_AUTH = [{"clientBasic": []}, {}]
AUTH_METHODS_WITH_NONE = ("`client_secret_basic`, `client_secret_post`, and `none` "
                          "(a public application's client_id alone, in the body or as "
                          "HTTP Basic's user with an empty password).")


def token_responses():
    return {
        "200": json_response(
            "The tokens.", TOKEN_RESPONSE, {**NO_STORE},
        ),
        "400": json_response("RFC 6749 §5.2 error (`invalid_request` for a repeated "
                             "parameter).", OAUTH_ERROR, NO_STORE),
        "401": INVALID_CLIENT,
        "413": TOO_LARGE,
        **SERVER_ERRORS,
    }


def form_body(properties: dict, required: list) -> dict:
    schema = {"type": "object", "properties": properties, "required": required}
    return {"required": True, "content": {FORM: {"schema": schema}}}


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


def oauth_paths() -> dict:
    authorization_query = [
        query("client_id", "The application's client id.", required=True),
        query("redirect_uri", "Exactly one of the application's registered redirect URIs.",
              required=True),
        query("response_type", "", required=True, enum=["code"]),
        query("state", "Returned unchanged with the code."),
        query("scope", "Space-separated `read` and/or `write`; both when absent or empty."),
        query("code_challenge", "PKCE: BASE64URL(SHA256(code_verifier)). Public clients must "
              "send one."),
        query("code_challenge_method", "PKCE: only `S256`.", enum=["S256"]),
    ]
    redirect = {
        "description": "Not signed in: to the sign-in page, `/signin?next=…`, which "
        "comes back to this request once the user has signed in (or signed up). "
        "Otherwise to `redirect_uri` with `code` and `state` in its query (whatever "
        "`response_mode` says; appended to the URI's own query, which stays as "
        "registered), or with `error` "
        "(`access_denied` when the user denied; `invalid_request` for a repeated "
        "parameter) as RFC 6749 §4.1.2.1 says.",
        "headers": {"Location": {"required": True, "schema": {"type": "string", "format": "uri"}}},
        # WebOb's redirect body, for a browser that does not follow Location.
        "content": HTML,
    }
    return {
        "/oauth/authorization": {
            "get": {
                "summary": "Authorization request (RFC 6749 §4.1.1)",
                "description": "Not signed in: a redirect to the HTML sign-in page, then "
                "back here. Signed in: the HTML consent page, unless an approval for this "
                "application and these scopes is remembered (or the application is "
                "trusted): then a redirect with the code. `HEAD` answers the same "
                "status and headers and issues nothing: that redirect carries the "
                "`state` and no `code`.",
                "tags": ["OAuth"],
                "operationId": "authorize",
                "security": [],
                "parameters": authorization_query,
                "responses": {
                    "200": html_page("The consent page."),
                    "302": redirect,
                    "400": html_page("Unknown `client_id` or an unregistered "
                                     "`redirect_uri` (or either one repeated), or a URL that "
                                     "is not UTF-8: an HTML page, never a redirect.",
                                     cached_error=True),
                    **PAGE_SERVER_ERRORS,
                },
            },
            "post": {
                "summary": "Approve or deny (the consent form)",
                "description": "The consent page's form, with CSRF protection; the query "
                "string repeats the authorization request.",
                "tags": ["OAuth"],
                "operationId": "decideAuthorization",
                "security": [],
                "parameters": authorization_query,
                "requestBody": form_body(
                    {
                        "csrf_token": string("From the consent page."),
                        "decision": string("", enum=["approve", "deny"]),
                    },
                    ["csrf_token", "decision"],
                ),
                "responses": {
                    "302": redirect,
                    "400": html_page("A bad authorization request or CSRF token, or a URL "
                                     "that is not UTF-8.", cached_error=True),
                    **PAGE_SERVER_ERRORS,
                },
            },
        },
        "/oauth/token": {
            "post": {
                "summary": "Token request (RFC 6749 §4.1.3, §6)",
                "description": "Exchange a code, or rotate a refresh token (presenting a "
                "rotated refresh token again revokes its whole family). A replayed code is "
                "refused and every token issued from it revoked, whether its own client or "
                "another confidential one replays it; a code presented by another "
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
                        "another client (RFC 7009 §2.1).", OAUTH_ERROR, NO_STORE),
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
                "`client_secret` in the body); only its own tokens are active.",
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
                    "400": json_response("RFC 6749 §5.2 error.", OAUTH_ERROR, NO_STORE),
                    "401": INVALID_CLIENT,
                    "413": TOO_LARGE,
                    **SERVER_ERRORS,
                },
            }
        },
        "/.well-known/oauth-authorization-server": {
            "get": {
                "summary": "Authorization server metadata (RFC 8414)",
                "tags": ["OAuth"],
                "operationId": "oauthMetadata",
                "security": [],
                "responses": {
                    "200": json_response(
                        "The server's endpoints and capabilities.",
                        {
                            "type": "object",
                            "properties": {
                                "issuer": {"type": "string", "format": "uri"},
                                "authorization_endpoint": {"type": "string", "format": "uri"},
                                "token_endpoint": {"type": "string", "format": "uri"},
                                "revocation_endpoint": {"type": "string", "format": "uri"},
                                "introspection_endpoint": {"type": "string", "format": "uri"},
                                "scopes_supported": {"type": "array", "items": {"type": "string"}},
                                "response_types_supported": {
                                    "type": "array", "items": {"type": "string"}
                                },
                                "grant_types_supported": {
                                    "type": "array", "items": {"type": "string"}
                                },
                                "code_challenge_methods_supported": {
                                    "type": "array", "items": {"type": "string"}
                                },
                                "token_endpoint_auth_methods_supported":
                                    string_list(AUTH_METHODS_WITH_NONE),
                                "revocation_endpoint_auth_methods_supported":
                                    string_list(AUTH_METHODS_WITH_NONE),
                                "introspection_endpoint_auth_methods_supported":
                                    string_list("`client_secret_basic`, `client_secret_post`."),
                            },
                            "required": ["issuer", "authorization_endpoint", "token_endpoint"],
                        },
                    ),
                    # Built from the settings alone: no database, so no 503.
                    "500": error_response(500),
                },
            }
        },
    }
