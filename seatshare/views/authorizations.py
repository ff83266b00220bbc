"""``/api/v1/authorizations``."""
from pyramid.view import view_config, view_defaults

from ..permissions import Permission
from ..resources.authorizations import SCOPES, AuthorizationContainer, AuthorizationContext
from ..schemas.lists import ListQuery
from ..services.authorizations import revoke_authorization
from . import ResourceViews, no_content


def authorization_json(row) -> dict:
    application, approved_at, *carried = row
    return {
        "id": application.id,
        "name": application.name,
        "client_id": application.client_id,
        "scopes": " ".join(scope for scope, held in zip(SCOPES, carried) if held),
        "approved_at": approved_at,
    }


@view_defaults(renderer="json")
class AuthorizationViews(ResourceViews):
    @view_config(context=AuthorizationContainer, request_method="GET", permission=Permission.LIST)
    def list(self):
        return self.list_page(ListQuery(), authorization_json)

    @view_config(context=AuthorizationContext, request_method="GET", permission=Permission.VIEW)
    def show(self):
        return authorization_json(self.context.row)

    @view_config(
        context=AuthorizationContext, request_method="DELETE", permission=Permission.DELETE
    )
    def revoke(self):
        context = self.context
        revoke_authorization(self.request.dbsession, context.user_id, context.row[0].id)
        return no_content()
