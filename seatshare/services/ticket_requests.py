"""Asking for a ticket, and answering: accept, decline, withdraw.

Only a pending request changes, and the change is one conditional UPDATE
(``... WHERE status = 'pending'``), so of two answers racing for one request
exactly one sees a row change. Accepting first locks the ticket's row: two
owners' accepts of two requests for one ticket run one after the other, and
the first declines the second's request before the second gets to it.
Before the ticket it locks the group (``lock_group_of_ticket``), as every
ticket write does: a requester leaving at that moment leaves either first
(their request is then withdrawn: 409) or after (and the ticket they were
just given is unassigned as they go), without a deadlock.
"""
from sqlalchemy import select

from ..errors import APIError
from ..mail import mail_request_answer, mail_request_withdrawn, mail_ticket_request
from ..models import HistoryAction, RequestStatus, Ticket, TicketRequest
from ..permissions import Permission
from ..recheck import recheck_permission
from .group_locks import lock_group_of_ticket
from .history import record_ticket_change
from .pending_requests import change_status
from .tickets import change_ticket

ALREADY_ASKED = "You already asked for this ticket; that request is still pending."
ALREADY_YOURS = "This ticket is already assigned to you."
STARTED = "This event has already started: its tickets can no longer be requested."


def ask_for_ticket(request, context, message: str) -> TicketRequest:
    """The caller asks for ``context``'s ticket: a pending request, a
    "requested" history entry and a mail to the owner. The ticket was loaded
    with its group's lock (``TicketContainer.load``); a member removed while
    the request waited for it may no longer ask (``recheck_permission``):
    their requests were withdrawn as they went. Nobody may ask (409) for a
    ticket to an event that has started (``Event.has_started``), nor its
    assignee while it is theirs: accepting would give them nothing."""
    dbsession, ticket = request.dbsession, context.ticket
    requester_id = request.identity.user_id
    recheck_permission(request, context, Permission.REQUEST, ticket.group_id)
    if ticket.event.has_started():
        raise APIError(409, STARTED)
    if ticket.assignee_id == requester_id:
        raise APIError(409, ALREADY_YOURS)
    pending = dbsession.scalar(
        select(TicketRequest.id).where(
            TicketRequest.ticket_id == ticket.id,
            TicketRequest.requester_id == requester_id,
            TicketRequest.status == RequestStatus.PENDING,
        )
    )
    if pending is not None:
        raise APIError(409, ALREADY_ASKED)
    ticket_request = TicketRequest(
        ticket_id=ticket.id, requester_id=requester_id, message=message
    )
    dbsession.add(ticket_request)
    dbsession.flush()
    record_ticket_change(
        dbsession, ticket, requester_id, HistoryAction.REQUESTED,
        {"request_id": ticket_request.id},
    )
    dbsession.flush()
    mail_ticket_request(request, ticket_request)
    return ticket_request


def answer_request(request, ticket_request: TicketRequest, status: RequestStatus, actor_id: int):
    """Move a pending request to ``status`` (409 if it is no longer pending)
    and mail the other party. Accepting assigns the ticket to the requester
    and clears its alias, as ``PUT /ticket/ID`` would, and so settles its
    other pending requests (``settle_requests``: declined)."""
    dbsession = request.dbsession
    if status == RequestStatus.ACCEPTED:
        lock_group_of_ticket(dbsession, ticket_request.ticket_id)
        ticket = dbsession.scalars(
            select(Ticket)
            .where(Ticket.id == ticket_request.ticket_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()
        if ticket is None:
            raise APIError(404)  # deleted since the request was read
    changed = change_status(dbsession, [ticket_request.id], status)
    current = dbsession.get(TicketRequest, ticket_request.id, populate_existing=True)
    if current is None:
        raise APIError(404)  # its ticket was deleted meanwhile
    if not changed:
        raise APIError(
            409, f"Only a pending request can change; this one is {current.status.value}."
        )
    ticket_request = current
    if status == RequestStatus.WITHDRAWN:
        mail_request_withdrawn(request, ticket_request)
    elif status == RequestStatus.DECLINED:
        mail_request_answer(request, ticket_request)
    else:
        change_ticket(
            request, ticket, {"assignee_id": ticket_request.requester_id, "alias_id": None},
            actor_id, accepted=ticket_request,
        )
    return ticket_request
