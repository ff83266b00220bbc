"""Every error on an ``/api/`` path answers the contract's JSON body.

``{"error": <reason phrase>, "error_detail": <sentence>, "code": <status>}``,
plus ``"fields"`` on a 400 that names the fields at fault.

One part a module: ``responses`` (the JSON body, the HTML page and
``APIError``), ``views`` (the exception views that answer with them) and
``deny_by_default`` (the view deriver that refuses a view without a
permission). Their public names are importable from here too.
"""
from pyramid.httpexceptions import HTTPException
from sqlalchemy.exc import DBAPIError

from .deny_by_default import is_exception_view, require_explicit_permission
from .responses import (
    DETAILS,
    JSON_ERROR_PATHS,
    NO_STORE,
    OAUTH_STATUS_ERRORS,
    PAGE_ERRORS,
    REASONS,
    APIError,
    answers_json,
    error_body,
    html_error,
    json_error,
    oauth_error,
    program_error,
    reason,
    status_line,
)
from .views import (
    NOT_UTF8_FORM,
    RETRY_AFTER_SECONDS,
    api_error_view,
    database_unavailable_view,
    forbidden_view,
    http_exception_view,
    log,
    not_found_view,
    not_utf8_form_view,
    run_again,
    server_error_view,
)

__all__ = [
    "APIError", "DETAILS", "JSON_ERROR_PATHS", "NOT_UTF8_FORM", "NO_STORE", "OAUTH_STATUS_ERRORS",
    "PAGE_ERRORS", "REASONS", "RETRY_AFTER_SECONDS", "answers_json", "api_error_view",
    "database_unavailable_view", "error_body", "forbidden_view", "html_error",
    "http_exception_view", "includeme", "is_exception_view", "log", "json_error",
    "not_found_view", "not_utf8_form_view", "oauth_error", "program_error", "reason",
    "require_explicit_permission", "run_again", "server_error_view", "status_line",
]


def includeme(config):
    config.add_view_deriver(require_explicit_permission)
    config.add_notfound_view(not_found_view)
    config.add_forbidden_view(forbidden_view)
    config.add_exception_view(api_error_view, context=APIError)
    config.add_exception_view(http_exception_view, context=HTTPException)
    config.add_exception_view(database_unavailable_view, context=DBAPIError)
    config.add_exception_view(not_utf8_form_view, context=DeprecationWarning)
    config.add_exception_view(server_error_view, context=Exception)
