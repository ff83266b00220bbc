"""Long random secrets and their at-rest form."""
import hashlib
import hmac
import secrets


def new_token() -> str:
    """64 lowercase hex characters: 256 bits from the OS's CSPRNG."""
    return secrets.token_hex(32)


def hash_token(value: str) -> str:
    """SHA-256 hex digest: how tokens, codes and client secrets are stored."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def tokens_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def derived_key(settings, purpose: bytes) -> bytes:
    """A key for one ``purpose`` alone, derived from
    ``seatshare.session_secret``: a MAC made for one purpose is never valid
    for another, and replacing the secret replaces every such key."""
    return hmac.new(settings["seatshare.session_secret"].encode("utf-8"), purpose,
                    hashlib.sha256).digest()
