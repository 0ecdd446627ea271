"""The tables: lines and their hours, closures, workers, on-call shifts, calls.

A call and its conversation record are one row (``conversation_records``): they are one
to one, the record exists from the first webhook, and keeping them together makes that
first webhook a single INSERT.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Time,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow

PHONE = String(32)


class RecordStatus(StrEnum):
    RINGING = "ringing"
    IN_PROGRESS = "in_progress"
    UNANSWERED = "unanswered"
    TO_COMPLETE = "to_complete"
    COMPLETED = "completed"


class CallbackReason(StrEnum):
    MISSED_CALL = "missed_call"
    VOICEMAIL = "voicemail"
    # The call's final status never arrived and Twilio could not confirm it (issue 8).
    END_NOT_CONFIRMED = "end_unconfirmed"


class CallbackStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    DONE = "done"


worker_lines = Table(
    "worker_lines",
    Base.metadata,
    Column("worker_id", ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True),
    Column("line_id", ForeignKey("lines.id", ondelete="CASCADE"), primary_key=True),
    # Per line: a worker may answer one line and not the other for a while.
    Column("available", Boolean, nullable=False, server_default=true()),
)


class Line(Base):
    __tablename__ = "lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    number: Mapped[str] = mapped_column(PHONE, unique=True)
    weekday_open: Mapped[time] = mapped_column(Time)
    weekday_close: Mapped[time] = mapped_column(Time)
    weekend_open: Mapped[time] = mapped_column(Time)
    weekend_close: Mapped[time] = mapped_column(Time)
    bank_holidays_as_weekend: Mapped[bool] = mapped_column(Boolean, default=True)
    # Migration 0007 (the Lines page): None means the service's standard greeting naming the
    # line, and the DUTYLINE_FALLBACK_NUMBER setting.
    greeting: Mapped[str | None] = mapped_column(String(300))
    fallback_number: Mapped[str | None] = mapped_column(PHONE)

    # Migration 0010 (issue 12): how long a caller may wait in the line's in-hours queue
    # before going on to the on-call chain, the fallback number and a message; 0: no queue.
    queue_max_wait_seconds: Mapped[int] = mapped_column(Integer, default=300, server_default="300")


class HoursOverride(Base):
    """A declared closure (calls go to on-call) or opening (the duty team answers)."""

    __tablename__ = "hours_overrides"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="period_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    line: Mapped[Line | None] = relationship(lazy="joined")


class Worker(Base):
    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    phone: Mapped[str] = mapped_column(PHONE)
    # Available at all; each line can also be switched off alone (worker_lines.available).
    available: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # On a call since: set when they press 1, cleared when the call ends. Not rung meanwhile.
    busy_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation_records.id", ondelete="SET NULL", use_alter=True)
    )
    busy_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lines: Mapped[list[Line]] = relationship(secondary=worker_lines, lazy="selectin")


class OnCallShift(Base):
    __tablename__ = "oncall_shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="period_positive"),
        CheckConstraint("role IN ('primary', 'backup')", name="role_known"),
        Index("ix_oncall_shifts_period", "starts_at", "ends_at"),
        # A rotation's slot is made once: re-applying finds it rather than adding another.
        UniqueConstraint("rotation_id", "slot_key", "starts_at", name="uq_oncall_shifts_slot"),
        Index("ix_oncall_shifts_worker", "worker_id", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Rota (issue 4): where the shift came from, and a count of edits for calendar apps.
    source: Mapped[str] = mapped_column(String(16), default="manual", server_default="manual")
    rotation_id: Mapped[int | None] = mapped_column(
        ForeignKey("rotations.id", ondelete="SET NULL"), index=True
    )
    slot_key: Mapped[str | None] = mapped_column(String(40))
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("rota_covers.id", ondelete="SET NULL"))

    # No shift is longer, so a lookup at an instant reads only a month of the index.
    MAX_LENGTH: ClassVar[timedelta] = timedelta(days=31)
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    worker: Mapped[Worker] = relationship(lazy="joined", innerjoin=True)


class ConversationRecord(Base):
    """One call to a line and what is written about it."""

    __tablename__ = "conversation_records"
    __table_args__ = (
        # Migration 0006: the measures read a stretch of calls from this index alone.
        Index(
            "ix_conversation_records_measures",
            "started_at", "line_id", "period", "answered_step", "accepted_worker_id",
            "answered_at", "ended_at", "current_step", "outcome", "completed_at",
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id"))
    caller_number: Mapped[str | None] = mapped_column(PHONE)
    dialled_number: Mapped[str | None] = mapped_column(PHONE)
    dialled_known: Mapped[bool] = mapped_column(Boolean, default=True)
    period: Mapped[str] = mapped_column(String(16))
    period_reason: Mapped[str] = mapped_column(String(200))
    # The ring plan decided at the first webhook (routing.RingPlan.to_json()) and how far
    # the call has got through it: index of the step ringing; len(steps) is voicemail.
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    current_step: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=RecordStatus.RINGING, index=True)
    twilio_status: Mapped[str | None] = mapped_column(String(16))
    twilio_status_rank: Mapped[int] = mapped_column(Integer, default=0)
    accepted_worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    answered_step: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # What the worker writes (models/records.py, migration 0003): the sections as JSON,
    # validated by app.records.schemas, with a version per section for optimistic saves.
    content: Mapped[dict[str, Any]] = mapped_column(JSON, server_default="{}")
    content_versions: Mapped[dict[str, int]] = mapped_column(JSON, server_default="{}")
    # Who the record is with; None means the worker who accepted the call.
    assigned_worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(32), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Migration 0005: the sweep found the call's end lost and Twilio could not confirm it.
    end_unconfirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Migration 0006: Annex A's contact source code, from the record's caller section.
    contact_source: Mapped[str | None] = mapped_column(String(4))

    line: Mapped[Line] = relationship(lazy="joined", innerjoin=True)
    accepted_worker: Mapped[Worker | None] = relationship(
        lazy="joined", foreign_keys=[accepted_worker_id]
    )
    assigned_worker: Mapped[Worker | None] = relationship(
        lazy="joined", foreign_keys=[assigned_worker_id]
    )
    legs: Mapped[list[CallLeg]] = relationship(
        back_populates="record", lazy="selectin", order_by="CallLeg.id"
    )


class CallLeg(Base):
    """One phone rung for a call, and what became of it."""

    __tablename__ = "call_legs"
    __table_args__ = (
        UniqueConstraint("record_id", "step", "number", name="uq_call_legs_one_per_step"),
        # Migration 0006: who was rung for each call, for the measures' load per worker.
        Index("ix_call_legs_record_worker", "record_id", "worker_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("conversation_records.id", ondelete="CASCADE")
    )
    step: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(PHONE)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    leg_sid: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(String(16))
    result_rank: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    record: Mapped[ConversationRecord] = relationship(back_populates="legs")


class CallbackTask(Base):
    """Left by every call that reached nobody: "never doing nothing"."""

    __tablename__ = "callback_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("conversation_records.id", ondelete="CASCADE"), unique=True
    )
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id"))
    caller_number: Mapped[str | None] = mapped_column(PHONE)
    reason: Mapped[str] = mapped_column(String(16))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    recording_url: Mapped[str | None] = mapped_column(String(500))
    recording_seconds: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=CallbackStatus.OPEN, index=True)
    resolution: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Migration 0003: who took the task on, and what came of it.
    claimed_by_worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(32))

    line: Mapped[Line] = relationship(lazy="joined", innerjoin=True)


class RoutingState(Base):
    """One row whose version moves whenever routing configuration changes.

    Each process keeps a snapshot of lines, closures and shifts; the incoming-call webhook
    reads this version in the same query as the available workers and reloads the
    snapshot only when it moved.
    """

    __tablename__ = "routing_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class AppliedJournalEntry(Base):
    """A journal entry replayed into the database, recorded in the same transaction.

    Replaying twice, or from two processes at once, therefore applies each entry once.
    """

    __tablename__ = "applied_journal_entries"

    entry_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    call_sid: Mapped[str | None] = mapped_column(String(64))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime)
