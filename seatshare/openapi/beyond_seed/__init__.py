"""The paths of API.md §4 ("Beyond the seed"), one module a resource:
``entities``, ``group_admin`` (running a group), ``ticket_create`` (tickets
and season tickets), ``ticket_requests`` (requests and a ticket's history)
and ``authorizations`` (the applications you authorized). Listed in
``PATH_BUILDERS`` of ``seatshare.openapi``; a builder's operations are
merged into any the seed's builders already gave the same path
(``POST /groups`` beside ``GET``).
"""
from . import authorizations, entities, group_admin, ticket_create, ticket_requests

TAGS = ("Entities", "Group administration", "Ticket requests", "Authorizations")

SCHEMAS = {
    **entities.SCHEMAS,
    **group_admin.SCHEMAS,
    **ticket_requests.SCHEMAS,
    **authorizations.SCHEMAS,
}

PATH_BUILDERS = [
    entities.entity_paths,
    group_admin.group_admin_paths,
    ticket_create.ticket_create_paths,
    ticket_requests.ticket_request_paths,
    authorizations.authorization_paths,
]
