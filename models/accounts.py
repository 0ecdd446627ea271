"""Staff accounts: users with roles, their browser sessions and API tokens, sign-in throttles.

Secrets are never stored: a session cookie and an API token are random strings of which
only a SHA-256 digest is kept, and passwords are argon2 hashes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.tables import Worker

ROLES = ("worker", "coordinator", "manager", "admin")


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (
        CheckConstraint("role IN ('worker', 'coordinator', 'manager', 'admin')", name="known"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The worker that calls are routed to, for a social worker's account.
    worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("workers.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by an admin's reset: the person chooses their own password before anything else.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    role_rows: Mapped[list[UserRole]] = relationship(lazy="selectin", cascade="all, delete-orphan")
    worker: Mapped[Worker | None] = relationship(lazy="joined")

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(row.role for row in self.role_rows)

    def set_roles(self, roles: frozenset[str] | set[str]) -> None:
        keep = [row for row in self.role_rows if row.role in roles]
        have = {row.role for row in keep}
        self.role_rows = keep + [UserRole(role=role) for role in sorted(roles - have)]


class WebSession(Base):
    """A signed-in browser. Stored so that any process behind the load balancer knows it."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class ApiToken(Base):
    """A bearer token for another system; issued and revoked by an admin."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so an admin can tell tokens apart without the secret.
    prefix: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True, foreign_keys=[user_id])


class SignInThrottle(Base):
    """Password checks lately for one account or one source address (by a digest of either).

    A sign-in reserves a check here in one conditional UPDATE before the password is
    checked, so simultaneous guesses in any number of processes cannot overrun the limit.
    """

    __tablename__ = "sign_in_throttles"

    key_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Checks since the counting began (in flight ones too); reset after a quiet window.
    tries: Mapped[int] = mapped_column(Integer, default=0)
    last_try_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Past the free tries, no check before this time.
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
