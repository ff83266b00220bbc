"""Small builders for the OpenAPI document: errors, lists, bodies, parameters.

Request bodies and query parameters are derived from the colander schemas the
views validate with, so the document cannot drift from what the API accepts.
"""
import colander

from ..security.challenges import BEARER_CHALLENGE
from ..text import blank_character_class, blank_ranges_beyond_bmp
from ..schemas.types import (
    MAX_ID,
    MAX_MONEY,
    JSONBool,
    JSONChoice,
    JSONIdList,
    JSONInt,
    JSONString,
    Money,
    Nullable,
    QueryChoice,
    QueryInt,
    QueryText,
)

REASONS = {
    400: "The body or the query fails validation (the body names the `fields`), or the query "
         "string is not valid UTF-8 (once the 401, 404 and 403 checks have passed).",
    401: "No token, or a token that is unknown, expired or revoked.",
    403: "The record exists but you may not read or change it, or the token lacks the scope "
         '(then with `WWW-Authenticate: Bearer realm="seatshare", error="insufficient_scope", '
         'scope="read"` or `"write"`, RFC 6750 §3.1).',
    404: "No such record, no such route, or a filter names a record that does not exist.",
    409: "The request conflicts with the current state of the record.",
    413: "The request body is too large.",
    429: "Too many of these requests in a while; retry after `Retry-After` seconds.",
    500: "An unexpected error; logged, nothing internal in the body.",
    503: "The database cannot be reached; retry after `Retry-After` seconds.",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "required": True,
                               "schema": {"type": "string", "pattern": "^[0-9]+$"}}}
ERROR_HEADERS = {
    401: {"WWW-Authenticate": {
        "description": f'{BEARER_CHALLENGE}, with error="invalid_token" when a token was sent.',
        "required": True,
        "schema": {"type": "string"},
    }},
    # RFC 6750 §3.1: only a token without the scope the method needs.
    403: {"WWW-Authenticate": {
        "description": f'With a token that lacks the scope: {BEARER_CHALLENGE}, '
        'error="insufficient_scope", scope="read" or "write".',
        "schema": {"type": "string"},
    }},
    429: RETRY_AFTER,
    503: RETRY_AFTER,
}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def error_response(status: int) -> dict:
    schema = "ValidationError" if status == 400 else "Error"
    response = {
        "description": REASONS[status],
        "content": {"application/json": {"schema": ref(schema)}},
    }
    if status in ERROR_HEADERS:
        response["headers"] = ERROR_HEADERS[status]
    return response


def responses(success: dict, *errors: int) -> dict:
    """``success`` (status → response) and the contract's errors, plus the
    ones every authenticated endpoint can answer (401, 403, 500, 503; and
    ``with_url_check``'s 400)."""
    codes = sorted(set(errors) | {401, 403, 500, 503})
    return {**{str(k): v for k, v in success.items()}, **{str(c): error_response(c) for c in codes}}


# seatshare.limits refuses a body over seatshare.max_body_bytes: the contract's
# JSON error under /api/, plain text elsewhere but where an operation declares
# its own 413 (the OAuth endpoints: their JSON error).
TOO_LARGE_TEXT = {
    "description": "The request body is larger than `seatshare.max_body_bytes`.",
    "content": {"text/plain": {"schema": {"type": "string"}}},
}


def with_body_limit(path: str, operation: dict) -> dict:
    """``operation`` with its 413 when it takes a request body, in the
    media type seatshare.limits answers on ``path``; responses by status."""
    if "requestBody" not in operation:
        return operation
    too_large = error_response(413) if path.startswith("/api/") else TOO_LARGE_TEXT
    responses = {"413": too_large, **operation["responses"]}
    return {**operation, "responses": dict(sorted(responses.items()))}


