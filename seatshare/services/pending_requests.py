"""Pending ticket requests whose ticket is about to be deleted.

The requests go with their ticket (the foreign key cascades); their
requesters are told by mail, sent only if the deletion commits.
"""
from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..mail import mail_requested_ticket_deleted
from ..models import Event, Group, RequestStatus, Ticket, TicketRequest, User


def mail_requesters_of_deleted(request, ticket_ids) -> None:
    """Call before deleting the tickets ``ticket_ids``: each pending
    request's requester learns the ticket is gone. One statement loads
    every request with the rows its mail names, so the mails need no more."""
    if not ticket_ids:
        return
    owner = aliased(User)
    rows = request.dbsession.execute(
        select(TicketRequest, User, Ticket, Event, Group, owner)
        .join(User, User.id == TicketRequest.requester_id)
        .join(Ticket, Ticket.id == TicketRequest.ticket_id)
        .join(Event, Event.id == Ticket.event_id)
        .join(Group, Group.id == Ticket.group_id)
        .join(owner, owner.id == Ticket.owner_id)
        .where(
            TicketRequest.ticket_id.in_(ticket_ids),
            TicketRequest.status == RequestStatus.PENDING,
        )
        .order_by(TicketRequest.id)
    ).all()
    for row in rows:
        mail_requested_ticket_deleted(request, row.TicketRequest)
