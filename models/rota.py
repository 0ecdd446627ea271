"""Rota tables: rotations and their members, covers, swap requests, leave, calendar feeds,
and the gap alerts already sent.

The shifts themselves stay in ``oncall_shifts`` (models.tables.OnCallShift), which is what
routing reads; a rotation's shifts carry its id and a stable slot key, a cover's pieces its id.
User ids are plain integers (no foreign key) so history survives a user's removal.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.tables import OnCallShift, Worker


class ShiftSource(StrEnum):
    MANUAL = "manual"
    ROTATION = "rotation"
    COVER = "cover"
    SWAP = "swap"
    IMPORT = "import"


class SwapStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class Rotation(Base):
    __tablename__ = "rotations"
    __table_args__ = (CheckConstraint("period IN ('daily', 'weekly')", name="period_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    period: Mapped[str] = mapped_column(String(16))
    handover_time: Mapped[time] = mapped_column(Time)
    backup_offset: Mapped[int] = mapped_column(Integer, default=1)
    anchor_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[RotationMember]] = relationship(
        lazy="selectin",
        order_by="RotationMember.position",
        cascade="all, delete-orphan",
    )


class RotationMember(Base):
    __tablename__ = "rotation_members"
    __table_args__ = (
        UniqueConstraint("rotation_id", "worker_id", name="uq_rotation_members_worker"),
    )

    rotation_id: Mapped[int] = mapped_column(
        ForeignKey("rotations.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="RESTRICT"))

    worker: Mapped[Worker] = relationship(lazy="joined", innerjoin=True)


class Cover(Base):
    """X covers Y from .. to: Y's shifts in the period were split and the middle given to X."""

    __tablename__ = "rota_covers"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="period_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    covering_worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="RESTRICT"))
    covered_worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="RESTRICT"))
    role: Mapped[str | None] = mapped_column(String(16))  # None: both roles
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    covering_worker: Mapped[Worker] = relationship(
        lazy="joined", innerjoin=True, foreign_keys=[covering_worker_id]
    )
    covered_worker: Mapped[Worker] = relationship(
        lazy="joined", innerjoin=True, foreign_keys=[covered_worker_id]
    )


class SwapRequest(Base):
    """A worker asks someone (or anyone) to take a shift; the shift's times are kept so the
    history reads true even after the shift changes."""

    __tablename__ = "rota_swaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int | None] = mapped_column(
        ForeignKey("oncall_shifts.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by_worker_id: Mapped[int] = mapped_column(
        ForeignKey("workers.id", ondelete="RESTRICT")
    )
    with_worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("workers.id", ondelete="RESTRICT")
    )
    accepted_by_worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("workers.id", ondelete="RESTRICT")
    )
    status: Mapped[str] = mapped_column(String(16), default=SwapStatus.PENDING, index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shift: Mapped[OnCallShift | None] = relationship(lazy="joined")
    requested_by: Mapped[Worker] = relationship(
        lazy="joined", innerjoin=True, foreign_keys=[requested_by_worker_id]
    )
    with_worker: Mapped[Worker | None] = relationship(lazy="joined", foreign_keys=[with_worker_id])
    accepted_by: Mapped[Worker | None] = relationship(
        lazy="joined", foreign_keys=[accepted_by_worker_id]
    )


class WorkerLeave(Base):
    """A period a worker cannot be on call (leave, sickness, training)."""

    __tablename__ = "worker_leave"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="period_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    worker: Mapped[Worker] = relationship(lazy="joined", innerjoin=True)


class CalendarFeed(Base):
    """A secret iCalendar URL: one worker's shifts, or the whole rota (worker_id None).

    Only a hash of the secret is stored; the secret is shown once, when made.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    worker: Mapped[Worker | None] = relationship(lazy="joined")


class GapAlert(Base):
    """A gap already alerted, so each gap raises one alert, not one per check."""

    __tablename__ = "rota_gap_alerts"
    __table_args__ = (
        UniqueConstraint("role", "starts_at", "ends_at", name="uq_rota_gap_alerts_gap"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    alerted_at: Mapped[datetime] = mapped_column(UTCDateTime)
