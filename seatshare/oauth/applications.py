"""Registering and managing client applications (``seatshare … app …``)."""
import collections
import uuid
from urllib.parse import quote, urlsplit, urlunsplit

from oauthlib.uri_validate import is_absolute_uri
from sqlalchemy import bindparam, select

from ..models import Application, AuthorizationCode, User
from ..renderers import isoformat_z
from ..text import checked_name, has_control_characters
from ..tokens import hash_token, new_token


class ApplicationError(ValueError):
    """A registration the server would refuse; the message says why."""


MAX_NAME_LENGTH = Application.name.type.length  # 200

# Schemes a browser runs or reads locally instead of handing to an app or a
# server: a code "redirected" to javascript: or data: runs script in the
# authorization server's origin (RFC 9700 §4.1.3 names javascript:).
FORBIDDEN_REDIRECT_SCHEMES = frozenset(
    {"javascript", "data", "vbscript", "file", "about", "blob", "filesystem"}
)


def runs_in_the_browser(uri: str) -> bool:
    """A redirect URI whose scheme the browser runs or reads itself."""
    return urlsplit(uri).scheme in FORBIDDEN_REDIRECT_SCHEMES


def check_redirect_uri(uri: str) -> str:
    """RFC 6749 §3.1.2: absolute, no fragment. Matched later character for
    character, so it is stored exactly as given."""
    if not isinstance(uri, str) or not uri or len(uri) > 2000 or uri != uri.strip():
        raise ApplicationError(f"invalid redirect URI: {uri!r}")
    if any(c.isspace() for c in uri) or has_control_characters(uri):
        raise ApplicationError(
            f"redirect URI must not contain spaces or control characters: {uri!r}"
        )
    try:
        parts = urlsplit(uri)
    except ValueError as exc:  # "Invalid IPv6 URL": a "[" left open, say
        raise ApplicationError(f"redirect URI is not a URI ({exc}): {uri}") from None
    try:
        port = parts.port
    except ValueError:  # "Port out of range 0-65535", "could not be cast"
        port = 0
    # Port 0 is no port a browser can be sent to, whatever the scheme.
    if port == 0:
        raise ApplicationError(
            f"redirect URI's port is not a number from 1 to 65535: {uri}")
    if not parts.scheme or parts.fragment or "#" in uri:
        raise ApplicationError(f"redirect URI must be absolute, without a fragment: {uri}")
    if runs_in_the_browser(uri):
        raise ApplicationError(
            f"redirect URI must not use the {parts.scheme}: scheme: {uri}"
        )
    if parts.scheme in ("http", "https") and not parts.netloc:
        raise ApplicationError(f"redirect URI has no host: {uri}")
    # The authorization endpoint (oauthlib) refuses any other as invalid:
    # the application could never sign anyone in.
    if not is_absolute_uri(uri):
        message = f"redirect URI is not an absolute URI as RFC 3986 writes it: {uri}"
        suggestion = ascii_uri(uri)
        if suggestion:
            message += f"; register its ASCII form: {suggestion}"
        raise ApplicationError(message)
    return uri


# What RFC 3986 leaves unencoded in a path, query or fragment ("%" too:
# what is already encoded stays so).
URI_PATH_CHARACTERS = "/?:@!$&'()*+,;=-._~%"


def ascii_uri(uri: str) -> str | None:
    """The URI as a client sends it: its host in IDNA (xn--…), the rest
    percent-encoded as UTF-8; None when that is still not a valid URI."""
    parts = urlsplit(uri)
    try:
        netloc = parts.netloc.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    suggestion = urlunsplit((
        parts.scheme,
        netloc,
        quote(parts.path, safe=URI_PATH_CHARACTERS),
        quote(parts.query, safe=URI_PATH_CHARACTERS),
        "",
    ))
    return suggestion if is_absolute_uri(suggestion) else None


def register_application(dbsession, name, redirect_uris, public=False, trusted=False):
    """A new application and its plain client secret, shown this once
    (None for a public application, which must use PKCE instead)."""
    try:
        name = checked_name(name or "", MAX_NAME_LENGTH, "application's name")
    except ValueError as error:
        raise ApplicationError(str(error)) from None
    uris = [check_redirect_uri(uri) for uri in redirect_uris or ()]
    if not uris:
        raise ApplicationError("an application needs at least one redirect URI")
    secret = None if public else new_token()
    application = Application(
        client_id=uuid.uuid4().hex,
        client_secret_hash=hash_token(secret) if secret else None,
        name=name,
        redirect_uris=list(dict.fromkeys(uris)),
        confidential=not public,
        trusted=trusted,
        disabled=False,
    )
    dbsession.add(application)
    dbsession.flush()
    return application, secret


