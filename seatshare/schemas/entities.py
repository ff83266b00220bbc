import colander

from .lists import ListQuery


class QueryText(colander.SchemaType):
    """A query-string text of at most ``max_length`` characters."""

    def __init__(self, max_length):
        self.max_length = max_length

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        if len(cstruct) > self.max_length:
            raise colander.Invalid(node, f"must be at most {self.max_length} characters")
        return cstruct.strip()

    def serialize(self, node, appstruct):
        return appstruct


class EntityListQuery(ListQuery):
    # ?q=: a case-insensitive part of the name; blank means every entity.
    q = colander.SchemaNode(QueryText(200), missing=colander.drop)
