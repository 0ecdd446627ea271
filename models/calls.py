"""Writes and reads over calls: conversation records, the legs rung, callback tasks."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from models.db import insert_ignoring_conflicts
from models.events import publish
from models.tables import (
    AppliedJournalEntry,
    CallbackReason,
    CallbackStatus,
    CallbackTask,
    CallLeg,
    ConversationRecord,
    Line,
    RecordStatus,
    Worker,
)


@cache
def _insert_record_statement(dialect: str) -> Insert:
    # Built once per dialect: this runs on every incoming call.
    return insert_ignoring_conflicts(dialect, ConversationRecord).returning(ConversationRecord.id)


def insert_record(connection: Connection, values: dict[str, Any]) -> bool:
    """Create the record for a new call; False when a record for this CallSid exists."""
    statement = _insert_record_statement(connection.dialect.name)
    # RETURNING rather than rowcount, which psycopg does not always report for this.
    return connection.execute(statement, values).scalar_one_or_none() is not None


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def record_by_sid(
    session: Session, call_sid: str, *, lock: bool = False
) -> ConversationRecord | None:
    query = select(ConversationRecord).where(ConversationRecord.call_sid == call_sid)
    if lock:
        # Twilio's callbacks for one call can arrive at once: serialise them on the row.
        query = query.with_for_update(of=ConversationRecord)
    return session.scalar(query)


def claim_answer(
    session: Session, record_id: int, step: int, worker_id: int | None, now: datetime
) -> bool:
    """Record who answered, unless someone already did or the caller has gone. Atomic."""
    statement = (
        update(ConversationRecord)
        .where(
            ConversationRecord.id == record_id,
            ConversationRecord.answered_step.is_(None),
            ConversationRecord.ended_at.is_(None),
        )
        .values(
            answered_step=step,
            accepted_worker_id=worker_id,
            answered_at=now,
            status=RecordStatus.IN_PROGRESS,
            updated_at=now,
        )
        .returning(ConversationRecord.id)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def note_leg(
    session: Session,
    *,
    record_id: int,
    step: int,
    number: str,
    worker_id: int | None,
    result: str,
    rank: int,
    now: datetime,
    leg_sid: str | None = None,
    accepted: bool = False,
) -> None:
    """Create or move forward the leg; a leg's result never moves backwards."""
    key = (CallLeg.record_id == record_id, CallLeg.step == step, CallLeg.number == number)
    session.execute(
        insert_ignoring_conflicts(_dialect(session), CallLeg).values(
            record_id=record_id,
            step=step,
            number=number,
            worker_id=worker_id,
            leg_sid=leg_sid,
            result=result,
            result_rank=rank,
            accepted=accepted,
            offered_at=now,
            updated_at=now,
        )
    )
    changes: dict[str, Any] = {"updated_at": now}
    if leg_sid:
        changes["leg_sid"] = leg_sid
    if accepted:
        session.execute(update(CallLeg).where(*key).values(accepted=True, **changes))
    session.execute(
        update(CallLeg)
        .where(*key, CallLeg.result_rank < rank)
        .values(result=result, result_rank=rank, **changes)
    )
    if worker_id is not None:
        session.execute(
            update(Worker)
            .where(
                Worker.id == worker_id,
                (Worker.last_offered_at.is_(None)) | (Worker.last_offered_at < now),
            )
            .values(last_offered_at=now)
        )


