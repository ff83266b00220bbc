"""Sign-in and sign-up throttling: attempts counted per key in the database.

The attempts live in the ``sign_in_attempts`` table, so every server process
sees the same count. Sign-in counts its failures per account and per address
(an IPv6 address's /64: ``client_network``);
sign-up counts every attempt that reaches the "is this email taken" check per
address, and the reset page every link asked for, per address and per email,
under keys of their own; a browser showing the account's device cookie
(``devices.py``) per device cookie instead of per account or email. After
``seatshare.signin_max_failures`` of them within
``seatshare.signin_window_seconds`` for any key, the page answers 429 until
the oldest leaves the window: sign-up tells whether an email has an
account, so learning that costs an address as much there as at sign-in.
Invitations (``POST /api/v1/groups/ID/invitations``), which mail words their
sender chose to any address, count per sender and per address under
limits of their own (``INVITATION_LIMITS``).

A key is ``kind:value``; the table keeps ``kind:`` and an HMAC of the value,
keyed by ``seatshare.session_secret``, never the value itself: what someone
typed into the email field is, now and then, their password.
"""
import dataclasses
import datetime
import hashlib
import hmac
import ipaddress
import math

from sqlalchemy import func, select

from ..models import SignInAttempt, on_postgresql, utcnow
from ..settings import number
from ..tokens import derived_key


def _key(kind: str, value: str | None) -> str:
    """One throttling key (``SignInLimiter.stored`` is what the table keeps)."""
    return f"{kind}:{value or 'unknown'}"


# RFC 6177: an IPv6 site is given a /64 at least, and a client may send
# from any address in it (RFC 4941's temporary addresses do, unasked).
IPV6_CLIENT_PREFIX = 64


def client_network(address: str | None) -> str | None:
    """What an address key counts attempts against: an IPv4 address itself
    (also when a dual-stack socket shows it as ``::ffff:a.b.c.d``), an IPv6
    address's /64, so that cycling through one's own addresses lifts no
    limit; anything else as it is."""
    try:
        ip = ipaddress.ip_address((address or "").strip("[]"))
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network((ip, IPV6_CLIENT_PREFIX), strict=False))
    return str(ip)


def _address_key(kind: str, address: str | None) -> str:
    return _key(kind, client_network(address))


def attempt_keys(email: str, address: str | None, device: str | None = None) -> list[str]:
    """A sign-in's keys: per address, and per account, or, for a browser
    showing the account's device cookie (``device``: its nonce, see
    ``devices.py``), per device cookie instead: failures elsewhere never
    lock out a browser that has signed in before, and its own lock out
    only itself."""
    return [_key("device", device) if device else _key("account", email),
            _address_key("address", address)]


def sign_up_keys(address: str | None) -> list[str]:
    return [_address_key("signup-address", address)]


def reset_keys(email: str, address: str | None, device: str | None = None) -> list[str]:
    """A reset link asked for: per address, and per email (no mailbox is
    sent more than the limit's worth of links by others), or per device
    cookie for a browser showing the account's (as ``attempt_keys``)."""
    return [_address_key("reset-address", address),
            _key("reset-device", device) if device else _key("reset-account", email)]


def invitation_keys(inviter_id: int, email: str) -> list[str]:
    """An invitation mailed: per administrator who sends it, and per address
    it goes to, whoever sends it."""
    return [_key("invitation-sender", str(inviter_id)), _key("invitation-address", email)]


# The settings of a limit: the most attempts and the window (what each may
# be is in ``settings.NUMBERS``).
SIGN_IN_LIMITS = ("seatshare.signin_max_failures", "seatshare.signin_window_seconds")
INVITATION_LIMITS = ("seatshare.invitation_max", "seatshare.invitation_window_seconds")


def _hmac_key(settings) -> bytes:
    return derived_key(settings, b"seatshare throttling keys")


