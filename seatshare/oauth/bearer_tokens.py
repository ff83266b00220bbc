"""Bearer and refresh tokens (RFC 6749 §5.1, §6): stored as hashes, refresh
tokens rotated on every use, a rotated one presented again revoking its
family."""
import datetime

from oauthlib.oauth2.rfc6749 import errors
from sqlalchemy import update

from ..models import Token, mark_changed, utcnow
from ..tokens import hash_token
from .exchange_statements import CONSUME_CODE_AND_INSERT_TOKEN, INSERT_TOKEN
from .issued import could_be_issued, locked_refresh_token, refresh_scopes, revoke_family
from .scopes import normalize_scopes


class BearerTokens:
    """Needs ``self.dbsession``, ``self.refresh_token_lifetime`` and
    ``self._refresh_records`` (refresh token: what ``_refresh_record``
    read), set by the validator, and ``_code_was_used`` of
    ``AuthorizationCodes``."""

    def _refresh_record(self, refresh_token):
        """``(Token, application)`` of ``refresh_token`` (``locked_refresh_token``),
        or None: read once per request, by whichever asks first, client
        authentication (``_refreshing_public_client``) or
        ``validate_refresh_token``."""
        if refresh_token not in self._refresh_records:
            self._refresh_records[refresh_token] = self.dbsession.execute(
                locked_refresh_token(refresh_token)
            ).one_or_none() if could_be_issued(refresh_token) else None
        return self._refresh_records[refresh_token]

    def save_bearer_token(self, token, request, *args, **kwargs):
        """RFC 6749 §5.1: store the access and refresh token's hashes. A
        refreshed pair joins its predecessor's family (RFC 6819 §5.2.2.3)."""
        now = utcnow()
        refresh = token.get("refresh_token")
        values = {
            "access_token_hash": hash_token(token["access_token"]),
            "refresh_token_hash": hash_token(refresh) if refresh else None,
            "application_id": request.client.id,
            "user_id": request.user,
            "scopes": normalize_scopes(request.scopes),
            "family": request.token_family,
            "created_at": now,
            "expires_at": now + datetime.timedelta(seconds=token["expires_in"]),
            "refresh_expires_at": (
                now + datetime.timedelta(seconds=self.refresh_token_lifetime)
                if refresh else None
            ),
        }
        mark_changed(self.dbsession)
        connection = self.dbsession.connection()
        code_id = getattr(request, "code_to_consume", None)
        if code_id is None:
            values["authorization_code_id"] = request.authorization_code_id
            record = getattr(request, "refresh_record", None)
            kept = refresh_scopes(record) if record is not None else values["scopes"]
            if kept != values["scopes"]:
                # RFC 6749 §6: the new refresh token keeps the presented one's.
                values["refresh_scopes"] = kept
            connection.execute(INSERT_TOKEN, values)
            return
        parameters = {f"new_{name}": value for name, value in values.items()}
        issued = connection.execute(
            CONSUME_CODE_AND_INSERT_TOKEN, {**parameters, "code_id": code_id, "now": now}
        ).first()
        if issued is None:
            self._code_was_used(request, code_id, now)

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        """RFC 6749 §6 and §10.4: the refresh token is live and was issued to
        this client. A rotated one presented again means it leaked: its whole
        family is revoked (API.md §2, OAuth 2.0 Security BCP §4.14.2),
        whichever client presents it, as its own or another's. Only its own
        client is told "already used"; any other gets the generic
        ``invalid_grant`` and learns nothing about the token.

        The row is read with its user's token lock (``locked_refresh_token``)
        before the client is compared, so any presenter takes the owner's
        lock: for one request, and only with the refresh token itself."""
        row = self._refresh_record(refresh_token)
        if row is None:
            return False
        record = row.Token
        own_client = record.application_id == client.id
        now = utcnow()
        if record.refresh_used_at is not None:
            return self._refresh_token_was_used(request, record, now, told=own_client)
        if not own_client or record.revoked_at is not None or record.refresh_expires_at <= now:
            return False
        request.refresh_record = record
        request.user = record.user_id
        request.token_family = record.family
        request.authorization_code_id = record.authorization_code_id
        return True

    def consume_refresh_token(self, request):
        """RFC 6749 §6: rotation. Marks the presented refresh token used in one
        conditional UPDATE, so two parallel refreshes cannot both succeed: the
        loser revokes the family."""
        if request.grant_type != "refresh_token":
            return
        now = utcnow()
        record = request.refresh_record
        result = self.dbsession.execute(
            update(Token)
            .where(
                Token.id == record.id,
                Token.refresh_used_at.is_(None),
                Token.revoked_at.is_(None),
            )
            .values(refresh_used_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            self._refresh_token_was_used(request, record, now)

    def _refresh_token_was_used(self, request, record, now, told=True) -> bool:
        """A rotated refresh token presented again, or another refresh used
        it first: it leaked, its family is revoked; say so when ``told``
        (its own client), else refuse it as any other (False, the generic
        ``invalid_grant``)."""
        revoke_family(self.dbsession, record.family, now)
        if told:
            raise errors.InvalidGrantError(
                description="The refresh token was already used.", request=request
            )
        return False

    def rotate_refresh_token(self, request):
        """RFC 6749 §6: every refresh issues a new refresh token."""
        return True
