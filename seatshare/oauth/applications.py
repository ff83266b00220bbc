"""Registering and managing client applications (``seatshare … app …``)."""
import datetime
import uuid
from urllib.parse import urlsplit

from sqlalchemy import bindparam, select

from ..models import Application
from ..renderers import isoformat_z
from ..tokens import hash_token, new_token


class ApplicationError(ValueError):
    """A registration the server would refuse; the message says why."""


def check_redirect_uri(uri: str) -> str:
    """RFC 6749 §3.1.2: absolute, no fragment. Matched later character for
    character, so it is stored exactly as given."""
    if not isinstance(uri, str) or not uri or len(uri) > 2000 or uri != uri.strip():
        raise ApplicationError(f"invalid redirect URI: {uri!r}")
    parts = urlsplit(uri)
    if not parts.scheme or parts.fragment or "#" in uri:
        raise ApplicationError(f"redirect URI must be absolute, without a fragment: {uri}")
    if parts.scheme in ("http", "https") and not parts.netloc:
        raise ApplicationError(f"redirect URI has no host: {uri}")
    return uri


def register_application(dbsession, name, redirect_uris, public=False, trusted=False):
    """A new application and its plain client secret, shown this once
    (None for a public application, which must use PKCE instead)."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ApplicationError("an application needs a name of 1 to 200 characters")
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


def enabled_application(dbsession, client_id):
    """The application with this client_id unless it is disabled, as a
    read-only row of its columns (``app.id``, ``app.redirect_uris``, ...).

    Client ids are hex; anything else (a NUL byte PostgreSQL would refuse,
    say) matches no application without asking the database.
    """
    if not isinstance(client_id, str) or not client_id.isalnum() or len(client_id) > 64:
        return None
    return dbsession.connection().execute(
        ENABLED_APPLICATION, {"client_id": client_id}
    ).one_or_none()


def find_application(dbsession, client_id) -> Application:
    application = dbsession.execute(
        select(Application).where(Application.client_id == client_id)
    ).scalar_one_or_none()
    if application is None:
        raise ApplicationError(f"no application with client_id {client_id}")
    return application


def disable_application(dbsession, client_id) -> Application:
    """Disable it: its tokens stop working at once (the security policy
    ignores tokens of disabled applications) and it can get no new ones."""
    application = find_application(dbsession, client_id)
    application.disabled = True
    dbsession.flush()
    return application


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
        "created_at": isoformat_z(application.created_at or datetime.datetime.now()),
    }
    if client_secret is not None:
        data["client_secret"] = client_secret
    return data
