"""Taking an account back after an application changed its email.

Any application with the write scope may change the account's email
(``PUT /api/v1/users/me``), and a password-reset link then goes to the new
address: whoever holds such a token could take the account. So the former
address is mailed a link, ``/email-undo/<token>``, that for
``seatshare.email_undo_lifetime`` seconds (7 days) and once puts the address
back, ends every browser session, disconnects every application and leaves
the account without a password until its owner chooses one.

While an account has a live undo, a further change chains to it: the new
link goes to the same former address, puts that address back, and keeps
the expiry (else an application changing the email twice in a row would
send the only live link to a mailbox of its own), and the earlier links
keep working (else an application changing the email over and over would
end each link before its owner could use it). Using one ends them all, and
so does a change back to that address, which makes none (else the mailbox
it had been moved to would get a link to take the account back to
itself): a link never undoes a change made after the address came back.
"""
import datetime
import re

from sqlalchemy import select, update

from ..calendar import reset_feed_secret
from ..mail import mail_email_changed
from ..models import EmailChangeUndo, User, utcnow
from ..settings import number
from ..tokens import hash_token, new_token
from .authorizations import revoke_authorization

TOKEN_RE = re.compile(r"[0-9a-f]{64}")


def live(now=None):
    """The SQL condition of an undo that can still be used (at ``now``);
    ``tokens purge`` deletes the others."""
    return EmailChangeUndo.ended_at.is_(None) & (EmailChangeUndo.expires_at > (now or utcnow()))


def live_undo(dbsession, user_id: int) -> EmailChangeUndo | None:
    return dbsession.scalars(
        select(EmailChangeUndo).where(EmailChangeUndo.user_id == user_id, live())
    ).first()


def tell_old_address(request, user: User, old_email: str, application_name: str) -> None:
    """``application_name`` changed ``user``'s email from ``old_email``:
    make the undo for this change and mail its link to the address it puts
    back; ``old_email``, when that is another address, is told of the
    change without a link."""
    dbsession = request.dbsession
    now = utcnow()
    previous = live_undo(dbsession, user.id)
    restore = previous.restore_email if previous is not None else old_email
    if restore == user.email:
        end_undos(dbsession, user.id)
    else:
        token = new_token()
        lifetime = number(request.registry.settings, "seatshare.email_undo_lifetime")
        undo = EmailChangeUndo(
            user_id=user.id, token_hash=hash_token(token), restore_email=restore,
            changed_to=user.email, application_name=application_name, created_at=now,
            expires_at=(previous.expires_at if previous is not None
                        else now + datetime.timedelta(seconds=lifetime)),
        )
        dbsession.add(undo)
        dbsession.flush()
        mail_email_changed(request, user, restore, application_name,
                           undo_url=f"{request.application_url}/email-undo/{token}",
                           undo_expires=undo.expires_at)
    if restore != old_email:
        mail_email_changed(request, user, old_email, application_name)


def end_undos(dbsession, user_id: int) -> None:
    """End every live undo of the account."""
    dbsession.execute(
        update(EmailChangeUndo)
        .where(EmailChangeUndo.user_id == user_id, EmailChangeUndo.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )


def undo_token_state(dbsession, token: str) -> tuple:
    """``(undo, None)`` for the live undo a link's token is for; else
    ``(None, why)``: ``"damaged"``, not the 64 hex digits of a token (cut
    short or changed); ``"gone"``, a token SeatShare no longer knows (used,
    expired or ended, then deleted by ``tokens purge``); ``"used"``, its
    undo (or another of the same change) used, or ended by the address
    changing back; ``"expired"``."""
    if not TOKEN_RE.fullmatch(token):
        return None, "damaged"
    row = dbsession.execute(
        select(EmailChangeUndo, live().label("live"))
        .where(EmailChangeUndo.token_hash == hash_token(token))
    ).one_or_none()
    if row is None:
        return None, "gone"
    if row.live:
        return row.EmailChangeUndo, None
    return None, "used" if row.EmailChangeUndo.ended_at is not None else "expired"


def undo_email_change(dbsession, undo: EmailChangeUndo) -> User | None:
    """Put ``undo``'s address back on its account and take the account back:
    no password (whoever changed the email may have chosen one through a
    reset link), every browser session ended, every application's tokens,
    unused codes and remembered approvals gone, new calendar feed URLs. None,
    changing nothing, when another request used an undo or changed the
    email meanwhile.

    One UPDATE, conditional on the email this request read: an email change
    or another undo in progress holds the row, and commits first (this one
    then finds the email changed, and changes nothing) or waits for this."""
    user = undo.user
    restored = dbsession.execute(
        update(User)
        .where(User.id == user.id, User.email == user.email)
        .values(email=undo.restore_email, password_hash=None,
                session_generation=User.session_generation + 1)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if restored != 1:
        return None
    end_undos(dbsession, user.id)
    revoke_authorization(dbsession, user.id)
    reset_feed_secret(user)
    dbsession.flush()
    return user
