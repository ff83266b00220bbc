"""The declarative base and the naming convention every constraint follows.

A fixed naming convention keeps constraint names identical on SQLite and
PostgreSQL, so alembic can compare and drop them by name.
"""
import datetime

from sqlalchemy import Enum, MetaData
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.functions import FunctionElement

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Base(DeclarativeBase):
    metadata = metadata

    def __repr__(self):
        return f"<{type(self).__name__} id={getattr(self, 'id', None)!r}>"


def value_enum(enum_class, name: str) -> Enum:
    """A column type for ``enum_class`` that stores its members' values
    ("admin"), not their names ("ADMIN"): the API's words, and the labels
    of the database's enum types. A value no member has is refused before
    it reaches the database, and by the database itself: PostgreSQL's enum
    type, or on SQLite a CHECK (``ck_<table>_<name>``, migration 0011)."""
    return Enum(
        enum_class,
        name=name,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
        create_constraint=True,
    )


def utcnow() -> datetime.datetime:
    """Now, in UTC, without tzinfo: every timestamp column stores naive UTC."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def this_second() -> datetime.datetime:
    """``utcnow`` to the whole second, as the API writes times: the now an
    event's ``start_time`` is compared with, everywhere (``?show=``,
    asking for a ticket, ``Event.has_started`` for the mails that leave
    out games that have started). An event starting this
    second is still to come: a client shown the same second for its
    ``start_time`` and for now would not take it for started."""
    return utcnow().replace(microsecond=0)


class by_code_point(FunctionElement):
    """``by_code_point(column)``: the column, to sort by code point on either
    database (in an ORDER BY).

    SQLite compares text by its bytes, which is code point order. PostgreSQL
    compares by the database's collation, on most clusters a language's
    (en_US.UTF-8: "de la Cruz" before "DeLaCruz", "Ödegaard" with the O's),
    so a list's order would depend on the database and on how its cluster
    was made. ``COLLATE "C"`` is code point order there too.
    """

    inherit_cache = True
    name = "by_code_point"

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type


@compiles(by_code_point)
def _compile_by_code_point(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(by_code_point, "postgresql")
def _compile_by_code_point_postgresql(element, compiler, **kw):
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'
