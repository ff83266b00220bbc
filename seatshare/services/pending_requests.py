"""Pending ticket requests that end with a ticket, an assignment or a membership.

A ticket given to someone (accepting a request, or ``PUT /ticket/ID``)
settles its pending requests: the new assignee's is accepted, every other
one declined, and each requester is told. A ticket about to be deleted
takes its pending requests with it (the foreign key cascades): each
requester is told. A member leaving a group withdraws their pending
requests for its tickets: each owner is told. The last two go into the
one message each member gets of the deletion or the leaving
(``GoneTicketsMail``). Nobody is told of what they did themselves (an
administrator removing a member), and mail is sent only if the change
commits.
"""
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import aliased

from ..mail import mail_request_answer
from ..models import Event, Group, RequestStatus, Ticket, TicketRequest, User, utcnow


def change_status(dbsession, request_ids, status) -> list[int]:
    """The ids among ``request_ids`` (a list, or a SELECT of ids) that were
    pending and now have ``status``: of two changes racing for one request,
    exactly one sees it change."""
    return list(
        dbsession.scalars(
            update(TicketRequest)
            .where(
                TicketRequest.id.in_(request_ids),
                TicketRequest.status == RequestStatus.PENDING,
            )
            .values(status=status, updated_at=utcnow())
            .returning(TicketRequest.id)
            .execution_options(synchronize_session=False)
        )
    )


def settle_requests(request, ticket, actor_id: int, accepted=None):
    """``actor_id`` just gave ``ticket`` to its assignee: by accepting
    ``accepted`` (already accepted), or directly, which accepts the
    assignee's pending request if they have one. The accepted request's
    requester is mailed; every other pending request for the ticket is
    declined, it is taken, and each requester mailed. Returns the accepted
    request, or None: the history entry of the assignment names it."""
    dbsession = request.dbsession
    if accepted is None:
        mine = select(TicketRequest.id).where(
            TicketRequest.ticket_id == ticket.id,
            TicketRequest.requester_id == ticket.assignee_id,
        )
        accepted_ids = change_status(dbsession, mine, RequestStatus.ACCEPTED)
        if accepted_ids:
            accepted = dbsession.get(TicketRequest, accepted_ids[0], populate_existing=True)
    answerer = dbsession.get(User, actor_id)
    if accepted is not None:
        mail_request_answer(request, accepted, answerer)
    others = select(TicketRequest.id).where(
        TicketRequest.ticket_id == ticket.id,
        TicketRequest.status == RequestStatus.PENDING,
    )
    declined = change_status(dbsession, others, RequestStatus.DECLINED)
    if declined:
        # Each mail names its requester, ticket and event: one statement
        # for them all, whatever their number.
        for row in _with_parties(dbsession, TicketRequest.id.in_(declined)):
            mail_request_answer(request, row.TicketRequest, answerer)
    return accepted


def tell_requesters_of_deleted(mail, ticket_ids) -> None:
    """Before the tickets ``ticket_ids`` are deleted (``mail``: a
    ``GoneTicketsMail``): each pending request's requester will hear the
    ticket is gone, and their request with it."""
    if ticket_ids:
        _tell(mail, _with_parties(mail.request.dbsession, _pending_for(ticket_ids)), ())


def withdraw_requests_of_leaver(mail, group_id: int, user_id: int, deleted_ticket_ids) -> None:
    """``user_id`` leaves ``group_id``: their pending requests for its
    tickets are withdrawn, and each ticket's owner will hear of it, and
    they too when an administrator removes them; and the tickets
    ``deleted_ticket_ids`` (theirs, about to be deleted) are
    ``tell_requesters_of_deleted``'s, the requests of both read in one
    statement (``mail``: a ``GoneTicketsMail``)."""
    dbsession = mail.request.dbsession
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
    told = [TicketRequest.id.in_(withdrawn)] if withdrawn else []
    if deleted_ticket_ids:
        told.append(_pending_for(deleted_ticket_ids))
    if told:
        _tell(mail, _with_parties(dbsession, or_(*told)), set(withdrawn))


def _pending_for(ticket_ids):
    return and_(
        TicketRequest.ticket_id.in_(ticket_ids), TicketRequest.status == RequestStatus.PENDING
    )


def _tell(mail, rows, withdrawn_ids) -> None:
    """Each row's request: its ticket's owner hears it is withdrawn if its
    id is in ``withdrawn_ids``; else its requester, that the ticket is gone."""
    for row in rows:
        if row.TicketRequest.id in withdrawn_ids:
            mail.add(row.Ticket.owner_id, "withdrawn", row.Ticket, row)
            mail.add_removed("withdrawn", row.Ticket, row)
        else:
            mail.add(row.TicketRequest.requester_id, "asked", row.Ticket, row)


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
