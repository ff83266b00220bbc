"""``seatshare … tokens purge``: delete what can never be used again."""
import datetime

from sqlalchemy import delete, exists, or_, select

from ..models import AuthorizationCode, EmailChangeUndo, SignInAttempt, Token, utcnow
from ..services.email_undo import live

# Sign-in attempts are kept at least this long, and longer when
# seatshare.signin_window_seconds is longer: until then they still count.
SIGN_IN_ATTEMPT_RETENTION = datetime.timedelta(days=1)


def purge_expired(dbsession, now=None, signin_window_seconds=0) -> dict:
    """Delete dead tokens, codes and old sign-in failures; the counts.

    * a token row once both its access token and its refresh token expired
      (a rotated refresh token is kept until then, so presenting it again
      still revokes its family);
    * an expired code once no token issued from it is left (until then a
      replay of it must still revoke them);
    * sign-in attempts older than a day, or than the throttling window
      (``signin_window_seconds``) when that is longer;
    * email-undo links used, ended or expired (``services.email_undo``).
    """
    now = now or utcnow()
    retention = max(SIGN_IN_ATTEMPT_RETENTION,
                    datetime.timedelta(seconds=signin_window_seconds))
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
        .where(SignInAttempt.created_at <= now - retention)
        .execution_options(synchronize_session=False)
    ).rowcount
    undo_links = dbsession.execute(
        delete(EmailChangeUndo)
        .where(~live(now))
        .execution_options(synchronize_session=False)
    ).rowcount
    return {"tokens": tokens, "authorization_codes": codes, "sign_in_attempts": attempts,
            "email_undo_links": undo_links}
