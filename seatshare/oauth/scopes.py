"""Scopes (RFC 6749 §3.3): ``read`` and ``write``, both by default."""
from oauthlib.oauth2.rfc6749 import errors

from .issued import refresh_scopes

SCOPES = ("read", "write")
SCOPES_DESCRIPTION = "The scopes are read and write, separated by spaces."


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
        """RFC 6749 §3.3: only ``read`` and ``write`` exist. Any other is
        ``invalid_scope``, raised here with a description naming them
        (oauthlib's has none): ``read,write``, GitHub's separator, is one
        unknown scope."""
        if not (scopes and all(scope in SCOPES for scope in scopes)):
            raise errors.InvalidScopeError(description=SCOPES_DESCRIPTION, request=request)
        return True

    def get_original_scopes(self, refresh_token, request, *args, **kwargs):
        """RFC 6749 §6: a refresh may narrow the original scopes, never widen;
        the original are the refresh token's own, which a narrowed refresh
        before did not narrow."""
        return refresh_scopes(request.refresh_record).split()
