"""Rota commands and reads: shifts, rotations applied, covers, swaps, leave, the gap report.

Every function only flushes; the caller owns the transaction. Bad input raises
`RotaInvalid(field, message)` before anything is written; a missing thing `RotaNotFound`;
an action the state does not allow `RotaRefused`. The web layer maps them to 422/404/409.
Shift rows are what routing reads, so a cover or a swap edits them (splitting where needed),
and what the coordinator sees is what callers get.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, delete, select
from sqlalchemy.orm import Session

import routing
from app.workers import service as queries
from models.rota import (
    Cover,
    GapAlert,
    Rotation,
    RotationMember,
    ShiftSource,
    SwapRequest,
    SwapStatus,
    WorkerLeave,
)
from models.tables import OnCallShift, Worker
from routing import OnCallRole
from routing.rota import (
    Gap,
    Leave,
    RotaConflict,
    RotaShift,
    RotationPattern,
    RotationPeriod,
    WorkerStatus,
    cover_pieces,
    find_conflicts,
    find_gaps,
    gaps_starting_within,
    local_dates_range,
    out_of_hours_by_line,
    plan_rotation,
)

MAX_SHIFT = timedelta(days=14)
# A time typed to the minute for "from now" is a little in the past by the time it arrives.
PAST_TOLERANCE = timedelta(minutes=5)
MAX_APPLY_DAYS = 366
REASON_MAX = 200


class RotaError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RotaInvalid(RotaError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class RotaNotFound(RotaError):
    pass


class RotaRefused(RotaError):
    pass


# Small reads


def get_worker(session: Session, worker_id: int, field: str = "worker_id") -> Worker:
    worker = session.get(Worker, worker_id)
    if worker is None:
        raise RotaInvalid(field, f"unknown worker {worker_id}")
    return worker


def get_shift(session: Session, shift_id: int) -> OnCallShift:
    shift = session.get(OnCallShift, shift_id)
    if shift is None:
        raise RotaNotFound(f"no shift {shift_id}")
    return shift


@lru_cache(maxsize=4096)
def phone_valid(phone: str) -> bool:
    return routing.normalise_number(phone) is not None


def shift_snapshot(shift: OnCallShift) -> dict[str, Any]:
    """The fields an audit event keeps, as JSON-ready values."""
    return {
        "worker_id": shift.worker_id,
        "role": shift.role,
        "starts_at": shift.starts_at.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
        "source": shift.source,
    }


def _role(value: str, field: str = "role") -> OnCallRole:
    try:
        return OnCallRole(value)
    except ValueError:
        raise RotaInvalid(field, "must be primary or backup") from None


def _check_period(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at == starts_at:
        raise RotaInvalid("ends_at", "a shift cannot last no time: the end equals the start")
    if ends_at < starts_at:
        raise RotaInvalid("ends_at", "the end must be after the start")
    if ends_at - starts_at > MAX_SHIFT:
        raise RotaInvalid("ends_at", "a shift lasts at most 14 days")


# Shifts


def _overlapping(start: datetime, end: datetime) -> tuple[ColumnElement[bool], ...]:
    """Shifts overlapping [start, end); the lower bound on the start keeps index reads short."""
    return (
        OnCallShift.ends_at > start,
        OnCallShift.starts_at < end,
        OnCallShift.starts_at > start - OnCallShift.MAX_LENGTH,
    )


def list_shifts(
    session: Session,
    start: datetime,
    end: datetime,
    worker_id: int | None = None,
    role: str | None = None,
) -> list[OnCallShift]:
    query = select(OnCallShift).where(*_overlapping(start, end))
    if worker_id is not None:
        query = query.where(OnCallShift.worker_id == worker_id)
    if role is not None:
        query = query.where(OnCallShift.role == _role(role).value)
    return list(
        session.scalars(
            query.order_by(OnCallShift.starts_at, OnCallShift.role.desc(), OnCallShift.id)
        )
    )


def create_shift(
    session: Session,
    *,
    worker_id: int,
    role: str,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    source: ShiftSource = ShiftSource.MANUAL,
) -> OnCallShift:
    known_role = _role(role)
    worker = get_worker(session, worker_id)
    _check_period(starts_at, ends_at)
    if ends_at <= now:
        raise RotaInvalid("ends_at", "the shift would already be over: the past is not rewritten")
    if starts_at < now - PAST_TOLERANCE:
        raise RotaInvalid("starts_at", "the past is not rewritten: start now or later")
    shift = OnCallShift(
        worker=worker, role=known_role.value, starts_at=starts_at, ends_at=ends_at, source=source
    )
    session.add(shift)
    session.flush()
    return shift


def _copy(shift: OnCallShift, **changes: Any) -> OnCallShift:
    fields = {
        "worker_id": shift.worker_id,
        "role": shift.role,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "source": shift.source,
        "rotation_id": shift.rotation_id,
        "slot_key": shift.slot_key,
        "cover_id": shift.cover_id,
    }
    fields.update(changes)
    return OnCallShift(**fields)


def update_shift(
    session: Session,
    shift: OnCallShift,
    *,
    now: datetime,
    worker_id: int | None = None,
    role: str | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> OnCallShift:
    """Change a shift. A started one keeps its past: it ends now and a new row carries on."""
    if shift.ends_at <= now:
        raise RotaRefused("this shift is over; what happened is kept as it was")
    new_worker = get_worker(session, worker_id).id if worker_id is not None else shift.worker_id
    new_role = _role(role).value if role is not None else shift.role
    new_start = starts_at if starts_at is not None else shift.starts_at
    new_end = ends_at if ends_at is not None else shift.ends_at
    started = shift.starts_at < now
    if started and new_start != shift.starts_at:
        raise RotaInvalid("starts_at", "this shift has started: its start cannot move")
    if new_start != shift.starts_at and new_start < now - PAST_TOLERANCE:
        raise RotaInvalid("starts_at", "the past is not rewritten: start now or later")
    _check_period(new_start, new_end)
    if new_end <= now:
        raise RotaInvalid("ends_at", "the end must be after now")
    if not started:
        shift.worker_id, shift.role = new_worker, new_role
        shift.starts_at, shift.ends_at = new_start, new_end
        shift.sequence += 1
        session.flush()
        session.refresh(shift)
        return shift
    if (new_worker, new_role, new_end) == (shift.worker_id, shift.role, shift.ends_at):
        return shift
    if new_worker == shift.worker_id and new_role == shift.role:
        shift.ends_at = new_end
        shift.sequence += 1
        session.flush()
        return shift
    successor = _copy(shift, worker_id=new_worker, role=new_role, starts_at=now, ends_at=new_end)
    shift.ends_at = now
    shift.sequence += 1
    session.add(successor)
    session.flush()
    session.refresh(successor)
    return successor


def delete_shift(session: Session, shift: OnCallShift, now: datetime) -> OnCallShift | None:
    """Delete a shift not yet started; end a started one now (returned); refuse a past one."""
    if shift.ends_at <= now:
        raise RotaRefused("this shift is over; what happened is kept as it was")
    _cancel_swaps_of(session, shift, now)
    if shift.starts_at < now:
        shift.ends_at = now
        shift.sequence += 1
        session.flush()
        return shift
    session.delete(shift)
    session.flush()
    return None


# Rotations


def rotation_pattern(rotation: Rotation) -> RotationPattern:
    return RotationPattern(
        worker_ids=tuple(m.worker_id for m in rotation.members),
        handover=rotation.handover_time,
        period=RotationPeriod(rotation.period),
        anchor=rotation.anchor_date,
        backup_offset=rotation.backup_offset,
    )


def check_rotation(
    session: Session, worker_ids: Sequence[int], period: str, backup_offset: int
) -> None:
    if not worker_ids:
        raise RotaInvalid("worker_ids", "a rotation needs at least one worker")
    if len(set(worker_ids)) != len(worker_ids):
        raise RotaInvalid("worker_ids", "a worker appears twice in the rotation")
    for worker_id in worker_ids:
        get_worker(session, worker_id, "worker_ids")
    if period not in {p.value for p in RotationPeriod}:
        raise RotaInvalid("period", "must be daily or weekly")
    if len(worker_ids) > 1 and backup_offset % len(worker_ids) == 0:
        raise RotaInvalid("backup_offset", "this offset makes each worker their own backup")


def save_rotation(
    session: Session,
    rotation: Rotation | None,
    *,
    name: str,
    worker_ids: Sequence[int],
    handover_time: time,
    period: str,
    backup_offset: int,
    anchor_date: date,
) -> Rotation:
    name = " ".join(name.split())
    if not name:
        raise RotaInvalid("name", "a rotation needs a name")
    check_rotation(session, worker_ids, period, backup_offset)
    if rotation is None:
        rotation = Rotation()
        session.add(rotation)
    rotation.name, rotation.period = name, period
    rotation.handover_time, rotation.backup_offset = handover_time, backup_offset
    rotation.anchor_date = anchor_date
    rotation.members.clear()
    session.flush()
    rotation.members.extend(
        RotationMember(position=i, worker_id=w) for i, w in enumerate(worker_ids)
    )
    session.flush()
    session.refresh(rotation)
    return rotation


def get_rotation(session: Session, rotation_id: int) -> Rotation:
    rotation = session.get(Rotation, rotation_id)
    if rotation is None:
        raise RotaNotFound(f"no rotation {rotation_id}")
    return rotation


def delete_rotation(session: Session, rotation: Rotation, now: datetime) -> int:
    """Delete a rotation and its shifts not yet started; past and running ones stay."""
    future = list(
        session.scalars(
            select(OnCallShift).where(
                OnCallShift.rotation_id == rotation.id, OnCallShift.starts_at >= now
            )
        )
    )
    for shift in future:
        _cancel_swaps_of(session, shift, now)
        session.delete(shift)
    session.flush()
    session.delete(rotation)
    session.flush()
    return len(future)


@dataclass(frozen=True, slots=True)
class ApplyResult:
    created: int
    updated: int
    removed: int
    unchanged: int


def apply_rotation(
    session: Session, rotation: Rotation, first: date, last: date, now: datetime
) -> ApplyResult:
    """Make the rotation's shifts for local dates first..last; idempotent.

    A slot already made is found by its key: kept when unchanged or touched since (a cover,
    an edit, a started shift), updated when the rotation changed it. Slots of this rotation in
    the range that the rotation no longer asks for are removed if not started. Nothing before
    `now` changes.
    """
    if last < first:
        raise RotaInvalid("to_date", "must not be before from_date")
    if (last - first).days + 1 > MAX_APPLY_DAYS:
        raise RotaInvalid("to_date", f"a rotation is applied to at most {MAX_APPLY_DAYS} days")
    if not rotation.members:
        raise RotaInvalid("worker_ids", "a rotation needs at least one worker")
    start, end = local_dates_range(first, last)
    lines = queries.routing_lines(session)
    overrides = queries.routing_overrides(session, start, end)
    planned = plan_rotation(rotation_pattern(rotation), first, last, lines, overrides)
    existing: dict[str, list[OnCallShift]] = {}
    for row in session.scalars(
        select(OnCallShift).where(
            OnCallShift.rotation_id == rotation.id,
            OnCallShift.ends_at > start,
            OnCallShift.starts_at < end,
        )
    ):
        existing.setdefault(row.slot_key or "", []).append(row)
    created = updated = unchanged = removed = 0
    wanted = set()
    for slot in planned:
        wanted.add(slot.slot_key)
        if slot.ends_at <= now:
            continue
        rows = existing.get(slot.slot_key, [])
        if not rows:
            session.add(
                OnCallShift(
                    worker_id=slot.worker_id,
                    role=slot.role.value,
                    starts_at=max(slot.starts_at, now),
                    ends_at=slot.ends_at,
                    source=ShiftSource.ROTATION,
                    rotation_id=rotation.id,
                    slot_key=slot.slot_key,
                )
            )
            created += 1
            continue
        row = rows[0]
        untouched = len(rows) == 1 and row.source == ShiftSource.ROTATION and row.starts_at >= now
        target = (slot.worker_id, max(slot.starts_at, now), slot.ends_at)
        if untouched and (row.worker_id, row.starts_at, row.ends_at) != target:
            row.worker_id, row.starts_at, row.ends_at = target
            row.sequence += 1
            updated += 1
        else:
            unchanged += 1
    for key, rows in existing.items():
        if key in wanted:
            continue
        for row in rows:
            if row.starts_at >= now and row.starts_at >= start:
                _cancel_swaps_of(session, row, now)
                session.delete(row)
                removed += 1
    session.flush()
    return ApplyResult(created, updated, removed, unchanged)


# Covers


def add_cover(
    session: Session,
    *,
    covering_worker_id: int,
    covered_worker_id: int,
    starts_at: datetime,
    ends_at: datetime,
    role: str | None,
    reason: str,
    now: datetime,
    user_id: int | None,
) -> tuple[Cover, list[OnCallShift]]:
    """X covers Y: Y's shifts in the period are split and the part inside given to X."""
    covering = get_worker(session, covering_worker_id, "covering_worker_id")
    covered = get_worker(session, covered_worker_id, "covered_worker_id")
    if covering.id == covered.id:
        raise RotaInvalid("covering_worker_id", "a worker cannot cover themselves")
    known_role = _role(role) if role is not None else None
    if ends_at <= starts_at:
        raise RotaInvalid("ends_at", "the end must be after the start")
    if ends_at <= now:
        raise RotaInvalid("ends_at", "the cover would already be over")
    reason = " ".join(reason.split())
    if len(reason) > REASON_MAX:
        raise RotaInvalid("reason", f"at most {REASON_MAX} characters")
    start = max(starts_at, now)  # the past stays as it was
    query = select(OnCallShift).where(
        OnCallShift.worker_id == covered.id,
        OnCallShift.ends_at > start,
        OnCallShift.starts_at < ends_at,
    )
    if known_role is not None:
        query = query.where(OnCallShift.role == known_role.value)
    affected = list(session.scalars(query.order_by(OnCallShift.starts_at, OnCallShift.id)))
    if not affected:
        raise RotaInvalid("covered_worker_id", "this worker has no on-call shift in that period")
    cover = Cover(
        covering_worker_id=covering.id,
        covered_worker_id=covered.id,
        role=known_role.value if known_role else None,
        starts_at=start,
        ends_at=ends_at,
        reason=reason,
        created_by_user_id=user_id,
        created_at=now,
    )
    session.add(cover)
    session.flush()
    covering_rows = [
        _reassign(session, shift, covering.id, start, ends_at, ShiftSource.COVER, cover.id, now)
        for shift in affected
    ]
    session.flush()
    return cover, covering_rows


def _reassign(
    session: Session,
    shift: OnCallShift,
    new_worker_id: int,
    start: datetime,
    end: datetime,
    source: ShiftSource,
    cover_id: int | None,
    now: datetime,
) -> OnCallShift:
    """Give [start, end) of `shift` to another worker, splitting the row; the new holder's row."""
    pieces = cover_pieces(
        shift.worker_id, shift.starts_at, shift.ends_at, new_worker_id, start, end
    )
    original = _copy(shift)
    taken: OnCallShift | None = None
    for i, piece in enumerate(pieces):
        if i == 0:
            row = shift
            row.starts_at, row.ends_at, row.worker_id = (
                piece.starts_at,
                piece.ends_at,
                piece.worker_id,
            )
            row.sequence += 1
        else:
            row = _copy(
                original,
                starts_at=piece.starts_at,
                ends_at=piece.ends_at,
                worker_id=piece.worker_id,
            )
            session.add(row)
        if piece.covered:
            row.source, row.cover_id = source.value, cover_id
            taken = row
    assert taken is not None
    session.flush()
    session.expire(shift, ["worker"])  # the holder changed: reload who it is when read
    return taken


def list_covers(session: Session, start: datetime, end: datetime) -> list[Cover]:
    query = select(Cover).where(Cover.ends_at > start, Cover.starts_at < end)
    return list(session.scalars(query.order_by(Cover.starts_at, Cover.id)))


