"""Every error on an ``/api/`` path answers the contract's JSON body.

``{"error": <reason phrase>, "error_detail": <sentence>, "code": <status>}``,
plus ``"fields"`` on a 400 that names the fields at fault.
"""
import logging
from http import HTTPStatus

import pyramid_retry
from pyramid.exceptions import ConfigurationError, PredicateMismatch
from pyramid.httpexceptions import HTTPException, HTTPForbidden
from pyramid.renderers import render_to_response
from pyramid.response import Response
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from .models.engine import first_line
from .paths import OAUTH_PROTOCOL_PATHS, is_api_request, redact_secrets
from .security.bearer import bearer_token_sent
from .security.challenges import BEARER_CHALLENGE
from .security.policy import ScopeDenied

log = logging.getLogger(__name__)

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
RETRY_AFTER_SECONDS = "5"
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


def error_body(status: int, detail: str | None = None, fields: dict | None = None):
    body = {
        "error": reason(status),
        "error_detail": detail or DETAILS.get(status, HTTPStatus(status).description),
        "code": status,
    }
    if fields:
        body["fields"] = fields
    return body


def json_error(request, status: int, detail=None, fields=None, headers=None):
    """A JSON error response in the contract's shape."""
    response = Response(
        json_body=error_body(status, detail, fields),
        status=status_line(status),
        content_type="application/json",
        charset="utf-8",
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


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


def api_error_view(exc, request):
    return json_error(request, exc.code, exc.api_detail, exc.fields, exc.extra_headers)


def _allowed_methods(request):
    """The methods some view accepts for this context and view name."""
    methods = set()
    introspector = request.registry.introspector
    for intr in introspector.get_category("views") or []:
        view = intr["introspectable"]
        context = view["context"]
        if view["name"] != request.view_name or context is None:
            continue
        if not isinstance(context, type) or not isinstance(request.context, context):
            continue
        declared = view["request_methods"] or ()
        methods.update((declared,) if isinstance(declared, str) else declared)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


# Outside /api/, a person reads these: titles in plain words, not reason phrases.
PAGE_ERRORS = {
    405: ("This page cannot be opened",
          "This address is where a form's button sends you; it cannot be opened on its own."),
    500: ("Something went wrong",
          "SeatShare could not finish this. Please try again in a moment."),
    503: ("SeatShare is unavailable",
          "SeatShare cannot reach its database right now. Please try again in a moment."),
}


def html_error(request, status: int, message: str | None = None, headers=None):
    """An HTML page's error: the status, a title and a sentence (the reason
    phrase and ``message``, or ``PAGE_ERRORS``' for the status)."""
    title, sentence = PAGE_ERRORS.get(status, (reason(status), None))
    response = render_to_response(
        "seatshare:templates/error.jinja2",
        {"status": status, "title": title, "message": message or sentence},
        request=request,
        response=Response(status=status),
    )
    response.headers.update(headers or {})
    return response


def not_found_view(exc, request):
    if isinstance(exc, PredicateMismatch):
        allowed = _allowed_methods(request)
        if allowed and request.method not in allowed:
            if answers_json(request):
                return json_error(request, 405, headers={"Allow": ", ".join(allowed)})
            return html_error(request, 405, headers={"Allow": ", ".join(allowed)})
    if is_api_request(request):
        return json_error(request, 404)
    return html_error(request, 404, "There is no page here.")


def forbidden_view(exc, request):
    """401 when nobody is signed in, 403 when the caller may not do this."""
    if request.identity is None:
        if is_api_request(request):
            challenge = BEARER_CHALLENGE
            if bearer_token_sent(request):
                challenge += ', error="invalid_token"'
            return json_error(request, 401, headers={"WWW-Authenticate": challenge})
        return HTTPForbidden()
    denied = getattr(exc, "result", None)
    if isinstance(denied, ScopeDenied):
        # RFC 6750 §3.1: name the scope, so that the client can ask for it.
        challenge = f'{BEARER_CHALLENGE}, error="insufficient_scope", scope="{denied.scope}"'
        return json_error(request, 403, "Your token does not carry the scope this request needs.",
                          headers={"WWW-Authenticate": challenge})
    return json_error(request, 403)


def http_exception_view(exc, request):
    """Pyramid's own HTTP exceptions raised on API paths, as JSON."""
    if not is_api_request(request):
        return exc
    headers = {}
    for name in ("Allow", "Retry-After", "WWW-Authenticate", "Location"):
        if name in exc.headers:
            headers[name] = exc.headers[name]
    return json_error(request, exc.code, exc.detail or None, headers=headers)


# Outside /api/, the paths whose callers are programs that read JSON: their
# 405, 500 and 503 are the JSON error body, not the page a person gets.
JSON_ERROR_PATHS = OAUTH_PROTOCOL_PATHS | {"/healthz", "/.well-known/oauth-authorization-server"}


def answers_json(request) -> bool:
    # The raw WSGI path, as is_api_request reads it.
    return is_api_request(request) or request.environ.get("PATH_INFO") in JSON_ERROR_PATHS


def database_unavailable_view(exc, request):
    """The database cannot be reached: 503 (after pyramid_retry's attempts
    on fresh connections), and the pool reconnects once it is back."""
    if not _is_connection_error(exc):
        return server_error_view(exc, request)
    if not run_again(request, exc):
        log.error("database unavailable: %s: %s", exc.__class__.__name__, first_line(exc))
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    if answers_json(request):
        return json_error(request, 503, headers=headers)
    return html_error(request, 503, headers=headers)


def _is_connection_error(exc):
    return getattr(exc, "connection_invalidated", False) or isinstance(
        exc, (OperationalError, InterfaceError)
    )


# WebOb's signal that a form body declares a charset other than UTF-8: it
# raises this from ``request.POST`` rather than decode it.
NOT_UTF8_FORM = "Requests are expected to be submitted in UTF-8"


def not_utf8_form_view(exc, request):
    """A form sent in another charset than UTF-8 (browsers send the page's,
    UTF-8): a 400, where it was a 500. Any other DeprecationWarning raised
    as an error is an unexpected one."""
    if not str(exc).startswith(NOT_UTF8_FORM):
        return server_error_view(exc, request)
    detail = "The form must be sent in UTF-8."
    if is_api_request(request):
        return json_error(request, 400, detail)
    return html_error(request, 400, detail)


def run_again(request, exc) -> bool:
    """Whether pyramid_retry runs the request again after ``exc``: it lost a
    race (a unique row inserted meanwhile, a serialization failure, a
    deadlock) or its connection died, and this was not its last attempt.
    The exception views still run for such an attempt, whose answer is
    thrown away: it is logged as one INFO line, not as an outage or an
    unhandled error (which the request, run again, usually is not).
    pyramid_tm tags the database's serialization failures and deadlocks
    retryable only after the view, so the transaction is asked here."""
    if pyramid_retry.is_last_attempt(request):
        return False
    retryable = pyramid_retry.IRetryableError.providedBy(exc)
    if not retryable:
        try:
            retryable = request.tm.get().isRetryableError(exc)
        except Exception:  # no transaction: nothing pyramid_tm would tag
            retryable = False
    if retryable:
        log.info("%s %s: %s: %s; running it again", request.method,
                 redact_secrets(request.path_info), type(exc).__name__, first_line(exc))
    return retryable


def server_error_view(exc, request):
    if not run_again(request, exc):
        path = redact_secrets(request.path_info)
        log.exception("unhandled error on %s %s", request.method, path, exc_info=exc)
    if answers_json(request):
        return json_error(request, 500)
    try:
        return html_error(request, 500)
    except Exception:  # the page itself failed: its template, say
        log.exception("the error page failed too")
        return Response("Internal Server Error", status=500)


def require_explicit_permission(view, info):
    """Deny by default: refuse at start-up a view declared without a permission.

    ``NO_PERMISSION_REQUIRED`` says so explicitly and is allowed. Exception
    views are exempt: they answer errors, they grant nothing.
    """
    context = info.options.get("context")
    if info.exception_only or (
        isinstance(context, type) and issubclass(context, BaseException)
    ):
        return view
    if info.options.get("permission") is None:
        name = getattr(info.original_view, "__qualname__", repr(info.original_view))
        raise ConfigurationError(f"view {name} is declared without a permission")
    return view




def includeme(config):
    config.add_view_deriver(require_explicit_permission)
    config.add_notfound_view(not_found_view)
    config.add_forbidden_view(forbidden_view)
    config.add_exception_view(api_error_view, context=APIError)
    config.add_exception_view(http_exception_view, context=HTTPException)
    config.add_exception_view(database_unavailable_view, context=DBAPIError)
    config.add_exception_view(not_utf8_form_view, context=DeprecationWarning)
    config.add_exception_view(server_error_view, context=Exception)
