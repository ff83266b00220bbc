"""SQL for "your groups" and "mutual members": the filters beside the ACLs.

Each function returns a SELECT to use as a subquery, so a list is filtered by
the caller's groups inside its one statement, never row by row.
"""
from sqlalchemy import Integer, exists, literal, select, union_all

from ..models import Group, Membership


def active_group_ids(user_id):
    """The ids of the active groups ``user_id`` belongs to (any role)."""
    return (
        select(Membership.group_id)
        .join(Group, Group.id == Membership.group_id)
        .where(Membership.user_id == user_id, Group.active.is_(True))
    )


def is_active_member_of(user_id, group_id):
    """A condition: ``user_id`` belongs to the active group ``group_id``.
    One EXISTS on the two parameters, which a database evaluates once per
    statement: ``group_id IN (active_group_ids(...))`` is looked up again
    for every row SQLite reads."""
    return exists(active_group_ids(user_id).where(Membership.group_id == group_id))


def followed_entity_ids(user_id):
    """The entities followed by ``user_id``'s active groups."""
    return (
        select(Group.entity_id)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user_id, Group.active.is_(True))
    )


def is_mutual_member(user_id_column, user_id):
    """A condition: ``user_id_column`` shares an active group with ``user_id``
    (you are a mutual member of yourself).

    One IN over a UNION, not ``= user_id OR IN (…)``: PostgreSQL cannot
    serve that OR from an index and reads the whole table instead.
    """
    return user_id_column.in_(
        union_all(
            select(literal(user_id, Integer)),
            select(Membership.user_id).where(Membership.group_id.in_(active_group_ids(user_id))),
        )
    )


def load_active_group_ids(dbsession, user_id) -> list[int]:
    """One query: the active groups of ``user_id``, for an ACL naming them."""
    return list(dbsession.scalars(active_group_ids(user_id)))
