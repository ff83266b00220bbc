"""The oauthlib ``RequestValidator``: every question oauthlib asks, answered
from the request's database session.

Codes, tokens and client secrets are looked up by their SHA-256 hash; the
plain values exist only in the responses that hand them out. One validator is
built per Pyramid request (see ``server.py``), so ``self.dbsession`` is that
request's transaction.
"""
import base64
import binascii
import datetime
import re
import uuid
from urllib.parse import unquote_plus

from oauthlib.oauth2 import RequestValidator
from oauthlib.oauth2.rfc6749 import errors
from sqlalchemy import bindparam, insert, or_, select, update

from ..models import (
    Application,
    AuthorizationCode,
    Token,
    User,
    mark_changed,
    on_postgresql,
    utcnow,
)
from ..tokens import hash_token, tokens_equal
from .applications import (
    enabled_application,
    enabled_application_with_code,
    runs_in_the_browser,
)

SCOPES = ("read", "write")
# RFC 7636 §4.1, §4.2: a code_verifier, and a code_challenge, is 43 to 128
# unreserved characters (matched whole: ``$`` would let a newline end it).
CODE_CHALLENGE_RE = CODE_VERIFIER_RE = re.compile(r"[A-Za-z0-9._~-]{43,128}")
GRANT_TYPES = ("authorization_code", "refresh_token")


def normalize_scopes(scopes) -> str:
    """Scopes as one string in a fixed order: ``"read write"``."""
    wanted = set(scopes or ())
    return " ".join(scope for scope in SCOPES if scope in wanted)


def lock_tokens_of(dbsession, user_id: int) -> None:
    """Take the user's row lock before issuing or revoking their tokens.

    Every request that does (a code exchange, a refresh, a replay's
    revocation, RFC 7009's, disconnecting an application) takes it first,
    so for one user they run one after the other. Without it, a revocation's
    UPDATE sees the tokens of its snapshot only: it waits for a refresh in
    progress (which holds the presented token's row) and then misses the
    successor that refresh stored, and the application keeps a working
    token the user, or the family rule, had just revoked. FOR NO KEY
    UPDATE: it holds up no foreign key's key-share lock, so the user's
    other writes do not wait. PostgreSQL only: SQLite runs one writing
    transaction at a time.
    """
    if on_postgresql(dbsession):
        dbsession.execute(
            select(User.id).where(User.id == user_id).with_for_update(key_share=True)
        )