def cover_shift_ids(session: Session, cover_id: int) -> list[int]:
    return list(session.scalars(select(OnCallShift.id).where(OnCallShift.cover_id == cover_id)))


# Swaps


def _history(swap: SwapRequest, status: str, now: datetime, user_id: int | None) -> None:
    swap.history = [*swap.history, {"at": now.isoformat(), "status": status, "by_user_id": user_id}]


def request_swap(
    session: Session,
    shift: OnCallShift,
    *,
    requested_by_worker_id: int,
    with_worker_id: int | None,
    note: str,
    now: datetime,
    user_id: int | None,
) -> SwapRequest:
    if shift.ends_at <= now:
        raise RotaInvalid("shift_id", "this shift is over")
    if with_worker_id is not None:
        get_worker(session, with_worker_id, "with_worker_id")
        if with_worker_id == shift.worker_id:
            raise RotaInvalid("with_worker_id", "this worker already holds the shift")
    note = " ".join(note.split())
    if len(note) > REASON_MAX:
        raise RotaInvalid("note", f"at most {REASON_MAX} characters")
    swap = SwapRequest(
        shift_id=shift.id,
        role=shift.role,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        requested_by_worker_id=requested_by_worker_id,
        with_worker_id=with_worker_id,
        status=SwapStatus.PENDING,
        note=note,
        history=[],
        created_at=now,
    )
    _history(swap, SwapStatus.PENDING, now, user_id)
    session.add(swap)
    session.flush()
    return swap


