"""Authorization server metadata (RFC 8414): where the endpoints are and
what they support."""
from ..builders import error_response, json_response
from .forms import string_list

AUTH_METHODS_WITH_NONE = ("`client_secret_basic`, `client_secret_post`, and `none` "
                          "(a public application's client_id alone, in the body or as "
                          "HTTP Basic's user with an empty password).")


def metadata_paths() -> dict:
    return {
        "/.well-known/oauth-authorization-server": {
            "get": {
                "summary": "Authorization server metadata (RFC 8414)",
                "tags": ["OAuth"],
                "operationId": "oauthMetadata",
                "security": [],
                "responses": {
                    "200": json_response(
                        "The server's endpoints and capabilities.",
                        {
                            "type": "object",
                            "properties": {
                                "issuer": {"type": "string", "format": "uri"},
                                "authorization_endpoint": {"type": "string", "format": "uri"},
                                "token_endpoint": {"type": "string", "format": "uri"},
                                "revocation_endpoint": {"type": "string", "format": "uri"},
                                "introspection_endpoint": {"type": "string", "format": "uri"},
                                "scopes_supported": {"type": "array", "items": {"type": "string"}},
                                "response_types_supported": {
                                    "type": "array", "items": {"type": "string"}
                                },
                                "grant_types_supported": {
                                    "type": "array", "items": {"type": "string"}
                                },
                                "code_challenge_methods_supported": {
                                    "type": "array", "items": {"type": "string"}
                                },
                                "token_endpoint_auth_methods_supported":
                                    string_list(AUTH_METHODS_WITH_NONE),
                                "revocation_endpoint_auth_methods_supported":
                                    string_list(AUTH_METHODS_WITH_NONE),
                                "introspection_endpoint_auth_methods_supported":
                                    string_list("`client_secret_basic`, `client_secret_post`."),
                            },
                            "required": ["issuer", "authorization_endpoint", "token_endpoint"],
                        },
                    ),
                    # Built from the settings alone: no database, so no 503.
                    "500": error_response(500),
                },
            }
        },
    }
