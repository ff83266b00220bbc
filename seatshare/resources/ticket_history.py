"""``/ticket/ID/history``: the ticket's history, for the members of its group."""
from pyramid.authorization import Allow
from sqlalchemy import select

from .. import principals as p
from ..models import TicketHistory
from ..permissions import Permission
from . import register_child
from .lists import DENY_ALL, ListContainer
from .tickets import TicketContext


@register_child(TicketContext, "history")
class TicketHistoryContainer(ListContainer):
    @property
    def ticket(self):
        return self.__parent__.ticket

    def __acl__(self):
        return [(Allow, p.group_member(self.ticket.group_id), Permission.LIST), DENY_ALL]

    def load(self, entry_id):
        return None  # entries are listed, not addressed one by one

    def list_query(self, params):
        ticket = self.ticket
        return (
            select(TicketHistory)
            .where(TicketHistory.ticket_id == ticket.id)
            .order_by(TicketHistory.created_at, TicketHistory.id)
        )