def get_swap(session: Session, swap_id: int) -> SwapRequest:
    swap = session.get(SwapRequest, swap_id)
    if swap is None:
        raise RotaNotFound(f"no swap request {swap_id}")
    return swap


def decide_swap(
    session: Session,
    swap: SwapRequest,
    status: SwapStatus,
    *,
    now: datetime,
    user_id: int | None,
    accepting_worker_id: int | None = None,
) -> SwapRequest:
    """Accept (the shift's rest goes to the accepting worker), decline or cancel a swap."""
    if swap.status != SwapStatus.PENDING:
        raise RotaRefused(f"this swap request is already {swap.status}")
    if status is SwapStatus.ACCEPTED:
        shift = swap.shift
        if shift is None or shift.ends_at <= now:
            raise RotaRefused("the shift is gone or over; the swap cannot happen")
        if accepting_worker_id is None:
            raise RotaInvalid("worker_id", "say which worker takes the shift")
        taker = get_worker(session, accepting_worker_id, "worker_id")
        if taker.id == shift.worker_id:
            raise RotaInvalid("worker_id", "this worker already holds the shift")
        _reassign(
            session,
            shift,
            taker.id,
            max(shift.starts_at, now),
            shift.ends_at,
            ShiftSource.SWAP,
            None,
            now,
        )
        swap.accepted_by_worker_id = taker.id
    swap.status = status.value
    swap.decided_at = now
    _history(swap, status, now, user_id)
    session.flush()
    return swap


