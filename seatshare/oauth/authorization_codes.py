"""Authorization codes (RFC 6749 §4.1.2, §10.5): stored as hashes, bound to
their client, single use under races, and a replay revokes what they got."""
import datetime
import uuid

from oauthlib.oauth2.rfc6749 import errors

from ..models import AuthorizationCode, mark_changed, on_postgresql, utcnow
from ..tokens import hash_token
from .exchange_statements import CONSUME_CODE
from .issued import could_be_issued, revoke_family_of_code
from .pkce import check_code_verifier, proves_challenge
from .scopes import normalize_scopes


class AuthorizationCodes:
    """Needs ``self.dbsession``, ``self.code_lifetime`` and ``self._codes``
    (filled by ``ClientAuthentication._application``), set by the validator."""

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        """RFC 6749 §4.1.2: a short-lived code bound to the client, the user,
        the redirect URI, the scopes and the PKCE challenge. Only its hash is
        stored."""
        self.dbsession.add(
            AuthorizationCode(
                code_hash=hash_token(code["code"]),
                application_id=request.client.id,
                user_id=request.user.id,
                redirect_uri=request.redirect_uri,
                scopes=normalize_scopes(request.scopes),
                code_challenge=request.code_challenge,
                code_challenge_method=request.code_challenge and request.code_challenge_method,
                expires_at=utcnow() + datetime.timedelta(seconds=self.code_lifetime),
            )
        )
        self.dbsession.flush()

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        """RFC 6749 §4.1.3 and §10.5: the code exists, belongs to this client
        and has not expired. A code used before is refused, and (§4.1.2)
        every token issued from it is revoked, whether its own client or
        another confidential one (authenticated by its secret) presents it;
        another confidential client's presentation of an unused code burns
        it. A public client proves nothing with its client_id: another
        application's code presented by one is refused and left as it is.
        A replay is told "already used" only when the code's own client
        proves itself (``_presented_by_its_client``); anyone else gets the
        generic ``invalid_grant`` and learns nothing about the code.

        RFC 7636 §4.5: a ``code_verifier`` for a code stored without a
        challenge is refused, where oauthlib would ignore it; and §4.1: one
        that is not 43 to 128 unreserved characters is ``invalid_request``,
        even if it matches (a short one could be found from the challenge,
        which the authorization request's URL shows), where oauthlib checks
        only that it matches.
        """
        if not could_be_issued(code):
            return False
        # Read with the client (``_application``) by its hash alone; oauthlib
        # authenticates the client before it asks about the code: by its
        # secret when it is confidential, by its client_id alone when public.
        record = self._codes.get(code)
        if record is None:
            return False
        if record.application_id != client.id and not client.confidential:
            # Anyone may send a public client's id: no effect on another's code.
            return False
        # The user's token lock (lock_tokens_of) was taken as the code was
        # read, with its application (ENABLED_APPLICATION_WITH_CODE).
        now = utcnow()
        if record.used_at is not None:
            # Its client learns why, and nothing it did not know, once it
            # proves it is that client: a public client's id proves nothing,
            # and whoever intercepted its code would learn that it was real.
            return self._code_was_used(request, record.id, now,
                                       told=self._presented_by_its_client(record, client, request))
        if record.application_id != client.id:
            # Refused: a code is bound to the client it was issued to
            # (§4.1.3). And burned (marked used): in another client's hands
            # it has leaked, and §10.5 keeps codes single-use so that a
            # leaked one is worth nothing. So the order of the two
            # presentations does not matter: after its client's exchange,
            # this one revokes what that exchange got (above); before it,
            # it makes that exchange a replay, refused. Either way nothing
            # issued from a leaked code stays valid, at the cost of the user
            # authorizing again.
            if not self._consume_code(record.id, now):
                # Its client exchanged it meanwhile: a replay after all.
                return self._code_was_used(request, record.id, now, told=False)
            return False
        if record.expires_at <= now:
            return False
        check_code_verifier(record, request)
        request.code_record = record
        request.user = record.user_id
        request.scopes = record.scopes.split()
        request.token_family = uuid.uuid4().hex
        request.authorization_code_id = record.id
        return True

    @staticmethod
    def _presented_by_its_client(record, client, request) -> bool:
        """Whether the code's own client, proven, presents it: a
        confidential client authenticated by its secret, or a public one
        sending the verifier of the code's PKCE challenge."""
        return record.application_id == client.id and (
            client.confidential or proves_challenge(record, request.code_verifier))

    def consume_authorization_code(self, request):
        """RFC 6749 §4.1.2: a code works once. Runs after every other check
        (a ``post_token`` validator), as one conditional UPDATE, so of two
        parallel exchanges exactly one wins; the loser revokes what the
        winner got."""
        if request.grant_type != "authorization_code":
            return
        if on_postgresql(self.dbsession):
            # ``save_bearer_token`` consumes it, in the statement that
            # stores the token (``CONSUME_CODE_AND_INSERT_TOKEN``).
            request.code_to_consume = request.authorization_code_id
            return
        now = utcnow()
        if not self._consume_code(request.authorization_code_id, now):
            self._code_was_used(request, request.authorization_code_id, now)

    def _consume_code(self, code_id, now) -> bool:
        """Mark the code used unless it is: whether this call did. One
        conditional UPDATE, so of two callers exactly one does."""
        mark_changed(self.dbsession)
        result = self.dbsession.connection().execute(
            CONSUME_CODE, {"code_id": code_id, "now": now}
        )
        return result.rowcount == 1

    def _code_was_used(self, request, code_id, now, told=True) -> bool:
        """A replay (RFC 6749 §4.1.2), or another exchange consumed the code
        first: revoke what it got; say so when ``told``, else refuse the
        code as any other (False, the generic ``invalid_grant``)."""
        revoke_family_of_code(self.dbsession, code_id, now)
        if told:
            raise errors.InvalidGrantError(
                description="The authorization code was already used.", request=request
            )
        return False

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        """RFC 6749 §4.1.2: already done, atomically, by
        ``consume_authorization_code`` before the token was issued."""
