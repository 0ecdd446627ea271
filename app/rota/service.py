"""The rota's one write path: shifts, rotations, covers, swaps, leave, calendar feeds.

The API, the CLI, CSV import, the demo seed and the pages all change the rota through these
functions, so the limits, the audit and the gap alerts are the same whoever asks. Each takes
a `RotaChange` (the session, the instant, who acts, and where fresh gap alerts go), checks
its input before writing, writes, audits, and looks for gaps starting within 72 hours.
Refusals are `app.errors` exceptions. Everything only flushes: the caller commits, and sends
the alerts handed to `announce` after the commit.

Shift rows are what routing reads, so a cover or a swap edits them (splitting where needed,
`reassign`), and what the coordinator sees is what callers get. Rotations:
`app.rota.rotations`; covers and swaps: `app.rota.swaps`; calendar feeds: `app.rota.feeds`.
About 400 lines: the shift rules and the row surgery (`copy_shift`, `reassign`) that
covers, swaps and rotations share belong together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid, NotFound
from app.rota import queries
from app.rota.queries import get_worker, role
from models.audit import audit, changes_between
from models.rota import (
    GapAlert,
    ShiftSource,
    SwapRequest,
    SwapStatus,
    WorkerLeave,
)
from models.tables import OnCallShift
from routing.rota import (
    Gap,
    cover_pieces,
    gaps_starting_within,
)

MAX_SHIFT = timedelta(days=14)
# A time typed to the minute for "from now" is a little in the past by the time it arrives.
PAST_TOLERANCE = timedelta(minutes=5)
MAX_APPLY_DAYS = 366
REASON_MAX = 200
ALERT_HORIZON = timedelta(hours=72)


@dataclass(slots=True)
class RotaChange:
    """Who changes the rota and when; gaps the change opens are passed to `announce`.

    `announce` is called before the commit: it should queue (a background task, a list the
    CLI sends from once committed), never send at once.
    """

    session: Session
    now: datetime
    user_id: int | None
    announce: Callable[[Gap], None] = field(default=lambda gap: None)

    def audit(
        self,
        action: str,
        entity_type: str,
        entity_id: int | str,
        before: dict[str, Any],
        after: dict[str, Any],
        detail: str = "",
    ) -> None:
        audit(
            self.session,
            actor_user_id=self.user_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            at=self.now,
            changes=changes_between(before, after),
            detail=detail,
        )

    def check_gaps(self) -> list[Gap]:
        """Record gaps newly starting within 72 hours (once each) and announce them."""
        fresh = new_gap_alerts(self.session, self.now, ALERT_HORIZON)
        for gap in fresh:
            self.announce(gap)
        return fresh


def shift_snapshot(shift: OnCallShift) -> dict[str, Any]:
    """The fields an audit event keeps, as JSON-ready values."""
    return {
        "worker_id": shift.worker_id,
        "role": shift.role,
        "starts_at": shift.starts_at.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
        "source": shift.source,
    }


def reason_text(text: str, field_name: str = "reason") -> str:
    text = " ".join(text.split())
    if len(text) > REASON_MAX:
        raise Invalid(field_name, f"at most {REASON_MAX} characters")
    return text


def check_shift_period(starts_at: datetime, ends_at: datetime) -> None:
    """The limits every shift meets, however it is written."""
    if ends_at == starts_at:
        raise Invalid("ends_at", "the end must be after the start: a shift cannot last no time")
    if ends_at < starts_at:
        raise Invalid("ends_at", "the end must be after the start")
    if ends_at - starts_at > MAX_SHIFT:
        raise Invalid("ends_at", f"a shift lasts at most {MAX_SHIFT.days} days")


def check_new_shift(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    check_shift_period(starts_at, ends_at)
    if ends_at <= now:
        raise Invalid("ends_at", "the shift would already be over: the past is not rewritten")
    if starts_at < now - PAST_TOLERANCE:
        raise Invalid("starts_at", "the past is not rewritten: start now or later")


# Shifts


def create_shift(
    change: RotaChange,
    *,
    worker_id: int,
    role_name: str,
    starts_at: datetime,
    ends_at: datetime,
    source: ShiftSource = ShiftSource.MANUAL,
    detail: str = "",
    check_gaps: bool = True,
) -> OnCallShift:
    """A new shift: at most 14 days, not in the past, audited, gaps checked."""
    known_role = role(role_name)
    worker = get_worker(change.session, worker_id)
    check_new_shift(starts_at, ends_at, change.now)
    shift = OnCallShift(
        worker=worker, role=known_role.value, starts_at=starts_at, ends_at=ends_at, source=source
    )
    change.session.add(shift)
    change.session.flush()
    action = "rota.shift.import" if source == ShiftSource.IMPORT else "rota.shift.create"
    change.audit(action, "oncall_shift", shift.id, {}, shift_snapshot(shift), detail)
    if check_gaps:
        change.check_gaps()
    return shift


def copy_shift(shift: OnCallShift, **changes: Any) -> OnCallShift:
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


def _not_over(shift: OnCallShift, now: datetime) -> None:
    if shift.ends_at <= now:
        raise Conflict("this shift is over; what happened is kept as it was")


def update_shift(
    change: RotaChange,
    shift_id: int,
    *,
    worker_id: int | None = None,
    role_name: str | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> OnCallShift:
    """Change a shift. A started one keeps its past: it ends now and a new row carries on."""
    session, now = change.session, change.now
    shift = queries.get_shift(session, shift_id)
    before = shift_snapshot(shift)
    _not_over(shift, now)
    new_worker = get_worker(session, worker_id).id if worker_id is not None else shift.worker_id
    new_role = role(role_name).value if role_name is not None else shift.role
    new_start = starts_at if starts_at is not None else shift.starts_at
    new_end = ends_at if ends_at is not None else shift.ends_at
    started = shift.starts_at < now
    if started and new_start != shift.starts_at:
        raise Invalid("starts_at", "this shift has started: its start cannot move")
    if new_start != shift.starts_at and new_start < now - PAST_TOLERANCE:
        raise Invalid("starts_at", "the past is not rewritten: start now or later")
    check_shift_period(new_start, new_end)
    if new_end <= now:
        raise Invalid("ends_at", "the end must be after now")
    result = shift
    if not started:
        shift.worker_id, shift.role = new_worker, new_role
        shift.starts_at, shift.ends_at = new_start, new_end
        shift.sequence += 1
    elif (new_worker, new_role) == (shift.worker_id, shift.role):
        if new_end != shift.ends_at:
            shift.ends_at = new_end
            shift.sequence += 1
    else:
        result = copy_shift(
            shift, worker_id=new_worker, role=new_role, starts_at=now, ends_at=new_end
        )
        shift.ends_at = now
        shift.sequence += 1
        session.add(result)
    session.flush()
    session.refresh(result)
    change.audit("rota.shift.update", "oncall_shift", shift_id, before, shift_snapshot(shift))
    if result.id != shift_id:
        change.audit(
            "rota.shift.create",
            "oncall_shift",
            result.id,
            {},
            shift_snapshot(result),
            detail=f"carries on shift {shift_id} from now",
        )
    change.check_gaps()
    return result


def delete_shift(change: RotaChange, shift_id: int) -> OnCallShift | None:
    """Delete a shift not yet started; end a started one now (returned); refuse a past one."""
    session, now = change.session, change.now
    shift = queries.get_shift(session, shift_id)
    before = shift_snapshot(shift)
    _not_over(shift, now)
    cancel_swaps_of(session, shift, now)
    if shift.starts_at < now:
        shift.ends_at = now
        shift.sequence += 1
        session.flush()
        change.audit(
            "rota.shift.end",
            "oncall_shift",
            shift_id,
            before,
            shift_snapshot(shift),
            detail="started: ended now rather than erased",
        )
        change.check_gaps()
        return shift
    session.delete(shift)
    session.flush()
    change.audit("rota.shift.delete", "oncall_shift", shift_id, before, {})
    change.check_gaps()
    return None


@dataclass(frozen=True, slots=True)
class NewShift:
    """A shift to create, as read from a CSV row."""

    row: int
    worker_id: int
    role_name: str
    starts_at: datetime
    ends_at: datetime


def import_shifts(change: RotaChange, rows: Sequence[NewShift]) -> list[int]:
    """Create every row's shift through `create_shift`; gaps are checked once, at the end."""
    ids = [
        create_shift(
            change,
            worker_id=row.worker_id,
            role_name=row.role_name,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            source=ShiftSource.IMPORT,
            detail=f"CSV row {row.row}",
            check_gaps=False,
        ).id
        for row in rows
    ]
    change.check_gaps()
    return ids


