"""Bodies and queries for creating, joining and running a group."""
import re

import colander

from ..models import GroupInvitation, Role
from .groups import group_name
from .lists import ListQuery
from .types import EmailAddress, JSONChoice, JSONInt, JSONString, column_length
from .users import normalize_email

# POST /groups: entity_id is required here, unlike PUT, where it is read-only.
CREATE_READ_ONLY = ("id", "creator_id", "role", "invitation_code", "created_at", "updated_at")
INVITATION_READ_ONLY = ("id", "group_id", "inviter_id", "used_at", "used_by_id", "created_at")
MEMBER_READ_ONLY = ("group_id", "user_id", "first_name", "last_name", "created_at")


class GroupCreate(colander.MappingSchema):
    name = group_name()
    entity_id = colander.SchemaNode(JSONInt())


# Every code is URL-safe base64 (a standing code: digits, "-", then that):
# any other character is no part of it, and is dropped, so a code pasted
# with a space or a line break inside, a zero-width space from a chat, or a
# quote or full stop from the sentence around it still works.
NOT_IN_A_CODE = re.compile(r"[^A-Za-z0-9_-]")


def code_as_typed(value):
    return NOT_IN_A_CODE.sub("", value) if isinstance(value, str) else value


class GroupJoin(colander.MappingSchema):
    invitation_code = colander.SchemaNode(JSONString(200, blank=False), preparer=code_as_typed)


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