def _cancel_swaps_of(session: Session, shift: OnCallShift, now: datetime) -> None:
    for swap in session.scalars(
        select(SwapRequest).where(
            SwapRequest.shift_id == shift.id, SwapRequest.status == SwapStatus.PENDING
        )
    ):
        swap.status = SwapStatus.CANCELLED
        swap.decided_at = now
        _history(swap, "cancelled: shift removed", now, None)


def list_swaps(session: Session, status: str | None = None) -> list[SwapRequest]:
    query = select(SwapRequest)
    if status is not None:
        query = query.where(SwapRequest.status == status)
    return list(
        session.scalars(query.order_by(SwapRequest.created_at.desc(), SwapRequest.id.desc()))
    )


# Leave


def add_leave(
    session: Session, *, worker_id: int, starts_at: datetime, ends_at: datetime, reason: str
) -> WorkerLeave:
    worker = get_worker(session, worker_id)
    if ends_at <= starts_at:
        raise RotaInvalid("ends_at", "the end must be after the start")
    reason = " ".join(reason.split())
    if len(reason) > REASON_MAX:
        raise RotaInvalid("reason", f"at most {REASON_MAX} characters")
    leave = WorkerLeave(worker=worker, starts_at=starts_at, ends_at=ends_at, reason=reason)
    session.add(leave)
    session.flush()
    return leave


def list_leave(session: Session, worker_id: int | None = None) -> list[WorkerLeave]:
    query = select(WorkerLeave)
    if worker_id is not None:
        query = query.where(WorkerLeave.worker_id == worker_id)
    return list(session.scalars(query.order_by(WorkerLeave.starts_at, WorkerLeave.id)))


# The report


@dataclass(frozen=True, slots=True)
class RotaReport:
    start: datetime
    end: datetime
    windows: dict[str, list[tuple[datetime, datetime]]]
    gaps: list[Gap]
    conflicts: list[RotaConflict]


