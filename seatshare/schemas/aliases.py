import colander

from ..models import UserAlias
from .lists import ListQuery
from .types import JSONString, column_length

READ_ONLY = ("id", "user_id", "created_at", "updated_at")


class UserAliasListQuery(ListQuery):
    pass


class UserAliasCreate(colander.MappingSchema):
    first_name = colander.SchemaNode(
        JSONString(column_length(UserAlias.first_name), blank=False)
    )
    last_name = colander.SchemaNode(
        JSONString(column_length(UserAlias.last_name)), missing=""
    )


class UserAliasUpdate(colander.MappingSchema):
    first_name = colander.SchemaNode(
        JSONString(column_length(UserAlias.first_name), blank=False),
        missing=colander.drop,
    )
    last_name = colander.SchemaNode(
        JSONString(column_length(UserAlias.last_name)), missing=colander.drop
    )
