"""``/api/v1/entities``: the teams a group can follow; every signed-in user sees them."""
from pyramid.authorization import Allow, Authenticated
from sqlalchemy import func, literal, select

from ..models import Entity, by_code_point
from ..permissions import Permission
from . import Resource, register_container
from .lists import DENY_ALL, ListContainer


class EntityContext(Resource):
    def __init__(self, request, name, parent, entity):
        super().__init__(request, name, parent)
        self.entity = entity

    def __acl__(self):
        return [(Allow, Authenticated, Permission.VIEW), DENY_ALL]


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards in ``text`` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@register_container("entities")
class EntityContainer(ListContainer):
    item_class = EntityContext

    def load(self, entity_id):
        entity = self.request.dbsession.get(Entity, entity_id)
        if entity is None:
            return None
        return EntityContext(self.request, str(entity_id), self, entity)

    def list_query(self, params):
        """Every entity, or those whose name contains ``?q=`` (any case),
        ordered by name, id."""
        stmt = select(Entity)
        if params.get("q"):
            # Both sides lowered by the same lower(): Python's and
            # PostgreSQL's disagree on a few letters ("İ", a final "Σ").
            pattern = func.lower(literal(like_pattern(params["q"])))
            stmt = stmt.where(func.lower(Entity.name).like(pattern, escape="\\"))
        return stmt.order_by(by_code_point(Entity.name), Entity.id)