def rota_report(session: Session, start: datetime, end: datetime) -> RotaReport:
    """Gaps (no usable primary or backup) and conflicts in [start, end).

    Cover by an inactive worker or one with no valid phone does not count: calls cannot reach
    them. Leave does not stop the phone ringing, so it is a conflict, not a gap.
    """
    rows = session.execute(
        select(
            OnCallShift.id,
            OnCallShift.worker_id,
            OnCallShift.role,
            OnCallShift.starts_at,
            OnCallShift.ends_at,
        ).where(*_overlapping(start, end))
    ).all()
    shifts = [
        RotaShift(r.id, r.worker_id, OnCallRole(r.role), r.starts_at, r.ends_at) for r in rows
    ]
    workers = {
        r.id: WorkerStatus(r.id, phone_valid(r.phone), r.active)
        for r in session.execute(select(Worker.id, Worker.phone, Worker.active))
    }
    leave = [
        Leave(r.worker_id, r.starts_at, r.ends_at)
        for r in session.execute(
            select(WorkerLeave.worker_id, WorkerLeave.starts_at, WorkerLeave.ends_at).where(
                WorkerLeave.ends_at > start, WorkerLeave.starts_at < end
            )
        )
    ]
    lines = queries.routing_lines(session)
    overrides = queries.routing_overrides(session, start, end)
    windows = out_of_hours_by_line(start, end, lines, overrides)
    usable = {w.id for w in workers.values() if w.active and w.phone_valid}
    return RotaReport(
        start=start,
        end=end,
        windows=windows,
        gaps=find_gaps(windows, shifts, usable),
        conflicts=find_conflicts(shifts, workers, leave),
    )


@lru_cache(maxsize=1)
def _on_call_query() -> Select[int, int, str, datetime, datetime, str, str]:
    # Built once: the same bounded range read as the call path's snapshot, in one statement.
    at: BindParameter[datetime] = bindparam("at")
    just_after: BindParameter[datetime] = bindparam("just_after")
    return (
        select(
            OnCallShift.id,
            OnCallShift.worker_id,
            OnCallShift.role,
            OnCallShift.starts_at,
            OnCallShift.ends_at,
            Worker.name,
            Worker.phone,
        )
        .join(Worker, Worker.id == OnCallShift.worker_id)
        .where(
            OnCallShift.ends_at > at,
            OnCallShift.starts_at < just_after,
            OnCallShift.starts_at > bindparam("earliest"),
            Worker.active.is_(True),
        )
    )


def who_is_on_call(session: Session, at: datetime) -> tuple[routing.OnCallEntry, ...]:
    """The on-call chain at an instant: who calls ring, primary first, then backup."""
    rows = session.execute(
        _on_call_query(),
        {
            "at": at,
            "just_after": at + timedelta(microseconds=1),
            "earliest": at - OnCallShift.MAX_LENGTH,
        },
    ).all()
    shifts = [
        routing.RoutingShift(
            id=row.id,
            worker_id=row.worker_id,
            worker_name=row.name,
            phone=row.phone,
            role=OnCallRole(row.role),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
        )
        for row in rows
    ]
    return routing.oncall_chain(shifts, at)


# Gap alerts


def new_gap_alerts(session: Session, now: datetime, horizon: timedelta) -> list[Gap]:
    """Gaps starting within `horizon` (or running now) not alerted before; recorded now.

    A gap is known by its role and start, so it raises one alert however often this runs,
    even as time clips it. The report reaches a little beyond so that no gap's edges are
    cut by the reading window.
    """
    margin = timedelta(days=2)
    report = rota_report(session, now - margin, now + horizon + margin)
    fresh = []
    for gap in gaps_starting_within(report.gaps, now, horizon):
        seen = session.scalar(
            select(GapAlert.id).where(
                GapAlert.role == gap.role.value, GapAlert.starts_at == gap.starts_at
            )
        )
        if seen is None:
            session.add(
                GapAlert(
                    role=gap.role.value,
                    starts_at=gap.starts_at,
                    ends_at=gap.ends_at,
                    alerted_at=now,
                )
            )
            fresh.append(gap)
    session.flush()
    return fresh


def delete_leave(session: Session, leave_id: int) -> WorkerLeave:
    leave = session.get(WorkerLeave, leave_id)
    if leave is None:
        raise RotaNotFound(f"no leave {leave_id}")
    session.execute(delete(WorkerLeave).where(WorkerLeave.id == leave_id))
    session.flush()
    return leave
