"""``seatshare … tokens purge``: delete what can never be used again."""
import datetime

from sqlalchemy import delete, exists, or_, select

from ..models import AuthorizationCode, EmailChangeUndo, SignInAttempt, Token, utcnow
from ..services.email_undo import live

# Sign-in attempts are kept at least this long, and longer when
# seatshare.signin_window_seconds is longer: until then they still count.
SIGN_IN_ATTEMPT_RETENTION = datetime.timedelta(days=1)


def purge_expired(dbsession, now=None, signin_window_seconds=0, progress=None) -> dict:
    """Delete dead tokens, codes and old sign-in failures; the counts.

    * a token row once both its access token and its refresh token expired
      (a rotated refresh token is kept until then, so presenting it again
      still revokes its family);
    * an expired code once no token issued from it is left (until then a
      replay of it must still revoke them);
    * sign-in attempts older than a day, or than the throttling window
      (``signin_window_seconds``) when that is longer;
    * email-undo links used, ended or expired (``services.email_undo``).

    ``progress(done, total)`` is told how many of the tables are done,
    before the first and after each: one may take minutes on a large table.
    """
    now = now or utcnow()
    retention = max(SIGN_IN_ATTEMPT_RETENTION,
                    datetime.timedelta(seconds=signin_window_seconds))
    statements = {
        "tokens": delete(Token).where(
            Token.expires_at <= now,
            or_(Token.refresh_expires_at.is_(None), Token.refresh_expires_at <= now),
        ),
        "authorization_codes": delete(AuthorizationCode).where(
            AuthorizationCode.expires_at <= now,
            ~exists(select(Token.id).where(Token.authorization_code_id == AuthorizationCode.id)),
        ),
        "sign_in_attempts": delete(SignInAttempt).where(
            SignInAttempt.created_at <= now - retention),
        "email_undo_links": delete(EmailChangeUndo).where(~live(now)),
    }
    progress = progress or (lambda done, total: None)
    counts = {}
    progress(0, len(statements))
    for what, statement in statements.items():
        counts[what] = dbsession.execute(
            statement.execution_options(synchronize_session=False)).rowcount
        progress(len(counts), len(statements))
    return counts
