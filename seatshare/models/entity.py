from __future__ import annotations

import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base, this_second, utcnow


class Entity(Base):
    """A team (or venue) whose events groups follow."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)


# GET /entities in its order, names by code point (``by_code_point``): the
# unique index on name is in the database's collation, which on PostgreSQL
# need not be that order. ``COLLATE "C"`` stands where an operator class
# would: SQLAlchemy has no option for an index column's collation (and
# reflects none, so alembic compares the columns only;
# tests/test_migrations.py compares the definitions). SQLite compares by
# code point already.
Index(
    "ix_entities_name_code_point_id",
    Entity.__table__.c.name,
    Entity.__table__.c.id,
    postgresql_ops={"name": 'COLLATE "C"'},
)


# One entity to a name in any case (migration 0015): "riverside rovers"
# beside "Riverside Rovers" would be a second team for groups to pick, each
# with half the schedule. lower() as each database has it, as
# ``services.entities.entity_named`` looks names up: SQLite folds ASCII
# letters only, PostgreSQL every letter its locale knows.
Index("uq_entities_name_lower", func.lower(Entity.__table__.c.name), unique=True)


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        # Re-importing a schedule updates events by this key.
        UniqueConstraint("entity_id", "key", name="uq_events_entity_id_key"),
        Index("ix_events_entity_id_start_time", "entity_id", "start_time", "id"),
        Index("ix_events_start_time_id", "start_time", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # An entity with events cannot be deleted by accident.
    entity_id: Mapped[int] = mapped_column(
        ForeignKey("entities.id", ondelete="RESTRICT")
    )
    key: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    start_time: Mapped[datetime.datetime] = mapped_column(DateTime)
    date_tba: Mapped[bool] = mapped_column(Boolean, default=False)
    time_tba: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow
    )

    entity: Mapped[Entity] = relationship()

    def has_started(self, now: datetime.datetime | None = None) -> bool:
        """Whether the event began before ``now`` (``this_second()``), taken
        to the whole second, as ``?show=`` and ticket requests take it: an
        event starting this second is still to come. An event whose date is
        to be announced has not: its ``start_time`` is a placeholder. One
        whose time is to be announced has a placeholder on its date, and the
        game may be at any hour of that date: it counts as started a day
        after."""
        now = this_second() if now is None else now.replace(microsecond=0)
        if self.date_tba:
            return False
        if self.time_tba:
            return self.start_time + TIME_TBA_GRACE < now
        return self.start_time < now


# How long after its placeholder ``start_time`` an event whose time is to
# be announced counts as started (``Event.has_started``).
TIME_TBA_GRACE = datetime.timedelta(days=1)
