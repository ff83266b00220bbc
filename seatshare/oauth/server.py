"""The oauthlib server object, built per request around the validator.

Where oauthlib's defaults differ from the contract, this module changes them,
each in one place (or names the place):

* tokens and codes are 64 lowercase hex characters (``new_token``), not
  oauthlib's 30-character default, and ``token_type`` is ``"bearer"``;
* PKCE accepts ``S256`` only (oauthlib also accepts, and defaults to,
  ``plain``): the code grant's one table of methods, which oauthlib checks
  the authorization request against, verifies the code_verifier with, and
  names in the metadata; a challenge with another method, or none, is told
  to send S256 (``error_descriptions.ERROR_DESCRIPTIONS``);
* codes and refresh tokens are consumed by a conditional UPDATE after every
  other check (``post_token`` validators), so single use holds under races;
* the token endpoint accepts ``GET`` when ``seatshare.token_endpoint_allow_get``
  is on (oauthlib allows POST only);
* ``invalid_client``'s 401 challenges ``Basic``, the scheme clients
  authenticate with (RFC 6749 §5.2), where oauthlib sends ``Bearer``: the
  views' ``oauth_response``, which every answer of the token, revocation
  and introspection endpoints goes through (oauthlib returns this error
  rather than raising it);
* a code presented with another redirect_uri than its authorization
  request's is ``invalid_grant`` (RFC 6749 §5.2), where oauthlib says
  ``invalid_request``: ``SeatShareValidator.confirm_redirect_uri`` raises it;
* an empty ``code``, ``refresh_token`` or ``code_verifier`` is absent (RFC
  6749 §3.1), where oauthlib looks the empty value up
  (``validate_token_request``);
* a token request without ``grant_type`` is ``invalid_request`` (a missing
  parameter, RFC 6749 §5.2), where oauthlib hands it to its default grant,
  which answers ``unsupported_grant_type``; and one with a grant not offered
  here is ``unsupported_grant_type``, where oauthlib's code grant also
  takes ``openid`` and answers ``unauthorized_client``:
  ``validate_token_request``;
* a ``response_type`` other than ``code`` is ``unsupported_response_type``
  (RFC 6749 §4.1.2.1), where oauthlib answers ``unauthorized_client`` for
  ``none`` and those containing ``code``:
  ``SeatShareValidator.validate_response_type`` raises it;
* the code and the authorization endpoint's errors come back in the query
  whatever ``response_mode`` says (``answer_in_the_query``), where
  oauthlib honours ``response_mode=fragment``;
* an empty ``scope`` is no scope (RFC 6749 §3.1), so read and write
  (``empty_parameters_are_absent``), where oauthlib reads it as one empty
  scope, ``invalid_scope``; so are an empty ``response_type`` (missing,
  where oauthlib says unsupported) and PKCE parameter (no challenge, where
  oauthlib checks an empty one);
* no parameter the server reads may come twice, on any endpoint
  (``refuse_repeated_parameters``), where oauthlib checks a few and takes
  the last value of the others; a repeated ``response_type``, ``scope`` or
  ``state`` is redirected like the others once the client and its
  redirect_uri are known good, where oauthlib refuses them on the HTML
  page before it looks at the client
  (``SeatShareServer.validate_authorization_request``).
"""
from oauthlib.common import Request
from oauthlib.oauth2 import WebApplicationServer
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.endpoints.metadata import MetadataEndpoint
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import (
    code_challenge_method_s256,
)

from ..paths import (OAUTH_AUTHORIZATION_PATH, OAUTH_INTROSPECTION_PATH, OAUTH_REVOCATION_PATH,
                     OAUTH_TOKEN_PATH)
from ..settings import as_bool, number
from ..tokens import new_token
from .scopes import SCOPES, normalize_scopes
from .validator import GRANT_TYPES, SeatShareValidator


# Every parameter an endpoint here reads (RFC 6749, RFC 7636, RFC 7009,
# RFC 7662, and response_mode). A repeated unknown one is ignored, as
# unknown parameters are (RFC 6749 §3.1).
OAUTH_PARAMETERS = frozenset({
    "client_id", "client_secret", "code", "code_challenge", "code_challenge_method",
    "code_verifier", "grant_type", "redirect_uri", "refresh_token", "response_mode",
    "response_type", "scope", "state", "token", "token_type_hint",
})


