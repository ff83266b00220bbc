"""Ticket requests: ``/ticket/ID/requests`` (ask) and ``/ticket_requests``.

A member of a ticket's group who does not own it may ask its owner for it.
The requester and the ticket's owner see the request; the owner accepts or
declines it, the requester withdraws it. Which of the two may ``PUT`` depends
on the status the body asks for, so the ACL reads it (as the alias
container's reads ``user_id``); a status that is neither is the schema's 400.
"""
from pyramid.authorization import Allow, Deny
from sqlalchemy import or_, select

from .. import principals as p
from ..models import Group, RequestStatus, Ticket, TicketRequest
from ..permissions import Permission
from . import Resource, register_child, register_container
from .lists import DENY_ALL, ListContainer, body_value
from .tickets import TicketContext

OWNER_ANSWERS = (RequestStatus.ACCEPTED.value, RequestStatus.DECLINED.value)


@register_child(TicketContext, "requests")
class TicketAskContext(Resource):
    """``POST /ticket/ID/requests``: ask the ticket's owner for it."""

    @property
    def ticket(self):
        return self.__parent__.ticket

    def __acl__(self):
        ticket = self.ticket
        return [
            (Deny, p.user(ticket.owner_id), Permission.REQUEST),
            (Allow, p.group_member(ticket.group_id), Permission.REQUEST),
            DENY_ALL,
        ]


class TicketRequestContext(Resource):
    def __init__(self, request, name, parent, ticket_request, ticket):
        super().__init__(request, name, parent)
        self.ticket_request = ticket_request
        self.ticket = ticket

    def __acl__(self):
        owner = p.user(self.ticket.owner_id)
        requester = p.user(self.ticket_request.requester_id)
        editors = (owner, requester)
        if self.request.method == "PUT":
            status = body_value(self.request, "status")
            if status in OWNER_ANSWERS:
                editors = (owner,)
            elif status == RequestStatus.WITHDRAWN.value:
                editors = (requester,)
        return [
            (Allow, owner, Permission.VIEW),
            (Allow, requester, Permission.VIEW),
            *[(Allow, editor, Permission.EDIT) for editor in editors],
            DENY_ALL,
        ]


def visible_requests(user_id):
    """Requests ``user_id`` made or that are for their tickets, in active groups."""
    return (
        select(TicketRequest, Ticket)
        .join(Ticket, Ticket.id == TicketRequest.ticket_id)
        .join(Group, Group.id == Ticket.group_id)
        .where(
            Group.active.is_(True),
            or_(TicketRequest.requester_id == user_id, Ticket.owner_id == user_id),
        )
    )


@register_container("ticket_requests")
class TicketRequestContainer(ListContainer):
    item_class = TicketRequestContext

    def load(self, request_id):
        row = self.request.dbsession.execute(
            select(TicketRequest, Ticket)
            .join(Ticket, Ticket.id == TicketRequest.ticket_id)
            .join(Group, Group.id == Ticket.group_id)
            .where(TicketRequest.id == request_id, Group.active.is_(True))
        ).first()
        if row is None:
            return None
        return TicketRequestContext(self.request, str(request_id), self, *row)

    def list_query(self, params):
        stmt = visible_requests(self.user_id)
        if "status" in params:
            stmt = stmt.where(TicketRequest.status == params["status"])
        return stmt.order_by(TicketRequest.created_at, TicketRequest.id)
