import colander

from ..models import RequestStatus, TicketRequest
from .lists import ListQuery
from .types import JSONChoice, JSONString, QueryChoice, column_length

READ_ONLY = ("id", "ticket_id", "requester_id", "owner_id", "created_at", "updated_at")
# An answer may carry the request as it was read, but not change its message:
# that is the asker's, sent once. (A new request's status is no read-only
# field but a 400: the asker does not choose it.)
UPDATE_READ_ONLY = READ_ONLY + ("message",)
ANSWERS = tuple(s for s in RequestStatus if s != RequestStatus.PENDING)


class TicketRequestListQuery(ListQuery):
    status = colander.SchemaNode(
        QueryChoice(*(s.value for s in RequestStatus)), missing=colander.drop
    )


class TicketRequestCreate(colander.MappingSchema):
    message = colander.SchemaNode(
        JSONString(column_length(TicketRequest.message)), missing=""
    )


class TicketRequestUpdate(colander.MappingSchema):
    status = colander.SchemaNode(JSONChoice(*ANSWERS))
