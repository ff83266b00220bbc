"""OAuth 2.0 applications, grants and tokens.

Every secret here (client secrets, authorization codes, access and refresh
tokens) is a long random value stored only as its SHA-256 hex digest. Fast
hashes are right for such values: they cannot be guessed, so there is nothing
for a slow hash to protect, and lookups by hash stay one indexed query.
"""
from __future__ import annotations

import datetime

from sqlalchemy import (
    JSON,
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


class Application(Base):
    __tablename__ = "oauth_applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    # NULL for public clients, which must use PKCE instead.
    client_secret_hash: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    redirect_uris: Mapped[list] = mapped_column(JSON, default=list)
    confidential: Mapped[bool] = mapped_column(Boolean, default=True)
    # First-party applications skip the consent page.
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)


class AuthorizationCode(Base):
    __tablename__ = "oauth_authorization_codes"
    __table_args__ = (Index("ix_oauth_authorization_codes_expires_at", "expires_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    redirect_uri: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(String(200))
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(String(10))
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    # Set once, atomically, by the exchange that wins; a second exchange
    # finds it set and revokes what the first one got.
    used_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)

    application: Mapped[Application] = relationship()


class Token(Base):
    """An access token and the refresh token issued with it.

    Refresh tokens rotate: using one issues a new row in the same ``family``
    and marks this row's refresh token ``refresh_used_at``. Presenting a used
    refresh token again revokes the whole family.
    """

    __tablename__ = "oauth_tokens"
    __table_args__ = (
        Index("ix_oauth_tokens_family", "family"),
        Index("ix_oauth_tokens_user_id_application_id", "user_id", "application_id"),
        Index("ix_oauth_tokens_expires_at", "expires_at"),
        Index("ix_oauth_tokens_authorization_code_id", "authorization_code_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    access_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scopes: Mapped[str] = mapped_column(String(200))
    # The refresh token's scopes, where a narrowed refresh gave the access
    # token fewer (RFC 6749 §6: a new refresh token keeps the presented
    # one's); None: the same as ``scopes``.
    refresh_scopes: Mapped[str | None] = mapped_column(String(200))
    family: Mapped[str] = mapped_column(String(32))
    authorization_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_authorization_codes.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    refresh_expires_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    refresh_used_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)

    application: Mapped[Application] = relationship()
    user = relationship("User")


class Approval(Base):
    """A remembered consent: this user approved this application for these scopes."""

    __tablename__ = "oauth_approvals"
    __table_args__ = (
        UniqueConstraint(
            "user_id",
            "application_id",
            "scopes",
            name="uq_oauth_approvals_user_id_application_id_scopes",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="CASCADE"), index=True
    )
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)


class SignInAttempt(Base):
    """A throttled attempt (a failed sign-in, a sign-up, a reset link asked
    for), kept in the database so every server process counts it.

    ``key`` is ``account:<email>``, ``address:<ip>``, ``signup-address:<ip>``,
    ``reset-address:<ip>`` or ``reset-account:<email>`` (``web/ratelimit.py``),
    each value kept as its HMAC, never as typed.
    """

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_key_created_at", "key", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)
