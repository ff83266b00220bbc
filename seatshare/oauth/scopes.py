"""Scopes (RFC 6749 §3.3): ``read`` and ``write``, both by default."""
from .issued import refresh_scopes

SCOPES = ("read", "write")


def normalize_scopes(scopes) -> str:
    """Scopes as one string in a fixed order: ``"read write"``."""
    wanted = set(scopes or ())
    return " ".join(scope for scope in SCOPES if scope in wanted)


class ScopeValidation:
    """The validator's answers about scopes."""

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        """RFC 6749 §3.3: without ``scope`` a client gets read and write."""
        return list(SCOPES)

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        """RFC 6749 §3.3: only ``read`` and ``write`` exist."""
        return bool(scopes) and all(scope in SCOPES for scope in scopes)

    def get_original_scopes(self, refresh_token, request, *args, **kwargs):
        """RFC 6749 §6: a refresh may narrow the original scopes, never widen;
        the original are the refresh token's own, which a narrowed refresh
        before did not narrow."""
        return refresh_scopes(request.refresh_record).split()
