"""Locks on a group: one change to a group or its memberships at a time,
and ticket writes that take the group's lock before the ticket's.

Who may make the change is the ``__acl__`` of the context; ``lock_group``
checks it again once the lock is held (``recheck_permission``).
"""
from sqlalchemy import Select, bindparam, select

from ..errors import APIError
from ..models import Group, Membership, Ticket, on_postgresql
from ..recheck import recheck_permission


def lock_group_of_ticket(dbsession, ticket_id: int) -> None:
    """A key-share lock on the ticket's group, for a request about to lock
    the ticket itself.

    Every ticket write takes its locks in one order, the group's and then
    the ticket's, as a member's removal does (``lock_membership``: an update
    lock on the group, then the member's tickets); the history entry's
    foreign key would otherwise take the group's key-share lock after the
    ticket's, and a write and a removal could deadlock. Key-share locks do
    not block each other: writers of one group's tickets wait only for a
    removal of a member. PostgreSQL only: SQLite runs one writing
    transaction at a time.
    """
    if on_postgresql(dbsession):
        dbsession.execute(_SHARE_LOCK_GROUP_OF_TICKET, {"ticket_id": ticket_id})


def share_lock_group(dbsession, group_id) -> None:
    """A key-share lock on group ``group_id``, or on each group a SELECT of
    group ids names, before a ticket write, as ``lock_group_of_ticket``;
    PostgreSQL only."""
    if not on_postgresql(dbsession):
        return
    if isinstance(group_id, Select):
        condition = Group.id.in_(group_id)
    else:
        condition = Group.id == group_id
    dbsession.execute(_share_lock(condition))


def _share_lock(condition):
    return (
        select(Group.id).where(condition).order_by(Group.id)
        .with_for_update(read=True, key_share=True)
    )


# Built once, as every ticket write on PostgreSQL sends it: building it and
# its cache key cost more than sending it.
_SHARE_LOCK_GROUP_OF_TICKET = _share_lock(
    Group.id == select(Ticket.group_id).where(Ticket.id == bindparam("ticket_id"))
    .scalar_subquery()
)


def lock_group(request, context, permission, group_id: int) -> None:
    """Lock group ``group_id`` for a change to it or to its memberships,
    then check ``permission`` on ``context`` again under the lock
    (``recheck_permission``: a group deactivated meanwhile is a 404, a
    caller removed or demoted meanwhile a 403).

    Such changes within one group run one after the other (a row lock on
    PostgreSQL; SQLite's transactions take the write lock up front), so two
    administrators demoting each other at once cannot leave it with none,
    and the second of two deactivations at once finds the group gone. The
    ACL let the request in on the principals its token read before the
    lock: an administrator being removed could otherwise rename, deactivate
    or invite as the removal committed.
    """
    _lock_group_row(request, group_id)
    recheck_permission(request, context, permission, group_id)


def _lock_group_row(request, group_id: int) -> None:
    request.dbsession.execute(select(Group.id).where(Group.id == group_id).with_for_update())


def lock_membership(request, context, permission) -> Membership:
    """Lock the group of ``context``'s membership, read the membership
    again, then check ``permission`` again under the lock, as
    ``lock_group`` does: one removed meanwhile is a 404. Your own removed
    meanwhile (a leave sent twice at once) is a 404 before the permission
    is checked: a moment later, traversal answers a 404 for it
    (``MemberContainer.tells_nothing``), where the check would refuse you
    as no member any more."""
    membership = context.membership
    _lock_group_row(request, membership.group_id)
    current = request.dbsession.scalar(
        select(Membership)
        .where(Membership.id == membership.id)
        .execution_options(populate_existing=True)
    )
    if current is None and membership.user_id == request.identity.user_id:
        raise APIError(404)
    recheck_permission(request, context, permission, membership.group_id)
    if current is None:
        raise APIError(404)
    return current
