"""The applications you approved: ``GET /authorizations[/ID]`` and revoking one."""
from ...schemas.lists import ListQuery
from ..api_v1 import no_content
from ..builders import json_response, list_operation, operation, path_id, ref
from ..components import ID, STRING, TIMESTAMP, record

SCHEMAS = {
    "Authorization": record(
        {
            "id": {**ID, "description": "The application's id."},
            "name": STRING,
            "client_id": STRING,
            "scopes": {"type": "string", "description": (
                'Space-separated, e.g. "read write": every scope of your approvals and of '
                "the application's live tokens, a refresh token's counted whole even when "
                "a refresh narrowed the access token's.")},
            "approved_at": {**TIMESTAMP, "description": "Your first approval or token."},
        },
        description="An application you approved.",
    ),
}


def authorization_paths() -> dict:
    return {
        "/api/v1/authorizations": {
            "get": list_operation(
                "List the applications you approved",
                "Applications with a remembered approval or a live token of yours, ordered "
                "by `approved_at`, `id`.",
                "Authorizations", ref("Authorization"), ListQuery(), "listAuthorizations",
            ),
        },
        "/api/v1/authorizations/{id}": {
            "parameters": [path_id(description="The application's id.")],
            "get": operation(
                "Get an application you approved", "Yours only (404 otherwise).",
                "Authorizations",
                {200: json_response("The authorization.", ref("Authorization"))}, 404,
                operation_id="getAuthorization",
            ),
            "delete": operation(
                "Revoke an application",
                "Revokes every token of that application for you (the one making this "
                "call too, if it is that application's, and the one a refresh or code "
                "exchange running at that moment gets), forgets your approvals, so the "
                "consent page asks again, voids its unused authorization codes, and "
                "ends the calendar feed URLs it was given (`calendar_url`). "
                "A new password chosen through a password-reset link does this for "
                "every application.",
                "Authorizations", {204: no_content("Revoked.")}, 404,
                scope="write", operation_id="revokeAuthorization",
            ),
        },
    }
