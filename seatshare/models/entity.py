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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base, utcnow


class Entity(Base):
    """A team (or venue) whose events groups follow."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)


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
