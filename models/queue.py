"""The in-hours queue: callers waiting for the next free duty worker, and the offers made.

- ``queue_entries``: one row per call that joined its line's queue (Twilio's <Enqueue>):
  when, at which place, how long it may wait, when and why it left.
- ``queue_offers``: a free duty worker rung for a waiting caller through Twilio's REST API.
  At most one offer is live per caller and per worker: two partial unique indexes say so
  to the database, so several processes on one PostgreSQL can never ring two workers for
  one caller nor one worker twice, whatever the timing; ``FOR UPDATE SKIP LOCKED`` keeps
  them from even trying the same rows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    and_,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Exists

from models.base import Base, UTCDateTime
from models.db import insert_ignoring_conflicts
from models.people import BUSY_EXPIRY
from models.tables import CallLeg, ConversationRecord, Line, Worker, worker_lines

# An offer whose outcome never came back (a lost status callback) stops holding its
# worker and its caller after this long: longer than any ring, whisper and key press.
OFFER_EXPIRY = timedelta(minutes=3)


class QueueResult(StrEnum):
    BRIDGED = "bridged"  # a worker took the call
    CALLBACK = "callback"  # the caller pressed * to leave a message instead
    MAX_WAIT = "max_wait"  # waited the line's longest wait: on down the plan
    HANGUP = "hangup"  # the caller hung up while waiting
    OTHER = "other"  # Twilio took them out for another reason (queue full, an error)


class OfferResult(StrEnum):
    ACCEPTED = "accepted"  # pressed 1 and was connected
    DECLINED = "declined"  # pressed another key, or did not answer or press 1 in time
    CALLER_LEFT = "caller_left"  # the caller had gone when the worker answered
    FAILED = "failed"  # Twilio would not place the call
    EXPIRED = "expired"  # no outcome came back


class QueueEntry(Base):
    __tablename__ = "queue_entries"
    __table_args__ = (Index("ix_queue_entries_waiting", "line_id", "left_at", "queued_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("conversation_records.id", ondelete="CASCADE"), unique=True
    )
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id"))
    step: Mapped[int] = mapped_column(Integer)  # the ring plan's queue step
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    position_on_arrival: Mapped[int] = mapped_column(Integer)
    max_wait_seconds: Mapped[int] = mapped_column(Integer)
    callback_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str | None] = mapped_column(String(16))


_LIVE = text("ended_at IS NULL")


class QueueOffer(Base):
    __tablename__ = "queue_offers"
    __table_args__ = (
        Index(
            "uq_queue_offers_live_entry",
            "entry_id",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
        Index(
            "uq_queue_offers_live_worker",
            "worker_id",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("queue_entries.id", ondelete="CASCADE"), index=True
    )
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    call_sid: Mapped[str | None] = mapped_column(String(64))  # the worker's outbound call
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str | None] = mapped_column(String(16))


# Joining and leaving


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def join_queue(
    session: Session, record: ConversationRecord, step: int, max_wait_seconds: int, now: datetime
) -> QueueEntry:
    """The caller joins the line's queue (once per call: a retried webhook finds its entry)."""
    session.execute(
        insert_ignoring_conflicts(_dialect(session), QueueEntry).values(
            record_id=record.id,
            line_id=record.line_id,
            step=step,
            queued_at=now,
            position_on_arrival=0,
            max_wait_seconds=max_wait_seconds,
        )
    )
    entry = session.scalars(select(QueueEntry).where(QueueEntry.record_id == record.id)).one()
    if entry.position_on_arrival == 0:
        ahead = session.scalar(
            select(func.count()).where(
                QueueEntry.line_id == entry.line_id,
                QueueEntry.left_at.is_(None),
                QueueEntry.queued_at <= entry.queued_at,
                QueueEntry.id != entry.id,
            )
        )
        entry.position_on_arrival = (ahead or 0) + 1
    return entry


