"""The error responses: the contract's JSON body for ``/api/`` paths and the
programs that call SeatShare, an HTML page for a person."""
from http import HTTPStatus

from pyramid.httpexceptions import HTTPException
from pyramid.renderers import render_to_response
from pyramid.response import Response

from ..paths import (OAUTH_METADATA_PATH, OAUTH_PROTOCOL_PATHS, is_api_request,
                     is_oauth_protocol_request)

DETAILS = {
    400: "The posted data or query provided does not pass our validation. "
    "See documentation for expected format.",
    401: "Your authentication token is invalid or has expired.",
    403: "You are authorized, but attempting to access or change a record that you cannot.",
    404: "The record you requested could not be found.",
    405: "The method is not allowed for the requested URL.",
    409: "The request conflicts with the current state of the record.",
    413: "The request body is too large.",
    415: "The request body must be JSON (application/json).",
    429: "Too many requests. Try again later.",
    500: "Your request caused an error in our API. This caused an alert, "
    "and we will look into fixing it. Please contact support.",
    503: "The API wasn't able to fulfill your request because of an outage. "
    "Please contact support.",
}
# RFC 9110's reason phrases, whichever Python's http module we run on
# (before 3.13 it says RFC 2616's, as WebOb does: "Request Entity Too Large").
REASONS = {
    413: "Content Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
}


def reason(status: int) -> str:
    return REASONS.get(status) or HTTPStatus(status).phrase


def status_line(status: int) -> str:
    """``"413 Content Too Large"``: a response's status with the phrase its
    body's ``error`` says (WebOb would fill in its own for a bare number)."""
    return f"{status} {reason(status)}"


def error_body(status: int, detail: str | None = None, fields: dict | None = None,
               extra: dict | None = None):
    body = {
        "error": reason(status),
        "error_detail": detail or DETAILS.get(status, HTTPStatus(status).description),
        "code": status,
    }
    if fields:
        body["fields"] = fields
    body.update(extra or {})
    return body


def json_error(request, status: int, detail=None, fields=None, headers=None, extra=None):
    """A JSON error response in the contract's shape (``extra``: keys of
    its own after the contract's)."""
    return json_response(error_body(status, detail, fields, extra), status, headers)


def json_response(body, status: int, headers=None):
    response = Response(
        json_body=body, status=status_line(status), content_type="application/json",
        charset="utf-8",
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# The OAuth token, revocation and introspection endpoints' answers are never
# cached (RFC 6749 §5.1, RFC 7662 §2.2): their errors either.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

# RFC 6749's error codes for the statuses oauthlib never answers with: a
# method the endpoint does not take is a malformed request; a bug and the
# database out of reach are §4.1.2.1's ``server_error`` and
# ``temporarily_unavailable``, the codes client libraries know for them.
OAUTH_STATUS_ERRORS = {
    400: ("invalid_request", "The request is malformed."),
    405: ("invalid_request", "This endpoint takes only the methods its Allow header names."),
    413: ("invalid_request", "The request body is too large."),
    500: ("server_error", "The authorization server failed to answer this request; "
          "the error was logged. Please try again later."),
    503: ("temporarily_unavailable", "The authorization server cannot reach its "
          "database; try again after the Retry-After header's seconds."),
}


def oauth_error(status: int, error: str, description: str, headers=None, members=None):
    """RFC 6749 §5.2's error body (``members`` such as ``error_uri`` kept),
    with the status as ``"code"`` (API.md §2), never cached."""
    body = {"error": error, "error_description": description, **(members or {}),
            "code": status}
    return json_response(body, status, {**NO_STORE, **(headers or {})})


def program_error(request, status: int, detail=None, headers=None):
    """An error for the programs that call SeatShare: RFC 6749 §5.2's body
    on the OAuth token, revocation and introspection endpoints (whose
    clients parse no other), the contract's everywhere else."""
    if is_oauth_protocol_request(request):
        error, description = OAUTH_STATUS_ERRORS[status]
        allowed = (headers or {}).get("Allow")
        if status == 405 and allowed and detail is None:
            detail = f"This endpoint takes {allowed} only."
        return oauth_error(status, error, detail or description, headers)
    return json_error(request, status, detail, headers=headers)


class APIError(HTTPException):
    """Raise from a view or schema to answer the contract's error body.

    ``APIError(400, fields={"cost": "must be at least 0"})``.
    """

    def __init__(self, status=400, detail=None, fields=None, headers=None):
        self.code = status
        self.title = reason(status)
        self.api_detail = detail
        self.fields = fields
        # Only the headers the raiser named: the exception's own headers
        # carry its text/html Content-Type and Content-Length.
        self.extra_headers = dict(headers or {})
        super().__init__(detail=detail, headers=headers)


# Outside /api/, a person reads these: titles in plain words, not reason phrases.
PAGE_ERRORS = {
    405: ("This page cannot be opened",
          "This address is where a form's button sends you; it cannot be opened on its own."),
    500: ("Something went wrong",
          "SeatShare could not finish this. Please try again in a moment."),
    503: ("SeatShare is unavailable",
          "SeatShare cannot reach its database right now. Please try again in a moment."),
}


def html_error(request, status: int, message: str | None = None, headers=None,
               title: str | None = None, back_url: str | None = None,
               back_label: str | None = None):
    """An HTML page's error: the status, a title and a sentence (``title``
    and ``message``, else ``PAGE_ERRORS``' for the status, else its reason
    phrase), and the link on (``back_url``, ``back_label``; the template's
    own when not given)."""
    default_title, sentence = PAGE_ERRORS.get(status, (reason(status), None))
    response = render_to_response(
        "seatshare:templates/error.jinja2",
        {"status": status, "title": title or default_title, "message": message or sentence,
         "back_url": back_url, "back_label": back_label},
        request=request,
        response=Response(status=status),
    )
    response.headers.update(headers or {})
    return response


# Outside /api/, the paths whose callers are programs that read JSON: their
# 405, 500 and 503 are the JSON error body, not the page a person gets.
JSON_ERROR_PATHS = frozenset({*OAUTH_PROTOCOL_PATHS, "/healthz", OAUTH_METADATA_PATH})


def answers_json(request) -> bool:
    # The raw WSGI path, as is_api_request reads it.
    return is_api_request(request) or request.environ.get("PATH_INFO") in JSON_ERROR_PATHS
