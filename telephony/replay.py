"""Replay: the journal's entries applied to the database, in order, each exactly once.

Every entry is applied in a transaction that also records its id in
applied_journal_entries; an id found there is skipped, so replaying twice, or from two
processes at once, leaves the same rows. Entries carry the time their request arrived,
and the record is written with those times, so after replay it reads as if the database
had never been away: line, period, who was rung, who accepted, times, final status,
recording and callback task.

An entry for a call the database does not know yet (its start journaled on another host,
say) waits; after DEFER_LIMIT a final status or a recording opens a record anyway (so a
callback task follows), and anything else is dropped, saying so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ConversationRecord, Line, RecordStatus
from models import calls as records
from routing import RingPlan, Target
from telephony import calls
from telephony.calls import STATUS_RANK, IncomingCall
from telephony.context import TelephonyContext
from telephony.guard import DatabaseUnavailable
from telephony.journal import Entry, read_file

log = logging.getLogger("dutyline.replay")

DEFER_LIMIT = timedelta(minutes=10)


@dataclass
class ReplayResult:
    applied: int = 0
    already: int = 0  # applied before, by this process or another
    deferred: int = 0
    dropped: int = 0
    failed: int = 0
    done: set[str] = field(default_factory=set)


class _Deferred(Exception):
    pass


def replay(context: TelephonyContext, now: datetime) -> ReplayResult:
    """Apply every journal entry in the state folder that is not applied yet."""
    journal = context.journal
    entries: list[Entry] = []
    for path in journal.files():
        entries.extend(read_file(path))
    journal.found(entries)
    # By arrival; a call's start first among entries of the same instant. Stable: one
    # file's order is kept.
    entries.sort(key=lambda entry: (entry.at, entry.kind != "call_started"))
    result = ReplayResult()
    for entry in entries:
        try:
            outcome = context.guard.run_sync(
                lambda entry=entry: _apply(context, entry, now),  # type: ignore[misc]
                seconds=context.guard.budget * 3,
            )
        except _Deferred:
            result.deferred += 1
            continue
        except DatabaseUnavailable:
            result.failed += 1
            break
        except Exception as exc:
            result.failed += 1
            log.error(
                "journal entry %s (%s, call %s) not applied: %s",
                entry.id,
                entry.kind,
                entry.call_sid,
                type(exc).__name__,
            )
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
        result.done.add(entry.id)
    journal.applied(result.done)
    journal.tidy(result.done)
    if result.applied or result.deferred or result.failed or result.dropped:
        log.warning(
            "journal replayed: %d applied, %d already, %d waiting, %d dropped, %d failed",
            result.applied,
            result.already,
            result.deferred,
            result.dropped,
            result.failed,
        )
    return result


def _apply(context: TelephonyContext, entry: Entry, now: datetime) -> str:
    with context.session_factory.begin() as session:
        if not records.take_journal_entry(session, entry.id, entry.kind, entry.call_sid, now):
            return "already"
        record = records.record_by_sid(session, entry.call_sid, lock=True)
        if entry.kind == "call_started":
            _started(session, record, entry)
            return "applied"
        if record is None:
            if now - entry.at < DEFER_LIMIT:
                raise _Deferred
            record = _adopt(context, session, entry)
            if record is None:
                log.warning(
                    "journal entry %s (%s): call %s never recorded; dropped",
                    entry.id,
                    entry.kind,
                    entry.call_sid,
                )
                return "dropped"
        _event(session, record, entry)
        return "applied"


def _started(session: Session, record: ConversationRecord | None, entry: Entry) -> None:
    data = entry.data
    line = records.line_by_key_or_number(session, data["line_key"], data.get("line_number"))
    if line is None:
        line = session.scalar(select(Line).order_by(Line.id).limit(1))
    assert line is not None, "the lines table is empty"
    routing = {
        "line_id": line.id,
        "dialled_known": bool(data["dialled_known"]),
        "period": data["period"],
        "period_reason": data["period_reason"][:200],
        "plan": RingPlan.from_json(data["plan"]).to_json(),
    }
    if record is None:
        session.add(
            ConversationRecord(
                call_sid=entry.call_sid,
                caller_number=data.get("caller"),
                dialled_number=data.get("dialled"),
                current_step=0,
                status=RecordStatus.RINGING,
                twilio_status="ringing",
                twilio_status_rank=STATUS_RANK["ringing"],
                started_at=entry.at,
                updated_at=entry.at,
                **routing,
            )
        )
        return
    # The record exists: written late by work given up after its budget, or opened from
    # a final status. The journal says what the caller really went through.
    for name, value in routing.items():
        setattr(record, name, value)
    record.started_at = min(record.started_at, entry.at)
    record.caller_number = record.caller_number or data.get("caller")


def _adopt(context: TelephonyContext, session: Session, entry: Entry) -> ConversationRecord | None:
    data = entry.data
    if entry.kind == "call_status" and STATUS_RANK.get(data["status"], 0) >= calls.FINAL_RANK:
        call = IncomingCall(entry.call_sid, data.get("to") or "", data.get("caller") or "")
        return calls.adopt_call_routed_without_database(
            context, session, call, data.get("duration"), entry.at
        )
    if entry.kind == "recording":
        call = IncomingCall(entry.call_sid, "", "")
        return calls.adopt_call_routed_without_database(context, session, call, None, entry.at)
    return None


def _event(session: Session, record: ConversationRecord, entry: Entry) -> None:
    data, at = entry.data, entry.at
    if entry.kind == "leg_status":
        if data["status"] in STATUS_RANK:
            person = Target(data["number"], data.get("worker_id"), "")
            calls.apply_leg_status(
                session, record, data["step"], person, data.get("leg_sid", ""), data["status"], at
            )
    elif entry.kind == "accepted":
        person = Target(data["number"], data.get("worker_id"), "")
        calls.apply_accept(session, record, data["step"], person, at, live=False)
    elif entry.kind == "dial_result":
        plan = RingPlan.from_json(data["plan"])
        answered, next_step = bool(data["answered"]), data["next_step"]
        calls.apply_dial_result(
            session, record, plan, data["step"], answered, next_step, at, data["status"]
        )
    elif entry.kind == "call_status":
        if data["status"] in STATUS_RANK:
            calls.apply_call_status(session, record, data["status"], data.get("duration"), at)
    elif entry.kind == "recording":
        calls.apply_recording(session, record, data["url"], data.get("seconds"), at)
    else:
        log.error("journal entry %s: unknown kind %r; skipped", entry.id, entry.kind)
