"""``/api/v1/authorizations``: the applications you approved, and revoking
them (``services/authorizations.py``).

An application is yours to see while you have a remembered approval for it
or a live token from it (access not expired, or refresh still usable).
Everything here is the caller's own: the list is filtered by your user id,
and a context is only ever built for you.
"""
from pyramid.authorization import Allow
from sqlalchemy import and_, case, func, literal, or_, select, union_all

from .. import principals as p
from ..models import Application, Approval, Token, utcnow
from ..permissions import Permission
from . import Resource, register_container
from .lists import DENY_ALL, ListContainer

# The scopes API.md §2 defines, in their canonical order.
SCOPES = ("read", "write")


def live_token(now):
    return and_(
        Token.revoked_at.is_(None),
        or_(
            Token.expires_at > now,
            and_(
                Token.refresh_token_hash.is_not(None),
                Token.refresh_used_at.is_(None),
                Token.refresh_expires_at > now,
            ),
        ),
    )


def grants(user_id):
    """``(application_id, scopes, created_at)``: each remembered approval and
    live token of ``user_id``'s, the rows that make an application theirs."""
    return union_all(
        select(Approval.application_id, Approval.scopes, Approval.created_at).where(
            Approval.user_id == user_id
        ),
        # A refresh token keeps its scopes when a refresh narrows the
        # access token's (RFC 6749 §6): what the application can still get.
        select(Token.application_id, func.coalesce(Token.refresh_scopes, Token.scopes),
               Token.created_at).where(Token.user_id == user_id, live_token(utcnow())),
    ).subquery()


def connected_application_ids(user_id):
    """The ids of the enabled applications ``user_id`` has approved with
    ``read`` (those ``authorizations`` lists as reading, less the disabled):
    whose calendar feed URLs work (``seatshare.calendar.user_for_token``).
    The feeds show what ``read`` does; an application left with ``write``
    alone may not read them with a URL it was given before."""
    granted = grants(user_id)
    reading = select(granted.c.application_id).where(carries(granted, "read"))
    return (
        select(Application.id)
        .where(Application.id.in_(reading), Application.disabled.is_(False))
    )


def carries(granted, scope):
    """Whether a row of ``grants`` carries ``scope``: scopes are
    space-separated words, and padding with spaces matches whole words."""
    return (literal(" ") + granted.c.scopes + literal(" ")).like(f"% {scope} %")


def authorizations(user_id):
    """``(Application, approved_at, has_read, has_write)`` per application
    ``user_id`` approved: the earliest approval or live token, and whether
    any of them carries each scope."""
    granted = grants(user_id)
    scopes = [
        func.max(case((carries(granted, scope), 1), else_=0)).label(scope)
        for scope in SCOPES
    ]
    approved_at = func.min(granted.c.created_at).label("approved_at")
    return (
        select(Application, approved_at, *scopes)
        .join(granted, granted.c.application_id == Application.id)
        .group_by(Application.id)
    )


class AuthorizationContext(Resource):
    def __init__(self, request, name, parent, row, user_id):
        super().__init__(request, name, parent)
        self.row = row
        self.user_id = user_id

    def __acl__(self):
        return [(Allow, p.user(self.user_id), (Permission.VIEW, Permission.DELETE)), DENY_ALL]


@register_container("authorizations")
class AuthorizationContainer(ListContainer):
    item_class = AuthorizationContext

    def load(self, application_id):
        row = authorization(self.request.dbsession, self.user_id, application_id)
        if row is None:
            return None
        return AuthorizationContext(self.request, str(application_id), self, row, self.user_id)

    def list_query(self, params):
        return ordered_authorizations(self.user_id)


def authorization(dbsession, user_id: int, application_id: int):
    """The ``authorizations()`` row of one application, or None."""
    return dbsession.execute(
        authorizations(user_id).where(Application.id == application_id)
    ).first()


def ordered_authorizations(user_id: int):
    """``authorizations()`` in the list's documented order."""
    return authorizations(user_id).order_by("approved_at", Application.id)