def refuse_repeated_parameters(request) -> dict:
    """RFC 6749 §3.1, §3.2: request parameters MUST NOT be included more than
    once; one that is makes the request ``invalid_request`` (§4.1.2.1, §5.2),
    rather than one of its values winning. Also an authorization grant's
    ``pre_auth`` validator: it runs once the client and its redirect_uri are
    known good, so the error is redirected."""
    for name in request.duplicate_params:
        if name in OAUTH_PARAMETERS:
            raise errors.InvalidRequestError(
                description=f"Duplicate {name} parameter.", request=request
            )
    return {}


# Parameters oauthlib tells apart from absent ones when empty (RFC 6749
# §3.1 says they are the same): the token endpoint's, the authorization
# endpoint's (besides ``scope``, whose list goes too).
EMPTY_IS_ABSENT_TOKEN = ("code", "refresh_token", "code_verifier")
EMPTY_IS_ABSENT_AUTHORIZATION = ("response_type", "code_challenge", "code_challenge_method")
# Repeated, these leave no address to send the error to: an HTML page.
UNTRUSTED_WHEN_REPEATED = frozenset({"client_id", "redirect_uri"})
# oauthlib refuses these on its HTML page too when repeated, before it looks
# at the client; with a good client and redirect_uri, they are redirected.
REDIRECTED_WHEN_REPEATED = ("response_type", "scope", "state")


def answer_in_the_query(request) -> dict:
    """RFC 6749 §4.1.2, API.md §2: the code (or the error) comes back in the
    redirect URI's query, the only mode the metadata names. oauthlib honours
    ``response_mode=fragment``, which would let any link put the code where
    the client's callback does not read it, unexchanged, and a browser
    carries a fragment over every redirect that follows (RFC 9700 §4.1.3):
    the parameter is ignored, as unknown ones are (RFC 6749 §3.1). A
    ``pre_auth`` validator, so the errors raised after it see it too."""
    request.response_mode = None
    return {}


def empty_parameters_are_absent(request) -> dict:
    """RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
    An omitted scope is read and write (§3.3, API.md §2), where oauthlib
    reads ``scope=`` as one empty scope; ``response_type=`` is missing, not
    unsupported; ``code_challenge=`` is no challenge (a public client is
    told to send one). A ``pre_auth`` validator: oauthlib checks them after
    it. (The refresh grant already treats an empty scope as absent.)"""
    if request.scope == "":
        request.scope = request.scopes = None
    drop_empty(request, EMPTY_IS_ABSENT_AUTHORIZATION)
    return {}


def drop_empty(request, names) -> None:
    """Each of ``names`` sent empty is absent (RFC 6749 §3.1)."""
    for name in names:
        if getattr(request, name) == "":
            setattr(request, name, None)


def _new_token(request):
    return new_token()


def _with_hex_code(grant, token_handler, request):
    """Authorization codes as long as tokens: 64 hex characters."""
    grant["code"] = new_token()
    return grant


def _contract_token(token, token_handler, request):
    """``"token_type": "bearer"`` and scopes in a fixed order."""
    token["token_type"] = "bearer"
    token["scope"] = normalize_scopes(request.scopes)
    return token


# RFC 8414 §2's client authentication methods, by RFC 7591 §2's names.
CLIENT_SECRET_METHODS = ["client_secret_basic", "client_secret_post"]
CLIENT_AUTH_METHODS = [*CLIENT_SECRET_METHODS, "none"]


