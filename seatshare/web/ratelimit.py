"""Sign-in throttling: failures counted per account and per address.

The failures live in the ``sign_in_attempts`` table, so every server process
sees the same count. After ``seatshare.signin_max_failures`` failures within
``seatshare.signin_window_seconds`` for the account or for the address, sign-in
answers 429 until the oldest of those failures leaves the window.
"""
import dataclasses
import datetime
import math

from sqlalchemy import func, select

from ..models import SignInAttempt, utcnow


def attempt_keys(email: str, address: str | None) -> list[str]:
    return [f"account:{email}"[:300], f"address:{address or 'unknown'}"[:300]]


@dataclasses.dataclass(frozen=True)
class SignInLimiter:
    max_failures: int
    window_seconds: int

    @classmethod
    def from_settings(cls, settings):
        return cls(
            int(settings["seatshare.signin_max_failures"]),
            int(settings["seatshare.signin_window_seconds"]),
        )

    def retry_after(self, dbsession, keys, now=None) -> int | None:
        """Seconds until sign-in is allowed again, or None when it is now.

        One query: per key, the failures in the window and the oldest of them.
        """
        now = now or utcnow()
        since = now - datetime.timedelta(seconds=self.window_seconds)
        rows = dbsession.execute(
            select(SignInAttempt.key, func.count(), func.min(SignInAttempt.created_at))
            .where(SignInAttempt.key.in_(keys), SignInAttempt.created_at > since)
            .group_by(SignInAttempt.key)
        ).all()
        waits = [
            (oldest - since).total_seconds()
            for _, count, oldest in rows
            if count >= self.max_failures
        ]
        if not waits:
            return None
        return max(1, math.ceil(max(waits)))

    def record_failure(self, dbsession, keys, now=None) -> None:
        now = now or utcnow()
        dbsession.add_all(SignInAttempt(key=key, created_at=now) for key in keys)
        dbsession.flush()
