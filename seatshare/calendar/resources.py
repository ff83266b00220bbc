"""The feed URLs as a traversal tree under ``/calendar``.

``/calendar/<user_id>/<token>`` is verified while traversing: a wrong token,
like an unknown user, raises ``KeyError`` and the answer is a 404: the page
``views.feed_not_found`` renders (one for every cause), no-store. Past
that point the URL itself is the credential, so the feed contexts grant VIEW
to everyone who holds it.
"""
from pyramid.authorization import DENY_ALL, Allow, Everyone
from sqlalchemy import select

from ..models import Group, Membership
from ..permissions import Permission
from ..resources import Resource, parse_id, register_root_child
from . import user_for_token
from .feeds import group_feed, group_feed_version, ticket_feed, ticket_feed_version


@register_root_child("calendar")
class CalendarRoot(Resource):
    """``/calendar``: nothing is served here."""

    def __getitem__(self, key):
        return FeedUser(self.request, key, self, parse_id(key))


class FeedUser(Resource):
    """``/calendar/<user_id>``: not yet verified; nothing is served here."""

    def __init__(self, request, name, parent, user_id):
        super().__init__(request, name, parent)
        self.user_id = user_id

    def __getitem__(self, token):
        user = user_for_token(
            self.request.dbsession, self.request.registry.settings, self.user_id, token
        )
        if user is None:
            raise KeyError(token)
        return FeedDirectory(self.request, token, self, user)


class VerifiedResource(Resource):
    """Below ``/calendar/<user_id>/<token>``: ``user`` is the verified owner."""

    def __init__(self, request, name, parent, user):
        super().__init__(request, name, parent)
        self.user = user


class FeedDirectory(VerifiedResource):
    """``/calendar/<user_id>/<token>``: the user's feeds; nothing is served here."""

    def __getitem__(self, name):
        if name == "tickets.ics":
            return TicketFeed(self.request, name, self, self.user)
        if name == "groups":
            return GroupFeeds(self.request, name, self, self.user)
        raise KeyError(name)


class Feed(VerifiedResource):
    """A feed whose URL carried the right token: its ``version(site)``,
    the ETag, made without building the ``calendar(site)``; ``site`` is
    the domain in its UIDs."""

    def __acl__(self):
        return [(Allow, Everyone, Permission.VIEW), DENY_ALL]


class TicketFeed(Feed):
    """``…/tickets.ics``: the tickets the user owns or is assigned."""

    def version(self, site) -> str:
        return ticket_feed_version(self.request.dbsession, self.user, site)

    def calendar(self, site):
        return ticket_feed(self.request.dbsession, self.user, site)


class GroupFeeds(VerifiedResource):
    """``…/groups``: a group's feed exists only for its members, while it is active."""

    def __getitem__(self, name):
        if not name.endswith(".ics"):
            raise KeyError(name)
        group = self.request.dbsession.scalars(
            select(Group)
            .join(Membership, Membership.group_id == Group.id)
            .where(
                Group.id == parse_id(name.removesuffix(".ics")),
                Group.active.is_(True),
                Membership.user_id == self.user.id,
            )
        ).one_or_none()
        if group is None:
            raise KeyError(name)
        return GroupFeed(self.request, name, self, self.user, group)


class GroupFeed(Feed):
    """``…/groups/<group_id>.ics``: the group's events with the user's seats."""

    def __init__(self, request, name, parent, user, group):
        super().__init__(request, name, parent, user)
        self.group = group

    def version(self, site) -> str:
        return group_feed_version(self.request.dbsession, self.user, self.group, site)

    def calendar(self, site):
        return group_feed(self.request.dbsession, self.user, self.group, site)
