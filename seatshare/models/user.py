from __future__ import annotations

import datetime
import secrets

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base, utcnow


def new_calendar_nonce() -> str:
    """A fresh random nonce: a new user's, or one whose feed secret was reset."""
    return secrets.token_hex(16)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-cased; unique so that sign-in and PUT /users/me agree.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # argon2id, never the password itself.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    bio: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    mobile: Mapped[str] = mapped_column(String(32), default="")
    sms_notify: Mapped[bool] = mapped_column(Boolean, default=False)
    # The calendar feed URL carries HMAC(secret, user id, nonce); resetting
    # the feed secret changes the nonce. Nothing secret is stored here.
    calendar_nonce: Mapped[str] = mapped_column(String(64), default=new_calendar_nonce)
    # A browser session holds the value it was signed in under and ends once
    # the two differ: signing out adds one, which ends every browser session
    # of the user, copies of the cookie included.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow
    )

    aliases: Mapped[list[UserAlias]] = relationship(
        back_populates="user", passive_deletes=True
    )


class UserAlias(Base):
    """Someone without an account who uses a ticket in the assignee's place."""

    __tablename__ = "user_aliases"
    # An alias id is never reused, even on SQLite after the newest alias is
    # deleted: ticket history names it (``alias_id``) after it is gone.
    __table_args__ = (
        # What a ticket's (alias_id, assignee_id) refers to: its alias is
        # its assignee's (migration 0011).
        Index("ix_user_aliases_id_user_id", "id", "user_id", unique=True),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)
    # Its name's last change: the calendar feeds name the alias a seat is
    # for, and an entry is a newer version when it changes. Nullable only
    # because migration 0009 added it to existing rows.
    updated_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow
    )

    user: Mapped[User] = relationship(back_populates="aliases")


class EmailChangeUndo(Base):
    """The link mailed to an account's former address when an application
    changed the address: for a while, whoever reads that mailbox may put the
    address back and take the account (``services.email_undo``). The link's
    token is stored only as its SHA-256 hex digest, like an OAuth token."""

    __tablename__ = "email_change_undos"
    __table_args__ = (Index("ix_email_change_undos_restore_email", "restore_email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The address the undo puts back, and the one it undoes.
    restore_email: Mapped[str] = mapped_column(String(254))
    changed_to: Mapped[str] = mapped_column(String(254))
    application_name: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    # Set once: when an undo of the account is used, or its address is
    # changed back to ``restore_email``.
    ended_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()
