"""``/groups/ID/members`` and ``/groups/ID/invitations``: running a group.

Members see the member list; administrators change roles, remove members
and invite; every member may remove themselves (leave).
"""
from pyramid.authorization import ACLHelper, Allow
from pyramid.httpexceptions import HTTPForbidden
from sqlalchemy import select

from .. import principals as p
from ..models import GroupInvitation, Membership, User, by_code_point
from ..permissions import Permission
from . import Resource, is_id, is_route_below, parse_id, register_child
from .groups import GroupContext
from .lists import DENY_ALL, ListContainer

ACL = ACLHelper()


class GroupChildContainer(ListContainer):
    """A list under one group; ``self.group`` is the parent's group."""

    gate_permission = Permission.LIST

    @property
    def group(self):
        return self.__parent__.group

    def __getitem__(self, key):
        """A caller who may not list this container is refused (403) any
        record below it before it is looked up: else a 404 for an id that is
        none here and a 403 for one that is would tell a non-member who is in
        the group. The group itself exists (the 404 check is passed there)."""
        if (
            self.request.identity is not None
            and is_id(key)
            and not self.tells_nothing(key)
            # The ACL alone, whatever the token's scopes: a read-only token
            # must not tell a non-member either (its 403 says "scope" for a
            # member, where a 404 would follow for anyone else).
            and not ACL.permits(self, self.request.effective_principals, self.gate_permission)
            and is_route_below(self.request.registry, type(self), self.path_from_child())
        ):
            raise HTTPForbidden()
        return super().__getitem__(key)

    def tells_nothing(self, key) -> bool:
        """Whether looking ``key`` up tells the caller nothing they do not
        know, so that it may be a 404 for them."""
        return False


class MemberContext(Resource):
    """One member of a group, addressed by user id."""

    def __init__(self, request, name, parent, membership, user):
        super().__init__(request, name, parent)
        self.membership = membership
        self.user = user

    def __acl__(self):
        group_id = self.membership.group_id
        return [
            (
                Allow,
                p.group_admin(group_id),
                (Permission.VIEW, Permission.EDIT, Permission.LEAVE),
            ),
            (Allow, p.user(self.membership.user_id), Permission.LEAVE),
            (Allow, p.group_member(group_id), Permission.VIEW),
            DENY_ALL,
        ]


@register_child(GroupContext, "members")
class MemberContainer(GroupChildContainer):
    item_class = MemberContext

    def __acl__(self):
        return [(Allow, p.group_member(self.group.id), Permission.LIST), DENY_ALL]

    def tells_nothing(self, key) -> bool:
        """Your own membership: whether you belong you know. A leave sent
        again (its answer lost) is a 404, as a removal sent twice is."""
        try:
            return parse_id(key) == self.request.identity.user_id
        except KeyError:  # no record has that id
            return False

    def load(self, user_id):
        row = self.request.dbsession.execute(
            self.members().where(Membership.user_id == user_id)
        ).first()
        if row is None:
            return None
        return MemberContext(self.request, str(user_id), self, *row)

    def members(self):
        return (
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.group_id == self.group.id)
        )

    def list_query(self, params):
        return self.members().order_by(
            by_code_point(User.last_name), by_code_point(User.first_name), User.id
        )


class InvitationContext(Resource):
    def __init__(self, request, name, parent, invitation):
        super().__init__(request, name, parent)
        self.invitation = invitation

    def __acl__(self):
        return [
            (Allow, p.group_admin(self.invitation.group_id), (Permission.VIEW, Permission.DELETE)),
            DENY_ALL,
        ]


@register_child(GroupContext, "invitations")
class InvitationContainer(GroupChildContainer):
    """The group's single-use invitations: its administrators' business."""

    item_class = InvitationContext

    def __acl__(self):
        return [
            (Allow, p.group_admin(self.group.id), (Permission.LIST, Permission.CREATE)),
            DENY_ALL,
        ]

    def load(self, invitation_id):
        invitation = self.request.dbsession.scalar(
            select(GroupInvitation).where(
                GroupInvitation.id == invitation_id,
                GroupInvitation.group_id == self.group.id,
            )
        )
        if invitation is None:
            return None
        return InvitationContext(self.request, str(invitation_id), self, invitation)

    def list_query(self, params):
        return (
            select(GroupInvitation)
            .where(GroupInvitation.group_id == self.group.id)
            .order_by(GroupInvitation.created_at, GroupInvitation.id)
        )
