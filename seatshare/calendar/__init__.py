"""iCalendar feeds at secret per-user URLs, for calendar apps that cannot do OAuth.

``/calendar/<user_id>/<token>/tickets.ics`` lists the user's tickets (owned or
assigned); ``/calendar/<user_id>/<token>/groups/<group_id>.ics`` lists the
events of one of their active groups, with their seats noted.

The token is ``HMAC-SHA256(seatshare.calendar_secret, "<user id>:<nonce>")``
in hex. The database keeps only the nonce, so a copy of the database yields
no feed URL; resetting the nonce (``reset_feed_secret``) retires the old URL.
"""
import hashlib
import hmac

from pyramid.exceptions import ConfigurationError

from ..models.user import User, new_calendar_nonce

TOKEN_LENGTH = 64  # hex digits of a SHA-256 HMAC


def _secret(settings) -> bytes:
    secret = settings.get("seatshare.calendar_secret")
    if not secret:
        raise ConfigurationError("seatshare.calendar_secret is required")
    return secret.encode("utf-8")


def token_for(settings, user_id: int, nonce: str) -> str:
    message = f"{user_id}:{nonce}".encode()
    return hmac.new(_secret(settings), message, hashlib.sha256).hexdigest()


def feed_token(settings, user) -> str:
    """The secret that ``user``'s feed URLs carry."""
    return token_for(settings, user.id, user.calendar_nonce)


def feed_base_url(request, user) -> str:
    return f"{request.application_url}/calendar/{user.id}/{feed_token(request.registry.settings, user)}"


def user_feed_url(request, user) -> str:
    """The URL of ``user``'s ticket feed."""
    return f"{feed_base_url(request, user)}/tickets.ics"


def group_feed_url(request, user, group_id: int) -> str:
    """The URL of group ``group_id``'s event feed, as ``user`` sees it."""
    return f"{feed_base_url(request, user)}/groups/{group_id}.ics"


def user_for_token(dbsession, settings, user_id: int, token: str):
    """The user whose feed URLs carry ``token``, or None.

    A missing user costs the same HMAC and comparison as a wrong token, so
    the answer does not tell whether user ``user_id`` exists.
    """
    if len(token) != TOKEN_LENGTH:
        return None
    user = dbsession.get(User, user_id)
    expected = token_for(settings, user_id, user.calendar_nonce if user else "")
    if not hmac.compare_digest(expected.encode(), token.encode()) or user is None:
        return None
    return user


def reset_feed_secret(user) -> None:
    """Give ``user`` new feed URLs; the old ones answer 404 from now on."""
    user.calendar_nonce = new_calendar_nonce()


def includeme(config):
    _secret(config.get_settings())  # refuse to start without a secret
    config.scan(__name__)
