"""The JSON renderer: timestamps as ISO 8601 UTC with ``Z``, money as "45.00"."""
import datetime
import decimal

from pyramid.renderers import JSON


def isoformat_z(value: datetime.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def money(value: decimal.Decimal) -> str:
    return str(value.quantize(decimal.Decimal("0.01")))


def includeme(config):
    renderer = JSON()
    renderer.add_adapter(datetime.datetime, lambda v, request: isoformat_z(v))
    renderer.add_adapter(decimal.Decimal, lambda v, request: money(v))
    config.add_renderer("json", renderer)
