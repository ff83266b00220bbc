"""Colander schemas for every request body and query string, and the two
functions a view calls to use them.

``validate_body(request, schema, read_only=...)`` and
``validate_query(request, schema)`` either return the deserialized dict or
raise ``APIError(400, fields={name: message})``. Keys the schema does not
know are a 400 (``"is not a known field"``); keys named in ``read_only`` are
dropped silently, as API.md §1 says.
"""
import decimal
import json

import colander

from ..errors import APIError

UNKNOWN_FIELD = "is not a known field"


def _not_json(constant):
    """NaN, Infinity and -Infinity, which Python's json module reads and
    JSON (RFC 8259) does not have."""
    raise ValueError(f"{constant} is not JSON")


class _NameGivenTwice(Exception):
    pass


def _unique_names(pairs) -> dict:
    """A JSON object's members, refusing a name given twice (RFC 8259 §4:
    only unique names are interoperable), of which json would keep the last."""
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _NameGivenTwice()
    return members


def json_object(request) -> dict:
    """The request body as a JSON object, or a 400."""
    try:
        body = request.body.decode("utf-8")
        # Numbers with a fraction stay exact: "cost": 45.1 is 45.10, not a float.
        data = (
            json.loads(body, parse_float=decimal.Decimal, parse_constant=_not_json,
                       object_pairs_hook=_unique_names)
            if body.strip() else None
        )
    except _NameGivenTwice:
        raise APIError(400, "The request body names a field more than once.")
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise APIError(400, "The request body is not valid JSON.")
    if not isinstance(data, dict):
        raise APIError(400, "The request body must be a JSON object.")
    return data


def deserialize(schema: colander.MappingSchema, data: dict, read_only=()) -> dict:
    """``data`` through ``schema``: unknown keys and invalid values are one 400."""
    data = {k: v for k, v in data.items() if k not in read_only}
    known = {child.name for child in schema.children}
    fields = {key: UNKNOWN_FIELD for key in data if key not in known}
    try:
        result = schema.deserialize({k: v for k, v in data.items() if k in known})
    except colander.Invalid as error:
        fields.update({k: v for k, v in error.asdict().items()})
        result = None
    if fields:
        raise APIError(400, fields=fields)
    return result


def validate_body(request, schema, read_only=()) -> dict:
    return deserialize(schema, json_object(request), read_only)


def validate_query(request, schema) -> dict:
    """The query string through ``schema``; a parameter given twice is a 400."""
    params = request.GET.mixed()
    repeated = {k: "must be given once" for k, v in params.items() if isinstance(v, list)}
    if repeated:
        raise APIError(400, fields=repeated)
    return deserialize(schema, params)
