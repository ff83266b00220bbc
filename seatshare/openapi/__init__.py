"""The OpenAPI 3.1 document, served at ``GET /api/v1/openapi.json``.

``document()`` assembles it from ``PATH_BUILDERS``: each builder returns
``{path: {method: operation}}``. To describe new endpoints, write a builder
(see ``api_v1.py``; ``builders.list_operation``, ``operation``, ``json_body``
derive parameters and bodies from the colander schemas) and append it to
``PATH_BUILDERS``; add response schemas to ``components.SCHEMAS``.
tests/api/test_openapi.py checks real responses against the document.
"""
import copy
import functools

from . import api_v1, beyond_seed, calendar, components, oauth
from .builders import with_body_limit, with_url_check

PATH_BUILDERS = [
    *api_v1.PATH_BUILDERS, *beyond_seed.PATH_BUILDERS, oauth.oauth_paths, calendar.calendar_paths,
]

DESCRIPTION = """\
SeatShare lets a group of friends share season tickets.

**Authentication**: `Authorization: Bearer <token>` (the scheme is case-insensitive;
a trailing `;` is tolerated, and so are spaces and tabs around the token; anything
else beside it, such as a second `;`, a comma or a second `Authorization` header,
makes the token invalid: 401). A token is read from that header only, never from
the query string or the body: `?access_token=` (RFC 6750 §2.3) beside the header is
a 400 on every operation (on this document's, with or without the header). Tokens come from the OAuth 2.0 endpoints below.
`read` covers every `GET`, `write` every other method.

**Lists** are JSON arrays in the documented order, paginated with `page` (default 1)
and `per_page` (default 25, at most 100), with an RFC 8288 `Link` header and
`X-Total-Count`. Text sorts by Unicode code point, as it is stored: `"Zhu"` before
`"de la Cruz"`, `"Ödegaard"` after both. A list's unknown query parameters are a
400; a single record and a write take none and ignore any, a list's filters too
(`GET /api/v1/ticket/5?group_id=9` is the ticket, whether group 9 exists or not).

**Writes** take a JSON object (one naming a field twice is a 400); `PUT` is partial;
unknown fields are a 400, read-only fields are ignored.

**Errors** have the body `{"error", "error_detail", "code"}` (and `fields` on a 400).
Checks run in this order: 401, then 404, then 403, then 400. A route without the
method answers 405 with `Allow`, once the caller has passed 401 (every route but
this document needs a token).
"""


@functools.cache
def _document() -> dict:
    paths = {}
    for build in PATH_BUILDERS:
        # A later builder adds methods to a path an earlier one described.
        for path, operations in build().items():
            # Every operation can get the URL check's 400, and every one that
            # takes a body the body limit's 413 (seatshare.limits).
            paths.setdefault(path, {}).update(
                (method, value if method == "parameters"
                 else with_body_limit(path, with_url_check(path, value)))
                for method, value in operations.items()
            )
    return {
        "openapi": "3.1.0",
        "info": {"title": "SeatShare API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "tags": [
            {"name": name}
            for name in ("Users", "User aliases", "Groups", "Events", "Tickets",
                         *beyond_seed.TAGS, "OAuth", calendar.TAG, "Documentation")
        ],
        "paths": paths,
        "components": {
            "schemas": {**components.SCHEMAS, **beyond_seed.SCHEMAS},
            "securitySchemes": {
                "oauth2": {
                    "type": "oauth2",
                    "description": "A bearer token from the authorization code flow.",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": "/oauth/authorization",
                            "tokenUrl": "/oauth/token",
                            "refreshUrl": "/oauth/token",
                            "scopes": {
                                "read": "Every GET.",
                                "write": "Every other method.",
                            },
                        }
                    },
                },
                "clientBasic": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "Client authentication: client_id and client_secret.",
                },
            },
        },
    }


def document() -> dict:
    """A fresh copy of the document (callers may add ``servers``)."""
    return copy.deepcopy(_document())
