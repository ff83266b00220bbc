"""``/api/v1/user_aliases``: yours and your mutual members'."""
from pyramid.authorization import Allow, Authenticated
from sqlalchemy import select

from .. import principals as p
from ..models import UserAlias, by_code_point
from ..permissions import Permission
from . import Resource, register_container
from .lists import DENY_ALL, ListContainer, body_id, body_value
from .membership import is_mutual_member, load_active_group_ids


class UserAliasContext(Resource):
    """An alias: its owner changes or deletes it (``services/aliases.py``),
    the members of the owner's active groups see it."""

    def __init__(self, request, name, parent, alias, owner_group_ids=()):
        super().__init__(request, name, parent)
        self.alias = alias
        self.owner_group_ids = owner_group_ids

    def __acl__(self):
        owner = p.user(self.alias.user_id)
        return [
            (Allow, owner, (Permission.VIEW, Permission.EDIT, Permission.DELETE)),
            *[
                (Allow, p.group_member(gid), Permission.VIEW)
                for gid in self.owner_group_ids
            ],
            DENY_ALL,
        ]


@register_container("user_aliases")
class UserAliasContainer(ListContainer):
    item_class = UserAliasContext
    granted = (Permission.LIST, Permission.CREATE)

    def __acl__(self):
        claimed = self.claimed_owner_id()
        if claimed is None:
            return super().__acl__()
        # You may only create aliases for yourself: a body naming any
        # user_id but yours is a 403 (API.md §3); the schema judges the rest.
        return [
            (Allow, Authenticated, Permission.LIST),
            (Allow, p.user(claimed), Permission.CREATE),
            DENY_ALL,
        ]

    def claimed_owner_id(self) -> int | None:
        """The user a POST's body names as the alias's owner: None when it
        names nobody (no ``user_id``, or null). A ``user_id`` that is not
        an id ("1", 1.5, true) is not yours either: 0, which no user is."""
        request = self.request
        if request.method != "POST" or body_value(request, "user_id") is None:
            return None
        return body_id(request, "user_id") or 0

    def load(self, alias_id):
        alias = self.request.dbsession.get(UserAlias, alias_id)
        if alias is None:
            return None
        group_ids = load_active_group_ids(self.request.dbsession, alias.user_id)
        return UserAliasContext(self.request, str(alias_id), self, alias, group_ids)

    def list_query(self, params):
        return (
            select(UserAlias)
            .where(is_mutual_member(UserAlias.user_id, self.user_id))
            .order_by(
                by_code_point(UserAlias.last_name),
                by_code_point(UserAlias.first_name),
                UserAlias.id,
            )
        )
