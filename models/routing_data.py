"""The reads the router makes, and the one translation from rows to routing's types.

The snapshot, the rota report, the on-call lookup and the calendar all read lines, closures
and shifts through `routing_lines`, `routing_overrides` and `routing_shifts` (or translate
rows they already hold with `routing_line`, `routing_override`), so a new
field reaches every reader from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, Select, and_, bindparam, exists, or_, select
from sqlalchemy.orm import Session

from models.people import BUSY_EXPIRY
from models.queue import QueueOffer
from models.tables import HoursOverride, Line, OnCallShift, RoutingState, Worker, worker_lines
from routing import OnCallRole, Override, OverrideMode, RoutingLine, RoutingShift, ServiceHours


def routing_version(session: Session) -> int:
    return session.scalar(select(RoutingState.version).where(RoutingState.id == 1)) or 0


def all_lines(session: Session) -> Sequence[Line]:
    return session.scalars(select(Line).order_by(Line.id)).all()


def overrides_overlapping(
    session: Session, start: datetime, end: datetime
) -> Sequence[HoursOverride]:
    query = select(HoursOverride).where(
        HoursOverride.ends_at > start, HoursOverride.starts_at < end
    )
    return session.scalars(query.order_by(HoursOverride.starts_at)).all()


# Rows into routing's types


def routing_line(row: Line) -> RoutingLine:
    return RoutingLine(
        key=row.key,
        name=row.name,
        number=row.number,
        hours=ServiceHours(
            weekday_open=row.weekday_open,
            weekday_close=row.weekday_close,
            weekend_open=row.weekend_open,
            weekend_close=row.weekend_close,
            bank_holidays_as_weekend=row.bank_holidays_as_weekend,
        ),
        greeting=row.greeting or None,
        fallback_number=row.fallback_number or None,
    )


def routing_override(row: HoursOverride) -> Override:
    return Override(
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        mode=OverrideMode(row.mode),
        line_key=row.line.key if row.line is not None else None,
        reason=row.reason,
    )


# A shift as the rules read it; the rota report selects these too.
SHIFT_COLUMNS = (
    OnCallShift.id,
    OnCallShift.worker_id,
    OnCallShift.role,
    OnCallShift.starts_at,
    OnCallShift.ends_at,
)


@cache
def _routing_shifts_query() -> Select[int, int, str, datetime, datetime, str, str]:
    # Built once: the snapshot and the on-call lookup read shifts with their worker's name and
    # phone in one statement, bounded below so the (starts_at, ends_at) index is read for a
    # month, not years.
    return (
        select(*SHIFT_COLUMNS, Worker.name, Worker.phone)
        .join(Worker, Worker.id == OnCallShift.worker_id)
        .where(
            OnCallShift.ends_at > bindparam("start"),
            OnCallShift.starts_at < bindparam("end"),
            OnCallShift.starts_at > bindparam("earliest"),
            Worker.active.is_(True),
        )
        .order_by(OnCallShift.starts_at, OnCallShift.id)
    )


def routing_lines(session: Session) -> list[RoutingLine]:
    return [routing_line(row) for row in all_lines(session)]


def routing_overrides(session: Session, start: datetime, end: datetime) -> list[Override]:
    return [routing_override(row) for row in overrides_overlapping(session, start, end)]


def routing_shifts(session: Session, start: datetime, end: datetime) -> list[RoutingShift]:
    """Shifts overlapping [start, end) that can ring someone: inactive workers' are left out."""
    params = {"start": start, "end": end, "earliest": start - OnCallShift.MAX_LENGTH}
    return [
        RoutingShift(
            id=row.id,
            worker_id=row.worker_id,
            worker_name=row.name,
            phone=row.phone,
            role=OnCallRole(row.role),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
        )
        for row in session.execute(_routing_shifts_query(), params)
    ]


# Who is free to ring


@dataclass(frozen=True, slots=True)
class FreeWorker:
    id: int
    name: str
    phone: str
    last_offered_at: datetime | None


@dataclass(frozen=True, slots=True)
class DutyCandidates:
    routing_version: int
    workers: tuple[FreeWorker, ...]


@cache
def _duty_candidates_query() -> Select[int, int, str, str, datetime | None]:
    # Built once: this runs on every incoming call.
    return (
        select(RoutingState.version, Worker.id, Worker.name, Worker.phone, Worker.last_offered_at)
        .select_from(RoutingState)
        .outerjoin(worker_lines, worker_lines.c.line_id == bindparam("line_id"))
        .outerjoin(
            Worker,
            and_(
                Worker.id == worker_lines.c.worker_id,
                worker_lines.c.available.is_(True),
                Worker.available.is_(True),
                Worker.active.is_(True),
                # Not on another call (a busy mark older than BUSY_EXPIRY is forgotten).
                or_(Worker.busy_record_id.is_(None), Worker.busy_since < bindparam("busy_before")),
                # Not being rung for a caller waiting in the queue (issue 12).
                ~exists().where(QueueOffer.worker_id == Worker.id, QueueOffer.ended_at.is_(None)),
            ),
        )
        .where(RoutingState.id == 1)
    )


def duty_candidates(
    connection: Connection | Session, line_id: int, now: datetime
) -> DutyCandidates:
    """The available workers for a line and the routing version, in one round trip.

    The version rides along so the incoming-call webhook learns in the same query whether
    its snapshot of lines, closures and shifts is still current.
    """
    rows = connection.execute(
        _duty_candidates_query(), {"line_id": line_id, "busy_before": now - BUSY_EXPIRY}
    ).all()
    return DutyCandidates(
        routing_version=rows[0].version if rows else 0,
        # Workers on the line who are not available come back as NULLs: skipped.
        workers=tuple(
            FreeWorker(row.id, row.name, row.phone, row.last_offered_at)
            for row in rows
            if row.id is not None
        ),
    )
