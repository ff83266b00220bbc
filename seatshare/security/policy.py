"""The security policy: the request's identity (bearer token on ``/api/``
paths, browser session elsewhere), its principals, and the ACL check with
the token's scope."""
import time

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.interfaces import ISecurityPolicy
from pyramid.request import RequestLocalCache
from pyramid.security import Denied
from zope.interface import implementer

from .. import principals as p
from ..paths import is_api_request
from ..settings import number
from .bearer import bearer_token_from, load_token_identity
from .browser import browser_identity, end_browser_sessions
from .memberships import membership_principals

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ScopeDenied(Denied):
    """The token is valid but lacks ``scope``, which this method needs."""

    def __new__(cls, scope: str):
        denied = super().__new__(cls, "The token lacks the %r scope.", scope)
        denied.scope = scope
        return denied


@implementer(ISecurityPolicy)
class SecurityPolicy:
    def __init__(self, session_max_age: int):
        self.session_max_age = session_max_age
        self.identity_cache = RequestLocalCache(self._load_identity)
        self.principals_cache = RequestLocalCache(self._load_principals)
        self.acl = ACLHelper()

    def _load_identity(self, request):
        if is_api_request(request):
            token = bearer_token_from(request)
            if token is None:
                return None
            return load_token_identity(request.dbsession, token)
        return browser_identity(request, self.session_max_age)

    def _load_principals(self, request):
        identity = request.identity
        found = [Everyone]
        if identity is not None:
            found += [Authenticated, p.user(identity.user_id)]
            if identity.principals is not None:
                found += identity.principals
            else:
                found += membership_principals(request.dbsession, identity.user_id)
        return found

    def identity(self, request):
        return self.identity_cache.get_or_create(request)

    def authenticated_userid(self, request):
        identity = request.identity
        return identity.user_id if identity is not None else None

    def effective_principals(self, request):
        return self.principals_cache.get_or_create(request)

    def permits(self, request, context, permission):
        identity = request.identity
        if identity is not None and identity.token is not None:
            needed = "read" if request.method in READ_METHODS else "write"
            if needed not in identity.scopes:
                return ScopeDenied(needed)
        return self.acl.permits(context, self.effective_principals(request), permission)

    def remember(self, request, userid, *, generation, **kw):
        """Sign ``userid`` in on this browser session, under the user's
        current ``session_generation``, from now."""
        request.session["user_id"] = userid
        request.session["generation"] = generation
        request.session["signed_in_at"] = int(time.time())
        return []

    def forget(self, request, **kw):
        """Sign out: this session, and every other browser session of the
        user, wherever a copy of its cookie went."""
        identity = request.identity
        if identity is not None and identity.token is None:
            end_browser_sessions(request.dbsession, identity.user_id)
        request.session.invalidate()
        return []


def session_max_age(settings) -> int:
    """``seatshare.session_max_age``: seconds a browser sign-in lasts."""
    return number(settings, "seatshare.session_max_age")
