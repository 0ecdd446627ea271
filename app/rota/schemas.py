"""Rota API shapes: XCreate / XUpdate / XRead, kept apart from the tables.

Times come in as ISO text, London local time unless an offset is given, and go out twice:
in UTC and in London local time.

Over 400 lines on purpose: one small shape per rota answer (shifts, rotations, covers, swaps,
leave, gaps, calendar, feeds, CSV), each a few lines; split, they would import each other.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.params import Day, DbId
from models.rota import CalendarFeed, Cover, Rotation, SwapRequest, WorkerLeave
from models.tables import OnCallShift, Worker
from routing.localtime import LocalTimeError, local_text, parse_local_time, utc_text
from routing.rota import Gap, RotaConflict, real_hours


def _read_time(value: object) -> object:
    if isinstance(value, str):
        try:
            return parse_local_time(value)
        except LocalTimeError as exc:
            raise ValueError(str(exc)) from None
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("a time needs an offset or must be given as local ISO text")
    return value


LocalTime = Annotated[datetime, BeforeValidator(_read_time)]
RoleName = Literal["primary", "backup"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ShiftCreate(_In):
    worker_id: DbId
    role: RoleName
    starts_at: LocalTime
    ends_at: LocalTime


class ShiftUpdate(_In):
    worker_id: DbId | None = None
    role: RoleName | None = None
    starts_at: LocalTime | None = None
    ends_at: LocalTime | None = None


class RotationCreate(_In):
    name: str = Field(min_length=1, max_length=120)
    worker_ids: list[DbId] = Field(min_length=1)
    handover_time: time = time(9)
    period: Literal["daily", "weekly"] = "weekly"
    backup_offset: int = Field(default=1, ge=1)
    anchor_date: Day | None = None


class RotationUpdate(_In):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    worker_ids: list[DbId] | None = Field(default=None, min_length=1)
    handover_time: time | None = None
    period: Literal["daily", "weekly"] | None = None
    backup_offset: int | None = Field(default=None, ge=1)
    anchor_date: Day | None = None


class ApplyRequest(_In):
    from_date: Day
    to_date: Day


class CoverCreate(_In):
    covering_worker_id: DbId
    covered_worker_id: DbId
    starts_at: LocalTime
    ends_at: LocalTime
    role: RoleName | None = None
    reason: str = Field(default="", max_length=200)


class SwapCreate(_In):
    shift_id: DbId
    with_worker_id: DbId | None = None
    note: str = Field(default="", max_length=200)


class SwapAccept(_In):
    worker_id: DbId | None = None


class LeaveCreate(_In):
    worker_id: DbId
    starts_at: LocalTime
    ends_at: LocalTime
    reason: str = Field(default="", max_length=200)


class FeedCreate(_In):
    worker_id: DbId | None = None


class ImportRequest(_In):
    csv: str = Field(max_length=2_000_000)
    dry_run: bool = False


# Reads


class WorkerRef(BaseModel):
    id: int
    name: str

    @classmethod
    def of(cls, worker: Worker) -> WorkerRef:
        return cls(id=worker.id, name=worker.name)


class RotaWorkerRead(WorkerRef):
    active: bool
    phone_valid: bool
    phone_words: str = Field(description="The phone in UK national format: 07700 900123.")


class ShiftRead(BaseModel):
    id: int
    worker: WorkerRef
    role: str
    starts_at: str
    ends_at: str
    starts_local: str
    ends_local: str
    hours: float
    source: str
    rotation_id: DbId | None
    cover_id: DbId | None
    started: bool
    finished: bool

    @classmethod
    def of(cls, shift: OnCallShift, now: datetime) -> ShiftRead:
        return cls(
            id=shift.id,
            worker=WorkerRef.of(shift.worker),
            role=shift.role,
            starts_at=utc_text(shift.starts_at),
            ends_at=utc_text(shift.ends_at),
            starts_local=local_text(shift.starts_at),
            ends_local=local_text(shift.ends_at),
            hours=round(real_hours(shift.starts_at, shift.ends_at), 4),
            source=shift.source,
            rotation_id=shift.rotation_id,
            cover_id=shift.cover_id,
            started=shift.starts_at <= now,
            finished=shift.ends_at <= now,
        )


class DeleteShiftRead(BaseModel):
    deleted: bool
    ended: ShiftRead | None


class RotationRead(BaseModel):
    id: int
    name: str
    worker_ids: list[DbId]
    members: list[WorkerRef]
    handover_time: str
    period: str
    backup_offset: int
    anchor_date: Day
    created_at: str

    @classmethod
    def of(cls, rotation: Rotation) -> RotationRead:
        return cls(
            id=rotation.id,
            name=rotation.name,
            worker_ids=[m.worker_id for m in rotation.members],
            members=[WorkerRef.of(m.worker) for m in rotation.members],
            handover_time=rotation.handover_time.strftime("%H:%M"),
            period=rotation.period,
            backup_offset=rotation.backup_offset,
            anchor_date=rotation.anchor_date,
            created_at=utc_text(rotation.created_at),
        )


class ApplyRead(BaseModel):
    created: int
    updated: int
    removed: int
    unchanged: int
    from_date: Day
    to_date: Day


class RotationDeleteRead(BaseModel):
    deleted: bool
    shifts_removed: int


class CoverRead(BaseModel):
    id: int
    covering_worker: WorkerRef
    covered_worker: WorkerRef
    role: str | None
    starts_at: str
    ends_at: str
    starts_local: str
    ends_local: str
    reason: str
    created_at: str
    shift_ids: list[DbId]

    @classmethod
    def of(cls, cover: Cover, shift_ids: list[DbId]) -> CoverRead:
        return cls(
            id=cover.id,
            covering_worker=WorkerRef.of(cover.covering_worker),
            covered_worker=WorkerRef.of(cover.covered_worker),
            role=cover.role,
            starts_at=utc_text(cover.starts_at),
            ends_at=utc_text(cover.ends_at),
            starts_local=local_text(cover.starts_at),
            ends_local=local_text(cover.ends_at),
            reason=cover.reason,
            created_at=utc_text(cover.created_at),
            shift_ids=sorted(shift_ids),
        )


class SwapHistoryItem(BaseModel):
    at: str
    status: str
    by_user_id: DbId | None


class SwapRead(BaseModel):
    id: int
    shift_id: DbId | None
    shift: ShiftRead | None
    role: str
    starts_at: str
    ends_at: str
    starts_local: str
    ends_local: str
    requested_by: WorkerRef
    with_worker: WorkerRef | None
    accepted_by: WorkerRef | None
    status: str
    note: str
    created_at: str
    decided_at: str | None
    history: list[SwapHistoryItem]

    @classmethod
    def of(cls, swap: SwapRequest, now: datetime) -> SwapRead:
        return cls(
            id=swap.id,
            shift_id=swap.shift_id,
            shift=ShiftRead.of(swap.shift, now) if swap.shift else None,
            role=swap.role,
            starts_at=utc_text(swap.starts_at),
            ends_at=utc_text(swap.ends_at),
            starts_local=local_text(swap.starts_at),
            ends_local=local_text(swap.ends_at),
            requested_by=WorkerRef.of(swap.requested_by),
            with_worker=WorkerRef.of(swap.with_worker) if swap.with_worker else None,
            accepted_by=WorkerRef.of(swap.accepted_by) if swap.accepted_by else None,
            status=swap.status,
            note=swap.note,
            created_at=utc_text(swap.created_at),
            decided_at=utc_text(swap.decided_at) if swap.decided_at else None,
            history=[SwapHistoryItem(**item) for item in swap.history],
        )


class LeaveRead(BaseModel):
    id: int
    worker: WorkerRef
    starts_at: str
    ends_at: str
    starts_local: str
    ends_local: str
    reason: str

    @classmethod
    def of(cls, leave: WorkerLeave) -> LeaveRead:
        return cls(
            id=leave.id,
            worker=WorkerRef.of(leave.worker),
            starts_at=utc_text(leave.starts_at),
            ends_at=utc_text(leave.ends_at),
            starts_local=local_text(leave.starts_at),
            ends_local=local_text(leave.ends_at),
            reason=leave.reason,
        )


class GapRead(BaseModel):
    role: str
    starts_at: str
    ends_at: str
    starts_local: str
    ends_local: str
    minutes: int
    lines: list[str]

    @classmethod
    def of(cls, gap: Gap) -> GapRead:
        return cls(
            role=gap.role.value,
            starts_at=utc_text(gap.starts_at),
            ends_at=utc_text(gap.ends_at),
            starts_local=local_text(gap.starts_at),
            ends_local=local_text(gap.ends_at),
            minutes=gap.minutes,
            lines=list(gap.line_keys),
        )


class ConflictRead(BaseModel):
    kind: str
    worker: WorkerRef
    shift_ids: list[DbId]
    starts_at: str
    ends_at: str
    starts_local: str
    ends_local: str
    message: str

    @classmethod
    def of(cls, conflict: RotaConflict, worker: Worker) -> ConflictRead:
        messages = {
            "overlap": "is on two overlapping shifts",
            "no_valid_phone": "has no valid phone number: calls cannot reach them",
            "on_leave": "is on leave or unavailable during this shift",
            "inactive_worker": "is no longer active: calls will not ring them",
        }
        return cls(
            kind=conflict.kind.value,
            worker=WorkerRef.of(worker),
            shift_ids=list(conflict.shift_ids),
            starts_at=utc_text(conflict.starts_at),
            ends_at=utc_text(conflict.ends_at),
            starts_local=local_text(conflict.starts_at),
            ends_local=local_text(conflict.ends_at),
            message=f"{worker.name} {messages[conflict.kind.value]}",
        )


class GapsRead(BaseModel):
    from_: str = Field(serialization_alias="from")
    to: str
    gaps: list[GapRead]
    conflicts: list[ConflictRead]


class AlertsRead(BaseModel):
    alerted: list[GapRead]


class OnCallEntryRead(BaseModel):
    worker: WorkerRef


class OnCallRead(BaseModel):
    at: str
    at_local: str
    primary: list[OnCallEntryRead]
    backup: list[OnCallEntryRead]


class WindowRead(BaseModel):
    starts_at: str
    ends_at: str
    starts_local: str
    ends_local: str


class CalendarDay(BaseModel):
    date: date
    weekday: str
    bank_holiday: str | None
    windows: list[WindowRead]
    shifts: list[ShiftRead]
    gaps: list[GapRead]


class CalendarRead(BaseModel):
    view: str
    line: str
    from_: date = Field(serialization_alias="from")
    to: date
    days: list[CalendarDay]


class FeedRead(BaseModel):
    id: int
    worker: WorkerRef | None
    created_at: str
    revoked_at: str | None
    url: str | None = None

    @classmethod
    def of(cls, feed: CalendarFeed, url: str | None = None) -> FeedRead:
        return cls(
            id=feed.id,
            worker=WorkerRef.of(feed.worker) if feed.worker else None,
            created_at=utc_text(feed.created_at),
            revoked_at=utc_text(feed.revoked_at) if feed.revoked_at else None,
            url=url,
        )


class ImportRefusal(BaseModel):
    row: int
    field: str
    message: str


class ImportRead(BaseModel):
    imported: int
    dry_run: bool
    shift_ids: list[DbId]
