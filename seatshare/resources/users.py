"""``/api/v1/users``: mutual members, and ``/users/me``."""
from pyramid.authorization import Allow
from sqlalchemy import select

from .. import principals as p
from ..models import Membership, User, by_code_point
from ..permissions import Permission
from ..security.policy import READ_METHODS
from . import Resource, register_container
from .lists import DENY_ALL, ListContainer, group_filter_principal
from .membership import is_mutual_member, load_active_group_ids


class UserContext(Resource):
    """Another user: visible to themselves and to mutual members."""

    def __init__(self, request, name, parent, user, group_ids=()):
        super().__init__(request, name, parent)
        self.user = user
        self.group_ids = group_ids  # the user's active groups

    def __acl__(self):
        return [
            (Allow, p.user(self.user.id), Permission.VIEW),
            *[(Allow, p.group_member(gid), Permission.VIEW) for gid in self.group_ids],
            DENY_ALL,
        ]


class CurrentUserContext(UserContext):
    """``/users/me``: the caller, who may read and change their own profile."""

    def __acl__(self):
        return [(Allow, p.user(self.user.id), (Permission.VIEW, Permission.EDIT)), DENY_ALL]


@register_container("users")
class UserContainer(ListContainer):
    item_class = UserContext
    named_items = {"me": CurrentUserContext}
    filters = {"group_id": group_filter_principal}

    def __getitem__(self, key):
        if key == "me":
            if self.request.identity is None:
                self.refuse_anonymous(key)  # 401, or 404 below it (no route)
            identity = self.request.identity
            # A read needs the values only; a change needs the ORM object.
            reading = self.request.method in READ_METHODS
            user = identity.user_values if reading else identity.user
            return CurrentUserContext(self.request, key, self, user)
        return super().__getitem__(key)

    def load(self, user_id):
        user = self.request.dbsession.get(User, user_id)
        if user is None:
            return None
        group_ids = load_active_group_ids(self.request.dbsession, user_id)
        return UserContext(self.request, str(user_id), self, user, group_ids)

    def list_query(self, params):
        """Mutual members, or the members of ``?group_id=``."""
        stmt = select(User)
        if "group_id" in params:
            members = select(Membership.user_id).where(
                Membership.group_id == params["group_id"]
            )
            stmt = stmt.where(User.id.in_(members))
        else:
            stmt = stmt.where(is_mutual_member(User.id, self.user_id))
        return stmt.order_by(
            by_code_point(User.last_name), by_code_point(User.first_name), User.id
        )
