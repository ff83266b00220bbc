"""Telling a ticket's other party that it went away from them.

A ticket has two parties, its owner and its assignee. When one of them
deletes it (``DELETE /ticket/ID``), or leaves its group (or is removed),
the other loses the seat they gave or were given: a leaving owner's
tickets are deleted with them, and those assigned to a leaving member are
unassigned. Each is mailed once for all their tickets (one message for
the tickets they held and the tickets they own), the games in order,
leaving out games that have started (nothing is lost for them); never
whoever did it (the party, or an administrator removing them). A member
an administrator removes is mailed once too, in the administrator's
name, listing the tickets they owned and held to games still to come,
and those they asked for. Like every mail, it is sent only if the change
commits.

When one of them moves the ticket away from its assignee (``PUT
/ticket/ID``, or its owner accepting a request), the other learns where it
went: the assignee its owner took it from, or the owner whose assignee
passed it on, to someone else, to nobody or back to them. A member given a
ticket directly (``PUT /ticket/ID``, or ``POST /tickets`` with an
assignee, a season ticket in one message) is told too, with the alias
who is to use it in their place, unless they gave it to themselves or
their own request was accepted with it.
"""
from collections import defaultdict

from sqlalchemy import select

from ..mail import (
    mail_removed_from_group,
    mail_ticket_moved,
    mail_tickets_given,
    mail_tickets_gone,
)
from ..models import Event, Group, Ticket, User, UserAlias, this_second


class GoneTicketsMail:
    """What ``party_id`` deleting a ticket, or leaving group ``group_id``
    (``left_group``; ``actor_id`` removing them), does to each other
    member: the steps that do it ``add`` what each reader should hear of
    (``mail_tickets_gone``'s kinds), then ``send`` mails each reader one
    message for it all. Never ``actor_id``, nor ``party_id`` but when
    ``actor_id`` removes them: they get one message of it, listing the
    tickets they owned, held and asked for (``add_removed``). Its
    statements do not grow with the tickets or the readers."""

    def __init__(self, request, party_id: int, group_id: int, actor_id: int, left_group: bool):
        self.request, self.party_id, self.group_id = request, party_id, group_id
        self.actor_id, self.left_group = actor_id, left_group
        self._told = defaultdict(lambda: defaultdict(list))
        # A member an administrator removes: the tickets they owned, held
        # and asked for, to list.
        self.removed = defaultdict(list) if left_group and actor_id != party_id else None
        # The alias who was to use a ticket, by ticket id, named to the
        # reader whose (or whose party's) seat it was.
        self.aliases = {}
        # The session's identity map holds objects weakly: the rows that
        # loaded each ticket's event are kept until the mails are built.
        self._held = []

    def tells(self, reader_id) -> bool:
        """Whether ``reader_id`` is told: never the party, nor whoever acted."""
        return reader_id not in (None, self.party_id, self.actor_id)

    def add(self, reader_id: int, kind: str, ticket, *held, alias=None) -> None:
        """Tell ``reader_id`` of ``ticket`` (its ``event`` loaded, and held
        with ``held``), as ``kind``; and of ``alias``, who was to use it."""
        if not self.tells(reader_id):
            return
        self._told[reader_id][kind].append(ticket)
        self._hold(ticket, held, alias)

    def _hold(self, ticket, held, alias) -> None:
        self._held.append(held)
        if alias is not None:
            self.aliases[ticket.id] = alias

    def add_removed(self, kind: str, ticket, *held, alias=None) -> None:
        """Tell the member removed, if one was, of ``ticket`` (its
        ``event`` loaded, and held with ``held``), as ``kind``: ``owned``,
        deleted, ``held``, unassigned from them (with ``alias``, theirs who
        was to use it), or ``withdrawn``, their request for it withdrawn."""
        if self.removed is None:
            return
        self.removed[kind].append(ticket)
        self._hold(ticket, held, alias)

    def send(self) -> None:
        """One message to each reader, in reader order, each list's games in
        order; then the member removed, if one was. Call before the tickets
        change: the messages read them."""
        if not self._told and self.removed is None:
            return
        dbsession = self.request.dbsession
        users = _users_by_id(dbsession, {self.party_id, self.actor_id, *self._told})
        group = dbsession.get(Group, self.group_id)
        for reader_id in sorted(self._told):
            kinds = self._told[reader_id]
            for tickets in kinds.values():
                _in_games_order(tickets)
            mail_tickets_gone(self.request, users[reader_id], users[self.party_id],
                              users[self.actor_id], group, kinds, self.left_group,
                              self.aliases)
        if self.removed is not None:
            for tickets in self.removed.values():
                _in_games_order(tickets)
            mail_removed_from_group(self.request, users[self.party_id], users[self.actor_id],
                                    group, self.removed, self.aliases)


def tickets_with_events_and_aliases(dbsession, *where) -> tuple[list, dict, dict]:
    """The tickets ``where`` selects, their events by id and their aliases
    by id, in one statement. Held by the caller, the events then serve each
    ticket's ``event`` from the session's identity map, not a query each."""
    rows = dbsession.execute(
        select(Ticket, Event, UserAlias)
        .join(Event, Event.id == Ticket.event_id)
        .outerjoin(UserAlias, UserAlias.id == Ticket.alias_id)
        .where(*where)
    ).all()
    return ([row.Ticket for row in rows], {row.Event.id: row.Event for row in rows},
            {row.UserAlias.id: row.UserAlias for row in rows if row.UserAlias})