def entry_of_record(session: Session, record_id: int, *, lock: bool = False) -> QueueEntry | None:
    query = select(QueueEntry).where(QueueEntry.record_id == record_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def leave_queue(session: Session, entry: QueueEntry, result: QueueResult, now: datetime) -> bool:
    """The caller left the queue; False if they already had (Twilio retried)."""
    if entry.left_at is not None:
        return False
    entry.left_at = now
    entry.result = result
    if result is QueueResult.CALLBACK:
        entry.callback_chosen = True
    return True


# Offers


@dataclass(frozen=True, slots=True)
class OfferToMake:
    offer_id: int
    entry_id: int
    worker_id: int
    worker_phone: str
    line_number: str
    line_name: str
    line_key: str


def expire_offers(session: Session, now: datetime) -> None:
    session.execute(
        update(QueueOffer)
        .where(QueueOffer.ended_at.is_(None), QueueOffer.offered_at < now - OFFER_EXPIRY)
        .values(ended_at=now, result=OfferResult.EXPIRED)
        .execution_options(synchronize_session=False)
    )


def _live_offer(**on: object) -> Exists:
    conditions = [QueueOffer.ended_at.is_(None)]
    conditions += [getattr(QueueOffer, name) == value for name, value in on.items()]
    return exists().where(*conditions)


def _turned_down(entry: QueueEntry, since: datetime) -> ColumnElement[bool]:
    """This worker was rung for this caller lately and did not take it (offer or duty step)."""
    offered = exists().where(
        QueueOffer.entry_id == entry.id,
        QueueOffer.worker_id == Worker.id,
        QueueOffer.offered_at >= since,
        QueueOffer.result.in_((OfferResult.DECLINED, OfferResult.FAILED, OfferResult.EXPIRED)),
    )
    rung = exists().where(
        CallLeg.record_id == entry.record_id,
        CallLeg.worker_id == Worker.id,
        CallLeg.accepted.is_(False),
        CallLeg.offered_at >= since,
    )
    return or_(offered, rung)


def _free_worker_for(
    session: Session, entry: QueueEntry, now: datetime, cooldown: timedelta
) -> Worker | None:
    """The free duty worker of the entry's line who has waited longest since an offer."""
    query = (
        select(Worker)
        .join(worker_lines, worker_lines.c.worker_id == Worker.id)
        .where(
            worker_lines.c.line_id == entry.line_id,
            worker_lines.c.available.is_(True),
            Worker.available.is_(True),
            Worker.active.is_(True),
            or_(Worker.busy_record_id.is_(None), Worker.busy_since < now - BUSY_EXPIRY),
            ~_live_offer(worker_id=Worker.id),
            ~_turned_down(entry, now - cooldown),
        )
        .order_by(Worker.last_offered_at.is_not(None), Worker.last_offered_at, Worker.id)
        .limit(1)
        .with_for_update(of=Worker, skip_locked=True)
    )
    return session.scalar(query)


def waiting_without_offer(session: Session, limit: int = 20) -> list[QueueEntry]:
    """Callers waiting with nobody being rung for them, longest waiting first. Locked: a
    caller another process is offering is skipped, not waited for."""
    query = (
        select(QueueEntry)
        .where(QueueEntry.left_at.is_(None), ~_live_offer(entry_id=QueueEntry.id))
        .order_by(QueueEntry.queued_at, QueueEntry.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def claim_offer(session: Session, now: datetime, cooldown: timedelta) -> OfferToMake | None:
    """Pair the longest-waiting caller who can be offered with a free worker, and note it.

    The insert is the decision: a live offer for the same caller or worker already in the
    database (another process's) makes it do nothing, and the next pair is tried.
    """
    expire_offers(session, now)
    for entry in waiting_without_offer(session):
        worker = _free_worker_for(session, entry, now, cooldown)
        if worker is None:
            continue
        offer_id = session.execute(
            insert_ignoring_conflicts(_dialect(session), QueueOffer)
            .values(entry_id=entry.id, worker_id=worker.id, offered_at=now)
            .returning(QueueOffer.id)
        ).scalar_one_or_none()
        if offer_id is None:
            continue
        worker.last_offered_at = now
        line = session.get_one(Line, entry.line_id)
        return OfferToMake(
            offer_id, entry.id, worker.id, worker.phone, line.number, line.name, line.key
        )
    return None


def offer_by_id(session: Session, offer_id: int, *, lock: bool = False) -> QueueOffer | None:
    query = select(QueueOffer).where(QueueOffer.id == offer_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def end_offer(session: Session, offer: QueueOffer, result: OfferResult, now: datetime) -> bool:
    if offer.ended_at is not None:
        return False
    offer.ended_at = now
    offer.result = result
    return True


def next_entry_for(
    session: Session, offer: QueueOffer, now: datetime, cooldown: timedelta
) -> QueueEntry | None:
    """Another caller this offer's worker could take, when theirs has gone (or None)."""
    worker_line = select(worker_lines.c.line_id).where(worker_lines.c.worker_id == offer.worker_id)
    turned_down = exists().where(
        QueueOffer.entry_id == QueueEntry.id,
        QueueOffer.worker_id == offer.worker_id,
        QueueOffer.offered_at >= now - cooldown,
        QueueOffer.result == OfferResult.DECLINED,
    )
    query = (
        select(QueueEntry)
        .where(
            QueueEntry.left_at.is_(None),
            QueueEntry.line_id.in_(worker_line),
            ~_live_offer(entry_id=QueueEntry.id),
            ~turned_down,
        )
        .order_by(QueueEntry.queued_at, QueueEntry.id)
        .limit(1)
        # Waits for another process looking at that caller (a moment), rather than missing
        # them; a live offer it made meanwhile makes the move fail on the unique index.
        .with_for_update()
    )
    return session.scalar(query)


# What the desk and the wallboard show


@dataclass(frozen=True, slots=True)
class LineQueue:
    line_id: int
    key: str
    name: str
    waiting: int
    oldest_queued_at: datetime | None


def waiting_by_line(session: Session) -> list[LineQueue]:
    """How many callers wait in each line's queue, and since when the longest has."""
    waiting = and_(QueueEntry.line_id == Line.id, QueueEntry.left_at.is_(None))
    rows = session.execute(
        select(
            Line.id, Line.key, Line.name, func.count(QueueEntry.id), func.min(QueueEntry.queued_at)
        )
        .outerjoin(QueueEntry, waiting)
        .group_by(Line.id, Line.key, Line.name)
        .order_by(Line.id)
    ).all()
    return [LineQueue(row[0], row[1], row[2], row[3], row[4]) for row in rows]
