import colander

from ..models import UserAlias
from .lists import ListQuery
from .types import JSONString, column_length

READ_ONLY = ("id", "user_id", "created_at", "updated_at")


class UserAliasListQuery(ListQuery):
    pass


# Names are shown as typed, less the whitespace around them; an alias
# needs a first name, its last name may be empty.
def _first_name(**kw):
    return colander.SchemaNode(
        JSONString(column_length(UserAlias.first_name), blank=False, trim=True), **kw
    )


def _last_name(**kw):
    return colander.SchemaNode(JSONString(column_length(UserAlias.last_name), trim=True), **kw)


class UserAliasCreate(colander.MappingSchema):
    first_name = _first_name()
    last_name = _last_name(missing="")


class UserAliasUpdate(colander.MappingSchema):
    first_name = _first_name(missing=colander.drop)
    last_name = _last_name(missing=colander.drop)