_applications = Application.__table__
# Built once: every token request and authorization page asks it.
ENABLED_APPLICATION = select(_applications).where(
    _applications.c.client_id == bindparam("client_id"),
    _applications.c.disabled.is_(False),
)


_codes = AuthorizationCode.__table__
# The same, and the authorization code with a given hash, in one statement: a
# code exchange needs both, and a round trip costs more than the join. The
# code is found by its hash alone (unique), whichever application it was
# issued to: the validator compares its ``application_id`` with the client's,
# so that another client's presentation of it is seen, not mistaken for an
# unknown code. The code's columns are named ``code_<column>``, all NULL when
# no code has that hash. On PostgreSQL it also takes the lock on the code's
# user that every issue or revocation of their tokens takes first
# (validator.lock_tokens_of), saving the exchange a round trip.
_users = User.__table__
_LOCK_CODE_USER = (
    select(_users.c.id).where(_users.c.id == _codes.c.user_id)
    .with_for_update(key_share=True).scalar_subquery()
)
ENABLED_APPLICATION_WITH_CODE = (
    select(*_applications.c, *(column.label(f"code_{column.key}") for column in _codes.c),
           _LOCK_CODE_USER.label("locked_user_id"))
    .select_from(_applications.outerjoin(_codes, _codes.c.code_hash == bindparam("code_hash")))
    .where(
        _applications.c.client_id == bindparam("client_id"),
        _applications.c.disabled.is_(False),
    )
)
# An authorization code's columns, as read with its application.
CodeRecord = collections.namedtuple("CodeRecord", [column.key for column in _codes.c])


def could_be_client_id(client_id) -> bool:
    """Client ids are hex; anything else (a NUL byte PostgreSQL would
    refuse, say) matches no application without asking the database."""
    return isinstance(client_id, str) and client_id.isalnum() and len(client_id) <= 64


def enabled_application(dbsession, client_id):
    """The application with this client_id unless it is disabled, as a
    read-only row of its columns (``app.id``, ``app.redirect_uris``, ...)."""
    if not could_be_client_id(client_id):
        return None
    return dbsession.connection().execute(
        ENABLED_APPLICATION, {"client_id": client_id}
    ).one_or_none()


def enabled_application_with_code(dbsession, client_id, code_hash):
    """``(application, code)``: ``enabled_application`` and the authorization
    code with this hash, whichever application it was issued to, as a
    ``CodeRecord``; each None when there is none (the code too when there is
    no such application)."""
    if not could_be_client_id(client_id):
        return None, None
    row = dbsession.connection().execute(
        ENABLED_APPLICATION_WITH_CODE, {"client_id": client_id, "code_hash": code_hash}
    ).one_or_none()
    if row is None:
        return None, None
    if row.code_id is None:
        return row, None
    return row, CodeRecord._make(getattr(row, f"code_{key}") for key in CodeRecord._fields)


def find_application(dbsession, client_id) -> Application:
    application = dbsession.execute(
        select(Application).where(Application.client_id == client_id)
    ).scalar_one_or_none()
    if application is None:
        raise ApplicationError(f"no application with client_id {client_id}")
    return application


def set_application_disabled(dbsession, client_id, disabled: bool):
    """``(application, changed)``: changed unless it was already so.
    Disabled, its tokens stop working at once (the security policy ignores
    tokens of disabled applications) and it can get no new ones; enabled
    again, its unexpired tokens work again."""
    application = find_application(dbsession, client_id)
    changed = application.disabled != disabled
    application.disabled = disabled
    dbsession.flush()
    return application, changed


def list_applications(dbsession) -> list[Application]:
    return list(dbsession.execute(select(Application).order_by(Application.id)).scalars())


def application_as_dict(application, client_secret=None) -> dict:
    """The JSON the CLI prints; ``client_secret`` only when just created."""
    data = {
        "id": application.id,
        "client_id": application.client_id,
        "name": application.name,
        "redirect_uris": list(application.redirect_uris),
        "public": not application.confidential,
        "trusted": application.trusted,
        "disabled": application.disabled,
        "created_at": isoformat_z(application.created_at),
    }
    if client_secret is not None:
        data["client_secret"] = client_secret
    return data
