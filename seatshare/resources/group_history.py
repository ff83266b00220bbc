"""``/groups/ID/history``: what happened to the group's tickets, for its
members, including the tickets deleted since (whose own
``/ticket/ID/history`` is gone with them)."""
from pyramid.authorization import Allow
from sqlalchemy import select

from .. import principals as p
from ..models import TicketHistory
from ..permissions import Permission
from . import register_child
from .group_members import GroupChildContainer
from .groups import GroupContext
from .lists import DENY_ALL


@register_child(GroupContext, "history")
class GroupHistoryContainer(GroupChildContainer):
    def __acl__(self):
        return [(Allow, p.group_member(self.group.id), Permission.LIST), DENY_ALL]

    def load(self, entry_id):
        return None  # entries are listed, not addressed one by one

    def list_query(self, params):
        """Newest first."""
        return (
            select(TicketHistory)
            .where(TicketHistory.group_id == self.group.id)
            .order_by(TicketHistory.created_at.desc(), TicketHistory.id.desc())
        )
