"""The rota's reads: shifts, rotations, covers, swaps, leave, the gap report, who is on call.

Nothing here writes. A missing thing asked for by id is `NotFound`; an unknown worker named
in a request is `Invalid` on the field that named it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

import routing
from app.errors import Invalid, NotFound
from app.rota.schemas import CalendarDay, CalendarRead, GapRead, ShiftRead, WindowRead
from models import routing_data
from models.rota import CalendarFeed, Cover, Rotation, SwapRequest, WorkerLeave
from models.tables import OnCallShift, Worker
from routing import OnCallRole, bank_holiday_name, out_of_hours_windows
from routing.localtime import local_text, utc_text
from routing.rota import (
    Gap,
    Leave,
    RotaConflict,
    RotaShift,
    WorkerStatus,
    find_conflicts,
    find_gaps,
    local_dates_range,
    out_of_hours_by_line,
)


def get_worker(session: Session, worker_id: int, field: str = "worker_id") -> Worker:
    worker = session.get(Worker, worker_id)
    if worker is None:
        raise Invalid(field, f"unknown worker {worker_id}")
    return worker


def role(value: str, field: str = "role") -> OnCallRole:
    try:
        return OnCallRole(value)
    except ValueError:
        raise Invalid(field, "must be primary or backup") from None


@lru_cache(maxsize=4096)
def phone_valid(phone: str) -> bool:
    return routing.normalise_number(phone) is not None


# Shifts


def get_shift(session: Session, shift_id: int) -> OnCallShift:
    shift = session.get(OnCallShift, shift_id)
    if shift is None:
        raise NotFound(f"no shift {shift_id}")
    return shift


def overlapping(start: datetime, end: datetime) -> tuple[ColumnElement[bool], ...]:
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
    role_name: str | None = None,
) -> list[OnCallShift]:
    query = select(OnCallShift).where(*overlapping(start, end))
    if worker_id is not None:
        query = query.where(OnCallShift.worker_id == worker_id)
    if role_name is not None:
        query = query.where(OnCallShift.role == role(role_name).value)
    return list(
        session.scalars(
            query.order_by(OnCallShift.starts_at, OnCallShift.role.desc(), OnCallShift.id)
        )
    )


# Rotations, covers, swaps, leave, feeds


def get_rotation(session: Session, rotation_id: int) -> Rotation:
    rotation = session.get(Rotation, rotation_id)
    if rotation is None:
        raise NotFound(f"no rotation {rotation_id}")
    return rotation


def list_rotations(session: Session) -> list[Rotation]:
    return list(session.scalars(select(Rotation).order_by(Rotation.id)))


def list_covers(session: Session, start: datetime, end: datetime) -> list[Cover]:
    query = select(Cover).where(Cover.ends_at > start, Cover.starts_at < end)
    return list(session.scalars(query.order_by(Cover.starts_at, Cover.id)))


def cover_shift_ids(session: Session, cover_id: int) -> list[int]:
    return list(session.scalars(select(OnCallShift.id).where(OnCallShift.cover_id == cover_id)))


def get_swap(session: Session, swap_id: int) -> SwapRequest:
    swap = session.get(SwapRequest, swap_id)
    if swap is None:
        raise NotFound(f"no swap request {swap_id}")
    return swap


def list_swaps(session: Session, status: str | None = None) -> list[SwapRequest]:
    query = select(SwapRequest)
    if status is not None:
        query = query.where(SwapRequest.status == status)
    return list(
        session.scalars(query.order_by(SwapRequest.created_at.desc(), SwapRequest.id.desc()))
    )


def list_leave(session: Session, worker_id: int | None = None) -> list[WorkerLeave]:
    query = select(WorkerLeave)
    if worker_id is not None:
        query = query.where(WorkerLeave.worker_id == worker_id)
    return list(session.scalars(query.order_by(WorkerLeave.starts_at, WorkerLeave.id)))


def list_feeds(session: Session) -> list[CalendarFeed]:
    return list(session.scalars(select(CalendarFeed).order_by(CalendarFeed.id)))


def live_feed(session: Session, token_hash: str) -> CalendarFeed:
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash))
    if feed is None or feed.revoked_at is not None:
        raise NotFound("no such calendar feed")
    return feed


# The report


@dataclass(frozen=True, slots=True)
class RotaReport:
    start: datetime
    end: datetime
    windows: dict[str, list[tuple[datetime, datetime]]]
    gaps: list[Gap]
    conflicts: list[RotaConflict]


def rota_report(session: Session, start: datetime, end: datetime) -> RotaReport:
    """Gaps (no usable primary or backup) and conflicts in [start, end): the one gap finder.

    Cover by an inactive worker or one with no valid phone does not count: calls cannot reach
    them. Leave does not stop the phone ringing, so it is a conflict, not a gap.
    """
    rows = session.execute(
        select(*routing_data.SHIFT_COLUMNS).where(*overlapping(start, end))
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
    lines = routing_data.routing_lines(session)
    overrides = routing_data.routing_overrides(session, start, end)
    windows = out_of_hours_by_line(start, end, lines, overrides)
    usable = {w.id for w in workers.values() if w.active and w.phone_valid}
    return RotaReport(
        start=start,
        end=end,
        windows=windows,
        gaps=find_gaps(windows, shifts, usable),
        conflicts=find_conflicts(shifts, workers, leave),
    )


def who_is_on_call(session: Session, at: datetime) -> tuple[routing.OnCallEntry, ...]:
    """The on-call chain at an instant: who calls ring, primary first, then backup."""
    shifts = routing_data.routing_shifts(session, at, at + timedelta(microseconds=1))
    return routing.oncall_chain(shifts, at)


# The calendar grid


def _month_or_week(view: str, day: date) -> tuple[date, date]:
    if view == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    first = day.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def calendar(session: Session, view: str, day: date, line: str, now: datetime) -> CalendarRead:
    """One line's week or month, day by day: its out-of-hours windows, shifts and gaps."""
    lines = {x.key: x for x in routing_data.routing_lines(session)}
    if line not in lines:
        raise Invalid(("query", "line"), f"unknown line (known: {', '.join(lines)})")
    first, last = _month_or_week(view, day)
    start, end = local_dates_range(first, last)
    windows = out_of_hours_windows(
        start, end, lines[line], routing_data.routing_overrides(session, start, end)
    )
    gaps = [g for g in rota_report(session, start, end).gaps if line in g.line_keys]
    shifts = list_shifts(session, start, end)
    days = []
    current = first
    while current <= last:
        lo, hi = local_dates_range(current, current)
        days.append(
            CalendarDay(
                date=current,
                weekday=current.strftime("%A"),
                bank_holiday=bank_holiday_name(current),
                windows=[
                    WindowRead(
                        starts_at=utc_text(max(a, lo)),
                        ends_at=utc_text(min(b, hi)),
                        starts_local=local_text(max(a, lo)),
                        ends_local=local_text(min(b, hi)),
                    )
                    for a, b in windows
                    if a < hi and b > lo
                ],
                shifts=[
                    ShiftRead.of(s, now) for s in shifts if s.starts_at < hi and s.ends_at > lo
                ],
                gaps=[GapRead.of(g) for g in gaps if g.starts_at < hi and g.ends_at > lo],
            )
        )
        current += timedelta(days=1)
    return CalendarRead(view=view, line=line, from_=first, to=last, days=days)
