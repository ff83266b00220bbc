import colander

from ..models import Group
from .lists import ListQuery
from .types import JSONString, column_length

READ_ONLY = (
    "id",
    "entity_id",
    "creator_id",
    "role",
    "invitation_code",
    "created_at",
    "updated_at",
)


class GroupListQuery(ListQuery):
    pass


def group_name(**kw):
    """A group's name: never blank, stored without the spaces around it."""
    return colander.SchemaNode(
        JSONString(column_length(Group.name), blank=False, trim=True), **kw
    )


class GroupUpdate(colander.MappingSchema):
    name = group_name(missing=colander.drop)
