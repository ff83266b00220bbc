"""``POST /tickets``: a ticket, or a season ticket (an array of them)."""
from pyramid.view import view_config

from ..permissions import Permission
from ..resources.tickets import TicketContainer
from ..schemas import validate_body
from ..schemas.ticket_create import READ_ONLY, TicketCreate
from ..services.tickets import create_tickets
from . import created
from .tickets import ticket_json


@view_config(
    context=TicketContainer, request_method="POST", permission=Permission.CREATE, renderer="json"
)
def create(context, request):
    """201 with the ticket (``event_id``) or the array of tickets
    (``event_ids``, in the order given); ``Location`` names the first."""
    data = validate_body(request, TicketCreate(), READ_ONLY)
    season = "event_ids" in data
    event_ids = data["event_ids"] if season else [data["event_id"]]
    tickets = create_tickets(request, context, data, event_ids)
    created(request, request.resource_url(context, str(tickets[0].id)))
    if season:
        return [ticket_json(ticket) for ticket in tickets]
    return ticket_json(tickets[0])
