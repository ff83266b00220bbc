"""The paths of API.md §3: users, user aliases, groups, events, tickets.

Each resource is a function returning ``{path: {method: operation}}``; add a
new resource (§4) as another function and list it in ``PATH_BUILDERS`` of
``seatshare.openapi``.
"""
from ..schemas import aliases, events, groups, tickets, users
from .builders import (
    LOCATION_HEADER,
    NO_STORE,
    json_body,
    get_operation,
    json_response,
    list_operation,
    operation,
    path_id,
    ref,
)


def no_content(description):
    return {"description": description}


def user_paths() -> dict:
    return {
        "/api/v1/users": {
            "get": list_operation(
                "List users",
                "Your mutual members (you included), ordered by `last_name`, `first_name`, "
                "`id`; with `group_id`, that group's members (403 unless you are a member).",
                "Users", ref("User"), users.UserListQuery(), "listUsers", filters_404=True,
            )
        },
        "/api/v1/users/me": {
            "get": operation(
                "Your profile", "You, with `mobile` and `sms_notify`.", "Users",
                {200: json_response("You.", ref("CurrentUser"), NO_STORE)},
                operation_id="getCurrentUser",
            ),
            "put": operation(
                "Update your profile",
                "A partial update. `first_name` and `last_name` must not be blank, `email` "
                "must be unique (400 if taken), `timezone` an IANA name, `sms_notify` a JSON "
                "boolean. A new `email` is mailed to the old address, naming the new one and "
                "the application that made the change (a password-reset link would now go "
                "to the new one), with a link that, once and for 7 days by default, puts "
                "the old address back and takes the account back: every application's "
                "tokens revoked, every browser signed out, a new password to choose.",
                "Users",
                {200: json_response("You, updated.", ref("CurrentUser"), NO_STORE)},
                400,
                scope="write",
                operation_id="updateCurrentUser",
                requestBody=json_body(users.CurrentUserUpdate(), users.READ_ONLY),
            ),
        },
        "/api/v1/users/{id}": {
            "parameters": [path_id()],
            "get": get_operation(
                "Get a user",
                "A mutual member.",
                "Users", "User", "getUser",
            ),
        },
    }


def alias_create_body() -> dict:
    """A new alias is always yours: its ``user_id`` may be sent as yours (or
    null) and is then ignored, but naming anyone else is a 403, so it is not
    among the read-only fields."""
    read_only = tuple(name for name in aliases.READ_ONLY if name != "user_id")
    body = json_body(aliases.UserAliasCreate(), read_only)
    body["content"]["application/json"]["schema"]["properties"]["user_id"] = {
        "description": "Your own id, or null: ignored (the alias is yours). Any other "
        "value is a 403."}
    return body


def alias_paths() -> dict:
    return {
        "/api/v1/user_aliases": {
            "get": list_operation(
                "List user aliases",
                "Yours and your mutual members', ordered by `last_name`, `first_name`, `id`.",
                "User aliases", ref("UserAlias"), aliases.UserAliasListQuery(),
                "listUserAliases",
            ),
            "post": operation(
                "Create a user alias",
                "Always yours: a `user_id` other than yours is a 403.",
                "User aliases",
                {201: json_response("The new alias.", ref("UserAlias"), LOCATION_HEADER)},
                400,
                scope="write",
                operation_id="createUserAlias",
                requestBody=alias_create_body(),
            ),
        },
        "/api/v1/user_aliases/{id}": {
            "parameters": [path_id()],
            "get": get_operation(
                "Get a user alias",
                "Yours or a mutual member's.",
                "User aliases", "UserAlias", "getUserAlias",
            ),
            "put": operation(
                "Update a user alias", "Yours only; a partial update.", "User aliases",
                {200: json_response("The alias, updated.", ref("UserAlias"))}, 400, 404,
                scope="write",
                operation_id="updateUserAlias",
                requestBody=json_body(aliases.UserAliasUpdate(), aliases.READ_ONLY),
            ),
            "delete": operation(
                "Delete a user alias",
                "Yours only. Tickets that used the alias lose it.",
                "User aliases", {204: no_content("Deleted.")}, 404,
                scope="write",
                operation_id="deleteUserAlias",
            ),
        },
    }


