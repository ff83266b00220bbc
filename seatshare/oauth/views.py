"""Thin views: hand the HTTP request to oauthlib, translate its answer.

The endpoints are public (``NO_PERMISSION_REQUIRED``): clients authenticate to
oauthlib, users to the sign-in page.
"""
import json
import re

from oauthlib.oauth2.rfc6749 import errors
from pyramid.httpexceptions import HTTPFound
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config
from sqlalchemy import select

from ..errors import oauth_error, program_error, status_line
from ..models import Approval
from ..security.challenges import CLIENT_CHALLENGE
from ..web.pages import page, sign_in_first
from .error_descriptions import described, description_of
from .redirection import answer_back_to_client, back_to_client, shown_destination
from .resources import OAuthRoot, WellKnown
from .scopes import normalize_scopes
from .server import token_methods

SCOPE_DESCRIPTIONS = {
    "read": "See your profile, groups, events and tickets",
    # Each stands alone: an application may ask for "write" only.
    "write": "Make changes for you: update your tickets, answer ticket requests, manage your groups",
}

FATAL_MESSAGES = {
    errors.InvalidClientIdError:
        "The application that sent you here is not registered with SeatShare.",
    errors.MissingClientIdError:
        "The application that sent you here did not say who it is.",
    errors.MismatchingRedirectURIError: (
        "The application that sent you here asked SeatShare to send you back to an "
        "address it has not registered, so SeatShare will not send you there."
    ),
    errors.MissingRedirectURIError:
        "The application that sent you here did not say where to send you back.",
    errors.InvalidRedirectURIError:
        "The application that sent you here gave an address SeatShare cannot use.",
}


def oauth_headers(request) -> dict:
    return dict(request.headers)


FORM = "application/x-www-form-urlencoded"
# RFC 9110 §8.3.1: type "/" subtype, each a token (lowercased), short.
MEDIA_TYPE_RE = re.compile(r"[a-z0-9!#$%&'*+.^_`|~-]{1,60}/[a-z0-9!#$%&'*+.^_`|~-]{1,60}")


def form_body(request) -> str:
    """The body as oauthlib wants it. The parameters come form-encoded (RFC
    6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1). A body declared as anything
    else (JSON, a client developer's usual first try, text/plain,
    multipart), in which oauthlib would find no parameter and answer
    "Missing grant_type parameter", is a client error that says what to
    send and what was sent, as are undecodable bytes. A body without a
    Content-Type is read as a form, unless it is a JSON object."""
    # RFC 9110 §5.6.6 allows white space before the ";" of a parameter,
    # which WebOb leaves on the media type.
    media_type = request.content_type.strip().lower()
    if media_type == FORM:
        return utf8_body(request)
    if not request.body:
        return ""
    if not media_type:
        if not is_json_object(request.body):
            return utf8_body(request)
        sent = "a JSON object without a Content-Type"
    elif MEDIA_TYPE_RE.fullmatch(media_type):
        sent = media_type
    else:
        sent = "another media type"  # an error_description is plain ASCII, no quotes
    raise errors.InvalidRequestError(
        description=f"Send the parameters in the body as {FORM} (RFC 6749 section 3.2), "
        f"not as {sent}."
    )


def utf8_body(request) -> str:
    try:
        return request.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise errors.InvalidRequestError(description="The body is not UTF-8.") from exc


def is_json_object(body: bytes) -> bool:
    """Whether ``body`` opens as a JSON object does; no form parameter here
    starts with a brace."""
    return body.lstrip().startswith(b"{")


def oauth_response(headers, body, status) -> Response:
    """oauthlib's (headers, body, status) as a Response. Error bodies (RFC 6749
    §5.2) always carry ``error_description`` and also ``"code"``: the status,
    as every error here does (``oauth_error``, which answers the statuses
    oauthlib never does too); ``invalid_client`` challenges Basic."""
    payload = json.loads(body) if body else None
    if isinstance(payload, dict) and "error" in payload:
        if payload["error"] == "invalid_client":
            headers = {**headers, "WWW-Authenticate": CLIENT_CHALLENGE}
        error = payload.pop("error")
        description = description_of(error, payload.pop("error_description", None))
        return oauth_error(status, error, description, headers, payload)
    response = Response(status=status_line(status))
    if payload is not None:
        response.content_type = "application/json"
        response.json_body = payload
    else:
        # RFC 7009 §2.2's 200 has no body: nor a type (not WebOb's text/html).
        del response.content_type
    for name, value in headers.items():
        response.headers[name] = value
    return response


def oauth_error_response(exc: errors.OAuth2Error) -> Response:
    return oauth_response(exc.headers, exc.json, exc.status_code)


def run_endpoint(endpoint, request, **kw) -> Response:
    """Call an oauthlib endpoint; its checks raise as often as they return."""
    try:
        return oauth_response(
            *endpoint(request.url, request.method, form_body(request),
                      oauth_headers(request), **kw)
        )
    except errors.OAuth2Error as exc:
        return oauth_error_response(exc)
    except ValueError:
        # oauthlib could not parse the query or body.
        return oauth_error_response(errors.InvalidRequestError())


# -- the authorization endpoint (RFC 6749 §4.1.1) --------------------------------


def bad_authorization_request(request, exc: errors.FatalClientError) -> Response:
    """Never redirect to an address we cannot trust (RFC 6749 §4.1.2.1)."""
    message = FATAL_MESSAGES.get(type(exc), exc.description)
    return page(request, "error.jinja2", 400, status=400,
                title="This sign-in link is not valid", message=message)


