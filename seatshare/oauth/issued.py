"""Codes and tokens we issued: recognizing one, and revoking a grant's tokens.

Shared by the validator's parts and by disconnecting an application
(``services/authorizations.py``).
"""
import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Bundle

from ..models import Application, Token, User, on_postgresql
from ..tokens import hash_token


def could_be_issued(value) -> bool:
    """Whether ``value`` could be a code or token we issued (a string of at
    most 128 characters); anything else matches none without a query."""
    return isinstance(value, str) and len(value) <= 128


def refresh_scopes(row: Token) -> str:
    """The scopes of ``row``'s refresh token (RFC 6749 §6)."""
    return row.refresh_scopes or row.scopes


def lock_tokens_of(dbsession, user_id: int) -> None:
    """Take the user's row lock before issuing or revoking their tokens.

    Every request that does (a code exchange, a refresh, a replay's
    revocation, RFC 7009's, disconnecting an application) takes it first,
    so for one user they run one after the other. Without it, a revocation's
    UPDATE sees the tokens of its snapshot only: it waits for a refresh in
    progress (which holds the presented token's row) and then misses the
    successor that refresh stored, and the application keeps a working
    token the user, or the family rule, had just revoked. FOR NO KEY
    UPDATE: it holds up no foreign key's key-share lock, so the user's
    other writes do not wait. PostgreSQL only: SQLite runs one writing
    transaction at a time.
    """
    if on_postgresql(dbsession):
        dbsession.execute(
            select(User.id).where(User.id == user_id).with_for_update(key_share=True)
        )


def locked_refresh_token(refresh_token):
    """``(Token, application)``: the Token row whose refresh token is
    ``refresh_token``, whichever application it was issued to, and that
    application's columns, as ``enabled_application`` reads them; no row
    when the application is disabled. Read with the user's token lock
    (``lock_tokens_of``): one round trip."""
    return (
        select(Token, Bundle("application", *Application.__table__.c))
        .join(User, User.id == Token.user_id)
        .join(Application, Application.id == Token.application_id)
        .where(Token.refresh_token_hash == hash_token(refresh_token),
               Application.disabled.is_(False))
        .with_for_update(of=User, key_share=True)
    )


def revoke_family_of_code(dbsession, code_id: int, now: datetime.datetime) -> None:
    """Revoke every token descended from the code: the first exchange's and
    every refresh of it."""
    families = select(Token.family).where(Token.authorization_code_id == code_id)
    dbsession.execute(
        update(Token)
        .where(Token.family.in_(families), Token.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_family(dbsession, family: str, now: datetime.datetime) -> None:
    dbsession.execute(
        update(Token)
        .where(Token.family == family, Token.revoked_at.is_(None))
        .values(revoked_at=now)
    )
