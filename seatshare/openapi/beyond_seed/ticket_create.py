"""``POST /tickets``: a ticket, or a season ticket."""
from ...schemas import ticket_create
from ..builders import LOCATION_HEADER, json_body, json_response, operation, ref


def ticket_create_paths() -> dict:
    tickets = {"type": "array", "items": ref("Ticket")}
    return {
        "/api/v1/tickets": {
            "post": operation(
                "Add a ticket, or a season ticket",
                "A member of `group_id` (403 otherwise; a `group_id` naming no active group "
                "is a 400), for events of the entity the group follows; you are the owner. "
                "Give `event_id` for one ticket (201 with the ticket) or `event_ids` for a "
                "season ticket (201 with the array of tickets, in the order given; all or "
                "none: one event that is not the group's is a 400 and nothing is written). "
                "`Location` names the (first) new ticket. Each ticket gets a \"created\" "
                "history entry. An `assignee_id` other than yours is mailed once, in your "
                "name, naming the `alias_id` who is to use the seats in their place, "
                "listing the games still to come in order (a season ticket is one "
                "mail).",
                "Tickets",
                {201: json_response(
                    "The new ticket, or the array of new tickets.",
                    {"oneOf": [ref("Ticket"), tickets]},
                    LOCATION_HEADER,
                )},
                400,
                scope="write", operation_id="createTickets",
                requestBody=json_body(ticket_create.TicketCreate(), ticket_create.READ_ONLY),
            ),
        },
    }
