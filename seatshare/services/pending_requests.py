"""Pending ticket requests that end with a ticket or a membership.

A ticket about to be deleted takes its pending requests with it (the
foreign key cascades): each requester is told. A member leaving a group
withdraws their pending requests for its tickets: each owner is told, as
for a withdrawal. Nobody is told of what they did themselves (an
administrator removing a member), and mail is sent only if the change
commits.
"""
from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from ..mail import mail_request_withdrawn, mail_requested_ticket_deleted
from ..models import Event, Group, RequestStatus, Ticket, TicketRequest, User, utcnow


def mail_requesters_of_deleted(request, ticket_ids, actor_id: int) -> None:
    """Call before ``actor_id`` deletes the tickets ``ticket_ids``: each
    pending request's requester learns the ticket is gone."""
    if not ticket_ids:
        return
    rows = _with_parties(
        request.dbsession,
        TicketRequest.ticket_id.in_(ticket_ids),
        TicketRequest.status == RequestStatus.PENDING,
        TicketRequest.requester_id != actor_id,
    )
    for row in rows:
        mail_requested_ticket_deleted(request, row.TicketRequest)


def withdraw_requests_of_leaver(request, group_id: int, user_id: int, actor_id: int) -> None:
    """``user_id`` leaves ``group_id`` (``actor_id`` removes them): their
    pending requests for its tickets are withdrawn, and each ticket's owner
    is mailed."""
    dbsession = request.dbsession
    withdrawn = dbsession.scalars(
        update(TicketRequest)
        .where(
            TicketRequest.requester_id == user_id,
            TicketRequest.status == RequestStatus.PENDING,
            TicketRequest.ticket_id.in_(select(Ticket.id).where(Ticket.group_id == group_id)),
        )
        .values(status=RequestStatus.WITHDRAWN, updated_at=utcnow())
        .returning(TicketRequest.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not withdrawn:
        return
    rows = _with_parties(dbsession, TicketRequest.id.in_(withdrawn), Ticket.owner_id != actor_id)
    for row in rows:
        mail_request_withdrawn(request, row.TicketRequest, left_group=True)


def _with_parties(dbsession, *conditions) -> list:
    """The requests ``conditions`` select, by id, each in a row with what
    its mail names (requester, ticket, event, group, owner), in one
    statement. Keep the rows while mailing: the session's identity map
    holds objects weakly, and serves the mails only while they live."""
    owner = aliased(User)
    return dbsession.execute(
        select(TicketRequest, User, Ticket, Event, Group, owner)
        .join(User, User.id == TicketRequest.requester_id)
        .join(Ticket, Ticket.id == TicketRequest.ticket_id)
        .join(Event, Event.id == Ticket.event_id)
        .join(Group, Group.id == Ticket.group_id)
        .join(owner, owner.id == Ticket.owner_id)
        .where(*conditions)
        .order_by(TicketRequest.id)
        .execution_options(populate_existing=True)
    ).all()
