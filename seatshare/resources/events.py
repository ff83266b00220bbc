"""``/api/v1/events``: the events of the entities your groups follow."""
from pyramid.authorization import Allow
from sqlalchemy import select

from .. import principals as p
from ..models import Event, Group, utcnow
from ..permissions import Permission
from . import Resource, register_container
from .lists import DENY_ALL, ListContainer, group_filter_principal
from .membership import followed_entity_ids

# An event's fields in the API, in order (views/events.py serializes them).
EVENT_FIELDS = ("id", "entity_id", "name", "description", "start_time", "date_tba", "time_tba")
EVENT_COLUMNS = tuple(getattr(Event, name) for name in EVENT_FIELDS)


class EventContext(Resource):
    def __init__(self, request, name, parent, event):
        super().__init__(request, name, parent)
        self.event = event

    def __acl__(self):
        return [(Allow, p.entity_follower(self.event.entity_id), Permission.VIEW), DENY_ALL]


def time_filter(column, show, now=None):
    """``?show=past``: before ``now`` (by default the present time);
    ``?show=future``: the rest."""
    if now is None:
        now = utcnow()
    return column < now if show == "past" else column >= now


@register_container("events")
class EventContainer(ListContainer):
    item_class = EventContext
    filters = {"group_id": group_filter_principal}

    def load(self, event_id):
        event = self.request.dbsession.get(Event, event_id)
        if event is None:
            return None
        return EventContext(self.request, str(event_id), self, event)

    def list_query(self, params):
        """The page's events as plain rows of ``EVENT_COLUMNS``."""
        stmt = select(*EVENT_COLUMNS)
        if "group_id" in params:
            entity = select(Group.entity_id).where(Group.id == params["group_id"])
            stmt = stmt.where(Event.entity_id == entity.scalar_subquery())
        else:
            stmt = stmt.where(Event.entity_id.in_(followed_entity_ids(self.user_id)))
        if "show" in params:
            stmt = stmt.where(time_filter(Event.start_time, params["show"]))
        return stmt.order_by(Event.start_time, Event.id)