class SeatShareServer(WebApplicationServer):
    def __init__(self, validator: SeatShareValidator, request_methods):
        super().__init__(
            validator,
            token_generator=_new_token,
            refresh_token_generator=_new_token,
            token_expires_in=validator.access_token_lifetime,
        )
        self.validator = validator
        # oauthlib keeps S256 and plain in a class-level dict; ours, per
        # grant, is S256 alone: the one place PKCE's methods are decided.
        self.auth_grant._code_challenge_methods = {"S256": code_challenge_method_s256}
        self.auth_grant.register_code_modifier(_with_hex_code)
        self.auth_grant.register_token_modifier(_contract_token)
        self.refresh_grant.register_token_modifier(_contract_token)
        self.auth_grant.custom_validators.pre_auth.extend(
            (answer_in_the_query, empty_parameters_are_absent, refuse_repeated_parameters)
        )
        self.auth_grant.custom_validators.post_auth.append(validator.check_code_challenge)
        self.auth_grant.custom_validators.post_token.append(
            validator.consume_authorization_code
        )
        self.refresh_grant.custom_validators.post_token.append(
            validator.consume_refresh_token
        )
        # One attribute for the token, revocation and introspection endpoints
        # alike: the views route only POST to the latter two.
        self.valid_request_methods = request_methods

    def validate_authorization_request(self, uri, http_method="GET", body=None,
                                       headers=None):
        """RFC 6749 §4.1.2.1, API.md §2: an error is redirected unless the
        client_id or redirect_uri is bad, and a repeated parameter is
        ``invalid_request``: once the client and its redirect_uri are known
        good, a repeated ``response_type``, ``scope`` or ``state`` is
        redirected too (without a state when that is the one repeated: the
        client could check neither). oauthlib refuses the three on the HTML
        page, before it looks at the client."""
        request = Request(uri, http_method=http_method, body=body, headers=headers)
        repeated = set(request.duplicate_params)
        names = [name for name in REDIRECTED_WHEN_REPEATED if name in repeated]
        if names and not repeated & UNTRUSTED_WHEN_REPEATED:
            if not request.client_id:
                raise errors.MissingClientIdError(request=request)
            if not self.validator.validate_client_id(request.client_id, request):
                raise errors.InvalidClientIdError(request=request)
            self.auth_grant._handle_redirects(request)  # raises if it is no good
            answer_in_the_query(request)
            if "state" in repeated:
                request.state = None
            raise errors.InvalidRequestError(
                description=f"Duplicate {names[0]} parameter.", request=request
            )
        return super().validate_authorization_request(uri, http_method, body, headers)

    def validate_token_request(self, request):
        """RFC 6749 §4.1.3, §6: ``grant_type`` is required; without it (or
        with it empty, which §3.1 counts as absent) the request is
        ``invalid_request``, before any grant is asked about it; so is one
        that repeats a parameter (§3.2). A grant not offered here is
        ``unsupported_grant_type`` (§5.2), also before the client
        authenticates, as oauthlib 4 answers the grants it does not know.
        An empty ``code``, ``refresh_token`` or ``code_verifier`` is absent
        (§3.1): missing, not ``invalid_grant``; no verifier, not a wrong one."""
        super().validate_token_request(request)
        refuse_repeated_parameters(request)
        drop_empty(request, EMPTY_IS_ABSENT_TOKEN)
        if not request.grant_type:
            raise errors.InvalidRequestError(
                description="Missing grant_type parameter.", request=request
            )
        if request.grant_type not in GRANT_TYPES:
            raise errors.UnsupportedGrantTypeError(request=request)

    def validate_revocation_request(self, request):
        refuse_repeated_parameters(request)
        super().validate_revocation_request(request)

    def validate_introspect_request(self, request):
        refuse_repeated_parameters(request)
        super().validate_introspect_request(request)

    def metadata(self, issuer: str) -> dict:
        """RFC 8414 §2: the server's metadata, with its endpoints under ``issuer``."""
        endpoint = MetadataEndpoint(
            [self],
            claims={
                "issuer": issuer,
                "authorization_endpoint": issuer + OAUTH_AUTHORIZATION_PATH,
                "token_endpoint": issuer + OAUTH_TOKEN_PATH,
                "revocation_endpoint": issuer + OAUTH_REVOCATION_PATH,
                "introspection_endpoint": issuer + OAUTH_INTROSPECTION_PATH,
                "scopes_supported": list(SCOPES),
                "response_modes_supported": ["query"],
                # RFC 7591 §2's names. A public application (no secret) uses
                # the token and revocation endpoints by its client_id alone:
                # "none"; introspection takes a secret (``introspect`` view).
                "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
                "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
                "introspection_endpoint_auth_methods_supported": CLIENT_SECRET_METHODS,
            },
            # oauthlib insists on an https issuer; plain-HTTP development
            # servers still describe themselves.
            raise_errors=False,
        )
        return endpoint.claims


def lifetimes(settings) -> dict:
    """The access token's, refresh token's and code's lifetimes in seconds,
    as the validator takes them. A bad one (a code's over 10 minutes too,
    ``settings.NUMBERS``) refuses to start (``seatshare.preflight``)."""
    return {
        "access_token_lifetime": number(settings, "seatshare.access_token_lifetime"),
        "refresh_token_lifetime": number(settings, "seatshare.refresh_token_lifetime"),
        "code_lifetime": number(settings, "seatshare.authorization_code_lifetime"),
    }


def token_methods(settings) -> tuple[str, ...]:
    """The token endpoint's methods: POST, and the seed's GET while
    ``seatshare.token_endpoint_allow_get`` is on."""
    if as_bool(settings["seatshare.token_endpoint_allow_get"]):
        return ("GET", "POST")
    return ("POST",)


def build_server(request) -> SeatShareServer:
    settings = request.registry.settings
    validator = SeatShareValidator(request.dbsession, **lifetimes(settings))
    return SeatShareServer(validator, request_methods=token_methods(settings))
