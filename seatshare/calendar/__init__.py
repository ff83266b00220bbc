"""iCalendar feeds at secret per-user URLs, for calendar apps that cannot do OAuth.

``/calendar/<user_id>/<token>/tickets.ics`` lists the user's tickets (owned or
assigned); ``/calendar/<user_id>/<token>/groups/<group_id>.ics`` lists the
events of one of their active groups, with their seats noted.

The token is ``HMAC-SHA256(seatshare.calendar_secret, "<user id>:<nonce>")``
in hex. The database keeps only the nonce, so a copy of the database yields
no feed URL; resetting the nonce (``reset_feed_secret``) retires the old URL.

An application reading ``GET /api/v1/users/me`` is given URLs of its own,
whose token also covers its id (``"<user id>:<nonce>:application:<id>"``):
they work while the application is connected to the account, and stop when
the user disconnects it, as its tokens do. With the user's own URLs (the
``/calendars`` page's), an application would keep reading the tickets of an
account that had disconnected it, for as long as the user kept their links.
"""
import hashlib
import hmac

from pyramid.exceptions import ConfigurationError

from ..models.user import User, new_calendar_nonce
from ..resources.authorizations import connected_application_ids

TOKEN_LENGTH = 64  # hex digits of a SHA-256 HMAC


def _secret(settings) -> bytes:
    secret = settings.get("seatshare.calendar_secret")
    if not secret:
        raise ConfigurationError("seatshare.calendar_secret is required")
    return secret.encode("utf-8")


def token_for(settings, user_id: int, nonce: str, application_id: int | None = None) -> str:
    message = f"{user_id}:{nonce}"
    if application_id is not None:
        message += f":application:{application_id}"
    return hmac.new(_secret(settings), message.encode(), hashlib.sha256).hexdigest()


def feed_token(settings, user, application_id: int | None = None) -> str:
    """The secret that ``user``'s feed URLs carry: their own, or, with
    ``application_id``, those given to that application."""
    return token_for(settings, user.id, user.calendar_nonce, application_id)


def feed_base_url(request, user, application_id: int | None = None) -> str:
    token = feed_token(request.registry.settings, user, application_id)
    return f"{request.application_url}/calendar/{user.id}/{token}"


def user_feed_url(request, user, application_id: int | None = None) -> str:
    """The URL of ``user``'s ticket feed: theirs, or, with
    ``application_id``, the one that application is given."""
    return f"{feed_base_url(request, user, application_id)}/tickets.ics"


def group_feed_url(request, user, group_id: int) -> str:
    """The URL of group ``group_id``'s event feed, as ``user`` sees it."""
    return f"{feed_base_url(request, user)}/groups/{group_id}.ics"


def user_for_token(dbsession, settings, user_id: int, token: str):
    """The user whose feed URLs carry ``token``, or None: their own URLs'
    token, or that of an application connected to their account (one
    statement more, only for a token that is not their own).

    A missing user costs the same statements as a wrong token, and the
    HMAC of an own URL's, so the answer does not tell whether user
    ``user_id`` exists.
    """
    if len(token) != TOKEN_LENGTH:
        return None
    user = dbsession.get(User, user_id)
    nonce = user.calendar_nonce if user else ""
    if _same(token_for(settings, user_id, nonce), token) and user is not None:
        return user
    found = False
    for application_id in dbsession.scalars(connected_application_ids(user_id)):
        found |= _same(token_for(settings, user_id, nonce, application_id), token)
    return user if found and user is not None else None


def _same(expected: str, token: str) -> bool:
    return hmac.compare_digest(expected.encode(), token.encode())


def reset_feed_secret(user) -> None:
    """Give ``user`` new feed URLs; the old ones answer 404 from now on."""
    user.calendar_nonce = new_calendar_nonce()


def includeme(config):
    _secret(config.get_settings())  # refuse to start without a secret
    config.scan(__name__)
