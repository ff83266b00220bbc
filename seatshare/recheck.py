"""A permission checked again under a group's row lock, by the same ACL.

The ACL let the request in on the principals read with its identity, before
the request took its group's lock (a member's removal or role change holds
it while it commits). A change committed while the request waited has
changed the caller's principals for that group: ``recheck_permission``
reads them again and asks the same ``__acl__`` the request passed, so the
request answers as it would a moment later, and every access rule stays
written once, in the ACL.
"""
from pyramid.authorization import ACLHelper
from pyramid.traversal import lineage
from sqlalchemy import and_, bindparam, select

from . import principals as p
from .errors import APIError
from .models import Group, Membership
from .security.memberships import principals_of

ACL = ACLHelper()

# One statement: whether the group is active, its entity, and the user's
# role in it (NULL when no member); no row when there is no such group.
GROUP_MEMBERSHIP = (
    select(Group.active, Group.entity_id, Membership.role)
    .outerjoin(
        Membership,
        and_(Membership.group_id == Group.id, Membership.user_id == bindparam("user_id")),
    )
    .where(Group.id == bindparam("group_id"))
)


def recheck_permission(request, context, permission, group_id: int) -> None:
    """Check ``permission`` on ``context`` again with the caller's principals
    of group ``group_id`` as they are now; call it with the group's lock held.

    A group gone or deactivated meanwhile is a 404; a permission the caller
    lost meanwhile (removed, demoted) a 403. Besides the context's ACL, the
    gates traversal passed on the way to it are checked again
    (``Container.gate_permission``): "yourself" may leave, but only while a
    member. The request's principals (one list: the security policy's cache
    and ``request.effective_principals``) take the fresh ones, so later
    checks of this request agree.
    """
    row = request.dbsession.execute(
        GROUP_MEMBERSHIP, {"group_id": group_id, "user_id": request.identity.user_id}
    ).first()
    if row is None or not row.active:
        raise APIError(404)
    principals = request.effective_principals
    fresh = [] if row.role is None else principals_of([(group_id, row.role, row.entity_id)])
    replace_group_principals(principals, group_id, row.entity_id, fresh)
    gates = [
        (resource, resource.gate_permission)
        for resource in list(lineage(context))[1:]
        if getattr(resource, "gate_permission", None) is not None
    ]
    for resource, needed in [*gates, (context, permission)]:
        if not ACL.permits(resource, principals, needed):
            raise APIError(403)


def replace_group_principals(principals: list, group_id: int, entity_id: int, fresh) -> None:
    """Put ``fresh`` in place of group ``group_id``'s principals, in place.

    ``principals_of`` gives each membership one entity principal, so the
    list holds one per group following that entity: the group's own goes,
    and those that other groups give stay."""
    member, admin = p.group_member(group_id), p.group_admin(group_id)
    if member in principals:
        principals.remove(p.entity_follower(entity_id))
    principals[:] = [x for x in principals if x not in (member, admin)] + fresh
