"""The authorization endpoint (RFC 6749 §4.1.1, API.md §2): the HTML pages a
person's browser is shown, the sign-in redirect and the consent form."""
from ..builders import ERROR_HEADERS, NO_STORE
from .forms import form_body, query, string

HTML = {"text/html": {"schema": {"type": "string"}}}


def html_page(description, cached_error=False):
    """An HTML page (seatshare.web.pages): never kept by a cache, as it
    carries the form's CSRF token or the request's parameters; but for
    ``cached_error``, whose 400 for a URL that is not UTF-8 is the site's
    error page (seatshare.limits), which carries neither."""
    no_store = {"Cache-Control": {**NO_STORE["Cache-Control"], "required": not cached_error}}
    return {"description": description, "headers": no_store, "content": HTML}


PAGE_SERVER_ERRORS = {
    "500": {"description": "An unexpected error; logged, nothing internal in the page.",
            "content": HTML},
    "503": {"description": "The database cannot be reached; retry after `Retry-After` "
            "seconds.", "headers": ERROR_HEADERS[503], "content": HTML},
}

AUTHORIZATION_QUERY = [
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
REDIRECT = {
    "description": "Not signed in: to the sign-in page, `/signin?next=…`, which "
    "comes back to this request once the user has signed in (or signed up). "
    "Otherwise to `redirect_uri` with `code` and `state` in its query (whatever "
    "`response_mode` says; appended to the URI's own query, which stays as "
    "registered), or with `error` "
    "(`access_denied` when the user denied; `invalid_request` for a repeated "
    "parameter; `invalid_scope`, with an `error_description` naming the scopes, for "
    "any but `read` and `write`) and an `error_description` as RFC 6749 §4.1.2.1 says.",
    "headers": {"Location": {"required": True, "schema": {"type": "string", "format": "uri"}}},
    # WebOb's redirect body, for a browser that does not follow Location.
    "content": HTML,
}


def authorization_paths() -> dict:
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
                "parameters": AUTHORIZATION_QUERY,
                "responses": {
                    "200": html_page("The consent page."),
                    "302": REDIRECT,
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
                "parameters": AUTHORIZATION_QUERY,
                "requestBody": form_body(
                    {
                        "csrf_token": string("From the consent page."),
                        "decision": string("", enum=["approve", "deny"]),
                    },
                    ["csrf_token", "decision"],
                ),
                "responses": {
                    "302": REDIRECT,
                    "400": html_page("A bad authorization request or CSRF token, or a URL "
                                     "that is not UTF-8.", cached_error=True),
                    **PAGE_SERVER_ERRORS,
                },
            },
        },
    }
