"""``/ticket/ID/history`` and ``/groups/ID/history``."""
from pyramid.view import view_config

from ..models import TicketHistory
from ..permissions import Permission
from ..resources.group_history import GroupHistoryContainer
from ..resources.ticket_history import TicketHistoryContainer
from ..schemas.lists import ListQuery
from . import ResourceViews

FIELDS = ("id", "ticket_id", "action", "actor_id", "changes", "created_at")


def history_json(entry: TicketHistory) -> dict:
    return {name: getattr(entry, name) for name in FIELDS}


class TicketHistoryViews(ResourceViews):
    @view_config(context=TicketHistoryContainer, request_method="GET",
                 permission=Permission.LIST, renderer="json")
    @view_config(context=GroupHistoryContainer, request_method="GET",
                 permission=Permission.LIST, renderer="json")
    def list(self):
        return self.list_page(ListQuery(), history_json)
