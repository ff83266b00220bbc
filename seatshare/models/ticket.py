from __future__ import annotations

import datetime
import decimal
import enum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base, utcnow, value_enum


# ``Ticket.alias_user_id``'s expression (migration 0011 holds a copy).
ALIAS_USER_ID = "CASE WHEN alias_id IS NULL THEN NULL ELSE coalesce(assignee_id, 0) END"


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint("cost >= 0", name="cost_not_negative"),
        # The API's rules, kept by the database too (migration 0011): a
        # seat is named by at least one of section, row and seat; an alias
        # is its assignee's (``alias_user_id``), checked at commit: deleting
        # a user clears both through their own foreign keys, in an order of
        # the database's.
        CheckConstraint(
            "trim(section) <> '' OR trim(\"row\") <> '' OR trim(seat) <> ''",
            name="seat_not_blank",
        ),
        ForeignKeyConstraint(
            ["alias_id", "alias_user_id"],
            ["user_aliases.id", "user_aliases.user_id"],
            name="fk_tickets_alias_id_alias_user_id_user_aliases",
            deferrable=True,
            initially="DEFERRED",
        ),
        Index("ix_tickets_group_id_event_id", "group_id", "event_id"),
        Index("ix_tickets_event_id", "event_id"),
        Index("ix_tickets_owner_id_event_id", "owner_id", "event_id"),
        Index("ix_tickets_assignee_id_event_id", "assignee_id", "event_id"),
        Index("ix_tickets_alias_id", "alias_id"),
        # A ticket id is never reused, even on SQLite after the newest ticket
        # is deleted: its history (keyed by ticket id) outlives it.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # A deleted user or alias leaves the seat unassigned, not the ticket gone.
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    alias_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_aliases.id", ondelete="SET NULL")
    )
    # Whose alias ``alias_id`` must be: the assignee's, or nobody's (0)
    # without an assignee; NULL without an alias. The database computes it,
    # for the foreign key on (alias_id, alias_user_id) above: a foreign key
    # on (alias_id, assignee_id) would not look at a ticket without an
    # assignee.
    alias_user_id: Mapped[int | None] = mapped_column(
        Integer, Computed(ALIAS_USER_ID, persisted=True)
    )
    section: Mapped[str] = mapped_column(String(50), default="")
    row: Mapped[str] = mapped_column(String(50), default="")
    seat: Mapped[str] = mapped_column(String(50), default="")
    cost: Mapped[decimal.Decimal] = mapped_column(
        Numeric(10, 2), default=decimal.Decimal("0.00")
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow
    )

    event = relationship("Event")
    group = relationship("Group")
    # The alias ``alias_id`` names: read only (``alias_id`` is what a write
    # sets), by ``alias_id`` alone (the foreign key on (alias_id,
    # alias_user_id) names the same row). The validation of a ticket's
    # fields sets it from the row it read (``tickets.ticket_field_errors``),
    # so the mail naming it sends no statement.
    alias = relationship("UserAlias", primaryjoin="Ticket.alias_id == UserAlias.id",
                         foreign_keys=[alias_id], viewonly=True)


class HistoryAction(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    REQUESTED = "requested"
    DELETED = "deleted"


class TicketHistory(Base):
    """Who did what to a ticket, and when.

    ``ticket_id`` is deliberately not a foreign key: the record of a deleted
    ticket outlives it. It is removed with the ticket's group.
    """

    __tablename__ = "ticket_history"
    __table_args__ = (
        Index("ix_ticket_history_ticket_id_id", "ticket_id", "id"),
        # A group's history, newest first, a page at a time (and the
        # foreign key's cascade).
        Index("ix_ticket_history_group_id_created_at_id", "group_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(Integer)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[HistoryAction] = mapped_column(
        value_enum(HistoryAction, "ticket_history_action")
    )
    # {"field": [old, new], ...} for updates; other details otherwise.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class TicketRequest(Base):
    __tablename__ = "ticket_requests"
    __table_args__ = (
        Index("ix_ticket_requests_ticket_id_status", "ticket_id", "status"),
        Index("ix_ticket_requests_requester_id", "requester_id"),
        # A request id is never reused, even on SQLite after the newest
        # request is deleted with its ticket: its ticket's history names it
        # ("requested", ``request_id``).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE")
    )
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = mapped_column(
        value_enum(RequestStatus, "ticket_request_status"), default=RequestStatus.PENDING
    )
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow
    )

    ticket = relationship("Ticket")
