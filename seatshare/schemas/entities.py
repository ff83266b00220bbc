import colander

from .lists import ListQuery
from .types import QueryText


class EntityListQuery(ListQuery):
    # ?q=: a case-insensitive part of the name; blank means every entity.
    q = colander.SchemaNode(QueryText(200), missing=colander.drop)
