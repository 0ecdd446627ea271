"""What each of Twilio's requests does to a call: plain values in, TwiML out.

The webhook layer (telephony.webhooks) checks signatures and turns failures into TwiML
that still routes the caller; this module does the work and lets errors rise.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from models import ConversationRecord, RecordStatus
from models import calls as records
from models.routing_data import duty_candidates
from routing import (
    DutyWorker,
    Period,
    RingPlan,
    RingStep,
    RoutingLine,
    ServiceHours,
    StepKind,
    Target,
    decide_call,
    line_for_number,
    normalise_number,
    period_at,
)
from telephony import twiml
from telephony.context import TelephonyContext
from telephony.snapshot import RoutingSnapshot, load_snapshot

log = logging.getLogger("dutyline.calls")

# How far through its life a call or leg is. Twilio retries callbacks and does not promise
# their order, so a status only ever moves forward.
STATUS_RANK = {
    "queued": 1,
    "initiated": 1,
    "ringing": 2,
    "in-progress": 3,
    "answered": 3,
    "completed": 4,
    "busy": 4,
    "failed": 4,
    "no-answer": 4,
    "canceled": 4,
}
FINAL_RANK = 4


@dataclass(frozen=True, slots=True)
class IncomingCall:
    call_sid: str
    to: str
    from_: str


@contextmanager
def _autocommit(context: TelephonyContext) -> Iterator[Connection]:
    # The incoming-call webhook writes one row with one INSERT, which is atomic on its
    # own; autocommit spares the BEGIN and COMMIT round trips on the hottest path.
    engine = context.session_factory.kw["bind"]
    with engine.connect() as connection:
        yield connection.execution_options(isolation_level="AUTOCOMMIT")


def _snapshot(
    context: TelephonyContext, bind: Connection | Session, now: datetime
) -> RoutingSnapshot:
    snapshot = context.snapshots.current(now)
    if snapshot is None:
        snapshot = _reload_snapshot(context, bind, now)
    return snapshot


def _reload_snapshot(
    context: TelephonyContext, bind: Connection | Session, now: datetime
) -> RoutingSnapshot:
    if isinstance(bind, Session):
        snapshot = load_snapshot(bind, now, context.config.snapshot_horizon)
    else:
        with context.session_factory(bind=bind) as session:
            snapshot = load_snapshot(session, now, context.config.snapshot_horizon)
    context.snapshots.put(snapshot)
    return snapshot


def _routing_inputs(
    context: TelephonyContext, connection: Connection, now: datetime, to: str
) -> tuple[RoutingSnapshot, list[DutyWorker]]:
    """A current snapshot and the duty workers free for the dialled line."""
    snapshot = _snapshot(context, connection, now)
    line = line_for_number(to, snapshot.lines).line
    candidates = duty_candidates(connection, snapshot.line_ids[line.key], now)
    if candidates.routing_version != snapshot.version:
        snapshot = _reload_snapshot(context, connection, now)
        line = line_for_number(to, snapshot.lines).line
        candidates = duty_candidates(connection, snapshot.line_ids[line.key], now)
    free = [
        DutyWorker(w.id, w.name, w.phone, frozenset({line.key}), True, w.last_offered_at)
        for w in candidates.workers
    ]
    return snapshot, free


def start_call(context: TelephonyContext, call: IncomingCall) -> VoiceResponse:
    """The first webhook: decide the route, open the conversation record, ring step one."""
    now = context.clock()
    config = context.config
    with _autocommit(context) as connection:
        snapshot, free = _routing_inputs(context, connection, now, call.to)
        decision = decide_call(
            now=now,
            dialled=call.to,
            lines=snapshot.lines,
            overrides=snapshot.overrides,
            duty_workers=free,
            shifts=snapshot.shifts,
            fallback_number=config.fallback_number,
            max_parallel=config.max_parallel_duty,
            timeouts=config.timeouts,
        )
        line = decision.line_match.line
        created = records.insert_record(
            connection,
            {
                "call_sid": call.call_sid,
                "line_id": snapshot.line_ids[line.key],
                "caller_number": normalise_number(call.from_) or call.from_[:32] or None,
                "dialled_number": call.to[:32] or None,
                "dialled_known": decision.line_match.known,
                "period": decision.period.period.value,
                "period_reason": decision.period.reason[:200],
                "plan": decision.plan.to_json(),
                "current_step": 0,
                "status": RecordStatus.RINGING,
                "twilio_status": "ringing",
                "twilio_status_rank": STATUS_RANK["ringing"],
                "started_at": now,
                "updated_at": now,
            },
        )
        if not created:
            # Twilio retried the first webhook: answer as the call stands, change nothing.
            with context.session_factory(bind=connection) as session:
                existing = records.record_by_sid(session, call.call_sid)
                assert existing is not None
                plan = RingPlan.from_json(existing.plan)
                step = existing.current_step
            return twiml.first_answer(config, line, call.call_sid, plan, step)
    if not decision.line_match.known:
        log.warning(
            "call %s: dialled number matches no line; served as the public line", call.call_sid
        )
    log.info(
        "call %s: %s line, %s (%s), %d step(s)",
        call.call_sid,
        line.key,
        decision.period.period.value,
        decision.period.reason,
        len(decision.plan.steps),
    )
    return twiml.first_answer(config, line, call.call_sid, decision.plan)


def _line_of(record: ConversationRecord) -> RoutingLine:
    row = record.line
    return RoutingLine(key=row.key, name=row.name, number=row.number, hours=ServiceHours())


def _target(plan: RingPlan, step: int, target: int) -> Target | None:
    if 0 <= step < len(plan.steps) and 0 <= target < len(plan.steps[step].targets):
        return plan.steps[step].targets[target]
    return None


def dial_result(
    context: TelephonyContext, call_sid: str, step: int, dial_status: str
) -> VoiceResponse:
    """A step finished ringing: hang up after a conversation, else ring the next step."""
    now = context.clock()
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call_sid, lock=True)
        if record is None:
            log.warning(
                "call %s: dial result for an unknown call; sending to the fallback", call_sid
            )
            return twiml.without_database(context.config, None, greeting=False)
        plan = RingPlan.from_json(record.plan)
        in_plan = 0 <= step < len(plan.steps)
        if (
            in_plan
            and plan.steps[step].kind is StepKind.FALLBACK
            and dial_status == "completed"
            and record.answered_step is None
        ):
            _answered_late_or_now(session, record, step, None, now)
        # "canceled": the caller hung up while the step was ringing; nothing comes next.
        if (
            record.answered_step is not None
            or record.ended_at is not None
            or dial_status == "canceled"
        ):
            return twiml.hang_up()
        next_step = step + 1 if in_plan else len(plan.steps)
        record.current_step = max(record.current_step, next_step)
        return twiml.next_in_plan(context.config, _line_of(record), call_sid, plan, next_step)


def _answered_late_or_now(
    session: Session, record: ConversationRecord, step: int, worker_id: int | None, now: datetime
) -> None:
    record.answered_step = step
    record.accepted_worker_id = worker_id
    record.answered_at = record.answered_at or now
    if record.ended_at is None:
        record.status = RecordStatus.IN_PROGRESS
    else:
        # The call's end was reported before this: it was answered after all.
        if record.completed_at is None:
            record.status = RecordStatus.TO_COMPLETE
        records.withdraw_missed_call_task(session, record.id, now)


def whisper(context: TelephonyContext, call_sid: str, step: int, target: int) -> VoiceResponse:
    """What the worker hears on picking up: which line, and press 1 to accept."""
    line_name = "Duty line"
    with context.session_factory() as session:
        record = records.record_by_sid(session, call_sid)
        if record is not None:
            line_name = record.line.name
    query = {"call": call_sid, "step": str(step), "target": str(target)}
    return twiml.whisper(context.config, line_name, query)


def accept(
    context: TelephonyContext, call_sid: str, step: int, target: int, digits: str
) -> VoiceResponse:
    """The worker pressed a key. The first to press 1 gets the caller; others are told."""
    config = context.config
    if digits != "1":
        return twiml.decline_leg(config, "Call not accepted. Goodbye.")
    now = context.clock()
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call_sid)
        if record is None:
            # Connecting a waiting caller to a worker who asked for them beats dropping it.
            log.warning("call %s: accept for an unknown call; connecting anyway", call_sid)
            return twiml.connect(config)
        person = _target(RingPlan.from_json(record.plan), step, target)
        if person is None:
            return twiml.decline_leg(config, "This call is no longer available. Goodbye.")
        won = records.claim_answer(session, record.id, step, person.worker_id, now)
        session.refresh(record)
        repeat = record.answered_step == step and record.accepted_worker_id == person.worker_id
        if not (won or repeat):
            text = (
                "The caller has hung up. Goodbye."
                if record.answered_step is None
                else "A colleague has already answered this call. Goodbye."
            )
            return twiml.decline_leg(config, text)
        records.note_leg(
            session,
            record_id=record.id,
            step=step,
            number=person.number,
            worker_id=person.worker_id,
            result="in-progress",
            rank=STATUS_RANK["in-progress"],
            now=now,
            accepted=True,
        )
        if won and person.worker_id is not None:
            records.mark_on_call(session, record.id, person.worker_id, now)
    log.info("call %s: accepted at step %d", call_sid, step)
    return twiml.connect(config)


def leg_status(
    context: TelephonyContext, call_sid: str, step: int, target: int, leg_sid: str, status: str
) -> None:
    rank = STATUS_RANK.get(status)
    if rank is None:
        return
    now = context.clock()
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call_sid)
        person = _target(RingPlan.from_json(record.plan), step, target) if record else None
        if record is None or person is None:
            return
        records.note_leg(
            session,
            record_id=record.id,
            step=step,
            number=person.number,
            worker_id=person.worker_id,
            result=status,
            rank=rank,
            now=now,
            leg_sid=leg_sid[:64] or None,
        )


def call_status(
    context: TelephonyContext, call: IncomingCall, status: str, duration: int | None
) -> None:
    """The call's own status. Its end decides: to complete, or unanswered with a task."""
    rank = STATUS_RANK.get(status)
    if rank is None:
        return
    now = context.clock()
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call.call_sid, lock=True)
        if record is None:
            if rank < FINAL_RANK:
                return
            record = _adopt_call_routed_without_database(context, session, call, duration, now)
        if rank <= record.twilio_status_rank:
            return  # a retry, or an older event arriving late
        record.twilio_status = status
        record.twilio_status_rank = rank
        if rank < FINAL_RANK:
            return
        record.ended_at = now
        record.duration_seconds = duration
        records.end_on_call(session, record.id)
        if record.answered_step is not None:
            if record.completed_at is None:  # a worker may complete it during the call
                record.status = RecordStatus.TO_COMPLETE
        else:
            record.status = RecordStatus.UNANSWERED
            session.flush()
            records.leave_callback_task(session, record, now)
            log.info("call %s: ended unanswered; callback task left", call.call_sid)


