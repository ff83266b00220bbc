"""recheck_permission: the ACL asked again, under a group's lock, with the
caller's principals of that group as they are now (seatshare/recheck.py).

A change committed while the request waited for the lock is made here in
the test's own session, before the recheck reads it."""
import types

import pytest
import sqlalchemy as sa

from seatshare import principals as p
from seatshare.errors import APIError
from seatshare.models import Group, Membership, Role
from seatshare.permissions import Permission
from seatshare.recheck import recheck_permission
from seatshare.resources.group_members import MemberContainer, MemberContext
from seatshare.resources.groups import GroupContext
from seatshare.security import membership_principals
from tests import factories as f


def request_of(dbsession, user):
    """A request as the ACL let it in (a leave or a removal: a DELETE): its
    principals read before the lock."""
    return types.SimpleNamespace(
        dbsession=dbsession,
        method="DELETE",
        identity=types.SimpleNamespace(user_id=user.id),
        effective_principals=[p.user(user.id), *membership_principals(dbsession, user.id)],
    )


def group_context(request, group):
    return GroupContext(request, str(group.id), None, group)


def member_context(request, group, user):
    container = MemberContainer(request, "members", group_context(request, group))
    membership = request.dbsession.scalar(sa.select(Membership).where(
        Membership.group_id == group.id, Membership.user_id == user.id))
    return MemberContext(request, str(user.id), container, membership, user)


def end_membership(dbsession, group, user):
    dbsession.execute(sa.delete(Membership).where(
        Membership.group_id == group.id, Membership.user_id == user.id))


def set_role(dbsession, group, user, role):
    dbsession.execute(sa.update(Membership).where(
        Membership.group_id == group.id, Membership.user_id == user.id).values(role=role))


def test_a_permission_held_still_passes(dbsession):
    admin = f.make_user()
    group = f.make_group(creator=admin)
    request = request_of(dbsession, admin)
    before = list(request.effective_principals)
    recheck_permission(request, group_context(request, group), Permission.EDIT, group.id)
    assert sorted(request.effective_principals) == sorted(before)


def test_an_administrator_demoted_meanwhile_is_refused_and_stays_a_member(dbsession):
    admin = f.make_user()
    group = f.make_group(creator=admin)
    request = request_of(dbsession, admin)
    set_role(dbsession, group, admin, Role.MEMBER)
    context = group_context(request, group)
    with pytest.raises(APIError) as refused:
        recheck_permission(request, context, Permission.EDIT, group.id)
    assert refused.value.code == 403
    # The request's later checks see the demotion too.
    assert p.group_admin(group.id) not in request.effective_principals
    assert p.group_member(group.id) in request.effective_principals
    recheck_permission(request, context, Permission.VIEW, group.id)


def test_a_member_removed_meanwhile_loses_that_group_only(dbsession):
    """Another group following the same entity still makes them its
    follower: one entity principal goes, the other group's stays."""
    entity, member = f.make_entity(), f.make_user()
    group, other = f.make_group(entity=entity), f.make_group(entity=entity)
    f.make_membership(group, member)
    f.make_membership(other, member)
    request = request_of(dbsession, member)
    end_membership(dbsession, group, member)
    with pytest.raises(APIError) as refused:
        recheck_permission(request, group_context(request, group), Permission.VIEW, group.id)
    assert refused.value.code == 403
    principals = request.effective_principals
    assert p.group_member(group.id) not in principals
    assert p.group_member(other.id) in principals
    assert principals.count(p.entity_follower(entity.id)) == 1


def test_a_member_removed_meanwhile_may_not_leave_as_themselves(dbsession):
    """The member's own ``LEAVE`` on their membership is granted to them by
    user id, but only behind the member list's gate: removed meanwhile,
    they are refused as a non-member is (403), not let through to a 404."""
    member = f.make_user()
    group = f.make_group()
    f.make_membership(group, member)
    request = request_of(dbsession, member)
    context = member_context(request, group, member)
    end_membership(dbsession, group, member)
    with pytest.raises(APIError) as refused:
        recheck_permission(request, context, Permission.LEAVE, group.id)
    assert refused.value.code == 403


def test_a_member_may_still_leave_as_themselves(dbsession):
    member = f.make_user()
    group = f.make_group()
    f.make_membership(group, member)
    request = request_of(dbsession, member)
    recheck_permission(
        request, member_context(request, group, member), Permission.LEAVE, group.id)


def test_a_member_promoted_meanwhile_gains_the_role(dbsession):
    member = f.make_user()
    group = f.make_group()
    f.make_membership(group, member)
    request = request_of(dbsession, member)
    set_role(dbsession, group, member, Role.ADMIN)
    recheck_permission(request, group_context(request, group), Permission.EDIT, group.id)
    assert p.group_admin(group.id) in request.effective_principals


def test_a_group_deactivated_meanwhile_is_gone(dbsession):
    admin = f.make_user()
    group = f.make_group(creator=admin)
    request = request_of(dbsession, admin)
    dbsession.execute(sa.update(Group).where(Group.id == group.id).values(active=False))
    with pytest.raises(APIError) as gone:
        recheck_permission(request, group_context(request, group), Permission.VIEW, group.id)
    assert gone.value.code == 404
