"""A list's rows rendered as JSON by the database, in the renderer's format.

Read into Python, a page of 25 tickets costs the driver 25 rows of 13 typed
columns (timestamps and decimals parsed), SQLAlchemy its result processing,
and the renderer a dict and a JSON object per row: most of the Python a list
request spends. ``json_object(columns)`` instead selects each row as the text
of one JSON object, built by the database (PostgreSQL's ``json_build_object``,
SQLite's ``json_object``) with ``seatshare.renderers``' formats: timestamps
as ISO 8601 UTC with ``Z`` and whole seconds, money as ``"45.00"``. Python
joins a page's objects into its array (``renderers.json_array``).
``pagination.PagedQuery`` has them written for the page's rows only.

The JSON is the same value the renderer writes for the same record; the
bytes differ only in whitespace and in leaving non-ASCII characters as
UTF-8 where Python writes ``\\uXXXX`` (tests/api/test_list_json.py compares
them).
"""
from sqlalchemy import DateTime, Enum, Float, Integer, Numeric, String, Text, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

# The renderer's isoformat_z: whole seconds, no offset (every timestamp
# column stores naive UTC), "Z".
_PG_TIME = 'YYYY-MM-DD"T"HH24:MI:SS"Z"'


class _Formatted(FunctionElement):
    """One column's value as the renderer writes it."""

    type = Text()
    inherit_cache = True


class json_time(_Formatted):
    name = "json_time"
    inherit_cache = True


class json_money(_Formatted):
    name = "json_money"
    inherit_cache = True


class json_object(FunctionElement):
    """``json_object({"id": column, ...})``: the row as a JSON object's
    text, keys in the given order."""

    type = Text()
    inherit_cache = True
    name = "json_object"

    def __init__(self, columns: dict):
        args = []
        for key, column in columns.items():
            if not key.isidentifier():
                raise ValueError(f"{key!r} is not a plain key")
            args += [literal_column(f"'{key}'"), _as_json(column)]
        super().__init__(*args)


def _as_json(column):
    column_type = column.type
    # A boolean would be 0/1 on SQLite, not false/true, a float is not
    # money, an enum may be no plain string: a type not listed here needs
    # its own formatting first.
    if isinstance(column_type, (Float, Enum)):
        raise TypeError(f"no JSON format for {column_type!r}")
    if isinstance(column_type, DateTime):
        return json_time(column)
    if isinstance(column_type, Numeric):
        return json_money(column)
    if isinstance(column_type, (Integer, String)):  # Text is a String
        return column
    raise TypeError(f"no JSON format for {column_type!r}")


def _compile_as(element, dialect, template, literal=None):
    """Compile ``element`` on ``dialect`` as ``template``: ``{arg}`` its
    arguments, ``{literal}`` the string ``literal`` quoted for that dialect."""

    @compiles(element, dialect)
    def compile_element(element, compiler, **kw):
        quoted = compiler.render_literal_value(literal, String()) if literal else None
        return template.format(arg=compiler.process(element.clauses, **kw), literal=quoted)


_compile_as(json_object, "postgresql", "json_build_object({arg})::text")
_compile_as(json_object, "sqlite", "json_object({arg})")
_compile_as(json_time, "postgresql", "to_char({arg}, {literal})", _PG_TIME)
# SQLAlchemy stores a DateTime on SQLite as text, "2026-03-04 05:06:07.123456":
# its date, "T", its whole seconds, "Z". (strftime would parse it, round it
# to milliseconds, and turn the last of 9999 into NULL.)
_compile_as(json_time, "sqlite", "substr({arg}, 1, 10) || 'T' || substr({arg}, 12, 8) || 'Z'")
_compile_as(json_money, "postgresql", "round({arg}, 2)::text")
# SQLite stores a Numeric as a number; SQLAlchemy reads it back as
# Decimal("%.2f" % value), which is what printf writes.
_compile_as(json_money, "sqlite", "printf({literal}, {arg})", "%.2f")
