"""Running a group: creating one, its standing code, members, invitations and
its history."""
from ...schemas import group_admin, groups
from ...schemas.lists import ListQuery
from ..api_v1 import no_content
from ..builders import (
    LOCATION_HEADER,
    json_body,
    json_response,
    list_operation,
    operation,
    path_id,
    ref,
)
from ..components import ID, NULLABLE_ID, STRING, TIMESTAMP, record

SCHEMAS = {
    "Member": record(
        {
            "group_id": ID,
            "user_id": ID,
            "role": {"type": "string", "enum": ["admin", "member"]},
            "first_name": STRING,
            "last_name": STRING,
            "created_at": {**TIMESTAMP, "description": "When they joined."},
        },
        description="A member of a group, addressed by user id.",
    ),
    "Invitation": record(
        {
            "id": ID,
            "group_id": ID,
            "email": {"type": "string", "format": "email"},
            "inviter_id": NULLABLE_ID,
            "used_at": {**TIMESTAMP, "type": ["string", "null"],
                        "description": "UTC, ISO 8601 with `Z`; null until the code is used."},
            "used_by_id": NULLABLE_ID,
            "created_at": TIMESTAMP,
        },
        description="A single-use invitation. Its code is mailed to `email` and never "
        "shown by the API; only its SHA-256 hash is stored. It is the group's, not its "
        "sender's (`inviter_id`): it stays valid when they are demoted, leave or are "
        "removed, until it is used or an administrator withdraws it.",
    ),
}


