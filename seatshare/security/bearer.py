"""An ``/api/`` request's bearer token: read from ``Authorization``, and
looked up with its identity and principals in one statement."""
import re

from sqlalchemy import and_, bindparam, select

from ..models import READ_ONLY, Application, Group, Membership, Token, User, utcnow
from ..tokens import hash_token
from .identity import Identity, TokenInfo
from .memberships import principals_of

# "Bearer TOKEN", scheme case-insensitive, a trailing ";" or whitespace
# tolerated: the seed's own example sends "bearer TOKEN;".
BEARER_RE = re.compile(r"^\s*bearer\s+([0-9A-Za-z._~+/=-]+)\s*;?\s*$", re.IGNORECASE)
# "Bearer" and something after it, well formed or not: a token was sent.
BEARER_SENT_RE = re.compile(r"^\s*bearer\s+[^\s;]", re.IGNORECASE)
MAX_AUTHORIZATION_LENGTH = 4096


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