def validate_authorization(request):
    """oauthlib's checks; None and the scopes, or the response to send."""
    try:
        scopes, info = request.oauth_server.validate_authorization_request(
            request.url, "GET", None, oauth_headers(request)
        )
    except errors.FatalClientError as exc:
        return bad_authorization_request(request, exc), None
    except errors.OAuth2Error as exc:
        location = back_to_client(exc.redirect_uri, described(exc).twotuples)
        return HTTPFound(location=location), None
    except ValueError:
        return bad_authorization_request(request, errors.InvalidRequestFatalError(
            description="The sign-in link is malformed.")), None
    return None, info


def issue_code(request, info) -> Response:
    """RFC 6749 §4.1.2: redirect back with a fresh code (and the state).

    HEAD (which issues nothing, see ``seatshare.head``): the same redirect,
    with the state but no code, rather than one that was never stored."""
    if request.method == "HEAD":
        oauth_request = info["request"]
        state = [("state", oauth_request.state)] if oauth_request.state else []
        return HTTPFound(location=back_to_client(oauth_request.redirect_uri, state))
    headers, _, status = request.oauth_server.create_authorization_response(
        request.url, "GET", None, oauth_headers(request),
        scopes=info["request"].scopes, credentials={"user": request.identity.user},
    )
    return HTTPFound(
        location=answer_back_to_client(headers["Location"], info["request"].redirect_uri)
    )


def is_approved(request, application, scopes) -> bool:
    if application.trusted:
        return True
    return request.dbsession.execute(
        select(Approval.id).where(
            Approval.user_id == request.identity.user_id,
            Approval.application_id == application.id,
            Approval.scopes == normalize_scopes(scopes),
        )
    ).first() is not None


@view_config(
    context=OAuthRoot,
    name="authorization",
    request_method="GET",
    permission=NO_PERMISSION_REQUIRED,
)
def authorization(request):
    """Sign-in page, consent page, or straight back with a code."""
    refusal, info = validate_authorization(request)
    if refusal is not None:
        return refusal
    if request.identity is None:
        return sign_in_first(request)
    # "Your password has been changed", after a reset that came here: on
    # the consent page, or gone with a remembered approval (not shown on
    # some later page).
    messages = request.session.pop_flash()
    oauth_request = info["request"]
    if is_approved(request, oauth_request.client, oauth_request.scopes):
        return issue_code(request, info)
    return page(
        request,
        "consent.jinja2",
        application=oauth_request.client,
        scopes=[
            (s, SCOPE_DESCRIPTIONS[s])
            for s in normalize_scopes(oauth_request.scopes).split()
        ],
        user=request.identity.user,
        action=request.path_qs,
        return_to=shown_destination(oauth_request.redirect_uri),
        messages=messages,
    )


@view_config(
    context=OAuthRoot,
    name="authorization",
    request_method="POST",
    require_csrf=True,
    permission=NO_PERMISSION_REQUIRED,
)
def authorization_decision(request):
    """The consent form: Approve remembers the approval and issues a code,
    Deny redirects with ``error=access_denied`` (RFC 6749 §4.1.2.1)."""
    refusal, info = validate_authorization(request)
    if refusal is not None:
        return refusal
    if request.identity is None:
        return sign_in_first(request)
    oauth_request = info["request"]
    if request.POST.get("decision") != "approve":
        denied = described(errors.AccessDeniedError(state=oauth_request.state))
        return HTTPFound(location=back_to_client(oauth_request.redirect_uri, denied.twotuples))
    if not is_approved(request, oauth_request.client, oauth_request.scopes):
        request.dbsession.add(
            Approval(
                user_id=request.identity.user_id,
                application_id=oauth_request.client.id,
                scopes=normalize_scopes(oauth_request.scopes),
            )
        )
    return issue_code(request, info)


# -- token, revocation, introspection, metadata ---------------------------------


def token(request):
    """RFC 6749 §4.1.3 and §6, registered by ``includeme`` with the methods
    the settings allow (GET only while ``seatshare.token_endpoint_allow_get``
    is on), so a 405's ``Allow`` names exactly those.

    Pyramid serves HEAD with a GET view, but a HEAD here is a 405: run and
    rolled back (``seatshare.head``), it would tell whether a code or a
    refresh token works without using it up, and a replayed one would revoke
    nothing (API.md §2)."""
    if request.method == "HEAD":
        methods = token_methods(request.registry.settings)
        return program_error(request, 405, headers={"Allow": ", ".join(methods)})
    return run_endpoint(request.oauth_server.create_token_response, request)


token.refuses_head = True  # so a 405's Allow does not name it


@view_config(
    context=OAuthRoot,
    name="revoke",
    request_method="POST",
    permission=NO_PERMISSION_REQUIRED,
)
def revoke(request):
    """RFC 7009."""
    return run_endpoint(request.oauth_server.create_revocation_response, request)


@view_config(
    context=OAuthRoot,
    name="introspect",
    request_method="POST",
    permission=NO_PERMISSION_REQUIRED,
)
def introspect(request):
    """RFC 7662; only a client with a secret may ask (§2.1)."""
    request.oauth_server.validator.confidential_clients_only = True
    return run_endpoint(request.oauth_server.create_introspect_response, request)


@view_config(
    context=WellKnown,
    name="oauth-authorization-server",
    request_method="GET",
    renderer="json",
    permission=NO_PERMISSION_REQUIRED,
)
def metadata(request):
    """RFC 8414 §3."""
    return request.oauth_server.metadata(request.application_url)
