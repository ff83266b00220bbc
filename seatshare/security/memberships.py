"""A user's principals from their group memberships."""
from sqlalchemy import select

from .. import principals as p
from ..models import Group, Membership, Role


def membership_principals(dbsession, user_id: int) -> list[str]:
    """One query: a principal per active group membership, role and entity
    (a signed-in browser's; a token's come with its identity)."""
    return principals_of(dbsession.execute(
        select(Membership.group_id, Membership.role, Group.entity_id)
        .join(Group, Group.id == Membership.group_id)
        .where(Membership.user_id == user_id, Group.active.is_(True))
    ))


def principals_of(memberships) -> list[str]:
    """The principals of ``(group_id, role, entity_id)`` memberships."""
    found = []
    for group_id, role, entity_id in memberships:
        found.append(p.group_member(group_id))
        if role == Role.ADMIN:
            found.append(p.group_admin(group_id))
        found.append(p.entity_follower(entity_id))
    return found
