"""``/api/v1/groups``."""
from pyramid.view import view_config, view_defaults

from ..models import Group, Role
from ..permissions import Permission
from ..resources.groups import GroupContainer, GroupContext
from ..schemas import validate_body
from ..schemas.groups import READ_ONLY, GroupListQuery, GroupUpdate
from ..services.group_invitations import standing_code
from ..services.group_locks import lock_group
from . import ResourceViews

FIELDS = ("id", "name", "entity_id", "creator_id", "created_at")


def group_json(request, group: Group, role: Role) -> dict:
    """``role`` is the caller's; only administrators see the invitation code."""
    body = {name: getattr(group, name) for name in FIELDS}
    body["role"] = Role(role).value
    if role == Role.ADMIN:
        body["invitation_code"] = standing_code(request.registry.settings, group)
    return body


@view_defaults(renderer="json")
class GroupViews(ResourceViews):
    @view_config(context=GroupContainer, request_method="GET", permission=Permission.LIST)
    def list(self):
        return self.list_page(GroupListQuery(), lambda row: group_json(self.request, *row))

    @view_config(context=GroupContext, request_method="GET", permission=Permission.VIEW)
    def show(self):
        return group_json(self.request, self.context.group, self.context.role)

    @view_config(context=GroupContext, request_method="PUT", permission=Permission.EDIT)
    def update(self):
        lock_group(self.request, self.context, Permission.EDIT, self.context.group.id)
        changes = validate_body(self.request, GroupUpdate(), READ_ONLY)
        for name, value in changes.items():
            setattr(self.context.group, name, value)
        self.request.dbsession.flush()
        return group_json(self.request, self.context.group, self.context.role)
