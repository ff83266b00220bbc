"""``/api/v1/events``."""
from pyramid.view import view_config, view_defaults

from ..models import Event
from ..permissions import Permission
from ..resources.events import EVENT_FIELDS, EventContainer, EventContext
from ..schemas.events import EventListQuery
from . import ResourceViews

FIELDS = EVENT_FIELDS


def event_json(event: Event) -> dict:
    return {name: getattr(event, name) for name in FIELDS}


def event_row_json(row) -> dict:
    """A row of the list (``EVENT_FIELDS``), as ``event_json``."""
    return dict(zip(FIELDS, row))


@view_defaults(renderer="json")
class EventViews(ResourceViews):
    @view_config(context=EventContainer, request_method="GET", permission=Permission.LIST)
    def list(self):
        return self.list_page(EventListQuery(), event_row_json)

    @view_config(context=EventContext, request_method="GET", permission=Permission.VIEW)
    def show(self):
        return event_json(self.context.event)