def group_paths() -> dict:
    return {
        "/api/v1/groups": {
            "get": list_operation(
                "List your groups",
                "Active groups you are a member or administrator of, ordered by `name`, `id`.",
                "Groups", ref("Group"), groups.GroupListQuery(), "listGroups",
            ),
        },
        "/api/v1/groups/{id}": {
            "parameters": [path_id()],
            "get": get_operation(
                "Get a group",
                "A member or administrator. An inactive group is a 404.",
                "Groups", "Group", "getGroup",
            ),
            "put": operation(
                "Rename a group", "Administrators only.", "Groups",
                {200: json_response("The group, updated.", ref("Group"))}, 400, 404,
                scope="write",
                operation_id="updateGroup",
                requestBody=json_body(groups.GroupUpdate(), groups.READ_ONLY),
            ),
        },
    }


def event_paths() -> dict:
    return {
        "/api/v1/events": {
            "get": list_operation(
                "List events",
                "Events of the entities your groups follow, ordered by `start_time`, `id`.",
                "Events", ref("Event"), events.EventListQuery(), "listEvents", filters_404=True,
            ),
        },
        "/api/v1/events/{id}": {
            "parameters": [path_id()],
            "get": get_operation(
                "Get an event",
                "An event of one of your groups.",
                "Events", "Event", "getEvent",
            ),
        },
    }


def ticket_item(prefix: str, suffix: str) -> dict:
    alias = "" if prefix == "ticket" else " (the same resource as `/ticket/{id}`)"
    return {
        "parameters": [path_id()],
        "get": get_operation(
            "Get a ticket",
            f"A member of the ticket's group{alias}. A ticket of a deleted group is a 404, "
            "as the group is.",
            "Tickets", "Ticket", f"getTicket{suffix}",
        ),
        "put": operation(
            "Update a ticket",
            "Its owner or assignee; a partial update. `assignee_id` is null or a member of "
            "the group; `alias_id` null or an alias of the assignee; changing the assignee "
            "clears the alias. At least one of `section`/`row`/`seat` stays non-blank; "
            "`cost` is at least 0. Each change is recorded in the ticket's history. Giving "
            "the ticket to someone settles its pending requests as accepting one does: the "
            "new assignee's own request is accepted (the \"assigned\" history entry names "
            "its `request_id`), the others are declined, and each requester is mailed. "
            "Unassigning it, or giving it back to its owner, leaves them pending. Moving "
            "it away from its assignee (to someone else, to nobody, back to its owner) "
            "mails the party who did not move it: the assignee, when its owner does it "
            "(naming the alias the change clears), or the owner, when its assignee does "
            "(not for a game that has started). The new assignee is mailed that they were "
            "given it, in the name of whoever gave it, naming the `alias_id` who is to use "
            "the seat in their place (not when that is themselves, or "
            "when their own request is accepted with it, which mails them its answer; not "
            "for a game that has started).",
            "Tickets",
            {200: json_response("The ticket, updated.", ref("Ticket"))}, 400, 404,
            scope="write",
            operation_id=f"updateTicket{suffix}",
            requestBody=json_body(tickets.TicketUpdate(), tickets.READ_ONLY),
        ),
        "delete": operation(
            "Delete a ticket",
            "Its owner or assignee. Its pending requests go with it; each requester is mailed. "
            "Its other party is mailed that it was deleted: its assignee when its owner "
            "deletes it, its owner when its assignee does (not for a game that has started), "
            "naming the alias who was to use the seat.",
            "Tickets",
            {204: no_content("Deleted.")}, 404,
            scope="write",
            operation_id=f"deleteTicket{suffix}",
        ),
    }


def ticket_paths() -> dict:
    return {
        "/api/v1/tickets": {
            "get": list_operation(
                "List tickets",
                "Tickets in your groups, ordered by event `start_time`, `section`, `row`, "
                "`seat`, `id`. `show` lists only tickets you own or are assigned, by event "
                "time. Filters combine.",
                "Tickets", ref("Ticket"), tickets.TicketListQuery(), "listTickets",
                filters_404=True,
            ),
        },
        "/api/v1/ticket/{id}": ticket_item("ticket", ""),
        "/api/v1/tickets/{id}": ticket_item("tickets", "ByPluralPath"),
    }


def document_paths() -> dict:
    return {
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This document",
                "description": "The OpenAPI 3.1 document of the API; no token needed.",
                "tags": ["Documentation"],
                "operationId": "getOpenAPIDocument",
                "security": [],
                "responses": {"200": json_response("The document.", {"type": "object"})},
            }
        }
    }


PATH_BUILDERS = [document_paths, user_paths, alias_paths, group_paths, event_paths, ticket_paths]