# A URL that is not UTF-8 (seatshare.limits). On /api/ its query string is
# a 400 in the contract's body once 401, 404 and 403 have had their say (its
# path is no route: a 404). Elsewhere either is refused before anything else,
# token or no token: in an operation's own 400 where it has one (the OAuth
# errors, the authorization page), else in the JSON error body on the paths
# programs call (the OAuth metadata), or an HTML page (a calendar feed).
BAD_URL_HTML = {
    "description": "The URL is not valid UTF-8.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def with_url_check(path: str, operation: dict) -> dict:
    """``operation`` with the 400 a URL that is not UTF-8 gets; responses by status."""
    if "400" in operation["responses"]:
        return operation
    if path.startswith("/api/"):
        bad_url = error_response(400)
    elif path.startswith("/calendar/"):
        bad_url = BAD_URL_HTML
    else:
        bad_url = {**error_response(400), "description": BAD_URL_HTML["description"]}
    responses = {"400": bad_url, **operation["responses"]}
    return {**operation, "responses": dict(sorted(responses.items()))}


def json_response(description: str, schema: dict, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


LIST_HEADERS = {
    "Link": {
        "description": 'RFC 8288 links to the `first`, `prev`, `next` and `last` pages as they '
        "apply (empty on a single page); they keep the query's filters and name the "
        "`per_page` served (100 for a larger one). On a page past the end, `prev` is the "
        "last page that has records.",
        "required": True,
        "schema": {"type": "string"},
    },
    "X-Total-Count": {
        "description": "The number of records in the whole list.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
}
NO_STORE = {
    "Cache-Control": {"description": "`no-store`.", "required": True,
                      "schema": {"type": "string", "const": "no-store"}},
}
LOCATION_HEADER = {
    "Location": {"description": "The new record's URL.", "required": True,
                 "schema": {"type": "string", "format": "uri"}}
}


def operation(summary, description, tag, success, *errors, scope="read", **extra) -> dict:
    return {
        "summary": summary,
        "description": description,
        "tags": [tag],
        "operationId": extra.pop("operation_id"),
        "security": [{"oauth2": [scope]}],
        **extra,
        "responses": responses(success, *errors),
    }


def get_operation(summary, who, tag, schema_name, operation_id) -> dict:
    """``GET`` one record: 200 with ``schema_name``, 404 when there is none."""
    return operation(
        summary, who, tag, {200: json_response("The record.", ref(schema_name))},
        404, operation_id=operation_id,
    )


def list_operation(summary, description, tag, item_schema, query_schema, operation_id,
                   filters_404=False) -> dict:
    """A paginated list: the query's parameters, the array, Link and X-Total-Count."""
    errors = (400, 404) if filters_404 else (400,)
    return operation(
        summary,
        description,
        tag,
        {200: json_response("One page of the list.", {"type": "array", "items": item_schema},
                            LIST_HEADERS)},
        *errors,
        operation_id=operation_id,
        parameters=query_parameters(query_schema),
    )


def json_body(schema: colander.SchemaNode, read_only=(), description="") -> dict:
    body = json_schema(schema)
    body["description"] = " ".join(
        filter(None, [description, "Unknown fields are a 400."
                      + (f" Read-only fields ({', '.join(read_only)}) are ignored." if read_only else "")])
    )
    # Read-only fields may be sent and are ignored: any value is valid. (Not
    # "readOnly": that would make sending them invalid, which it is not.)
    body["properties"].update(
        {name: {"description": "Read-only: ignored if sent."} for name in read_only}
    )
    return {"required": True, "content": {"application/json": {"schema": body}}}


def json_schema(node: colander.SchemaNode) -> dict:
    """The JSON Schema (2020-12) of a colander mapping built from our strict types."""
    if isinstance(node.typ, colander.Mapping):
        properties = {child.name: json_schema(child) for child in node.children}
        required = [child.name for child in node.children if child.missing is colander.required]
        schema = {"type": "object", "properties": properties, "additionalProperties": False}
        if required:
            schema["required"] = required
        # A mapping's validator may describe itself too (ticket_create.one_event_field).
        return {**schema, **getattr(node.validator, "json_schema", {})}
    # A validator may describe itself (schemas.types.EmailAddress).
    return {**type_schema(node.typ), **getattr(node.validator, "json_schema", {})}


def type_schema(typ) -> dict:
    if isinstance(typ, Nullable):
        inner = type_schema(typ.inner)
        return {**inner, "type": [inner["type"], "null"]}
    if isinstance(typ, JSONChoice):
        return {"type": "string", "enum": [member.value for member in typ.members]}
    if isinstance(typ, JSONIdList):
        return {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            "minItems": 1,
            "maxItems": typ.max_items,
            "uniqueItems": True,
        }
    if isinstance(typ, JSONString):
        return string_schema(typ)
    if isinstance(typ, JSONInt):
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    if isinstance(typ, JSONBool):
        return {"type": "boolean"}
    if isinstance(typ, Money):
        return {
            "anyOf": [
                {"type": "string", "pattern": Money.STRING_PATTERN},
                {"type": "number", "minimum": 0, "maximum": float(MAX_MONEY),
                 "multipleOf": 0.01},
            ],
            "description": 'Money: a decimal string of ASCII digits ("45.00"; no sign '
            "or exponent) or a JSON number, at least 0, at most two decimal places.",
        }
    raise TypeError(f"no JSON Schema for {typ!r}")


# Not in the patterns (seatshare.text.blank_character_class): "U+13430–U+13438, …".
BLANK_BEYOND_BMP = ", ".join(
    f"U+{first:04X}" if first == last else f"U+{first:04X}–U+{last:04X}"
    for first, last in blank_ranges_beyond_bmp())


def string_schema(typ: JSONString) -> dict:
    """No NUL (a 400: PostgreSQL cannot store it); a non-blank string needs
    a character that is neither NUL nor blank (``seatshare.text``). A
    trimmed one's length counts what is stored, once trimmed: its pattern
    says so (the blank characters around at most ``max_length`` others, the
    first and last of them not blank), as ``maxLength`` cannot.

    Every pattern compiles as ECMA-262 with or without the u flag (``new
    RegExp(p)``), so the blank characters beyond U+FFFF are not in it: the
    description names them."""
    blank = blank_character_class()
    beyond = (f"The pattern leaves out the blank characters beyond U+FFFF "
              f"({BLANK_BEYOND_BMP}): they are blank too, and trimmed (but tag characters "
              f"after a visible one). A tool that reads the pattern without Unicode mode "
              f"counts a character beyond U+FFFF as two.")
    if not typ.trim:
        schema = {"type": "string", "maxLength": typ.max_length, "pattern": r"^[^\x00]*$"}
        if not typ.blank:
            schema.update(minLength=1, pattern=rf"^[^\x00]*[^\x00{blank}][^\x00]*$",
                          description=f"Not blank: not only white space and invisible "
                          f"format characters (U+200B, U+FEFF, U+2060, …). {beyond}")
        return schema
    stored = rf"[^\x00{blank}](?:[^\x00]{{0,{typ.max_length - 2}}}[^\x00{blank}])?"
    if typ.blank:
        stored = f"(?:{stored})?"
    schema = {
        "type": "string",
        "pattern": rf"^[{blank}]*{stored}[{blank}]*$",
        "description": f"Stored without the white space and invisible format characters "
        f"(U+200B, U+FEFF, U+2060, …) around it, then at most {typ.max_length} characters"
        + ("; nothing but those is blank, a 400. " if not typ.blank else ". ") + beyond,
    }
    if not typ.blank:
        schema["minLength"] = 1
    return schema


def query_parameters(schema: colander.SchemaNode) -> list:
    parameters = []
    for child in schema.children:
        typ = child.typ
        if isinstance(typ, QueryInt):
            value = {"type": "integer", "minimum": 1}
            if typ.maximum is not None and not typ.clamp:
                value["maximum"] = typ.maximum
        elif isinstance(typ, QueryChoice):
            value = {"type": "string", "enum": list(typ.choices)}
        elif isinstance(typ, QueryText):
            # A NUL is refused (PostgreSQL cannot compare text with one).
            value = {"type": "string", "maxLength": typ.max_length, "pattern": "^[^\\u0000]*$"}
        else:
            raise TypeError(f"no parameter schema for {typ!r}")
        if child.missing not in (colander.drop, colander.required):
            value["default"] = child.missing
        parameters.append(
            {"name": child.name, "in": "query", "required": False, "schema": value,
             "description": PARAMETER_DESCRIPTIONS.get(child.name, "")}
        )
    return parameters


PARAMETER_DESCRIPTIONS = {
    "page": "The page, from 1. A page past the end is an empty array (`X-Total-Count` "
    "still counts the whole list).",
    "per_page": "Records per page; larger values than 100 are served as 100.",
    "group_id": "Only this group's records; 404 if it does not exist or was deleted, 403 "
    "unless you are a member.",
    "event_id": "Only this event's records; 404 if it does not exist, "
    "403 unless the event is one of your groups'.",
    "show": "`past`: events whose `start_time` is before now; `future`: the rest (an "
    "event starting this second is future). An event whose date or time is to be "
    "announced counts by its `start_time` as it stands.",
    "owner": "`me`: only the tickets you own.",
    "assignee": "`me`: only the tickets assigned to you.",
    "q": "Only the records whose name contains this text, in any case.",
    "status": "Only the requests with this status.",
}


def path_id(name="id", description="The record's id.") -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }
