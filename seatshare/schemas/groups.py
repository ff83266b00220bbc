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


class GroupUpdate(colander.MappingSchema):
    name = colander.SchemaNode(
        JSONString(column_length(Group.name), blank=False), missing=colander.drop
    )
