"""``/api/v1/groups``: the active groups you belong to."""
from pyramid.authorization import Allow
from sqlalchemy import select

from .. import principals as p
from ..models import Group, Membership
from ..permissions import Permission
from . import Resource, register_container
from .lists import DENY_ALL, ListContainer


class GroupContext(Resource):
    """An active group; ``role`` is the caller's role in it (None if not a member)."""

    def __init__(self, request, name, parent, group, role=None):
        super().__init__(request, name, parent)
        self.group = group
        self.role = role

    def __acl__(self):
        return [
            (Allow, p.group_admin(self.group.id), (Permission.VIEW, Permission.EDIT)),
            (Allow, p.group_member(self.group.id), Permission.VIEW),
            DENY_ALL,
        ]


@register_container("groups")
class GroupContainer(ListContainer):
    def load(self, group_id):
        """One query: the active group and the caller's role in it."""
        row = self.request.dbsession.execute(
            select(Group, Membership.role)
            .outerjoin(
                Membership,
                (Membership.group_id == Group.id)
                & (Membership.user_id == self.user_id),
            )
            .where(Group.id == group_id, Group.active.is_(True))
        ).first()
        if row is None:
            return None
        return GroupContext(self.request, str(group_id), self, row[0], row[1])

    def list_query(self, params):
        return (
            select(Group, Membership.role)
            .join(Membership, Membership.group_id == Group.id)
            .where(Membership.user_id == self.user_id, Group.active.is_(True))
            .order_by(Group.name, Group.id)
        )