@dataclasses.dataclass(frozen=True)
class AttemptCounts:
    """The attempts in the window under some keys, as ``SignInLimiter.counts``
    read them at ``now``, in this attempt's turn (``take_turns``), which
    lasts until it commits: per stored key, how many and the oldest's time."""
    limiter: "SignInLimiter"
    now: datetime.datetime
    counted: tuple  # (stored key, attempts, the oldest's time or None), per key

    @property
    def retry_after(self) -> int | None:
        """Seconds until an attempt is allowed again, or None when it is now."""
        return self.limiter.wait(self.counted, self.now)

    def record_failure(self, dbsession) -> int | None:
        """Count one attempt against every key counted (a failed sign-in,
        or any sign-up), once, at the ``now`` they were counted:
        ``retry_after`` with it, from these counts, without asking again,
        so that an attempt that left the window since is not counted where
        the window is not measured."""
        dbsession.add_all(SignInAttempt(key=key, created_at=self.now)
                          for key, _count, _oldest in self.counted)
        dbsession.flush()
        return self.limiter.wait(
            [(key, count + 1, oldest or self.now) for key, count, oldest in self.counted],
            self.now)


@dataclasses.dataclass(frozen=True)
class SignInLimiter:
    max_failures: int
    window_seconds: int
    hmac_key: bytes

    @classmethod
    def from_settings(cls, settings, limits=None):
        """The limiter of sign-in, sign-up and reset links, or of ``limits``
        (``INVITATION_LIMITS``)."""
        most, window = limits or SIGN_IN_LIMITS
        return cls(
            number(settings, most),
            number(settings, window),
            _hmac_key(settings),
        )

    def stored(self, key: str) -> str:
        """``key`` as the table keeps it: its kind, and an HMAC of its value."""
        kind, _, value = key.partition(":")
        mac = hmac.new(self.hmac_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"{kind}:{mac}"

    def lock_id(self, key: str) -> int:
        """The PostgreSQL advisory lock of ``key``: 64 bits of a hash of it."""
        digest = hashlib.sha256(self.stored(key).encode("ascii")).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def take_turns(self, dbsession, keys) -> None:
        """Attempts under one key run one at a time, from their count to
        their commit: an advisory lock per key until the transaction ends,
        taken in one order. Else, on PostgreSQL, attempts sent at once each
        counted the failures before any was recorded, and as many passwords
        were tried as the server had threads (eight failed sign-ins at once
        where five are allowed). SQLite runs one writing transaction at a
        time already."""
        if not on_postgresql(dbsession):
            return
        for lock_id in sorted({self.lock_id(key) for key in keys}):
            dbsession.execute(select(func.pg_advisory_xact_lock(lock_id)))

    def counts(self, dbsession, keys, now=None) -> AttemptCounts:
        """The attempts under ``keys`` in the window that ends ``now``
        (``AttemptCounts``: its ``retry_after``, the seconds until sign-in
        is allowed again, and its ``record_failure``). Taken in turn with
        the other attempts under ``keys`` (``take_turns``).

        One query once it is this attempt's turn (on PostgreSQL, after one
        advisory lock per key): per key, the failures in the window and the
        oldest of them.
        """
        self.take_turns(dbsession, keys)
        now = now or utcnow()
        stored = [self.stored(key) for key in keys]
        rows = dict(
            (key, (count, oldest)) for key, count, oldest in dbsession.execute(
                select(SignInAttempt.key, func.count(), func.min(SignInAttempt.created_at))
                .where(SignInAttempt.key.in_(stored), SignInAttempt.created_at > self._since(now))
                .group_by(SignInAttempt.key)
            ).all())
        return AttemptCounts(self, now, tuple(
            (key, *rows.get(key, (0, None))) for key in dict.fromkeys(stored)))

    def _since(self, now):
        """When the window that ends ``now`` starts."""
        return now - datetime.timedelta(seconds=self.window_seconds)

    def wait(self, counted, now) -> int | None:
        """The seconds until the oldest attempt of each key ``counted`` at
        its limit (stored key, attempts, the oldest's time) leaves the
        window that ends ``now``; None when no key is at its limit."""
        since = self._since(now)
        waits = [
            (oldest - since).total_seconds()
            for _, count, oldest in counted
            if count >= self.max_failures
        ]
        if not waits:
            return None
        return max(1, math.ceil(max(waits)))
