"""Telling a ticket's other party that it went away from them.

A ticket has two parties, its owner and its assignee. When one of them
deletes it (``DELETE /ticket/ID``), or leaves its group (or is removed),
the other loses the seat they gave or were given: a leaving owner's
tickets are deleted with them, and those assigned to a leaving member are
unassigned. Each is mailed once for all their tickets (one message for
the tickets they held and the tickets they own), the games in order,
leaving out games that have started (nothing is lost for them); never
whoever did it (the party, or an administrator removing them). Like
every mail, it is sent only if the change commits.

When one of them moves the ticket away from its assignee (``PUT
/ticket/ID``, or its owner accepting a request), the other learns where it
went: the assignee its owner took it from, or the owner whose assignee
passed it on, to someone else, to nobody or back to them.
"""
from sqlalchemy import select

from ..mail import mail_ticket_moved, mail_tickets_gone
from ..models import Event, Group, User, UserAlias, utcnow


def mail_other_parties(request, tickets, party_id: int, group_id: int, actor_id: int,
                       left_group: bool) -> None:
    """Call before ``tickets`` (of group ``group_id``) go away from
    ``party_id``, their owner or assignee: they deleted them, or
    (``left_group``) they leave the group (``actor_id`` removes them) and
    those they own are deleted, those assigned to them unassigned. The
    other party of each is mailed, not ``party_id`` nor ``actor_id``. Its
    statements do not grow with the tickets."""
    told = [(ticket, _other_party(ticket, party_id)) for ticket in tickets]
    told = [(ticket, reader) for ticket, reader in told
            if reader not in (None, party_id, actor_id)]
    if not told:
        return
    dbsession = request.dbsession
    # Loaded at once, and held: each ticket's ``event`` and each mail's
    # reader are then served by the session's identity map, not a query each.
    events = {event.id: event for event in dbsession.scalars(
        select(Event).where(Event.id.in_({ticket.event_id for ticket, _ in told}))
    )}
    now = utcnow()
    told = [(ticket, reader) for ticket, reader in told
            if not events[ticket.event_id].has_started(now)]
    if not told:
        return
    users = {user.id: user for user in dbsession.scalars(
        select(User).where(User.id.in_({party_id, *(reader for _, reader in told)}))
    )}
    group = dbsession.get(Group, group_id)
    told.sort(key=lambda pair: (events[pair[0].event_id].start_time, pair[0].event_id,
                                pair[0].id))
    party = users[party_id]
    for reader_id in sorted({reader for _, reader in told}):
        theirs = [ticket for ticket, reader in told if reader == reader_id]
        assigned = [ticket for ticket in theirs if ticket.owner_id == party_id]
        owned = [ticket for ticket in theirs if ticket.owner_id != party_id]
        mail_tickets_gone(request, users[reader_id], party, group, assigned, owned, left_group)


def mail_ticket_moved_away(request, ticket, before: dict, actor_id: int) -> None:
    """Call once ``actor_id`` changed ``ticket``'s assignee, ``before``
    its fields until then. Its parties then, its owner and the assignee it
    was taken from, are told, but not ``actor_id`` (nor anyone, for a game
    that has started): through the API, the assignee when its owner acts,
    the owner when its assignee does."""
    previous_id = before["assignee_id"]
    readers = {ticket.owner_id, previous_id} - {None, actor_id}
    if previous_id is None or not readers or ticket.event.has_started(utcnow()):
        return
    dbsession = request.dbsession
    users = {user.id: user for user in dbsession.scalars(
        select(User).where(User.id.in_({actor_id, *readers}))
    )}
    alias = None if before["alias_id"] is None else dbsession.get(UserAlias, before["alias_id"])
    group = dbsession.get(Group, ticket.group_id)
    for reader_id in sorted(readers):
        mail_ticket_moved(request, users[reader_id], users[actor_id], group, ticket,
                          previous_id, alias)


def _other_party(ticket, party_id: int):
    """The assignee (or None) of a ticket ``party_id`` owns, else its owner."""
    return ticket.assignee_id if ticket.owner_id == party_id else ticket.owner_id
