"""Workers' availability as the desk sees it: per line, and busy while on a call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.tables import Line, Worker, worker_lines

# A call whose end never got reported stops making its worker busy after this long.
BUSY_EXPIRY = timedelta(hours=4)


@dataclass(frozen=True)
class LineAvailability:
    key: str
    name: str
    number: str
    availability: str  # available, busy or offline


def is_busy(worker: Worker, now: datetime) -> bool:
    return (
        worker.busy_record_id is not None
        and worker.busy_since is not None
        and now - worker.busy_since < BUSY_EXPIRY
    )


def line_availability(session: Session, worker: Worker, now: datetime) -> list[LineAvailability]:
    rows = session.execute(
        select(Line.key, Line.name, Line.number, worker_lines.c.available)
        .join(worker_lines, worker_lines.c.line_id == Line.id)
        .where(worker_lines.c.worker_id == worker.id)
        .order_by(Line.id)
    ).all()
    busy = is_busy(worker, now)
    return [
        LineAvailability(
            key=row.key,
            name=row.name,
            number=row.number,
            availability="busy"
            if busy
            else "available"
            if worker.available and row.available
            else "offline",
        )
        for row in rows
    ]


def set_line_availability(
    session: Session, worker: Worker, available: bool, line_ids: list[int] | None
) -> None:
    """Switch some lines (or all, with None) on or off; the worker is available while any is.

    Going available also ends a "busy" whose call end was never reported.
    """
    on_worker = worker_lines.c.worker_id == worker.id
    if line_ids is None:
        session.execute(update(worker_lines).where(on_worker).values(available=available))
    else:
        if available and not worker.available:
            # Coming back for some lines only: the others stay off.
            session.execute(update(worker_lines).where(on_worker).values(available=False))
        session.execute(
            update(worker_lines)
            .where(on_worker, worker_lines.c.line_id.in_(line_ids))
            .values(available=available)
        )
    any_on = session.scalar(
        select(worker_lines.c.line_id).where(on_worker, worker_lines.c.available.is_(True))
    )
    worker.available = available if line_ids is None else any_on is not None
    if available:
        worker.busy_record_id = None
        worker.busy_since = None