def revoke_family_of_code(dbsession, code_id: int, now: datetime.datetime) -> None:
    """Revoke every token descended from the code: the first exchange's and
    every refresh of it."""
    families = select(Token.family).where(Token.authorization_code_id == code_id)
    dbsession.execute(
        update(Token)
        .where(Token.family.in_(families), Token.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_family(dbsession, family: str, now: datetime.datetime) -> None:
    dbsession.execute(
        update(Token)
        .where(Token.family == family, Token.revoked_at.is_(None))
        .values(revoked_at=now)
    )


# The code exchange's statements, built once (Core on the tables, bound
# parameters): the exchange is the busiest OAuth request.
_codes, _tokens = AuthorizationCode.__table__, Token.__table__
CONSUME_CODE = (
    update(_codes)
    .where(_codes.c.id == bindparam("code_id"), _codes.c.used_at.is_(None))
    .values(used_at=bindparam("now"))
)
INSERT_TOKEN = insert(_tokens).inline()  # no RETURNING: nothing reads the id
# Where the database can (PostgreSQL: an UPDATE in a WITH clause), the code
# is consumed and its token stored by one statement: the token row exists
# only if this exchange is the one that consumed the code. Its parameters
# are ``new_<column>``: a parameter named like a column would also be taken
# as a value for that column by the UPDATE.
_ISSUED_VALUES = ("access_token_hash", "refresh_token_hash", "application_id", "user_id",
                  "scopes", "family", "created_at", "expires_at", "refresh_expires_at")
_consumed = CONSUME_CODE.returning(_codes.c.id).cte("consumed")
CONSUME_CODE_AND_INSERT_TOKEN = insert(_tokens).from_select(
    [*_ISSUED_VALUES, "authorization_code_id"],
    select(
        *(bindparam(f"new_{name}", type_=_tokens.c[name].type) for name in _ISSUED_VALUES),
        _consumed.c.id,
    ).select_from(_consumed),
).returning(_tokens.c.id)  # no row: the code was consumed already


def refresh_scopes(row: Token) -> str:
    """The scopes of ``row``'s refresh token (RFC 6749 §6)."""
    return row.refresh_scopes or row.scopes


def could_be_issued(value) -> bool:
    """Whether ``value`` could be a code or token we issued (a string of at
    most 128 characters); anything else matches none without a query."""
    return isinstance(value, str) and len(value) <= 128


def exchanged_code(request) -> str | None:
    """The code of an authorization-code exchange, if it could be one."""
    code = getattr(request, "code", None)
    if getattr(request, "grant_type", None) != "authorization_code":
        return None
    return code if could_be_issued(code) else None


class SeatShareValidator(RequestValidator):
    def __init__(self, dbsession, access_token_lifetime, refresh_token_lifetime,
                 code_lifetime):
        super().__init__()
        self.dbsession = dbsession
        self.refresh_token_lifetime = refresh_token_lifetime
        self.access_token_lifetime = access_token_lifetime
        self.code_lifetime = code_lifetime
        # Set by the introspection view: RFC 7662 §2.1 wants the caller
        # authenticated, which a public client (no secret) cannot be.
        self.confidential_clients_only = False
        self._applications = {}
        # code: its CodeRecord or None, read with the application during an
        # exchange (by its hash alone); the only source of the code.
        self._codes = {}

    # -- clients (RFC 6749 §2.3, §3.2.1) ------------------------------------

    def _application(self, client_id, request=None) -> Application | None:
        """The enabled application, looked up once per request (oauthlib asks
        several validator methods about the same client). During a code
        exchange, the code it presents is read with it (``validate_code``)."""
        if client_id not in self._applications:
            code = exchanged_code(request)
            if code is None:
                app = enabled_application(self.dbsession, client_id)
            else:
                app, self._codes[code] = enabled_application_with_code(
                    self.dbsession, client_id, hash_token(code))
            self._applications[client_id] = app
        return self._applications[client_id]

    @staticmethod
    def _basic_credentials(request):
        """``(client_id, client_secret)`` from HTTP Basic (RFC 6749 §2.3.1),
        each form-urlencoded before base64; None when absent or malformed."""
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            return None
        return unquote_plus(client_id), unquote_plus(secret)

    def client_authentication_required(self, request, *args, **kwargs):
        """RFC 6749 §3.2.1: confidential clients authenticate at the token
        endpoint; public clients (no secret) identify themselves by client_id:
        in the body, or as HTTP Basic's user with an empty password
        (requests-oauthlib's default for a client without a secret), which
        proves no more. Any secret sent means authentication."""
        if self.confidential_clients_only:
            return True
        basic = self._basic_credentials(request)
        client_id, secret = basic or (request.client_id, request.client_secret)
        if secret or request.client_secret:
            return True
        app = self._application(client_id, request)
        return app is None or app.confidential

    def authenticate_client(self, request, *args, **kwargs):
        """RFC 6749 §2.3.1: HTTP Basic, or ``client_id``/``client_secret`` in
        the body (or, for the seed's GET, the query string). Sets
        ``request.client`` as oauthlib 4 requires. Both at once is
        ``invalid_request`` (§2.3: one method per request; §5.2), whatever
        the body's secret (an empty one is absent, §3.1): a ``client_id``
        beside Basic is no second one."""
        basic = self._basic_credentials(request)
        if basic is not None:
            if request.client_secret:
                raise errors.InvalidRequestError(
                    description="Authenticate with HTTP Basic or client_secret, not both.",
                    request=request,
                )
            client_id, secret = basic
            if request.client_id and request.client_id != client_id:
                return False
        else:
            client_id, secret = request.client_id, request.client_secret
        app = self._application(client_id, request)
        if app is None or not app.client_secret_hash or not secret:
            return False
        if not tokens_equal(app.client_secret_hash, hash_token(secret)):
            return False
        request.client = app
        request.client_id = app.client_id
        return True

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        """RFC 6749 §3.2.1: a public client identifies itself by client_id
        (or HTTP Basic's user, the same one if both are sent); oauthlib 4
        expects ``request.client`` to be set here."""
        basic = self._basic_credentials(request)
        if basic is not None:
            if client_id and client_id != basic[0]:
                return False
            client_id = basic[0]
        app = self._application(client_id, request)
        if app is None or app.confidential:
            return False
        request.client = app
        return True

    def validate_client_id(self, client_id, request, *args, **kwargs):
        """RFC 6749 §4.1.1: the client exists and is not disabled."""
        app = self._application(client_id)
        if app is None:
            return False
        request.client = app
        return True

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        """RFC 6749 §4.1.3, §6: only the code and refresh grants exist here."""
        return grant_type in GRANT_TYPES

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        """RFC 6749 §4.1.1: ``response_type=code`` only. Any other (``code
        token``, ``none``...) is ``unsupported_response_type`` (§4.1.2.1),
        raised here: oauthlib would answer ``unauthorized_client``, which
        says that this client may not use a response type others may."""
        if response_type != "code":
            raise errors.UnsupportedResponseTypeError(request=request)
        return True

    # -- redirection (RFC 6749 §3.1.2) ---------------------------------------

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        """RFC 6749 §3.1.2.3: the URI must equal, character for character, one
        the application registered. No prefix or pattern matching; and none a
        browser would run itself (``javascript:``...), though registered
        before ``app create`` refused them (RFC 9700 §4.1.3)."""
        app = request.client or self._application(client_id)
        return (app is not None and redirect_uri in (app.redirect_uris or [])
                and not runs_in_the_browser(redirect_uri))

    def get_default_redirect_uri(self, client_id, request, *args, **kwargs):
        """RFC 6749 §3.1.2.3 lets a server require ``redirect_uri``; we do."""
        return None

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *args, **kwargs):
        """RFC 6749 §4.1.3: the token request repeats the authorization
        request's redirect_uri exactly. Another one is ``invalid_grant``
        (§5.2: the grant "does not match the redirection URI used in the
        authorization request"), raised here: oauthlib would answer
        ``invalid_request``. An empty one is absent (§3.1): ``invalid_request``,
        as oauthlib answers a missing one."""
        if not redirect_uri:
            raise errors.MissingRedirectURIError(request=request)
        record = getattr(request, "code_record", None)
        if record is None or redirect_uri != record.redirect_uri:
            raise errors.InvalidGrantError(
                description="redirect_uri differs from the authorization request's.",
                request=request,
            )
        return True

    # -- scopes (RFC 6749 §3.3) ----------------------------------------------

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

    # -- PKCE (RFC 7636) -------------------------------------------------------

    def is_pkce_required(self, client_id, request):
        """RFC 7636 §4.4.1 and RFC 8252 §8.1: a public client must use PKCE."""
        app = request.client or self._application(client_id)
        return app is not None and not app.confidential

    def check_code_challenge(self, request):
        """RFC 7636 §4.2: a challenge has the shape of one (oauthlib stores any
        string). A ``post_auth`` validator: the error is redirected."""
        if request.code_challenge is not None and not CODE_CHALLENGE_RE.fullmatch(
            request.code_challenge
        ):
            raise errors.InvalidRequestError(
                description="code_challenge must be 43 to 128 unreserved characters.",
                request=request,
            )
        return {}

    def get_code_challenge(self, code, request):
        """RFC 7636 §4.6: the challenge stored with the code."""
        record = getattr(request, "code_record", None)
        return record.code_challenge if record is not None else None

    def get_code_challenge_method(self, code, request):
        """RFC 7636 §4.3: only ``S256`` is ever stored."""
        record = getattr(request, "code_record", None)
        return record.code_challenge_method if record is not None else None

    # -- authorization codes (RFC 6749 §4.1.2, §10.5) -------------------------

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
            revoke_family_of_code(self.dbsession, record.id, now)
            return False
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
                revoke_family_of_code(self.dbsession, record.id, now)
            return False
        if record.expires_at <= now:
            return False
        if request.code_verifier is not None and record.code_challenge is None:
            raise errors.InvalidGrantError(
                description="A code_verifier was sent but no code_challenge was.",
                request=request,
            )
        if request.code_verifier is not None and not CODE_VERIFIER_RE.fullmatch(
            request.code_verifier
        ):
            raise errors.InvalidRequestError(
                description="code_verifier must be 43 to 128 unreserved characters.",
                request=request,
            )
        request.code_record = record
        request.user = record.user_id
        request.scopes = record.scopes.split()
        request.token_family = uuid.uuid4().hex
        request.authorization_code_id = record.id
        return True

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
            self._code_was_used(request, now)

    def _consume_code(self, code_id, now) -> bool:
        """Mark the code used unless it is: whether this call did. One
        conditional UPDATE, so of two callers exactly one does."""
        mark_changed(self.dbsession)
        result = self.dbsession.connection().execute(
            CONSUME_CODE, {"code_id": code_id, "now": now}
        )
        return result.rowcount == 1

    def _code_was_used(self, request, now):
        """Another exchange consumed the code first: revoke what it got."""
        revoke_family_of_code(self.dbsession, request.authorization_code_id, now)
        raise errors.InvalidGrantError(
            description="The authorization code was already used.", request=request
        )

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        """RFC 6749 §4.1.2: already done, atomically, by
        ``consume_authorization_code`` before the token was issued."""

    # -- tokens (RFC 6749 §5.1, §6; RFC 6750) ----------------------------------

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
            self._code_was_used(request, now)

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        """RFC 6749 §6 and §10.4: the refresh token is live and was issued to
        this client. A rotated one presented again means it leaked: its whole
        family is revoked (OAuth 2.0 Security BCP §4.14.2)."""
        if not could_be_issued(refresh_token):
            return False
        # Read with its user's token lock (lock_tokens_of): one round trip.
        record = self.dbsession.execute(
            select(Token)
            .join(User, User.id == Token.user_id)
            .where(
                Token.refresh_token_hash == hash_token(refresh_token),
                Token.application_id == client.id,
            )
            .with_for_update(of=User, key_share=True)
        ).scalar_one_or_none()
        if record is None:
            return False
        now = utcnow()
        if record.refresh_used_at is not None:
            revoke_family(self.dbsession, record.family, now)
            return False
        if record.revoked_at is not None or record.refresh_expires_at <= now:
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
            revoke_family(self.dbsession, record.family, now)
            raise errors.InvalidGrantError(
                description="The refresh token was already used.", request=request
            )

    def rotate_refresh_token(self, request):
        """RFC 6749 §6: every refresh issues a new refresh token."""
        return True

    def validate_bearer_token(self, token, scopes, request):
        """RFC 6750 §2.1. Unused: ``seatshare.security`` reads bearer tokens
        itself, tolerating the seed's ``bearer TOKEN;``."""
        return False

    def validate_user(self, username, password, client, request, *args, **kwargs):
        """RFC 6749 §4.3: the password grant is not offered."""
        return False

    # -- revocation (RFC 7009) and introspection (RFC 7662) --------------------

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
            "token_type": "bearer" if kind == "access_token" else "refresh_token",
            "exp": int(expires_at.replace(tzinfo=datetime.UTC).timestamp()),
            "iat": int(row.created_at.replace(tzinfo=datetime.UTC).timestamp()),
        }
        if "read" in scope.split():
            # The email is the user's profile, which only "read" lets the
            # application see: a write-only approval did not show it.
            claims["username"] = self.dbsession.scalar(
                select(User.email).where(User.id == row.user_id)
            )
        return claims
