"""The oauthlib ``RequestValidator``: every question oauthlib asks, answered
from the request's database session.

Codes, tokens and client secrets are looked up by their SHA-256 hash; the
plain values exist only in the responses that hand them out. One validator is
built per Pyramid request (see ``server.py``), so ``self.dbsession`` is that
request's transaction.

The answers live beside what they are about, one part a module:
``client_authentication`` (RFC 6749 §2.3, §3.2.1), ``redirection`` (§3.1.2),
``scopes`` (§3.3), ``pkce`` (RFC 7636), ``authorization_codes`` (§4.1.2,
§10.5), ``bearer_tokens`` (§5.1, §6) and ``revocation`` (RFC 7009, RFC
7662); this class holds the request's state they share, and the grants and
response types offered.
"""
from oauthlib.oauth2 import RequestValidator
from oauthlib.oauth2.rfc6749 import errors

from .authorization_codes import AuthorizationCodes
from .bearer_tokens import BearerTokens
from .client_authentication import ClientAuthentication
from .issued import lock_tokens_of
from .pkce import PKCE
from .redirection import RedirectURIs
from .revocation import RevocationAndIntrospection
from .scopes import SCOPES, ScopeValidation, normalize_scopes

__all__ = ["GRANT_TYPES", "SCOPES", "SeatShareValidator", "lock_tokens_of", "normalize_scopes"]

GRANT_TYPES = ("authorization_code", "refresh_token")


class SeatShareValidator(
    ClientAuthentication,
    RedirectURIs,
    ScopeValidation,
    PKCE,
    AuthorizationCodes,
    BearerTokens,
    RevocationAndIntrospection,
    RequestValidator,
):
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
        # refresh token: its Token row and enabled application, or None,
        # read once (``_refresh_record``).
        self._refresh_records = {}

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

    def validate_bearer_token(self, token, scopes, request):
        """RFC 6750 §2.1. Unused: ``seatshare.security`` reads bearer tokens
        itself, tolerating the seed's ``bearer TOKEN;``."""
        return False

    def validate_user(self, username, password, client, request, *args, **kwargs):
        """RFC 6749 §4.3: the password grant is not offered."""
        return False
