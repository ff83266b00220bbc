"""Device cookies: OWASP's "Slow Down Online Guessing Attacks with Device Cookies".

Signing in (or up, or choosing a new password) gives the browser a
long-lived cookie, ``NONCE.MAC``: a random nonce, and an HMAC-SHA256 of the
user's id, the nonce and the account's password hash under a key derived
from ``seatshare.session_secret`` for this purpose alone. A new password
retires every device cookie issued before it: whoever signed in with the
old one (the reason to change it) keeps no budget of guesses of their own.
It names no account in clear, and checks out only against the account it
was issued for; one tampered with, forged, or for another account reads as
no cookie at all.

A browser showing the account's device cookie has signed in to it before:
the sign-in throttle counts its failures against its nonce instead of the
account (see ``ratelimit.attempt_keys``), so nobody else's failed sign-ins
lock it out, and its own lock out only itself.
"""
import dataclasses
import hashlib
import hmac
import re
import secrets

from ..settings import as_bool, number
from ..tokens import derived_key

NONCE_BYTES = 16
VALUE_RE = re.compile(r"([A-Za-z0-9_-]{22})\.([0-9a-f]{64})")


def cookie_name(name: str, secure: bool) -> str:
    """Over HTTPS, the ``__Host-`` prefix: browsers keep such a cookie only
    when it is Secure, for this host and path ``/``, so no other subdomain
    (or plain-HTTP page) can set one that the sign-in pages would read."""
    return f"__Host-{name}" if secure else name


@dataclasses.dataclass(frozen=True)
class DeviceCookies:
    name: str
    secure: bool
    max_age: int
    key: bytes = dataclasses.field(repr=False)

    @classmethod
    def from_settings(cls, settings):
        secure = as_bool(settings.get("seatshare.session_secure", False))
        return cls(
            cookie_name("seatshare_device", secure),
            secure,
            number(settings, "seatshare.device_cookie_max_age"),
            derived_key(settings, b"seatshare device cookies"),
        )

    def _mac(self, user, nonce: str) -> str:
        message = f"{user.id}\n{nonce}\n{user.password_hash or ''}".encode("utf-8")
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def issue(self, response, user) -> None:
        """Give the browser a new device cookie for the account (a ``User``)."""
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        response.set_cookie(self.name, f"{nonce}.{self._mac(user, nonce)}",
                            max_age=self.max_age, path="/", secure=self.secure,
                            httponly=True, samesite="Lax")

    def nonce(self, request, user) -> str | None:
        """The nonce of the browser's device cookie when it was issued for
        ``user`` (a ``User``, or None for no account); else None."""
        match = VALUE_RE.fullmatch(request.cookies.get(self.name) or "")
        if user is None or match is None:
            return None
        return match[1] if hmac.compare_digest(self._mac(user, match[1]), match[2]) else None


def trusted_device(request, user) -> str | None:
    """``DeviceCookies.nonce`` under the settings of ``request``."""
    return DeviceCookies.from_settings(request.registry.settings).nonce(request, user)


def issue_device_cookie(request, response, user) -> None:
    DeviceCookies.from_settings(request.registry.settings).issue(response, user)
