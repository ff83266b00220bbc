"""Asking for a ticket, answering a request, and a ticket's history (below
both ``/ticket/ID`` and ``/tickets/ID``)."""
from ...schemas import ticket_requests
from ...schemas.lists import ListQuery
from ..builders import (
    LOCATION_HEADER,
    json_body,
    json_response,
    list_operation,
    operation,
    path_id,
    ref,
)
from ..components import ID, NULLABLE_ID, STRING, TIMESTAMP, record

SCHEMAS = {
    "TicketRequest": record(
        {
            "id": ID,
            "ticket_id": ID,
            "requester_id": ID,
            "owner_id": {**ID, "description": "The ticket's owner, who answers."},
            "message": STRING,
            "status": {"type": "string", "enum": ["pending", "accepted", "declined", "withdrawn"]},
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        }
    ),
    "TicketHistoryEntry": record(
        {
            "id": ID,
            "ticket_id": ID,
            "action": {
                "type": "string",
                "enum": ["created", "updated", "assigned", "unassigned", "requested", "deleted"],
            },
            "actor_id": NULLABLE_ID,
            "changes": {
                "type": "object",
                "description": 'For an update, `{"field": [old, new]}`; for "created" and '
                '"deleted", the ticket\'s fields; for "requested", `{"request_id"}`; an '
                'assignment by an accepted request adds its `request_id`.',
            },
            "created_at": TIMESTAMP,
        }
    ),
}


def ticket_child_paths(prefix: str, suffix: str) -> dict:
    return {
        f"/api/v1/{prefix}/{{id}}/requests": {
            "parameters": [path_id(description="The ticket's id.")],
            "post": operation(
                "Ask for a ticket",
                "A member of the ticket's group who is not its owner. The owner is mailed "
                "(naming the member it is assigned to, whom accepting takes it from); "
                "the ticket's history records the request. A second pending request by "
                "you for the same ticket is a 409, and so is asking for a ticket assigned "
                "to you, or for a ticket to an event that has started (`start_time` before "
                "now, to the whole second as `?show=` takes it: an event starting this second "
                "has not; an event whose date is to be announced has not started, one whose "
                "time is to be announced counts as started a day after its `start_time`). "
                "A request made before can still be answered after.",
                "Ticket requests",
                {201: json_response("The request.", ref("TicketRequest"), LOCATION_HEADER)},
                400, 404, 409,
                scope="write", operation_id=f"requestTicket{suffix}",
                requestBody=json_body(
                    ticket_requests.TicketRequestCreate(), ticket_requests.READ_ONLY
                ),
            ),
        },
        f"/api/v1/{prefix}/{{id}}/history": {
            "parameters": [path_id(description="The ticket's id.")],
            "get": list_operation(
                "A ticket's history",
                "Members of the ticket's group: who created, updated, assigned, unassigned "
                "and requested it, and when; ordered by `created_at`, `id`.",
                "Tickets", ref("TicketHistoryEntry"), ListQuery(), f"listTicketHistory{suffix}",
                filters_404=True,  # the ticket in the path
            ),
        },
    }


def ticket_request_paths() -> dict:
    return {
        **ticket_child_paths("ticket", ""),
        **ticket_child_paths("tickets", "ByPluralPath"),
        "/api/v1/ticket_requests": {
            "get": list_operation(
                "List ticket requests",
                "The requests you made and those for your tickets, in active groups, "
                "ordered by `created_at`, `id`.",
                "Ticket requests", ref("TicketRequest"),
                ticket_requests.TicketRequestListQuery(), "listTicketRequests",
            ),
        },
        "/api/v1/ticket_requests/{id}": {
            "parameters": [path_id()],
            "get": operation(
                "Get a ticket request", "Its requester or the ticket's owner.",
                "Ticket requests",
                {200: json_response("The request.", ref("TicketRequest"))}, 404,
                operation_id="getTicketRequest",
            ),
            "put": operation(
                "Answer or withdraw a ticket request",
                '`"accepted"` or `"declined"`: the ticket\'s owner only; accepting assigns '
                "the ticket to the requester (its alias cleared, an \"assigned\" history "
                "entry) and declines the ticket's other pending requests, as giving the "
                "ticket to the requester with `PUT /ticket/{id}` does. `\"withdrawn\"`: "
                "the requester only. Only a pending request can change: otherwise 409. The "
                "other party is mailed, and so is an assignee the accepted request takes "
                "the ticket from.",
                "Ticket requests",
                {200: json_response("The request, updated.", ref("TicketRequest"))},
                400, 404, 409,
                scope="write", operation_id="answerTicketRequest",
                requestBody=json_body(
                    ticket_requests.TicketRequestUpdate(), ticket_requests.UPDATE_READ_ONLY
                ),
            ),
        },
    }
