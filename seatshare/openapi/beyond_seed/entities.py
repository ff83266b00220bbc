"""The teams groups follow: ``GET /entities[?q=]`` and ``GET /entities/ID``."""
from ...schemas import entities
from ..builders import json_response, list_operation, operation, path_id, ref
from ..components import ID, STRING, TIMESTAMP, record

SCHEMAS = {
    "Entity": record({"id": ID, "name": STRING, "created_at": TIMESTAMP},
                     description="A team (or venue) whose events groups follow."),
}


def entity_paths() -> dict:
    return {
        "/api/v1/entities": {
            "get": list_operation(
                "List entities",
                "The teams a group can follow, ordered by `name`, `id`; any signed-in user. "
                "`q` keeps those whose name contains it, in any case.",
                "Entities", ref("Entity"), entities.EntityListQuery(), "listEntities",
            )
        },
        "/api/v1/entities/{id}": {
            "parameters": [path_id()],
            "get": operation(
                "Get an entity", "Any signed-in user.", "Entities",
                {200: json_response("The entity.", ref("Entity"))}, 404,
                operation_id="getEntity",
            ),
        },
    }
