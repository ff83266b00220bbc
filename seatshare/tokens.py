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
