"""Adding tickets (one, or a season ticket across many events, all or none),
changing and deleting one, and the rules every ticket write checks its
fields against."""
from sqlalchemy import exists, insert, literal, select, true
from sqlalchemy.orm.attributes import set_committed_value

from ..errors import APIError
from ..models import Event, Group, HistoryAction, Membership, Ticket, UserAlias
from ..permissions import Permission
from ..recheck import recheck_permission
from ..text import is_blank
from .group_locks import share_lock_group
from .history import action_for, diff, record_ticket_change, record_ticket_changes, snapshot
from .pending_requests import settle_requests, tell_requesters_of_deleted
from .ticket_parties import (
    GoneTicketsMail,
    mail_assignee_changed,
    mail_new_tickets_given,
    tell_other_parties,
)

SEAT_FIELDS = ("section", "row", "seat")
# What a new ticket takes from the body besides its group and events.
NEW_TICKET_FIELDS = ("section", "row", "seat", "cost", "note", "assignee_id", "alias_id")


def create_tickets(request, context, data: dict, event_ids: list[int]) -> list[Ticket]:
    """A ticket per event in ``event_ids``, owned by the caller, each with
    a "created" history entry; or a 400 naming every field at fault, with
    nothing written. The statements sent do not grow with the events.

    The group's lock comes first, as in every ticket write: the memberships
    read after it (the owner's, the assignee's) are those a removal of a
    member left, not those before it; the caller's is checked again by the
    container's ACL (``recheck_permission``)."""
    dbsession, owner_id = request.dbsession, request.identity.user_id
    share_lock_group(dbsession, data["group_id"])
    group = dbsession.scalar(
        select(Group).where(Group.id == data["group_id"], Group.active.is_(True))
    )
    if group is None:
        raise APIError(400, fields={"group_id": "is not a known group"})
    recheck_permission(request, context, Permission.CREATE, group.id)
    fields, alias = ticket_field_errors(dbsession, group.id, data, data)
    # Whole rows, held: the assignee's mail reads them.
    found = {event.id: event for event in dbsession.scalars(
        select(Event).where(Event.id.in_(event_ids), Event.entity_id == group.entity_id)
    )}
    strangers = [event_id for event_id in event_ids if event_id not in found]
    if strangers:
        field = "event_ids" if "event_ids" in data else "event_id"
        fields[field] = "must be events of the group's entity; not: " + ", ".join(
            str(event_id) for event_id in strangers
        )
    if fields:
        raise APIError(400, fields=fields)
    values = {name: data[name] for name in NEW_TICKET_FIELDS}
    rows = [
        {"group_id": group.id, "event_id": event_id, "owner_id": owner_id, **values}
        for event_id in event_ids
    ]
    # Bulk inserts: one statement for the tickets, one for their history.
    # RETURNING need not keep the rows' order (SQLite could only promise it
    # row by row): event ids are distinct, so they put the tickets in order.
    by_event = {ticket.event_id: ticket for ticket in dbsession.scalars(
        insert(Ticket).returning(Ticket), rows
    )}
    tickets = [by_event[event_id] for event_id in event_ids]
    for ticket in tickets:
        set_committed_value(ticket, "alias", alias)
    record_ticket_changes(dbsession, [
        (ticket, owner_id, HistoryAction.CREATED, snapshot(ticket)) for ticket in tickets
    ])
    mail_new_tickets_given(request, group, tickets, found, owner_id)
    return tickets


def update_ticket(request, context, changes: dict) -> Ticket:
    """Apply a validated partial update to ``context``'s ticket, with a
    history entry if anything changed; or raise a 400 and change nothing.
    The ticket was loaded under its group's lock and its own
    (``TicketContainer.load``)."""
    dbsession, ticket = request.dbsession, context.ticket
    actor_id = request.identity.user_id
    before = snapshot(ticket)
    after = {**before, **changes}
    if "assignee_id" in changes and changes["assignee_id"] != before["assignee_id"]:
        # A new assignee brings their own alias, or none.
        after["alias_id"] = changes.get("alias_id")
    fields, alias = ticket_field_errors(dbsession, ticket.group_id, changes, after)
    if fields:
        raise APIError(400, fields=fields)
    if after["alias_id"] != before["alias_id"]:
        # The alias read is the ticket's new one (None: none).
        set_committed_value(ticket, "alias", alias)
    change_ticket(request, ticket, after, actor_id)
    return ticket


