"""``/api/v1/tickets`` and ``/api/v1/ticket/ID``."""
from pyramid.view import view_config, view_defaults

from ..models import Ticket
from ..permissions import Permission
from ..resources.tickets import TICKET_FIELDS, TicketContainer, TicketContext
from ..schemas import validate_body
from ..schemas.tickets import READ_ONLY, TicketListQuery, TicketUpdate
from ..services.tickets import delete_ticket, update_ticket
from . import ResourceViews, no_content

FIELDS = TICKET_FIELDS


def ticket_json(ticket: Ticket) -> dict:
    return {name: getattr(ticket, name) for name in FIELDS}


@view_defaults(renderer="json")
class TicketViews(ResourceViews):
    @view_config(context=TicketContainer, request_method="GET", permission=Permission.LIST)
    def list(self):
        # Each ticket's JSON is written by the database, the same object
        # as ticket_json's (resources/tickets.py, ticket_list).
        return self.json_list_page(TicketListQuery())

    @view_config(context=TicketContext, request_method="GET", permission=Permission.VIEW)
    def show(self):
        return ticket_json(self.context.ticket)

    @view_config(context=TicketContext, request_method="PUT", permission=Permission.EDIT)
    def update(self):
        changes = validate_body(self.request, TicketUpdate(), READ_ONLY)
        return ticket_json(update_ticket(self.request, self.context, changes))

    @view_config(context=TicketContext, request_method="DELETE", permission=Permission.DELETE)
    def delete(self):
        delete_ticket(self.request, self.context)
        return no_content()
