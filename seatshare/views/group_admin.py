"""Creating, joining, deactivating groups; members and invitations (API.md §4)."""
from pyramid.view import view_config, view_defaults

from ..mail import mail_invitation
from ..models import GroupInvitation, Role
from ..permissions import Permission
from ..resources.group_members import (
    InvitationContainer,
    InvitationContext,
    MemberContainer,
    MemberContext,
)
from ..resources.groups import GroupContainer, GroupContext
from ..schemas import validate_body
from ..schemas.groups import READ_ONLY as GROUP_READ_ONLY
from ..schemas.group_admin import (
    CREATE_READ_ONLY,
    INVITATION_READ_ONLY,
    MEMBER_READ_ONLY,
    GroupCreate,
    GroupJoin,
    InvitationCodeReplace,
    InvitationCreate,
    InvitationListQuery,
    MemberListQuery,
    MemberUpdate,
)
from ..services import group_invitations, group_locks, group_membership, groups
from . import ResourceViews, created, no_content
from .groups import group_json

INVITATION_FIELDS = ("id", "group_id", "email", "inviter_id", "used_at", "used_by_id", "created_at")


def member_json(membership, user) -> dict:
    return {
        "group_id": membership.group_id,
        "user_id": user.id,
        "role": Role(membership.role).value,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "created_at": membership.created_at,
    }


def invitation_json(invitation: GroupInvitation) -> dict:
    return {name: getattr(invitation, name) for name in INVITATION_FIELDS}


@view_defaults(renderer="json")
class GroupAdminViews(ResourceViews):
    @view_config(context=GroupContainer, request_method="POST", permission=Permission.CREATE)
    def create(self):
        data = validate_body(self.request, GroupCreate(), CREATE_READ_ONLY)
        group = groups.create_group(
            self.request.dbsession, self.request.identity.user_id, data["name"], data["entity_id"]
        )
        created(self.request, self.request.resource_url(self.context, str(group.id)))
        return group_json(self.request, group, Role.ADMIN)

    @view_config(
        context=GroupContainer, name="join", request_method="POST", permission=Permission.JOIN
    )
    def join(self):
        data = validate_body(self.request, GroupJoin())
        group, role = group_invitations.join_group(
            self.request.dbsession, self.request.registry.settings,
            self.request.identity.user_id, data["invitation_code"],
        )
        return group_json(self.request, group, role)

    @view_config(
        context=GroupContext, name="invitation_code", request_method="POST",
        permission=Permission.EDIT,
    )
    def replace_invitation_code(self):
        """A new standing code, for when the old one has leaked."""
        validate_body(self.request, InvitationCodeReplace(), GROUP_READ_ONLY)
        group = group_invitations.replace_standing_code(self.request, self.context)
        return group_json(self.request, group, self.context.role)

    @view_config(context=GroupContext, request_method="DELETE", permission=Permission.DELETE)
    def deactivate(self):
        groups.deactivate_group(self.request, self.context)
        return no_content()

    @view_config(context=MemberContainer, request_method="GET", permission=Permission.LIST)
    def members(self):
        return self.list_page(MemberListQuery(), lambda row: member_json(*row))

    @view_config(context=MemberContext, request_method="GET", permission=Permission.VIEW)
    def member(self):
        return member_json(self.context.membership, self.context.user)

    @view_config(context=MemberContext, request_method="PUT", permission=Permission.EDIT)
    def change_role(self):
        changes = validate_body(self.request, MemberUpdate(), MEMBER_READ_ONLY)
        membership = self.context.membership
        if "role" in changes:
            membership = group_membership.set_role(self.request, self.context, changes["role"])
        return member_json(membership, self.context.user)

    @view_config(context=MemberContext, request_method="DELETE", permission=Permission.LEAVE)
    def remove_member(self):
        group_membership.remove_member(self.request, self.context)
        return no_content()

    @view_config(context=InvitationContainer, request_method="GET", permission=Permission.LIST)
    def invitations(self):
        return self.list_page(InvitationListQuery(), invitation_json)

    @view_config(context=InvitationContext, request_method="GET", permission=Permission.VIEW)
    def invitation(self):
        return invitation_json(self.context.invitation)

    @view_config(context=InvitationContext, request_method="DELETE", permission=Permission.DELETE)
    def withdraw_invitation(self):
        group_invitations.withdraw_invitation(self.request, self.context)
        return no_content()

    @view_config(context=InvitationContainer, request_method="POST", permission=Permission.CREATE)
    def invite(self):
        """The code goes only to the invitee's address, never into the answer."""
        identity = self.request.identity
        group = self.context.group
        group_locks.lock_group(self.request, self.context, Permission.CREATE, group.id)
        data = validate_body(self.request, InvitationCreate(), INVITATION_READ_ONLY)
        group_invitations.refuse_inviting_a_member(
            self.request.dbsession, group.id, data["email"]
        )
        group_invitations.count_invitation(self.request, identity.user_id, data["email"])
        invitation, code = group_invitations.invite(
            self.request.dbsession, group, data["email"], identity.user_id
        )
        mail_invitation(self.request, group, data["email"], code, identity.user)
        created(self.request, self.request.resource_url(self.context, str(invitation.id)))
        return invitation_json(invitation)
