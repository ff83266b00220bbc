"""``/api/v1/entities``."""
from pyramid.view import view_config, view_defaults

from ..models import Entity
from ..permissions import Permission
from ..resources.entities import EntityContainer, EntityContext
from ..schemas.entities import EntityListQuery
from . import ResourceViews

FIELDS = ("id", "name", "created_at")


def entity_json(entity: Entity) -> dict:
    return {name: getattr(entity, name) for name in FIELDS}


@view_defaults(renderer="json")
class EntityViews(ResourceViews):
    @view_config(context=EntityContainer, request_method="GET", permission=Permission.LIST)
    def list(self):
        return self.list_page(EntityListQuery(), entity_json)

    @view_config(context=EntityContext, request_method="GET", permission=Permission.VIEW)
    def show(self):
        return entity_json(self.context.entity)
