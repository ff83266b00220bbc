"""``/api/v1/groups``: the active groups you belong to."""
from pyramid.authorization import Allow
from sqlalchemy import select

from .. import principals as p
from ..models import Group, Membership, by_code_point
from ..permissions import Permission
from . import Parent, register_container
from .lists import DENY_ALL, ListContainer


class GroupContext(Parent):
    """An active group; ``role`` is the caller's role in it (None if not a member).

    Children: ``members`` and ``invitations`` (resources/group_members.py).
    """

    children: dict[str, type] = {}

    def __init__(self, request, name, parent, group, role=None):
        super().__init__(request, name, parent)
        self.group = group
        self.role = role

    def __acl__(self):
        return [
            (
                Allow,
                p.group_admin(self.group.id),
                (Permission.VIEW, Permission.EDIT, Permission.DELETE),
            ),
            (Allow, p.group_member(self.group.id), Permission.VIEW),
            DENY_ALL,
        ]


@register_container("groups")
class GroupContainer(ListContainer):
    item_class = GroupContext
    # Any signed-in user may create a group, or join one with a code
    # (``POST /groups/join``, a view named "join" on this container).
    granted = (Permission.LIST, Permission.CREATE, Permission.JOIN)

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
            .order_by(by_code_point(Group.name), Group.id)
        )
