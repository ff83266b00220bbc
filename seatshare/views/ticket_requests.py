"""``/ticket/ID/requests`` and ``/ticket_requests``."""
from pyramid.view import view_config, view_defaults

from ..models import TicketRequest
from ..permissions import Permission
from ..resources.ticket_requests import (
    TicketAskContext,
    TicketRequestContainer,
    TicketRequestContext,
)
from ..schemas import validate_body
from ..schemas.ticket_requests import (
    READ_ONLY,
    UPDATE_READ_ONLY,
    TicketRequestCreate,
    TicketRequestListQuery,
    TicketRequestUpdate,
)
from ..services.ticket_requests import answer_request, ask_for_ticket
from . import ResourceViews, created

FIELDS = ("id", "ticket_id", "requester_id", "message", "status", "created_at", "updated_at")


def request_json(ticket_request: TicketRequest, owner_id: int) -> dict:
    body = {name: getattr(ticket_request, name) for name in FIELDS}
    body["owner_id"] = owner_id
    return body


@view_defaults(renderer="json")
class TicketRequestViews(ResourceViews):
    @view_config(context=TicketAskContext, request_method="POST", permission=Permission.REQUEST)
    def ask(self):
        data = validate_body(self.request, TicketRequestCreate(), READ_ONLY)
        ticket = self.context.ticket
        ticket_request = ask_for_ticket(self.request, self.context, data["message"])
        location = self.request.resource_url(
            self.request.root["api"]["v1"]["ticket_requests"], str(ticket_request.id)
        )
        created(self.request, location)
        return request_json(ticket_request, ticket.owner_id)

    @view_config(context=TicketRequestContainer, request_method="GET", permission=Permission.LIST)
    def list(self):
        return self.list_page(
            TicketRequestListQuery(), lambda row: request_json(row[0], row[1].owner_id)
        )

    @view_config(context=TicketRequestContext, request_method="GET", permission=Permission.VIEW)
    def show(self):
        return request_json(self.context.ticket_request, self.context.ticket.owner_id)

    @view_config(context=TicketRequestContext, request_method="PUT", permission=Permission.EDIT)
    def answer(self):
        data = validate_body(self.request, TicketRequestUpdate(), UPDATE_READ_ONLY)
        ticket_request = answer_request(
            self.request, self.context.ticket_request, data["status"],
            self.request.identity.user_id,
        )
        return request_json(ticket_request, self.context.ticket.owner_id)