def change_ticket(request, ticket, after: dict, actor_id: int, accepted=None) -> None:
    """Give ``ticket`` the (valid) field values ``after``, with a history
    entry if anything changed. A ticket given to someone (a new assignee, or
    one whose request ``accepted`` was just accepted) settles its pending
    requests (``settle_requests``): the history entry names the request
    accepted. One moved away from its assignee tells its other party, and
    one given to someone tells them, unless through their accepted request
    (``mail_assignee_changed``)."""
    before = snapshot(ticket)
    for name, value in after.items():
        setattr(ticket, name, value)
    changed = diff(before, snapshot(ticket))
    # Given to someone: not unassigned, nor handed back to its owner, who
    # then answers the requests.
    given = ticket.assignee_id not in (None, ticket.owner_id)
    if accepted is not None or ("assignee_id" in changed and given):
        accepted = settle_requests(request, ticket, actor_id, accepted)
        if accepted is not None and changed:
            changed["request_id"] = accepted.id
    if "assignee_id" in changed:
        mail_assignee_changed(request, ticket, before, actor_id, accepted is not None)
    if changed:
        record_ticket_change(request.dbsession, ticket, actor_id, action_for(changed), changed)
        request.dbsession.flush()


def delete_ticket(request, context) -> None:
    """Delete ``context``'s ticket, with a "deleted" history entry; whoever
    asked for it is mailed, and its other party (its assignee, deleted by
    its owner; or its owner, deleted by its assignee). The ticket was
    loaded under its group's lock and its own (``TicketContainer.load``)."""
    dbsession, ticket = request.dbsession, context.ticket
    actor_id = request.identity.user_id
    mail = GoneTicketsMail(request, actor_id, ticket.group_id, actor_id, left_group=False)
    tell_requesters_of_deleted(mail, [ticket.id])
    tell_other_parties(mail, [ticket])
    mail.send()
    record_ticket_change(dbsession, ticket, actor_id, HistoryAction.DELETED, snapshot(ticket))
    dbsession.delete(ticket)
    dbsession.flush()


def ticket_field_errors(dbsession, group_id, changes, after) -> tuple[dict, UserAlias | None]:
    """The 400 messages for a ticket of ``group_id`` whose fields become
    ``after`` through ``changes`` (an update's, or a new ticket's every
    field), and the alias ``changes`` names, read as a whole row (None: none
    named). Without messages, the caller sets it as the ticket's ``alias``:
    the mail that names it reads it there, without a statement."""
    fields = {}
    if all(is_blank(after[name]) for name in SEAT_FIELDS):
        for name in SEAT_FIELDS:
            if name in changes:
                fields[name] = "at least one of section, row and seat must not be blank"
    assignee_id = after["assignee_id"]
    member, alias = _member_and_alias(dbsession, group_id, changes.get("assignee_id"),
                                      changes.get("alias_id"))
    if not member:
        fields["assignee_id"] = "must be a member of the ticket's group"
    if changes.get("alias_id") is not None:
        if assignee_id is None or alias is None or alias.user_id != assignee_id:
            fields["alias_id"] = "must be an alias of the ticket's assignee"
    return fields, alias


def _member_and_alias(dbsession, group_id, user_id, alias_id) -> tuple[bool, UserAlias | None]:
    """Whether ``user_id`` is a member of ``group_id`` (True when None: not
    asked), and the alias ``alias_id`` (None: not asked, or no such alias),
    in one statement, whether the alias exists or not: a ticket given with
    an alias costs no more statements than one given without."""
    is_member = (true() if user_id is None else
                 exists().where(Membership.group_id == group_id, Membership.user_id == user_id))
    if alias_id is None:
        return user_id is None or bool(dbsession.scalar(select(is_member))), None
    # One row, the alias's columns NULL when there is none.
    one_row = select(literal(1).label("one")).subquery()
    alias, member = dbsession.execute(
        select(UserAlias, is_member).select_from(one_row)
        .outerjoin(UserAlias, UserAlias.id == alias_id)
    ).one()
    return bool(member), alias
