"""Revocation (RFC 7009) and introspection (RFC 7662): a client asks about,
or revokes, a token issued to it."""
import datetime

from oauthlib.oauth2.rfc6749 import errors
from sqlalchemy import or_, select

from ..models import Token, User, utcnow
from ..tokens import hash_token
from .issued import could_be_issued, lock_tokens_of, refresh_scopes, revoke_family


class RevocationAndIntrospection:
    """Needs ``self.dbsession``, set by the validator."""

    def _find_token(self, value, hint, request):
        """The token row whose access or refresh token is ``value``, whichever
        client it was issued to, and which of the two it is."""
        if not could_be_issued(value):
            return None, None
        digest = hash_token(value)
        row = self.dbsession.execute(
            select(Token).where(
                or_(Token.access_token_hash == digest, Token.refresh_token_hash == digest)
            )
        ).scalar_one_or_none()
        if row is None:
            return None, None
        kind = "access_token" if row.access_token_hash == digest else "refresh_token"
        return row, kind

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
        """RFC 7009 §2.1: revoking an access token revokes its pair; revoking a
        refresh token revokes every token of the same grant (its family). An
        unknown token is not an error (§2.2); another client's token is
        refused, and the client told (§2.1), with ``unauthorized_client``."""
        row, kind = self._find_token(token, token_type_hint, request)
        if row is None:
            return
        if row.application_id != request.client.id:
            raise errors.UnauthorizedClientError(
                description="The token was not issued to this client.", request=request
            )
        lock_tokens_of(self.dbsession, row.user_id)
        now = utcnow()
        if kind == "refresh_token":
            revoke_family(self.dbsession, row.family, now)
        elif row.revoked_at is None:
            row.revoked_at = now
        self.dbsession.flush()

    def introspect_token(self, token, token_type_hint, request, *args, **kwargs):
        """RFC 7662 §2.2: the claims of a live token issued to the caller;
        None (``{"active": false}``) for anything else."""
        row, kind = self._find_token(token, token_type_hint, request)
        if row is None or row.application_id != request.client.id or row.revoked_at is not None:
            # §2.2: another client's token is as inactive as an unknown one.
            return None
        now = utcnow()
        if kind == "access_token":
            expires_at = row.expires_at
        else:
            if row.refresh_used_at is not None:
                return None
            expires_at = row.refresh_expires_at
        if expires_at is None or expires_at <= now:
            return None
        scope = row.scopes if kind == "access_token" else refresh_scopes(row)
        claims = {
            "scope": scope,
            "client_id": request.client.client_id,
            "sub": str(row.user_id),
            "exp": int(expires_at.replace(tzinfo=datetime.UTC).timestamp()),
            "iat": int(row.created_at.replace(tzinfo=datetime.UTC).timestamp()),
        }
        if kind == "access_token":
            # §2.2: the type of an access token (RFC 6749 §7.1); a refresh
            # token has none, so none is named (not one a client could send).
            claims["token_type"] = "bearer"
        if "read" in scope.split():
            # The email is the user's profile, which only "read" lets the
            # application see: a write-only approval did not show it.
            claims["username"] = self.dbsession.scalar(
                select(User.email).where(User.id == row.user_id)
            )
        return claims