def reassign(
    session: Session,
    shift: OnCallShift,
    new_worker_id: int,
    start: datetime,
    end: datetime,
    source: ShiftSource,
    cover_id: int | None,
) -> OnCallShift:
    """Give [start, end) of `shift` to another worker, splitting the row; the new holder's row."""
    pieces = cover_pieces(
        shift.worker_id, shift.starts_at, shift.ends_at, new_worker_id, start, end
    )
    original = copy_shift(shift)
    taken: OnCallShift | None = None
    for i, piece in enumerate(pieces):
        if i == 0:
            row = shift
            row.starts_at, row.ends_at = piece.starts_at, piece.ends_at
            row.worker_id = piece.worker_id
            row.sequence += 1
        else:
            row = copy_shift(
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


def cancel_swaps_of(session: Session, shift: OnCallShift, now: datetime) -> None:
    for swap in session.scalars(
        select(SwapRequest).where(
            SwapRequest.shift_id == shift.id, SwapRequest.status == SwapStatus.PENDING
        )
    ):
        swap.status = SwapStatus.CANCELLED
        swap.decided_at = now
        swap.history = [
            *swap.history,
            {"at": now.isoformat(), "status": "cancelled: shift removed", "by_user_id": None},
        ]


# Leave


def _leave_snapshot(leave: WorkerLeave) -> dict[str, Any]:
    # The reason may be personal (sickness): the audit keeps that there was one, not what.
    return {
        "worker_id": leave.worker_id,
        "starts_at": leave.starts_at.isoformat(),
        "ends_at": leave.ends_at.isoformat(),
    }


def add_leave(
    change: RotaChange, *, worker_id: int, starts_at: datetime, ends_at: datetime, reason: str
) -> WorkerLeave:
    worker = get_worker(change.session, worker_id)
    if ends_at <= starts_at:
        raise Invalid("ends_at", "the end must be after the start")
    leave = WorkerLeave(
        worker=worker, starts_at=starts_at, ends_at=ends_at, reason=reason_text(reason)
    )
    change.session.add(leave)
    change.session.flush()
    change.audit("rota.leave.create", "worker_leave", leave.id, {}, _leave_snapshot(leave))
    return leave


def delete_leave(change: RotaChange, leave_id: int) -> None:
    leave = change.session.get(WorkerLeave, leave_id)
    if leave is None:
        raise NotFound(f"no leave {leave_id}")
    before = _leave_snapshot(leave)
    change.session.execute(delete(WorkerLeave).where(WorkerLeave.id == leave_id))
    change.session.flush()
    change.audit("rota.leave.delete", "worker_leave", leave_id, before, {})


# Gap alerts


def new_gap_alerts(session: Session, now: datetime, horizon: timedelta) -> list[Gap]:
    """Gaps starting within `horizon` (or running now) not alerted before; recorded now.

    A gap is known by its role and start, so it raises one alert however often this runs,
    even as time clips it. The report reaches a little beyond so that no gap's edges are
    cut by the reading window.
    """
    margin = timedelta(days=2)
    report = queries.rota_report(session, now - margin, now + horizon + margin)
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
