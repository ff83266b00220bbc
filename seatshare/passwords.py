"""Passwords: argon2id hashes, never the password itself.

Long random secrets (tokens, codes, client secrets) use SHA-256 instead
(``seatshare.tokens``); only human-chosen passwords need a slow hash.
"""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .settings import as_bool

# Verifying against this when no account matches makes an unknown email
# cost as much time as a wrong password: response time reveals nothing.
_DUMMY_PASSWORD = "no account has this password"


class Passwords:
    """Hashes and verifies passwords with one configured argon2id hasher."""

    def __init__(self, hasher: PasswordHasher):
        self.hasher = hasher
        self._dummy_hash = hasher.hash(_DUMMY_PASSWORD)

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when ``password`` matches; always spends one verification."""
        try:
            return self.hasher.verify(password_hash or self._dummy_hash, password) and (
                password_hash is not None
            )
        except (VerificationError, InvalidHashError):
            return False


def passwords_from_settings(settings) -> Passwords:
    """argon2id with the library's defaults (RFC 9106's second choice).

    ``seatshare.password_hash_fast = true`` selects cheap parameters so a test
    suite that hashes many passwords stays quick; never set it in production.
    """
    if as_bool(settings.get("seatshare.password_hash_fast", False)):
        return Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    return Passwords(PasswordHasher())


def includeme(config):
    passwords = passwords_from_settings(config.get_settings())
    config.add_request_method(lambda request: passwords, "passwords", reify=True)
