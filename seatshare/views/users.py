"""``/api/v1/users``."""
from pyramid.view import view_config, view_defaults

from ..calendar import user_feed_url
from ..models import User
from ..permissions import Permission
from ..resources.users import CurrentUserContext, UserContainer, UserContext
from ..schemas import validate_body
from ..schemas.users import READ_ONLY, CurrentUserUpdate, UserListQuery
from ..services.users import change_my_profile
from . import ResourceViews

PUBLIC_FIELDS = ("id", "first_name", "last_name", "email", "timezone", "bio", "location", "created_at")
PRIVATE_FIELDS = ("mobile", "sms_notify")


def user_json(user: User) -> dict:
    return {name: getattr(user, name) for name in PUBLIC_FIELDS}


def current_user_json(request, user: User) -> dict:
    """Your own profile, with the secret URL of your calendar feed that this
    application is given, which works while it stays connected to your
    account; so no cache may store the answer (as the /calendars page,
    which shows your own URL). Only to a token with ``read``: the URL reads
    your tickets, which a write-only token may not (the answer to its
    ``PUT`` leaves it out)."""
    request.response.cache_control.no_store = True
    found = {name: getattr(user, name) for name in PUBLIC_FIELDS + PRIVATE_FIELDS}
    identity = request.identity
    if "read" in identity.scopes:
        found["calendar_url"] = user_feed_url(request, user, identity.token.application_id)
    return found


@view_defaults(renderer="json")
class UserViews(ResourceViews):
    @view_config(context=UserContainer, request_method="GET", permission=Permission.LIST)
    def list(self):
        return self.list_page(UserListQuery(), user_json)

    @view_config(context=UserContext, request_method="GET", permission=Permission.VIEW)
    def show(self):
        return user_json(self.context.user)

    @view_config(context=CurrentUserContext, request_method="GET", permission=Permission.VIEW)
    def show_me(self):
        return current_user_json(self.request, self.context.user)

    @view_config(context=CurrentUserContext, request_method="PUT", permission=Permission.EDIT)
    def update_me(self):
        changes = validate_body(self.request, CurrentUserUpdate(), READ_ONLY)
        user = change_my_profile(self.request, self.context.user, changes)
        return current_user_json(self.request, user)
