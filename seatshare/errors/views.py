"""The exception views: every error raised while answering a request, turned
into the contract's JSON body on ``/api/`` paths, or an HTML page."""
import logging

import pyramid_retry
from pyramid.exceptions import PredicateMismatch
from pyramid.httpexceptions import HTTPForbidden
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from sqlalchemy.exc import InterfaceError, OperationalError

from ..models.engine import first_line
from ..paths import PROGRAM_PATHS, is_api_request, is_program_path, redact_secrets
from ..repeats import Repeats
from ..route_views import views_named
from ..security.bearer import bearer_token_sent
from ..security.challenges import BEARER_CHALLENGE
from ..security.policy import ScopeDenied
from .responses import answers_json, html_error, json_error, program_error

# The name these lines have always been logged under (operators' logging
# configuration and filters may name it), not this module's.
log = logging.getLogger("seatshare.errors")

RETRY_AFTER_SECONDS = "5"
# The registry's key for when each reason of an outage was last logged.
OUTAGE_REPEATS = "seatshare.outage_repeats"


def api_error_view(exc, request):
    return json_error(request, exc.code, exc.api_detail, exc.fields, exc.extra_headers)


def _allowed_methods(views) -> list:
    """The methods some of ``views`` accepts: HEAD wherever GET is, unless
    the GET view refuses it (``refuses_head``)."""
    methods, head = set(), False
    for entry in views:
        view = entry["introspectable"]
        declared = view["request_methods"] or ()
        declared = (declared,) if isinstance(declared, str) else declared
        methods.update(declared)
        head = head or ("GET" in declared and not getattr(view["callable"], "refuses_head", False))
    if head:
        methods.add("HEAD")
    return sorted(methods)


def _need_a_token(views) -> bool:
    """Whether any of ``views`` needs a permission: then the route is one a
    caller without a token is told 401 at, whatever the method."""
    return any(
        related.category_name == "permissions" and related["value"] != NO_PERMISSION_REQUIRED
        for entry in views for related in entry["related"]
    )


def page_not_found(exc, request, page):
    """A not-found view's answer for a part of the site with a page of its
    own: ``page()`` for a path that names nothing; a wrong method
    (PredicateMismatch) stays ``not_found_view``'s 405."""
    if isinstance(exc, PredicateMismatch):
        return not_found_view(exc, request)
    return page()


def not_found_view(exc, request):
    if isinstance(exc, PredicateMismatch):
        views = views_named(request.registry, type(request.context), request.view_name)
        allowed = _allowed_methods(views)
        if allowed and request.method not in allowed:
            if is_api_request(request) and request.identity is None and _need_a_token(views):
                # API.md §1: 401 first, for a method the route lacks too.
                # Decided here at a container's own views (its list,
                # /groups/join), which traversal leaves to them; below a
                # container, Container.refuse_anonymous decides it.
                return forbidden_view(exc, request)
            if answers_json(request):
                return program_error(request, 405, headers={"Allow": ", ".join(allowed)})
            return html_error(request, 405, headers={"Allow": ", ".join(allowed)})
    if is_api_request(request):
        return json_error(request, 404)
    if is_program_path(request) and not prefers_html(request):
        # An OAuth client library shows error_description, RFC 6749 §5.2's.
        return json_error(request, 404, NO_ENDPOINT, extra={"error_description": NO_ENDPOINT})
    return html_error(request, 404, "There is no page here.")


# A program calling a near miss of an endpoint (/oauth/token/, /oauth/tokens)
# reads JSON; a browser's request, which prefers HTML, gets the page.
NO_ENDPOINT = ("There is no endpoint here. The OAuth endpoints are "
               f"{', '.join(PROGRAM_PATHS[:-1])} and {PROGRAM_PATHS[-1]}, "
               "without a trailing slash.")


def prefers_html(request) -> bool:
    offers = request.accept.acceptable_offers(["application/json", "text/html"])
    return bool(offers) and offers[0][0] == "text/html"


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


def database_unavailable_view(exc, request):
    """The database cannot be reached: 503 (after pyramid_retry's attempts
    on fresh connections), and the pool reconnects once it is back."""
    if not _is_connection_error(exc):
        return server_error_view(exc, request)
    if not run_again(request, exc):
        reason = f"{exc.__class__.__name__}: {first_line(exc)}"
        # Every request through an outage fails so: one line a minute.
        note = request.registry.setdefault(OUTAGE_REPEATS, Repeats()).note(reason)
        if note:
            log.error("database unavailable: %s %s", reason, note)
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    if answers_json(request):
        return program_error(request, 503, headers=headers)
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
        return program_error(request, 500)
    try:
        return html_error(request, 500)
    except Exception:  # the page itself failed: its template, say
        log.exception("the error page failed too")
        return Response("Internal Server Error", status=500)
