"""``/apps``: the applications you approved, and disconnecting one."""
from zoneinfo import ZoneInfo

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from ..oauth.views import SCOPE_DESCRIPTIONS
from ..permissions import Permission
from ..resources.authorizations import SCOPES, ordered_authorizations
from ..services.authorizations import revoke_authorization
from .pages import page
from .resources import ConnectedApp, ConnectedAppsPage

NOT_CONNECTED = "That app is not connected to your account (any more): nothing to do."


def approved_on(approved_at, timezone: str) -> str:
    """The day an approval began, in the user's time zone: "29 November 2026"."""
    local = approved_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(timezone or "UTC"))
    return f"{local.day} {local:%B %Y}"


@view_config(context=ConnectedAppsPage, request_method="GET", permission=Permission.LIST)
def connected_apps(request):
    user = request.identity.user
    rows = request.dbsession.execute(ordered_authorizations(user.id)).all()
    apps = [
        {
            "id": application.id,
            "name": application.name,
            "since": approved_on(approved_at, user.timezone),
            "scopes": [SCOPE_DESCRIPTIONS[scope]
                       for scope, held in zip(SCOPES, carried) if held],
        }
        for application, approved_at, *carried in rows
    ]
    return page(request, "apps.jinja2", user=user, apps=apps,
                messages=request.session.pop_flash())


@view_config(context=ConnectedApp, request_method="POST", require_csrf=True,
             permission=Permission.DELETE)
def disconnect(request):
    """Revoke the application's tokens for you and forget your approval,
    as ``DELETE /api/v1/authorizations/ID`` does; back to the list, which
    says so, or says there was nothing to disconnect (whether or not an
    application has that id)."""
    context = request.context
    if context.row is None:
        request.session.flash(NOT_CONNECTED)
    else:
        application = context.row[0]
        revoke_authorization(request.dbsession, context.user_id, application.id)
        request.session.flash(f"Disconnected {application.name}: "
                              "it can no longer reach your account.")
    return HTTPFound(location=request.application_url + "/apps")


@view_config(context=ConnectedApp, request_method="GET", permission=Permission.VIEW)
def connected_app(request):
    """Nothing to show for one app alone: the list."""
    return HTTPFound(location=request.application_url + "/apps")
