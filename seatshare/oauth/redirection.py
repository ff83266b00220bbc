"""Redirection URIs (RFC 6749 §3.1.2): only those registered, exactly, and
the token request's the same as the authorization request's; the
address a browser is sent back to, the registered one with the answer's
parameters after its own query; and where the consent page says it goes."""
from urllib.parse import parse_qsl, urlencode, urlsplit

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


def back_to_client(redirect_uri: str, params) -> str:
    """RFC 6749 §3.1.2: ``redirect_uri`` with ``params`` (pairs) added to its
    query, which "MUST be retained when adding additional query parameters":
    kept as registered, character for character, and the parameters appended
    after it. oauthlib's ``add_params_to_uri`` parses the query and writes it
    again, so ``…/callback?close`` (Meteor's) came back as ``?close=&code=…``
    and ``a%20b`` as ``a+b``. A redirect URI has no fragment (``app create``)."""
    added = urlencode(list(params))
    if not added:
        return redirect_uri
    if "?" not in redirect_uri:
        return f"{redirect_uri}?{added}"
    return redirect_uri + ("" if redirect_uri.endswith(("?", "&")) else "&") + added


def answer_back_to_client(location: str, redirect_uri: str) -> str:
    """``location``, which oauthlib's ``add_params_to_uri`` made from
    ``redirect_uri``, as ``back_to_client`` makes it: the parameters oauthlib
    added are those after the ones it parsed from the URI's own query."""
    own = parse_qsl(urlsplit(redirect_uri).query, keep_blank_values=True)
    added = parse_qsl(urlsplit(location).query, keep_blank_values=True)[len(own):]
    return back_to_client(redirect_uri, added)


def shown_destination(redirect_uri: str) -> str:
    """Where the consent page says either answer sends the user: the
    redirect URI's origin (``https://app.example.com``), or, for a native
    app's own scheme (RFC 8252 §7.1), the scheme (``com.example.app``)."""
    parts = urlsplit(redirect_uri)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else parts.scheme
