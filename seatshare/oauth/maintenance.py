"""``seatshare … tokens purge``: delete what can never be used again."""
import datetime

from sqlalchemy import delete, exists, or_, select

from ..models import AuthorizationCode, SignInAttempt, Token, utcnow

# Failed sign-ins older than this no longer count for any sensible window.
SIGN_IN_ATTEMPT_RETENTION = datetime.timedelta(days=1)


def purge_expired(dbsession, now=None) -> dict:
    """Delete dead tokens, codes and old sign-in failures; the counts.

    * a token row once both its access token and its refresh token expired
      (a rotated refresh token is kept until then, so presenting it again
      still revokes its family);
    * an expired code once no token issued from it is left (until then a
      replay of it must still revoke them);
    * failed sign-ins older than a day.
    """
    now = now or utcnow()
    tokens = dbsession.execute(
        delete(Token)
        .where(
            Token.expires_at <= now,
            or_(Token.refresh_expires_at.is_(None), Token.refresh_expires_at <= now),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    codes = dbsession.execute(
        delete(AuthorizationCode)
        .where(
            AuthorizationCode.expires_at <= now,
            ~exists(select(Token.id).where(Token.authorization_code_id == AuthorizationCode.id)),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    attempts = dbsession.execute(
        delete(SignInAttempt)
        .where(SignInAttempt.created_at <= now - SIGN_IN_ATTEMPT_RETENTION)
        .execution_options(synchronize_session=False)
    ).rowcount
    return {"tokens": tokens, "authorization_codes": codes, "sign_in_attempts": attempts}
