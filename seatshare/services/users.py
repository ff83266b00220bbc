"""Changing your own profile (``PUT /users/me``)."""
from pyramid_retry import RetryableException
from sqlalchemy import select

from ..calendar import reset_feed_secret
from ..errors import APIError
from ..models import Application, EmailChangeUndo, User
from .email_undo import live, tell_old_address


def change_my_profile(request, user: User, changes: dict) -> User:
    """``PUT /users/me``: ``update_profile``; a new email is told to the old
    address, naming the application, with a link to undo it
    (``services.email_undo``)."""
    old_email = user.email
    update_profile(request.dbsession, user, changes)
    if user.email != old_email:
        application = request.dbsession.get(Application, request.identity.token.application_id)
        tell_old_address(request, user, old_email, application.name)
    return user


def update_profile(dbsession, user: User, changes: dict) -> User:
    """Apply a validated partial update to ``user``'s own profile; or a 400
    when the new email is another user's, with nothing changed.
    ``reset_calendar_url`` true gives the user new calendar feed URLs."""
    if "email" in changes and changes["email"] != user.email:
        hold_as_read(dbsession, user)
    if "email" in changes and email_holder(dbsession, changes["email"]) not in (None, user.id):
        raise APIError(400, fields={"email": "is already taken"})
    if changes.pop("reset_calendar_url", False):
        reset_feed_secret(user)
    for name, value in changes.items():
        setattr(user, name, value)
    dbsession.flush()
    return user


class ChangedMeanwhile(RetryableException):
    """The account's email is no longer the one this request read."""


def hold_as_read(dbsession, user: User) -> None:
    """Take the account's row lock, and run the request again (from its
    token's check) unless the email is still the one this request read.
    An undo (``services.email_undo``) that committed meanwhile put the old
    address back and revoked the token this request was let in with; going
    on would move the account away again, and mail the address the undo
    took back a link to put it back. Run again, the request is refused
    (401). PostgreSQL's row lock makes this wait for an undo in progress;
    SQLite runs one writing transaction at a time."""
    current = dbsession.scalar(select(User.email).where(User.id == user.id).with_for_update())
    if current != user.email:
        raise ChangedMeanwhile(f"user {user.id}'s email changed meanwhile")


def email_holder(dbsession, email: str) -> int | None:
    """The id of the account with ``email``, if any (emails are unique), or
    of the account a live email-change undo would put ``email`` back on:
    what a profile change, a sign-up and ``user create`` each check. The
    undo must be able to put it back, so nobody else may take it meanwhile
    (whoever changed the email could otherwise sign up with the old one)."""
    claim = email_claim(dbsession, email)
    return claim[0] if claim is not None else None


def email_claim(dbsession, email: str):
    """``email_holder``'s account as ``(user_id, reserved_until)``:
    ``reserved_until`` is None when the account has the address, and when
    a live undo keeps it for the account, the last moment it can; None when
    the address is free."""
    holder = dbsession.scalar(select(User.id).where(User.email == email))
    if holder is not None:
        return holder, None
    return dbsession.execute(
        select(EmailChangeUndo.user_id, EmailChangeUndo.expires_at)
        .where(EmailChangeUndo.restore_email == email, live())
        .order_by(EmailChangeUndo.expires_at.desc())
        .limit(1)
    ).first()
