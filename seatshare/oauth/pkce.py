"""PKCE (RFC 7636): ``S256`` challenges, checked when the code is exchanged,
and required of public clients."""
import re

from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import (
    code_challenge_method_s256,
)

# RFC 7636 §4.1, §4.2: a code_verifier, and a code_challenge, is 43 to 128
# unreserved characters (matched whole: ``$`` would let a newline end it).
CODE_CHALLENGE_RE = CODE_VERIFIER_RE = re.compile(r"[A-Za-z0-9._~-]{43,128}")


def verifier_well_formed(verifier) -> bool:
    """RFC 7636 §4.1: whether ``verifier`` is 43 to 128 unreserved characters."""
    return isinstance(verifier, str) and CODE_VERIFIER_RE.fullmatch(verifier) is not None


def check_code_verifier(record, request) -> None:
    """RFC 7636 §4.5 and §4.1: the ``code_verifier`` checks oauthlib does
    not make, before it checks that the verifier matches (``validate_code``
    says why)."""
    if request.code_verifier is not None and record.code_challenge is None:
        raise errors.InvalidGrantError(
            description="A code_verifier was sent but no code_challenge was.",
            request=request,
        )
    if request.code_verifier is not None and not verifier_well_formed(request.code_verifier):
        raise errors.InvalidRequestError(
            description="code_verifier must be 43 to 128 unreserved characters.",
            request=request,
        )


def proves_challenge(record, verifier) -> bool:
    """Whether ``verifier`` is the one whose S256 challenge (RFC 7636 §4.6)
    the code ``record`` was stored with: what shows that a public client
    presenting the code is the one that asked for it."""
    return (record.code_challenge is not None and verifier_well_formed(verifier)
            and code_challenge_method_s256(verifier, record.code_challenge))


class PKCE:
    """Needs the client lookup of ``ClientAuthentication``."""

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