def leave_callback_task(
    session: Session,
    record: ConversationRecord,
    now: datetime,
    *,
    recording_url: str | None = None,
    recording_seconds: int | None = None,
    reason: CallbackReason = CallbackReason.MISSED_CALL,
    urgent: bool | None = None,
) -> None:
    """One callback task per call: a missed call, upgraded to a voicemail by a recording.

    The workers on the call's line hear of a new task through a live event.
    """
    created = session.execute(
        insert_ignoring_conflicts(_dialect(session), CallbackTask)
        .values(
            record_id=record.id,
            line_id=record.line_id,
            caller_number=record.caller_number,
            reason=reason,
            urgent=record.period == "out_of_hours" if urgent is None else urgent,
            status=CallbackStatus.OPEN,
            created_at=now,
        )
        .returning(CallbackTask.id)
    ).scalar_one_or_none()
    if created is not None:
        publish(
            session,
            kind="callback.created",
            payload={"task_id": created},
            at=now,
            line_id=record.line_id,
        )
    if recording_url:
        session.execute(
            update(CallbackTask)
            .where(CallbackTask.record_id == record.id)
            .values(
                reason=CallbackReason.VOICEMAIL,
                recording_url=recording_url,
                recording_seconds=recording_seconds,
            )
        )


def withdraw_missed_call_task(session: Session, record_id: int, now: datetime) -> None:
    """A late callback showed the call was answered: the automatic task is not needed."""
    session.execute(
        update(CallbackTask)
        .where(
            CallbackTask.record_id == record_id,
            CallbackTask.reason == CallbackReason.MISSED_CALL,
            CallbackTask.status == CallbackStatus.OPEN,
        )
        .values(
            status=CallbackStatus.DONE,
            resolution="Closed by the service: the call was answered.",
            completed_at=now,
        )
    )


def mark_on_call(session: Session, record_id: int, worker_id: int, now: datetime) -> None:
    """The worker pressed 1 and got the caller: busy, and their desk opens the record."""
    session.execute(
        update(Worker)
        .where(Worker.id == worker_id)
        .values(busy_record_id=record_id, busy_since=now)
        .execution_options(synchronize_session=False)
    )
    publish(
        session, kind="call.accepted", payload={"record_id": record_id}, at=now, worker_id=worker_id
    )


def end_on_call(session: Session, record_id: int) -> None:
    """The call ended: whoever it made busy is free again."""
    session.execute(
        update(Worker)
        .where(Worker.busy_record_id == record_id)
        .values(busy_record_id=None, busy_since=None)
        .execution_options(synchronize_session=False)
    )


def take_journal_entry(
    session: Session, entry_id: str, kind: str, call_sid: str, now: datetime
) -> bool:
    """Note a journal entry as applied; False if it already was (by anyone).

    Run in the transaction that applies the entry: both happen, or neither. A second
    replayer inserting the same id waits for the first to commit, then finds it.
    """
    statement = (
        insert_ignoring_conflicts(_dialect(session), AppliedJournalEntry)
        .values(entry_id=entry_id, kind=kind, call_sid=call_sid, applied_at=now)
        .returning(AppliedJournalEntry.entry_id)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def applied_journal_entries(session: Session, entry_ids: list[str]) -> set[str]:
    """Which of these journal entries have been applied."""
    found: set[str] = set()
    for start in range(0, len(entry_ids), 500):
        chunk = entry_ids[start : start + 500]
        query = select(AppliedJournalEntry.entry_id).where(AppliedJournalEntry.entry_id.in_(chunk))
        found.update(session.scalars(query))
    return found


def line_by_key_or_number(session: Session, key: str, number: str | None) -> Line | None:
    line = session.scalar(select(Line).where(Line.key == key))
    if line is None and number:
        line = session.scalar(select(Line).where(Line.number == number))
    return line


def calls_not_ended(session: Session, started_before: datetime) -> list[ConversationRecord]:
    """Records still ringing or in progress that started before the given time."""
    query = (
        select(ConversationRecord)
        .where(
            ConversationRecord.status.in_((RecordStatus.RINGING, RecordStatus.IN_PROGRESS)),
            ConversationRecord.ended_at.is_(None),
            ConversationRecord.end_unconfirmed_at.is_(None),
            ConversationRecord.started_at < started_before,
        )
        .order_by(ConversationRecord.started_at)
        .limit(200)
    )
    return list(session.scalars(query))
