"""Deleting a user alias: the tickets that used it lose it, each with a
history entry."""
from sqlalchemy import select

from ..errors import APIError
from ..models import HistoryAction, Ticket, UserAlias, on_postgresql
from .group_locks import share_lock_group
from .history import record_ticket_changes


def delete_alias(request, context) -> None:
    """Delete ``context``'s alias; each ticket that used it loses it, with a history entry.

    The alias's update lock comes first: a write that has just given a
    ticket this alias holds its foreign key's lock on it until it
    commits, and the tickets are read after it did (else that ticket
    would be missed, and lose the alias to ON DELETE SET NULL with no
    history entry); a write after it finds no alias (400). Then the
    tickets' groups, then the tickets, in every ticket write's order.
    The locks are PostgreSQL's: SQLite runs one writing transaction at a
    time.
    """
    dbsession, alias = request.dbsession, context.alias
    actor_id = request.identity.user_id
    if on_postgresql(dbsession):
        locked = dbsession.scalar(
            select(UserAlias.id).where(UserAlias.id == alias.id).with_for_update()
        )
        if locked is None:
            # Deleted meanwhile, by another request: gone, as it would
            # be a moment later (and as on SQLite).
            raise APIError(404)
    using = select(Ticket.group_id).where(Ticket.alias_id == alias.id)
    share_lock_group(dbsession, using)
    tickets = dbsession.scalars(
        select(Ticket).where(Ticket.alias_id == alias.id).with_for_update()
    ).all()
    record_ticket_changes(dbsession, [
        (ticket, actor_id, HistoryAction.UPDATED, {"alias_id": [alias.id, None]})
        for ticket in tickets
    ])
    for ticket in tickets:
        ticket.alias_id = None
    dbsession.delete(alias)
    dbsession.flush()
