"""Live events for signed-in workers, stored so every process can stream them.

A process that serves a browser polls this table for rows newer than the last one it
sent; the process that made the event may be another one behind the load balancer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Connection, ForeignKey, Index, String, and_, func, insert, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, UTCDateTime


class LiveEvent(Base):
    __tablename__ = "live_events"
    __table_args__ = (Index("ix_live_events_worker", "worker_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


def publish(
    session: Session | Connection,
    *,
    kind: str,
    payload: dict[str, Any],
    at: datetime,
    worker_id: int | None = None,
    line_id: int | None = None,
) -> None:
    """Store an event for one worker, or (worker_id None) for everyone on a line."""
    session.execute(
        insert(LiveEvent).values(
            at=at, kind=kind, payload=payload, worker_id=worker_id, line_id=line_id
        )
    )


def latest_event_id(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(LiveEvent.id), 0))) or 0


def events_for(
    session: Session, *, worker_id: int, line_ids: Sequence[int], after_id: int, limit: int = 50
) -> Sequence[LiveEvent]:
    """Events after ``after_id`` meant for this worker, or for a line they answer."""
    return session.scalars(
        select(LiveEvent)
        .where(
            LiveEvent.id > after_id,
            or_(
                LiveEvent.worker_id == worker_id,
                and_(LiveEvent.worker_id.is_(None), LiveEvent.line_id.in_(line_ids)),
            ),
        )
        .order_by(LiveEvent.id)
        .limit(limit)
    ).all()
