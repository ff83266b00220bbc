"""The security policy: bearer token → identity → principals → ACL.

``/api/`` paths authenticate with a bearer token only; a browser cookie never
authenticates an API call. The HTML pages (sign-in, consent, sign-up) use the
signed-cookie session instead, which signing out ends on the server too (see
``browser_identity``). Identity and principals are computed once per request.

One part a module: ``identity`` (who the request is), ``bearer`` (the
token in ``Authorization`` and the statement that reads its identity),
``browser`` (the signed-in browser session), ``memberships`` (principals
from group memberships), ``challenges`` (``WWW-Authenticate``) and
``policy`` (the ``ISecurityPolicy`` itself), and ``query_token`` (the
400 for a token sent in the query string). Their public names are
importable from here too.
"""
from pyramid.interfaces import ISecurityPolicy

from .bearer import (
    BEARER_RE,
    BEARER_SENT_RE,
    MAX_AUTHORIZATION_LENGTH,
    TOKEN_IDENTITY,
    bearer_token_from,
    bearer_token_sent,
    load_token_identity,
)
from .browser import browser_identity, end_browser_sessions
from .challenges import BEARER_CHALLENGE, CLIENT_CHALLENGE, REALM
from .identity import USER_COLUMNS, Identity, TokenInfo, user_from_row
from .memberships import membership_principals, principals_of
from .policy import READ_METHODS, ScopeDenied, SecurityPolicy, session_max_age

__all__ = [
    "BEARER_CHALLENGE", "BEARER_RE", "BEARER_SENT_RE", "CLIENT_CHALLENGE", "Identity",
    "MAX_AUTHORIZATION_LENGTH", "READ_METHODS", "REALM", "ScopeDenied", "SecurityPolicy",
    "TOKEN_IDENTITY", "TokenInfo", "USER_COLUMNS", "bearer_token_from", "bearer_token_sent",
    "browser_identity", "end_browser_sessions", "includeme", "load_token_identity",
    "membership_principals", "principals_of", "session_max_age", "user_from_row",
]


def includeme(config):
    config.include(".query_token")
    config.set_security_policy(SecurityPolicy(session_max_age(config.get_settings())))
    config.add_request_method(
        lambda r: r.registry.queryUtility(ISecurityPolicy).effective_principals(r),
        "effective_principals",
        reify=True,
    )
