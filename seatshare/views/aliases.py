"""``/api/v1/user_aliases``."""
from pyramid.view import view_config, view_defaults

from ..models import UserAlias
from ..permissions import Permission
from ..resources.aliases import UserAliasContainer, UserAliasContext
from ..schemas import validate_body
from ..schemas.aliases import READ_ONLY, UserAliasCreate, UserAliasListQuery, UserAliasUpdate
from ..services.aliases import delete_alias
from . import ResourceViews, created, no_content

FIELDS = ("id", "user_id", "first_name", "last_name")


def alias_json(alias: UserAlias) -> dict:
    return {name: getattr(alias, name) for name in FIELDS}


@view_defaults(renderer="json")
class UserAliasViews(ResourceViews):
    @view_config(context=UserAliasContainer, request_method="GET", permission=Permission.LIST)
    def list(self):
        return self.list_page(UserAliasListQuery(), alias_json)

    @view_config(context=UserAliasContainer, request_method="POST", permission=Permission.CREATE)
    def create(self):
        data = validate_body(self.request, UserAliasCreate(), READ_ONLY)
        alias = UserAlias(user_id=self.request.identity.user_id, **data)
        self.request.dbsession.add(alias)
        self.request.dbsession.flush()
        created(self.request, self.request.resource_url(self.context, str(alias.id)))
        return alias_json(alias)

    @view_config(context=UserAliasContext, request_method="GET", permission=Permission.VIEW)
    def show(self):
        return alias_json(self.context.alias)

    @view_config(context=UserAliasContext, request_method="PUT", permission=Permission.EDIT)
    def update(self):
        changes = validate_body(self.request, UserAliasUpdate(), READ_ONLY)
        for name, value in changes.items():
            setattr(self.context.alias, name, value)
        self.request.dbsession.flush()
        return alias_json(self.context.alias)

    @view_config(context=UserAliasContext, request_method="DELETE", permission=Permission.DELETE)
    def delete(self):
        delete_alias(self.request, self.context)
        return no_content()
