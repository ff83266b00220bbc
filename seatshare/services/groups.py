"""A group's life: creating it and deactivating it.

Joining and invitations are in ``group_invitations``, members' roles and
leaving in ``group_membership``, the group's locks in ``group_locks``; who
may do each is the ``__acl__`` of the context the view hangs on
(resources/groups.py, resources/group_members.py).
"""
from sqlalchemy import select

from ..errors import APIError
from ..mail import mail_group_deactivated
from ..models import Entity, Group, Membership, Role, User
from ..permissions import Permission
from .group_locks import lock_group


def create_group(dbsession, creator_id: int, name: str, entity_id: int) -> Group:
    """A new active group following ``entity_id``; its creator is its
    administrator. An entity that does not exist is a field error (400)."""
    if dbsession.get(Entity, entity_id) is None:
        raise APIError(400, fields={"entity_id": "is not a known entity"})
    group = Group(name=name, entity_id=entity_id, creator_id=creator_id)
    dbsession.add(group)
    dbsession.flush()
    dbsession.add(Membership(group_id=group.id, user_id=creator_id, role=Role.ADMIN))
    dbsession.flush()
    return group


def deactivate_group(request, context) -> None:
    """The group leaves every list and stops making its members mutual
    members; each member but the administrator who did it is mailed once,
    the members read in one statement under the group's lock."""
    group = context.group
    lock_group(request, context, Permission.DELETE, group.id)
    group.active = False
    request.dbsession.flush()
    admin = request.identity.user
    for member in request.dbsession.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, User.id != admin.id)
        .order_by(User.id)
    ):
        mail_group_deactivated(request, member, admin, group)
