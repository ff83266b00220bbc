"""Who the client is (RFC 6749 §2.3, §3.2.1): the validator's client lookup
and client authentication, by HTTP Basic or in the body."""
import base64
import binascii
from urllib.parse import unquote_plus

from oauthlib.oauth2.rfc6749 import errors

from ..models import Application
from ..tokens import hash_token, tokens_equal
from .applications import enabled_application, enabled_application_with_code
from .issued import could_be_issued


# RFC 7662 §2.1: introspection takes an authenticated caller.
SECRET_NEEDED = ("Only an application with a client secret may introspect tokens "
                 "(RFC 7662 section 2.1).")


def exchanged_code(request) -> str | None:
    """The code of an authorization-code exchange, if it could be one."""
    code = getattr(request, "code", None)
    if getattr(request, "grant_type", None) != "authorization_code":
        return None
    return code if could_be_issued(code) else None


class ClientAuthentication:
    """Needs ``self.dbsession``, ``self._applications`` (client_id: its
    Application or None), ``self._codes`` (code: its record or None)
    and ``self.confidential_clients_only``, set by the validator, and
    ``_refresh_record`` of ``BearerTokens``."""

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
        if not client_id:
            client_id = self._refreshing_public_client(request)
            if client_id is not None:
                request.client_id = client_id  # for authenticate_client_id
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
        if app is not None and not app.confidential and self.confidential_clients_only:
            raise errors.InvalidClientError(description=SECRET_NEEDED, request=request)
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

    def _refreshing_public_client(self, request) -> str | None:
        """RFC 6749 §6: only a confidential client must authenticate to
        refresh, and §3.2.1 asks an unauthenticated client for its
        client_id in the code exchange only: a refresh that names no
        client (requests-oauthlib's ``refresh_token()`` sends the refresh
        token alone) is its public application's, which anyone may name
        anyway. None for any other request, or a confidential application's
        token, which still takes the secret; ``validate_refresh_token``
        checks the token as ever."""
        if request.grant_type != "refresh_token" or self._basic_credentials(request):
            return None
        row = self._refresh_record(request.refresh_token)
        if row is None or row.application.confidential:
            return None
        # Read with the token: ``_application`` need not ask again.
        self._applications.setdefault(row.application.client_id, row.application)
        return row.application.client_id

    def validate_client_id(self, client_id, request, *args, **kwargs):
        """RFC 6749 §4.1.1: the client exists and is not disabled."""
        app = self._application(client_id)
        if app is None:
            return False
        request.client = app
        return True
