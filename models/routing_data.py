"""The reads the router makes: configuration for the snapshot, and who is free to ring."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from models.people import BUSY_EXPIRY
from models.tables import HoursOverride, Line, OnCallShift, RoutingState, Worker, worker_lines


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


def shifts_overlapping(session: Session, start: datetime, end: datetime) -> Sequence[OnCallShift]:
    query = select(OnCallShift).where(
        OnCallShift.ends_at > start,
        OnCallShift.starts_at < end,
        # Bounded below too, so the (starts_at, ends_at) index is read for a month, not years.
        OnCallShift.starts_at > start - OnCallShift.MAX_LENGTH,
    )
    return session.scalars(query.order_by(OnCallShift.starts_at, OnCallShift.id)).all()


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
