"""The security policy: bearer token → identity → principals → ACL.

``/api/`` paths authenticate with a bearer token only; a browser cookie never
authenticates an API call. The HTML pages (sign-in, consent, sign-up) use the
signed-cookie session instead, which signing out ends on the server too (see
``browser_identity``). Identity and principals are computed once per request.
"""
import dataclasses
import re
import time

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.interfaces import ISecurityPolicy
from pyramid.request import RequestLocalCache
from pyramid.security import Denied
from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import make_transient_to_detached
from zope.interface import implementer

from . import principals as p
from .paths import is_api_request
from .settings import seconds
from .models import READ_ONLY, Application, Group, Membership, Role, Token, User, utcnow
from .tokens import hash_token

# "Bearer TOKEN", scheme case-insensitive, a trailing ";" or whitespace
# tolerated: the seed's own example sends "bearer TOKEN;".
BEARER_RE = re.compile(r"^\s*bearer\s+([0-9A-Za-z._~+/=-]+)\s*;?\s*$", re.IGNORECASE)
# "Bearer" and something after it, well formed or not: a token was sent.
BEARER_SENT_RE = re.compile(r"^\s*bearer\s+[^\s;]", re.IGNORECASE)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The realm of every challenge SeatShare sends (RFC 7235 §2.2): the API's
# Bearer one and the OAuth endpoints' Basic one.
REALM = "seatshare"
BEARER_CHALLENGE = f'Bearer realm="{REALM}"'
# RFC 6749 §5.2: the 401 of ``invalid_client`` challenges the scheme the
# client authenticated with; the only header scheme a client can use here is
# HTTP Basic (§2.3.1), so the challenge is Basic, where oauthlib sends RFC
# 6750's Bearer (a resource server's). A client that sent its credentials in
# the body, or none, gets the same Basic challenge: a 401 must carry one (RFC
# 7235 §3.1), and §5.2 lets it name the scheme the server supports.
CLIENT_CHALLENGE = f'Basic realm="{REALM}"'
MAX_AUTHORIZATION_LENGTH = 4096


class Identity:
    """Who the request is: ``user_id`` and, for a bearer token, its scopes.

    ``user`` is the ORM ``User``. A token's identity is read as one plain row
    (``load_token_identity``) and makes the ``User`` only when a view asks for
    it, from the same row and without another statement.
    """

    __slots__ = ("_user", "_user_row", "_dbsession", "user_id", "token", "scopes",
                 "principals")

    def __init__(self, user=None, token=None, scopes=frozenset(), *,
                 user_row=None, dbsession=None, principals=None):
        self._user = user
        self._user_row = user_row
        self._dbsession = dbsession
        self.user_id = user.id if user is not None else user_row.id
        self.token = token  # None for a signed-in browser session
        self.scopes = scopes
        # The membership principals, when read with the identity; None: the
        # security policy reads them when it needs them.
        self.principals = principals

    @property
    def user(self) -> User:
        if self._user is None:
            self._user = user_from_row(self._dbsession, self._user_row)
        return self._user

    @property
    def user_values(self):
        """The user's columns for reading: the plain row the identity was
        read as (no ORM object built), else the ORM ``User``."""
        return self._user_row if self._user_row is not None else self.user

    def __repr__(self):
        return f"<Identity user_id={self.user_id} scopes={sorted(self.scopes)}>"


@dataclasses.dataclass(frozen=True)
class TokenInfo:
    """The live token behind an identity."""

    id: int
    application_id: int


USER_COLUMNS = tuple(User.__table__.columns)


def user_from_row(dbsession, row) -> User:
    """The persistent ``User`` of a row holding all its columns, without SQL:
    the session's own instance when it already has one."""
    user = User(**{column.key: getattr(row, column.key) for column in USER_COLUMNS})
    make_transient_to_detached(user)
    return dbsession.merge(user, load=False)


class ScopeDenied(Denied):
    """The token is valid but lacks ``scope``, which this method needs."""

    def __new__(cls, scope: str):
        denied = super().__new__(cls, "The token lacks the %r scope.", scope)
        denied.scope = scope
        return denied


def bearer_token_from(request) -> str | None:
    """The token in ``Authorization``, or None when absent or malformed."""
    header = request.headers.get("Authorization", "")
    if not header or len(header) > MAX_AUTHORIZATION_LENGTH:
        return None
    match = BEARER_RE.match(header)
    return match.group(1) if match else None


def bearer_token_sent(request) -> bool:
    """Whether ``Authorization`` carries a bearer token, live or not. Another
    scheme (Basic) or the word alone sends none: RFC 6750 §3.1 names no error
    for those, so the 401 challenge then says only ``realm``."""
    return BEARER_SENT_RE.match(request.headers.get("Authorization", "")) is not None


