"""A group's members: changing a member's role, and a member leaving or
being removed.

The rules that need the database live here; who may do each is the
``__acl__`` of the context the view hangs on (resources/group_members.py).
"""
from sqlalchemy import func, or_, select

from ..errors import APIError
from ..models import GroupRemoval, HistoryAction, Membership, Role, Ticket
from ..permissions import Permission
from .group_locks import lock_membership
from .history import action_for, diff, record_ticket_changes, snapshot
from .pending_requests import withdraw_requests_of_leaver
from .ticket_parties import (
    GoneTicketsMail,
    tell_other_parties,
    tickets_with_events_and_aliases,
)

# Why the group's last administrator cannot leave or stop being one (409),
# in their own words: what they tried, then what they can do. By (whether
# they tried to leave, whether they are the only member). Nobody else can
# reach this: acting on another administrator makes two.
LAST_ADMIN = {
    (True, False): "You cannot leave this group: you are its only administrator, and a "
                   "group needs one. Make another member an administrator first, then "
                   "leave.",
    (True, True): "You cannot leave this group: you are its only member, and a group "
                  "needs an administrator. If nobody needs the group any more, delete it; "
                  "or invite someone, make them an administrator, then leave.",
    (False, False): "You cannot stop being an administrator of this group: you are its "
                    "only one, and a group needs one. Make another member an "
                    "administrator first.",
    (False, True): "You cannot stop being an administrator of this group: you are its "
                   "only member, and a group needs an administrator. Invite someone and "
                   "make them an administrator first.",
}


def role_in(dbsession, group_id: int, user_id: int) -> Role | None:
    """``user_id``'s role in group ``group_id``, or None."""
    return dbsession.scalar(
        select(Membership.role).where(
            Membership.group_id == group_id, Membership.user_id == user_id
        )
    )


def keep_an_administrator(dbsession, membership: Membership, leaving: bool) -> None:
    """409 when ``membership`` is its group's last administrator, and its
    member tried to end it, ``leaving`` or stopping being one; the message
    says what they tried and what they can do: promote another member
    first, or, the only member, delete the group or invite someone. Only
    they can be its last administrator here: ``lock_membership`` re-checks
    that whoever acts on another member is an administrator, a second."""
    if membership.role != Role.ADMIN:
        return
    members, admins = dbsession.execute(
        select(func.count(), func.count().filter(Membership.role == Role.ADMIN)).where(
            Membership.group_id == membership.group_id
        )
    ).one()
    if admins <= 1:
        raise APIError(409, LAST_ADMIN[leaving, members == 1])


def set_role(request, context, role: Role) -> Membership:
    """Give ``context``'s member ``role``."""
    dbsession = request.dbsession
    membership = lock_membership(request, context, Permission.EDIT)
    if role != membership.role:
        keep_an_administrator(dbsession, membership, leaving=False)
        membership.role = role
        dbsession.flush()
    return membership


def remove_member(request, context) -> None:
    """The member leaves (or is removed) and keeps nothing in the group:
    tickets assigned to them are unassigned, tickets they own are deleted
    (each with a history entry), their pending requests are withdrawn.
    Each other member is mailed once of all it does to them: the tickets
    they held that are deleted, theirs that are unassigned, those they
    asked for that are deleted, theirs whose requests are withdrawn. A
    removal by someone else is remembered (``GroupRemoval``), and mailed
    to the member removed, with the tickets they owned and held to games
    still to come and those their withdrawn requests were for."""
    dbsession = request.dbsession
    actor_id = request.identity.user_id
    membership = lock_membership(request, context, Permission.LEAVE)
    keep_an_administrator(dbsession, membership, leaving=True)
    group_id, user_id = membership.group_id, membership.user_id
    # The tickets with their events and aliases, in one statement: the
    # mails to their other parties name the games (and skip those that have
    # started) and who was to use the seats.
    tickets, events, aliases = tickets_with_events_and_aliases(
        dbsession, Ticket.group_id == group_id,
        or_(Ticket.owner_id == user_id, Ticket.assignee_id == user_id))
    # Each member hears once of all it does to them.
    mail = GoneTicketsMail(request, user_id, group_id, actor_id, left_group=True)
    withdraw_requests_of_leaver(mail, group_id, user_id,
                                [t.id for t in tickets if t.owner_id == user_id])
    tell_other_parties(mail, tickets, (events, aliases))
    mail.send()
    history = []
    for ticket in tickets:
        if ticket.owner_id == user_id:
            history.append((ticket, actor_id, HistoryAction.DELETED, snapshot(ticket)))
            dbsession.delete(ticket)
        else:
            before = snapshot(ticket)
            ticket.assignee_id = None
            ticket.alias_id = None
            changed = diff(before, snapshot(ticket))
            history.append((ticket, actor_id, action_for(changed), changed))
    record_ticket_changes(dbsession, history)
    dbsession.delete(membership)
    if actor_id != user_id:
        dbsession.add(GroupRemoval(group_id=group_id, user_id=user_id, removed_by_id=actor_id))
    dbsession.flush()
