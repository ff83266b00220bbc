"""The HTML pages' identity: a signed-cookie browser session, which signing
out ends on the server too."""
import time

from sqlalchemy import update

from ..models import User
from .identity import Identity


def browser_identity(request, max_age: int) -> Identity | None:
    """The user a browser session signed in, while the session lasts.

    The cookie is signed, so only SeatShare wrote it, but a copy of it stays
    valid as long as the cookie does, and Pyramid reissues it while it is
    used. Two checks end it whatever the cookie says: ``max_age`` seconds
    after signing in (``seatshare.session_max_age``; no statement), and the
    user's ``session_generation``, the server's side of it: a session signed
    in under another generation (the user has signed out since, here or
    elsewhere) has ended. The User is loaded anyway, so comparing costs no
    statement.
    """
    session = request.session
    user_id = session.get("user_id")
    if user_id is None:
        return None
    signed_in_at = session.get("signed_in_at")
    if not isinstance(signed_in_at, int) or time.time() - signed_in_at >= max_age:
        return None
    user = request.dbsession.get(User, user_id)
    if user is None or session.get("generation") != user.session_generation:
        return None
    return Identity(user=user)


def end_browser_sessions(dbsession, user_id: int) -> None:
    """End every browser session of the user: one UPDATE, adding one in
    SQL so concurrent sign-outs both count. ``updated_at`` stays: signing
    out changes nothing the user would call their account."""
    dbsession.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_generation=User.session_generation + 1,
                updated_at=User.updated_at)
    )
