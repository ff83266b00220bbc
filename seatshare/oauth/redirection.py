"""Redirection URIs (RFC 6749 §3.1.2): only those registered, exactly, and
the token request's the same as the authorization request's."""
from oauthlib.oauth2.rfc6749 import errors

from .applications import runs_in_the_browser


class RedirectURIs:
    """Needs the client lookup of ``ClientAuthentication``."""

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
