"""``error_description`` for the OAuth errors raised without one, or with
oauthlib's own that puzzles: one table for the token, revocation and
introspection endpoints' JSON (RFC 6749 §5.2) and the authorization
endpoint's redirect (§4.1.2.1). An error code means
the same situation at either endpoint wherever both RFC sections name it;
``unauthorized_client`` differs, but this server raises it at the
authorization endpoint never (``validate_response_type``) and at the
revocation endpoint with a description of its own. (``server_error`` and
``temporarily_unavailable`` are answered by status: ``OAUTH_STATUS_ERRORS``.)"""

from oauthlib.oauth2.rfc6749 import errors

# By error code; and by oauthlib's error class where the description it
# raises that error with would puzzle a client.
ERROR_DESCRIPTIONS = {
    "invalid_request": "The request is missing a parameter, repeats one, or is malformed.",
    "invalid_client": "Client authentication failed.",
    "invalid_grant": "The authorization code or refresh token is invalid, expired, "
    "revoked, or was issued to another client or redirect URI.",
    "unauthorized_client": "This client may not use this grant type.",
    "unsupported_grant_type": "The grant type is not supported.",
    "invalid_scope": "The requested scope is invalid or exceeds what was granted.",
    "unsupported_token_type": "The token type is not supported.",
    "access_denied": "The user denied the request.",
    "unsupported_response_type": "The only response_type is code.",
    # oauthlib's, "Transform algorithm not supported.", puzzles a client
    # that named no method: without one, a challenge is ``plain`` (RFC
    # 7636 §4.3), refused as any but S256 is (the code grant's only
    # method, see ``SeatShareServer``).
    errors.UnsupportedCodeChallengeMethodError: "Send code_challenge_method=S256: it is "
    "the only method accepted, and a code_challenge without one is plain.",
}
UNKNOWN_ERROR = "The request failed."


def description_of(error: str, description: str | None = None, raised=None) -> str:
    """The table's for ``raised``, the error's class, when it has one;
    else ``description`` when there is one; else the table's for the
    code ``error``."""
    return (ERROR_DESCRIPTIONS.get(raised) or description
            or ERROR_DESCRIPTIONS.get(error, UNKNOWN_ERROR))


def described(exc):
    """``exc``, an oauthlib error, with a description that helps (so in its
    ``twotuples`` and ``json``)."""
    exc.description = description_of(exc.error, exc.description, type(exc))
    return exc
