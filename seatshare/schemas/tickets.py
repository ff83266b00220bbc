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


class TicketUpdate(colander.MappingSchema):
    """``PUT /ticket/ID``; the rules that need the database are the context's."""

    section = colander.SchemaNode(
        JSONString(column_length(Ticket.section)), missing=colander.drop
    )
    row = colander.SchemaNode(JSONString(column_length(Ticket.row)), missing=colander.drop)
    seat = colander.SchemaNode(
        JSONString(column_length(Ticket.seat)), missing=colander.drop
    )
    cost = colander.SchemaNode(Money(), missing=colander.drop)
    note = colander.SchemaNode(JSONString(column_length(Ticket.note)), missing=colander.drop)
    assignee_id = colander.SchemaNode(Nullable(JSONInt()), missing=colander.drop)
    alias_id = colander.SchemaNode(Nullable(JSONInt()), missing=colander.drop)