_tokens, _users, _apps = Token.__table__, User.__table__, Application.__table__
_memberships, _groups = Membership.__table__, Group.__table__

# A bearer token's identity and principals in one statement, built once: the
# live token of an enabled application, its user, and one row per membership
# of the user (a LEFT JOIN: none when the user belongs to no group; the group
# columns are NULL for an inactive group). Core on the tables, with bound
# parameters, so a request neither builds it nor computes its cache key.
TOKEN_IDENTITY = (
    select(
        _tokens.c.id.label("token_id"),
        _tokens.c.application_id,
        _tokens.c.scopes,
        *_users.c,
        _groups.c.id.label("member_group_id"),
        _memberships.c.role.label("member_role"),
        _groups.c.entity_id.label("member_entity_id"),
    )
    .select_from(
        _tokens.join(_users, _users.c.id == _tokens.c.user_id)
        .join(_apps, _apps.c.id == _tokens.c.application_id)
        .outerjoin(_memberships, _memberships.c.user_id == _users.c.id)
        .outerjoin(
            _groups,
            and_(_groups.c.id == _memberships.c.group_id, _groups.c.active.is_(True)),
        )
    )
    .where(
        _tokens.c.access_token_hash == bindparam("token_hash"),
        _tokens.c.revoked_at.is_(None),
        _tokens.c.expires_at > bindparam("now"),
        _apps.c.disabled.is_(False),
    )
)


def load_token_identity(dbsession, token_value: str) -> Identity | None:
    """One statement: the token's identity and its user's principals, as
    plain rows. A read builds the ORM ``User`` only if it asks for it."""
    rows = dbsession.connection().execute(
        TOKEN_IDENTITY, {"token_hash": hash_token(token_value), "now": utcnow()}
    ).all()
    if not rows:
        return None
    row = rows[0]
    identity = Identity(
        token=TokenInfo(row.token_id, row.application_id),
        scopes=frozenset(row.scopes.split()),
        user_row=row,
        dbsession=dbsession,
        principals=principals_of(
            (r.member_group_id, r.member_role, r.member_entity_id)
            for r in rows if r.member_group_id is not None
        ),
    )
    if not dbsession.execution_options.get(READ_ONLY):
        # A request that may write keeps its user in the session, as the ORM
        # load did: code that looks the actor up by id (the mails of
        # services/ticket_requests.py) finds it without a statement.
        identity.user  # noqa: B018
    return identity


def membership_principals(dbsession, user_id: int) -> list[str]:
    """One query: a principal per active group membership, role and entity
    (a signed-in browser's; a token's come with its identity)."""
    return principals_of(dbsession.execute(
        select(Membership.group_id, Membership.role, Group.entity_id)
        .join(Group, Group.id == Membership.group_id)
        .where(Membership.user_id == user_id, Group.active.is_(True))
    ))


def principals_of(memberships) -> list[str]:
    """The principals of ``(group_id, role, entity_id)`` memberships."""
    found = []
    for group_id, role, entity_id in memberships:
        found.append(p.group_member(group_id))
        if role == Role.ADMIN:
            found.append(p.group_admin(group_id))
        found.append(p.entity_follower(entity_id))
    return found


def browser_identity(request, max_age: int) -> Identity | None:
    """The user a browser session signed in, while the session lasts.

    The cookie is signed, so only SeatShare wrote it, but a copy of it stays
    valid as long as the cookie does, and Pyramid reissues it while it is
    used. Two checks end it whatever the cookie says: ``max_age`` seconds
    after signing in (``seatshare.session_max_age``; no statement), and the
    user's ``session_generation``, the server's side of it: a session signed
    in under another generation (the user has signed out since, here or
    elsewhere) has ended. The User is loaded anyway, so comparing costs no
    statement.
    """
    session = request.session
    user_id = session.get("user_id")
    if user_id is None:
        return None
    signed_in_at = session.get("signed_in_at")
    if not isinstance(signed_in_at, int) or time.time() - signed_in_at >= max_age:
        return None
    user = request.dbsession.get(User, user_id)
    if user is None or session.get("generation") != user.session_generation:
        return None
    return Identity(user=user)


def end_browser_sessions(dbsession, user_id: int) -> None:
    """End every browser session of the user: one UPDATE, adding one in
    SQL so concurrent sign-outs both count. ``updated_at`` stays: signing
    out changes nothing the user would call their account."""
    dbsession.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_generation=User.session_generation + 1,
                updated_at=User.updated_at)
    )


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
    return seconds(settings, "seatshare.session_max_age")


def includeme(config):
    config.set_security_policy(SecurityPolicy(session_max_age(config.get_settings())))
    config.add_request_method(
        lambda r: r.registry.queryUtility(ISecurityPolicy).effective_principals(r),
        "effective_principals",
        reify=True,
    )