def group_admin_paths() -> dict:
    group_id = path_id(description="The group's id.")
    return {
        "/api/v1/groups": {
            "post": operation(
                "Create a group",
                "Any signed-in user; you become its administrator, and the answer carries "
                "its standing `invitation_code`. An `entity_id` that names no entity is a 400.",
                "Groups",
                {201: json_response("The new group.", ref("Group"), LOCATION_HEADER)}, 400,
                scope="write", operation_id="createGroup",
                requestBody=json_body(group_admin.GroupCreate(), group_admin.CREATE_READ_ONLY),
            ),
        },
        "/api/v1/groups/join": {
            "post": operation(
                "Join a group",
                "With the group's standing `invitation_code` or a single-use invitation's "
                "code (which then stops working). Characters no code has (anything but "
                "`A-Z`, `a-z`, `0-9`, `-` and `_`: spaces, line breaks, quotes) are dropped "
                "first, and a code matches in any case. 404 for an unknown or spent code, or an "
                "inactive group. Joining a group you belong to answers 200 with your role "
                "and spends nothing, even with the invitation you spent joining it (a "
                "join sent again). A member an administrator removed gets 403 for the "
                "standing code, and for an invitation made before the removal: only one "
                "made since lets them back.",
                "Groups",
                {200: json_response("The group you joined.", ref("Group"))}, 400, 404,
                scope="write", operation_id="joinGroup",
                requestBody=json_body(group_admin.GroupJoin()),
            ),
        },
        "/api/v1/groups/{id}": {
            "delete": operation(
                "Deactivate a group",
                "Administrators only. The group leaves every list, its tickets and events "
                "stop being shown through it, and its members stop being mutual members "
                "through it. Each other member is mailed, once, that the group was deleted.",
                "Groups", {204: no_content("Deactivated.")}, 404,
                scope="write", operation_id="deactivateGroup",
            ),
        },
        "/api/v1/groups/{id}/invitation_code": {
            "parameters": [group_id],
            "post": operation(
                "Replace the standing invitation code",
                "Administrators only, for a code that leaked: the group gets a new "
                "standing `invitation_code`, and the old one is a 404 at "
                "`POST /groups/join` from then on. Members stay members, and single-use "
                "invitations keep working. The body is an empty object (the group's "
                "read-only fields are ignored; any other field is a 400).",
                "Groups",
                {200: json_response("The group with its new `invitation_code`.", ref("Group"))},
                400, 404,
                scope="write", operation_id="replaceGroupInvitationCode",
                requestBody=json_body(group_admin.InvitationCodeReplace(), groups.READ_ONLY),
            ),
        },
        "/api/v1/groups/{id}/members": {
            "parameters": [group_id],
            "get": list_operation(
                "List a group's members",
                "Members only; ordered by `last_name`, `first_name`, `user_id`.",
                "Group administration", ref("Member"), group_admin.MemberListQuery(),
                "listGroupMembers",
                filters_404=True,  # the group in the path
            ),
        },
        "/api/v1/groups/{id}/history": {
            "parameters": [group_id],
            "get": list_operation(
                "A group's ticket history",
                "Members only: every history entry of the group's tickets, those deleted "
                "since included (a deleted ticket's own `/ticket/ID/history` is a 404, its "
                "last entry here is \"deleted\" with its fields); newest first, ordered by "
                "`created_at` descending, then `id` descending.",
                "Group administration", ref("TicketHistoryEntry"),
                ListQuery(), "listGroupHistory",
                filters_404=True,  # the group in the path
            ),
        },
        "/api/v1/groups/{id}/members/{user_id}": {
            "parameters": [group_id, path_id("user_id", "The member's user id.")],
            "get": operation(
                "Get a member", "Members only; 404 if the user is not a member.",
                "Group administration",
                {200: json_response("The member.", ref("Member"))}, 404,
                operation_id="getGroupMember",
            ),
            "put": operation(
                "Change a member's role",
                'Administrators only. `role` is "admin" or "member". Demoting the last '
                "administrator is a 409 whose `error_detail` says to make another member an "
                "administrator first (the only member: to invite someone to make one).",
                "Group administration",
                {200: json_response("The member, updated.", ref("Member"))}, 400, 404, 409,
                scope="write", operation_id="updateGroupMember",
                requestBody=json_body(group_admin.MemberUpdate(), group_admin.MEMBER_READ_ONLY),
            ),
            "delete": operation(
                "Remove a member, or leave",
                "Administrators, or the member themselves. The last administrator cannot "
                "leave (409, whose `error_detail` says to make another member an administrator "
                "first, or, the only member, to delete the group or invite someone). A member who "
                "leaves keeps nothing in the group: tickets assigned to them are unassigned "
                "(their alias cleared), tickets they own are deleted, each with a history "
                "entry, and their pending requests are withdrawn. Each member a deleted "
                "ticket was assigned to is mailed once, listing those games, and each owner "
                "of an unassigned ticket once, listing the games whose seats are free again "
                "(games still to come only; not the member leaving, nor the administrator "
                "removing them), naming below a game the alias who was to use its seat; whoever asked for a deleted ticket, and each owner of a "
                "ticket the member had asked for, are told too. Each member gets one mail "
                "for all that concerns them, in the name of whoever acted (the member, or "
                "the administrator removing them). A member removed by an administrator "
                "is mailed too, in the administrator's name: the tickets they owned to "
                "games still to come, deleted, those assigned to them, unassigned (naming "
                "their alias who was to use a seat), and "
                "those whose requests of theirs are withdrawn. A member "
                "removed by an administrator cannot rejoin with the group's standing code "
                "(403), only with a single-use invitation made since; one who left may. "
                "Once you have left, your own membership is a 404 (a leave sent again); "
                "anybody else's is a 403 to a non-member, whether they belong or not.",
                "Group administration", {204: no_content("Removed.")}, 404, 409,
                scope="write", operation_id="removeGroupMember",
            ),
        },
        "/api/v1/groups/{id}/invitations": {
            "parameters": [group_id],
            "get": list_operation(
                "List a group's invitations",
                "Administrators only; ordered by `created_at`, `id`.",
                "Group administration", ref("Invitation"), group_admin.InvitationListQuery(),
                "listGroupInvitations",
                filters_404=True,  # the group in the path
            ),
            "post": operation(
                "Invite someone by mail",
                "Administrators only. Creates a single-use invitation code and mails it to "
                "`email`; the code is not in the answer (the mailbox holds the only copy). "
                "Joining with it works once, whoever signs in with it. At most "
                "`seatshare.invitation_max` invitations (20 by default) in "
                "`seatshare.invitation_window_seconds` (a day) from one administrator, "
                "and to one address: past that, a 429 that mails nothing. An address a "
                "member of the group has is a 409 that mails and counts nothing. The "
                "invitation is the group's: it stays valid when its sender is demoted, "
                "leaves or is removed (any administrator may withdraw it).",
                "Group administration",
                {201: json_response("The invitation.", ref("Invitation"), LOCATION_HEADER)},
                400, 404, 409, 429,
                scope="write", operation_id="createGroupInvitation",
                requestBody=json_body(
                    group_admin.InvitationCreate(), group_admin.INVITATION_READ_ONLY
                ),
            ),
        },
        "/api/v1/groups/{id}/invitations/{invitation_id}": {
            "parameters": [group_id, path_id("invitation_id", "The invitation's id.")],
            "get": operation(
                "Get an invitation", "Administrators only.", "Group administration",
                {200: json_response("The invitation.", ref("Invitation"))}, 404,
                operation_id="getGroupInvitation",
            ),
            "delete": operation(
                "Withdraw an invitation",
                "Administrators only. An unused invitation is deleted: its code is then a "
                "404 at `POST /groups/join`, as any unknown code. One already used is a 409 "
                "(it records who joined with it: remove the member instead).",
                "Group administration", {204: no_content("Withdrawn.")}, 404, 409,
                scope="write", operation_id="deleteGroupInvitation",
            ),
        },
    }
