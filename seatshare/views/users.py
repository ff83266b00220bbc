"""``/api/v1/users``."""
from pyramid.view import view_config, view_defaults
from sqlalchemy import select

from ..calendar import reset_feed_secret, user_feed_url
from ..errors import APIError
from ..models import User
from ..permissions import Permission
from ..resources.users import CurrentUserContext, UserContainer, UserContext
from ..schemas import validate_body
from ..schemas.users import READ_ONLY, CurrentUserUpdate, UserListQuery
from . import ResourceViews

PUBLIC_FIELDS = ("id", "first_name", "last_name", "email", "timezone", "bio", "location", "created_at")
PRIVATE_FIELDS = ("mobile", "sms_notify")


def user_json(user: User) -> dict:
    return {name: getattr(user, name) for name in PUBLIC_FIELDS}


def current_user_json(request, user: User) -> dict:
    """Your own profile, with the secret URL of your calendar feed; so no
    cache may store the answer (as the /calendars page, which shows it)."""
    request.response.cache_control.no_store = True
    return {
        **{name: getattr(user, name) for name in PUBLIC_FIELDS + PRIVATE_FIELDS},
        "calendar_url": user_feed_url(request, user),
    }


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
        user = self.context.user
        if "email" in changes and email_taken(self.request.dbsession, changes["email"], user.id):
            raise APIError(400, fields={"email": "is already taken"})
        if changes.pop("reset_calendar_url", False):
            reset_feed_secret(user)
        for name, value in changes.items():
            setattr(user, name, value)
        self.request.dbsession.flush()
        return current_user_json(self.request, user)


def email_taken(dbsession, email, user_id) -> bool:
    return dbsession.scalar(select(User.id).where(User.email == email, User.id != user_id)) is not None