def tell_other_parties(mail: GoneTicketsMail, tickets, events_and_aliases=None) -> None:
    """``tickets`` go away from ``mail.party_id``, their owner or assignee:
    they deleted them, or they leave the group and those they own are
    deleted, those assigned to them unassigned. The other party of each is
    told, for the games still to come, with the alias who was to use it;
    and a member an administrator removes, of them all.
    ``events_and_aliases``: their events and aliases by id, when the caller
    read them with the tickets (``tickets_with_events_and_aliases``); else
    they are read here, in one statement."""
    party_id, removed = mail.party_id, mail.removed is not None
    told = [(ticket, _other_party(ticket, party_id)) for ticket in tickets]
    told = [(ticket, reader) for ticket, reader in told if removed or mail.tells(reader)]
    if not told:
        return
    if events_and_aliases is None:
        _, *events_and_aliases = tickets_with_events_and_aliases(
            mail.request.dbsession, Ticket.id.in_({ticket.id for ticket, _ in told}))
    events, aliases = events_and_aliases
    now = this_second()
    for ticket, reader in told:
        event = events[ticket.event_id]
        if event.has_started(now):
            continue
        owned = ticket.owner_id == party_id
        # A ticket's alias is its assignee's: the reader's, for one the
        # party owned; the party's, for one they held.
        alias = aliases.get(ticket.alias_id)
        mail.add_removed("owned" if owned else "held", ticket, event,
                         alias=None if owned else alias)
        mail.add(reader, "deleted" if owned else "dropped", ticket, event, alias=alias)


def mail_assignee_changed(request, ticket, before: dict, actor_id: int,
                          told_by_request: bool) -> None:
    """Call once ``actor_id`` changed ``ticket``'s assignee, ``before``
    its fields until then. Its parties then, its owner and the assignee it
    was taken from, are told, but not ``actor_id``: through the API, the
    assignee when its owner acts, the owner when its assignee does. Its new
    assignee is told they were given it, unless they are its owner or
    ``actor_id``, or ``told_by_request`` (their own request was accepted
    with it: its answer tells them), with its alias (``ticket.alias``). Nobody,
    for a game that has started."""
    previous_id, given_id = before["assignee_id"], ticket.assignee_id
    readers = set() if previous_id is None else {ticket.owner_id, previous_id} - {actor_id}
    given = given_id not in (None, ticket.owner_id, actor_id) and not told_by_request
    if not readers and not given:
        return
    dbsession = request.dbsession
    # Two statements, held while mailing (the identity map then serves
    # ``ticket.event``): the event, group and cleared alias, if there was
    # one; the people.
    read = (select(Event, Group).select_from(Event).join(Group, Group.id == ticket.group_id)
            .where(Event.id == ticket.event_id))
    if before["alias_id"] is None:
        (event, group), alias = dbsession.execute(read).one(), None
    else:
        event, group, alias = dbsession.execute(
            read.add_columns(UserAlias).outerjoin(UserAlias, UserAlias.id == before["alias_id"])
        ).one()
    if event.has_started():
        return
    users = _users_by_id(dbsession, {actor_id, given_id, *readers})
    for reader_id in sorted(readers):
        mail_ticket_moved(request, users[reader_id], users[actor_id], group, ticket,
                          previous_id, users.get(given_id), alias)
    if given:
        mail_tickets_given(request, users[given_id], users[actor_id], group, [ticket],
                           ticket.alias)


def mail_new_tickets_given(request, group, tickets, events: dict, actor_id: int) -> None:
    """``actor_id`` just added ``tickets`` (one, or a season ticket) to
    ``group``, ``events`` by id holding their events: their assignee, unless
    it is ``actor_id``, is told in one message, the games still to come in
    order, with the alias who is to use them (their ``alias``)."""
    given_id = tickets[0].assignee_id
    if given_id in (None, actor_id):
        return
    now = this_second()
    to_come = [ticket for ticket in tickets if not events[ticket.event_id].has_started(now)]
    if not to_come:
        return
    users = _users_by_id(request.dbsession, {actor_id, given_id})
    mail_tickets_given(request, users[given_id], users[actor_id], group,
                       _in_games_order(to_come), tickets[0].alias)


def _users_by_id(dbsession, user_ids) -> dict:
    """The users ``user_ids`` names, by id, in one statement."""
    return {user.id: user for user in dbsession.scalars(
        select(User).where(User.id.in_(user_ids))
    )}


def _in_games_order(tickets) -> list:
    """``tickets`` (each with its ``event`` loaded), sorted in place by game."""
    tickets.sort(key=lambda ticket: (ticket.event.start_time, ticket.event_id, ticket.id))
    return tickets


def _other_party(ticket, party_id: int):
    """The assignee (or None) of a ticket ``party_id`` owns, else its owner."""
    return ticket.assignee_id if ticket.owner_id == party_id else ticket.owner_id
