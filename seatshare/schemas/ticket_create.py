"""``POST /tickets``: one ticket (``event_id``) or a season ticket (``event_ids``)."""
import decimal

import colander

from ..models import Ticket
from .tickets import seat_place
from .types import JSONIdList, JSONInt, JSONString, Money, Nullable, column_length

READ_ONLY = ("id", "owner_id", "created_at", "updated_at")
MAX_EVENTS = 200  # a season of any sport, with room to spare


def one_event_field(node, value):
    """Exactly one of ``event_id`` and ``event_ids``."""
    given = [name for name in ("event_id", "event_ids") if name in value]
    if len(given) != 1:
        error = colander.Invalid(node)
        message = "give event_id or event_ids, not both" if given else "is required"
        error["event_id"] = message
        raise error


# Exactly one of the two, for the OpenAPI document (seatshare.openapi.builders).
one_event_field.json_schema = {"oneOf": [{"required": ["event_id"]}, {"required": ["event_ids"]}]}


def _text(attribute):
    return colander.SchemaNode(JSONString(column_length(attribute)), missing="")


class TicketCreate(colander.MappingSchema):
    group_id = colander.SchemaNode(JSONInt())
    event_id = colander.SchemaNode(JSONInt(), missing=colander.drop)
    event_ids = colander.SchemaNode(JSONIdList(MAX_EVENTS), missing=colander.drop)
    section = seat_place(Ticket.section, missing="")
    row = seat_place(Ticket.row, missing="")
    seat = seat_place(Ticket.seat, missing="")
    cost = colander.SchemaNode(Money(), missing=decimal.Decimal("0.00"))
    note = _text(Ticket.note)
    assignee_id = colander.SchemaNode(Nullable(JSONInt()), missing=None)
    alias_id = colander.SchemaNode(Nullable(JSONInt()), missing=None)

    validator = staticmethod(one_event_field)
