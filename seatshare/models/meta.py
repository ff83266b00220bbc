"""The declarative base and the naming convention every constraint follows.

A fixed naming convention keeps constraint names identical on SQLite and
PostgreSQL, so alembic can compare and drop them by name.
"""
import datetime

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

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


def utcnow() -> datetime.datetime:
    """Now, in UTC, without tzinfo: every timestamp column stores naive UTC."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
