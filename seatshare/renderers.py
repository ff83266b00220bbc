"""The JSON renderer: timestamps as ISO 8601 UTC with ``Z``, money as "45.00".

Or JSON the database wrote (``JSONText``), passed on as it is.

One encoder for the process, with a plain ``default`` that checks the two
types it knows: Pyramid's ``JSON`` renderer would build a closure and an
encoder per response and ask its adapter registry about each value.
"""
import datetime
import decimal
import json

_CENTS = decimal.Decimal("0.01")


def isoformat_z(value: datetime.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def money(value: decimal.Decimal) -> str:
    return str(value.quantize(_CENTS))


def _default(value):
    if isinstance(value, datetime.datetime):
        return isoformat_z(value)
    if isinstance(value, decimal.Decimal):
        return money(value)
    raise TypeError(f"{value!r} is not JSON serializable")


# json.dumps's defaults (", " and ": " separators, ASCII only), so the bytes
# are those Pyramid's JSON renderer wrote.
_encode = json.JSONEncoder(default=_default).encode


class JSONText(str):
    """JSON already written (by the database, ``seatshare.sqljson``): the
    renderer passes it on as it is."""

    __slots__ = ()


def json_array(objects) -> JSONText:
    """JSON objects' texts (a page the database wrote) as a JSON array."""
    return JSONText("[" + ", ".join(objects) + "]")


def json_renderer_factory(info):
    def render(value, system):
        request = system.get("request")
        if request is not None:
            response = request.response
            if response.content_type == response.default_content_type:
                response.content_type = "application/json"
        if type(value) is JSONText:
            return str(value)
        return _encode(value)

    return render


def includeme(config):
    config.add_renderer("json", json_renderer_factory)
