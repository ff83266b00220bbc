"""Passwords: which may be chosen, and argon2id hashes, never the password itself.

Long random secrets (tokens, codes, client secrets) use SHA-256 instead
(``seatshare.tokens``); only human-chosen passwords need a slow hash.
"""
import functools
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .settings import as_bool

MIN_PASSWORD_LENGTH = 10


@functools.cache
def common_passwords() -> frozenset[str]:
    """The package's list of the most common passwords, lowercased."""
    text = files(__package__).joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line for line in text.splitlines() if line and not line.startswith("#")
    )


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` may not be chosen, or None when it may.

    NIST SP 800-63B §5.1.1.2: long enough, and not a value an attacker tries
    first: only whitespace, one character repeated, the account's email or
    its local part (context-specific words), or a commonly used password.
    Comparisons ignore case and surrounding whitespace.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if not password.strip():
        return "A password cannot be only spaces."
    if len(set(password)) == 1:
        return "A password cannot be one character repeated."
    folded, email = password.strip().casefold(), email.strip().casefold()
    if email and folded in (email, email.rpartition("@")[0]):
        return "A password cannot be your email address or the part before the @."
    if folded in common_passwords():
        return "This is one of the most common passwords; choose another."
    return None


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