def _adopt_call_routed_without_database(
    context: TelephonyContext,
    session: Session,
    call: IncomingCall,
    duration: int | None,
    now: datetime,
) -> ConversationRecord:
    """A call we have no record of ended: it was routed while the database was down.

    Open its record now, marked unanswered so that a callback task follows: somebody
    checks on every such caller.
    """
    snapshot = _snapshot(context, session, now)
    match = line_for_number(call.to, snapshot.lines)
    started = now - timedelta(seconds=duration or 0)
    period = period_at(started, match.line, snapshot.overrides)
    fallback = context.config.fallback_number
    steps = (
        (RingStep(StepKind.FALLBACK, (Target(fallback, None, "fallback"),), 0),) if fallback else ()
    )
    record = ConversationRecord(
        call_sid=call.call_sid,
        line_id=snapshot.line_ids[match.line.key],
        caller_number=normalise_number(call.from_) or call.from_[:32] or None,
        dialled_number=call.to[:32] or None,
        dialled_known=match.known,
        period=period.period.value,
        period_reason=f"{period.reason}; routed to the fallback without the database"[:200],
        plan=RingPlan(match.line.key, Period(period.period), steps).to_json(),
        current_step=len(steps),
        status=RecordStatus.RINGING,
        twilio_status_rank=0,
        started_at=started,
    )
    session.add(record)
    session.flush()
    log.warning("call %s: opened a record for a call routed without the database", call.call_sid)
    return record


def voicemail(
    context: TelephonyContext, call_sid: str, recording_url: str, seconds: int | None
) -> None:
    """The caller left a message: the call's callback task carries it."""
    now = context.clock()
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call_sid, lock=True)
        if record is None:
            log.warning("call %s: a recording for an unknown call", call_sid)
            return
        records.leave_callback_task(
            session, record, now, recording_url=recording_url, recording_seconds=seconds
        )
