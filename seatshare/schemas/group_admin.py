"""Bodies and queries for creating, joining and running a group."""
import colander

from ..models import Group, GroupInvitation, Role
from .lists import ListQuery
from .types import EmailAddress, JSONChoice, JSONInt, JSONString, column_length
from .users import normalize_email

# POST /groups: entity_id is required here, unlike PUT, where it is read-only.
CREATE_READ_ONLY = ("id", "creator_id", "role", "invitation_code", "created_at", "updated_at")
INVITATION_READ_ONLY = ("id", "group_id", "inviter_id", "used_at", "used_by_id", "created_at")
MEMBER_READ_ONLY = ("group_id", "user_id", "first_name", "last_name", "created_at")


class GroupCreate(colander.MappingSchema):
    name = colander.SchemaNode(JSONString(column_length(Group.name), blank=False))
    entity_id = colander.SchemaNode(JSONInt())


class GroupJoin(colander.MappingSchema):
    invitation_code = colander.SchemaNode(
        JSONString(200, blank=False), preparer=lambda v: v.strip() if isinstance(v, str) else v
    )


class InvitationCodeReplace(colander.MappingSchema):
    """``POST /groups/ID/invitation_code`` takes an empty object; the
    group's read-only fields are ignored (``schemas.groups.READ_ONLY``)."""


class InvitationCreate(colander.MappingSchema):
    email = colander.SchemaNode(
        JSONString(column_length(GroupInvitation.email), blank=False),
        preparer=normalize_email,
        validator=EmailAddress(),
    )


class MemberUpdate(colander.MappingSchema):
    role = colander.SchemaNode(JSONChoice(*Role), missing=colander.drop)


class MemberListQuery(ListQuery):
    pass


class InvitationListQuery(ListQuery):
    pass
