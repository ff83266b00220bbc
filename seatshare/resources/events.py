"""``/api/v1/events``: the events of the entities your groups follow."""
import functools

from pyramid.authorization import Allow
from sqlalchemy import Integer, bindparam, func, select

from .. import principals as p
from ..models import Event, Group, this_second
from ..pagination import Bound, PagedQuery
from ..permissions import Permission
from . import Resource, register_container
from .lists import DENY_ALL, ListContainer, group_filter_principal
from .membership import followed_entity_ids

# An event's fields in the API, in order (views/events.py serializes them).
EVENT_FIELDS = ("id", "entity_id", "name", "description", "start_time", "date_tba", "time_tba")


class EventContext(Resource):
    def __init__(self, request, name, parent, event):
        super().__init__(request, name, parent)
        self.event = event

    def __acl__(self):
        return [(Allow, p.entity_follower(self.event.entity_id), Permission.VIEW), DENY_ALL]


def time_filter(column, show, now):
    """``?show=past``: before ``now``; ``?show=future``: the rest."""
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
        """The page's events as plain rows of ``EVENT_FIELDS``; the statement
        of each combination of filters is built once (``event_list``)."""
        values = {"me": self.user_id, "now": this_second()}
        if "group_id" in params:
            values["group_id"] = params["group_id"]
        return Bound(event_list("group_id" in params, params.get("show")), values)


_events, _groups = Event.__table__, Group.__table__


@functools.cache
def event_list(by_group, show) -> PagedQuery:
    """The events list for one combination of filters, with bound parameters
    ``me``, ``now`` and ``group_id``: the events of the entities the caller's
    active groups follow (or the one group's), by time."""
    e = _events.c
    if by_group:
        entity = select(_groups.c.entity_id).where(
            _groups.c.id == bindparam("group_id", type_=Integer)
        )
        conditions = [e.entity_id == entity.scalar_subquery()]
    else:
        conditions = [e.entity_id.in_(followed_entity_ids(bindparam("me", type_=Integer)))]
    if show is not None:
        conditions.append(time_filter(e.start_time, show, bindparam("now")))
    stmt = (
        select(*(e[name] for name in EVENT_FIELDS))
        .where(*conditions)
        .order_by(e.start_time, e.id)
    )
    count = select(func.count()).select_from(_events).where(*conditions)
    return PagedQuery(stmt, count=count)
