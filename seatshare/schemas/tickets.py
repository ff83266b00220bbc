import colander

from ..models import Ticket
from .lists import ListQuery, id_filter, me_filter, show_filter
from .types import JSONInt, JSONString, Money, Nullable, column_length

READ_ONLY = ("id", "group_id", "event_id", "owner_id", "created_at", "updated_at")


class TicketListQuery(ListQuery):
    owner = me_filter()
    assignee = me_filter()
    show = show_filter()
    group_id = id_filter()
    event_id = id_filter()


def seat_place(attribute, **kw):
    """``section``, ``row`` or ``seat``: stored without the whitespace around
    it (at least one of the three stays non-blank: services/tickets.py)."""
    return colander.SchemaNode(JSONString(column_length(attribute), trim=True), **kw)


class TicketUpdate(colander.MappingSchema):
    """``PUT /ticket/ID``; the rules that need the database are the context's."""

    section = seat_place(Ticket.section, missing=colander.drop)
    row = seat_place(Ticket.row, missing=colander.drop)
    seat = seat_place(Ticket.seat, missing=colander.drop)
    cost = colander.SchemaNode(Money(), missing=colander.drop)
    note = colander.SchemaNode(JSONString(column_length(Ticket.note)), missing=colander.drop)
    assignee_id = colander.SchemaNode(Nullable(JSONInt()), missing=colander.drop)
    alias_id = colander.SchemaNode(Nullable(JSONInt()), missing=colander.drop)
