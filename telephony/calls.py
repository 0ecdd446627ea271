"""What each of Twilio's requests does to a call, with the database: plain values in, TwiML out.

The webhook layer (telephony.webhooks) checks signatures, runs this within the database
budget (telephony.guard) and, when it fails, answers from telephony.offline instead and
journals what could not be written; this module does the work and lets errors rise.

The ``apply_*`` functions change a conversation record within a session. Both the live
webhooks and the journal's replay (telephony.replay) use them, with the time the request
arrived, so a record replayed after an outage is the record the webhooks would have made.

Longer than most modules on purpose: each request kind sits beside its ``apply_*`` twin,
so the live path and its replay cannot drift apart.
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
from models import queue as queued
from models.routing_data import duty_candidates, routing_line
from routing import (
    DEFAULT_LINES,
    DutyWorker,
    Period,
    RingPlan,
    RingStep,
    RoutingLine,
    StepKind,
    Target,
    decide_call,
    line_for_number,
    normalise_number,
    period_at,
)
from telephony import claims, metrics, plan_token, twiml
from telephony.config import TelephonyConfig
from telephony.context import TelephonyContext
from telephony.plan_token import CarriedPlan
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


@dataclass(frozen=True, slots=True)
class DialOutcome:
    """What Twilio posts to a Dial's action: DialCallStatus, DialBridged, DialCallDuration."""

    status: str
    bridged: str = ""  # "true", "false", or "" when Twilio did not say
    duration: int | None = None


def twilio_says_answered(kind: StepKind, outcome: DialOutcome) -> bool | None:
    """Did the step reach a person, by what Twilio reported? None: it did not say.

    DialBridged is the ground truth: a worker who picks up but does not press 1 ends the
    leg in the whisper, which Twilio may still report as ``completed``, never bridged.
    Without DialBridged only the fallback number (no whisper) counts ``completed`` as
    answered; for a worker's step the service's own record of the key press decides.
    """
    if outcome.bridged == "true":
        return True
    if outcome.bridged == "false":
        return False
    if kind is StepKind.FALLBACK:
        return outcome.status in ("completed", "answered")
    return None


def count_fallback(plan: RingPlan, index: int) -> None:
    """Count the call going to the fallback number, or past its plan to a message."""
    if index >= len(plan.steps):
        metrics.FALLBACKS.labels("voicemail").inc()
    elif plan.steps[index].kind is StepKind.FALLBACK:
        metrics.FALLBACKS.labels("fallback number").inc()


def line_named(snapshot: RoutingSnapshot | None, key: str) -> RoutingLine:
    """The line with this key, with its real hours, from the snapshot or the defaults."""
    lines = (snapshot.lines if snapshot is not None else ()) or DEFAULT_LINES
    for line in lines:
        if line.key == key:
            return line
    return line_for_number("", lines).line


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


def record_values(
    call: IncomingCall,
    decision_period: str,
    reason: str,
    known: bool,
    plan: RingPlan,
    now: datetime,
) -> dict[str, object]:
    """The new record's columns, but for line_id (which the database gives)."""
    return {
        "call_sid": call.call_sid,
        "caller_number": normalise_number(call.from_) or call.from_[:32] or None,
        "dialled_number": call.to[:32] or None,
        "dialled_known": known,
        "period": decision_period,
        "period_reason": reason[:200],
        "plan": plan.to_json(),
        "current_step": 0,
        "status": RecordStatus.RINGING,
        "twilio_status": "ringing",
        "twilio_status_rank": STATUS_RANK["ringing"],
        "started_at": now,
        "updated_at": now,
    }


def start_call(context: TelephonyContext, call: IncomingCall, now: datetime) -> VoiceResponse:
    """The first webhook: decide the route, open the conversation record, ring step one."""
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
            queue=True,
        )
        line = decision.line_match.line
        values = record_values(
            call,
            decision.period.period.value,
            decision.period.reason,
            decision.line_match.known,
            decision.plan,
            now,
        )
        values["line_id"] = snapshot.line_ids[line.key]
        created = records.insert_record(connection, values)
        if not created:
            # Twilio retried the first webhook: answer as the call stands, change nothing.
            with context.session_factory(bind=connection) as session:
                existing = records.record_by_sid(session, call.call_sid)
                assert existing is not None
                plan = RingPlan.from_json(existing.plan)
                step = existing.current_step
                started = existing.started_at
                entry = queued.entry_of_record(session, existing.id)
                wait = entry.max_wait_seconds if entry is not None and entry.step == step else None
            token = plan_token.sign(config.auth_token, call.call_sid, plan, started)
            return twiml.first_answer(config, line, call.call_sid, plan, token, step, wait)
        queue_wait = None
        if _is_queue(decision.plan, 0):
            # Nobody free in hours: the caller waits for the next duty worker.
            with context.session_factory(bind=connection) as session:
                record = records.record_by_sid(session, call.call_sid)
                assert record is not None
                queue_wait = enter_queue(session, record, 0, now)
                session.commit()
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
    count_fallback(decision.plan, 0)
    token = plan_token.sign(config.auth_token, call.call_sid, decision.plan, now)
    return twiml.first_answer(config, line, call.call_sid, decision.plan, token, 0, queue_wait)


def note_accepted_leg(
    session: Session, record_id: int, step: int, number: str, worker_id: int | None, now: datetime
) -> None:
    """The leg of whoever pressed 1: in progress, accepted."""
    records.note_leg(
        session,
        record_id=record_id,
        step=step,
        number=number,
        worker_id=worker_id,
        result="in-progress",
        rank=STATUS_RANK["in-progress"],
        now=now,
        accepted=True,
    )


def _is_queue(plan: RingPlan, index: int) -> bool:
    return 0 <= index < len(plan.steps) and plan.steps[index].kind is StepKind.QUEUE


def past_queue(plan: RingPlan, index: int) -> int:
    """The step that rings without the database: a queue step is passed over."""
    return index + 1 if _is_queue(plan, index) else index


def enter_queue(
    session: Session, record: ConversationRecord, step: int, now: datetime
) -> int | None:
    """The caller joins the line's queue: its longest wait, or None if the line has none
    (then the call goes straight on to the step after)."""
    max_wait = record.line.queue_max_wait_seconds
    if max_wait <= 0:
        if record.answered_step is None and record.ended_at is None:
            record.current_step = max(record.current_step, step + 1)
        return None
    entry = queued.join_queue(session, record, step, max_wait, now)
    log.info("call %s: queued at place %d", record.call_sid, entry.position_on_arrival)
    return max_wait


def _line_of(record: ConversationRecord) -> RoutingLine:
    """The record's line with its real hours (the row holds them)."""
    return routing_line(record.line)


def target_of(plan: RingPlan, step: int, target: int) -> Target | None:
    if 0 <= step < len(plan.steps) and 0 <= target < len(plan.steps[step].targets):
        return plan.steps[step].targets[target]
    return None


def _plan_of(record: ConversationRecord, carried: CarriedPlan | None) -> RingPlan:
    # The carried plan is what Twilio was told to ring; the stored one is the same unless
    # the record was written late by work given up after its budget.
    return carried.plan if carried is not None else RingPlan.from_json(record.plan)


class UnknownCall(Exception):
    """A callback for a call the database has no record of (yet)."""


def dial_result(
    context: TelephonyContext,
    call_sid: str,
    step: int,
    outcome: DialOutcome,
    carried: CarriedPlan | None,
    now: datetime,
) -> VoiceResponse:
    """A step finished ringing: hang up after a conversation, else ring the next step."""
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call_sid, lock=True)
        if record is None:
            raise UnknownCall(call_sid)
        plan = _plan_of(record, carried)
        in_plan = 0 <= step < len(plan.steps)
        said = twilio_says_answered(plan.steps[step].kind, outcome) if in_plan else None
        answered = (
            said
            if said is not None
            else record.answered_step is not None or claims.taken(context.claims, call_sid)
        )
        next_step = step + 1 if in_plan else len(plan.steps)
        apply_dial_result(session, record, plan, step, answered, next_step, now, outcome.status)
        if answered or record.ended_at is not None or outcome.status == "canceled":
            # "canceled": the caller hung up while the step was ringing; nothing comes next.
            return twiml.hang_up()
        token = plan_token.sign(
            context.config.auth_token, call_sid, plan, carried.started_at if carried else now
        )
        line = _line_of(record)
        count_fallback(plan, next_step)
        queue_wait = (
            enter_queue(session, record, next_step, now) if _is_queue(plan, next_step) else None
        )
        if queue_wait is not None:
            context.offers_due.set()  # a worker may be free for them already
        return twiml.next_in_plan(
            context.config, line, call_sid, plan, next_step, token, queue_wait
        )


def apply_dial_result(
    session: Session,
    record: ConversationRecord,
    plan: RingPlan,
    step: int,
    answered: bool,
    next_step: int,
    now: datetime,
    dial_status: str,
) -> None:
    in_plan = 0 <= step < len(plan.steps)
    # The fallback number has no key press: its answer is known from the dial result.
    fallback = in_plan and plan.steps[step].kind is StepKind.FALLBACK
    if fallback and answered and record.answered_step is None:
        _answered_late_or_now(session, record, step, None, now)
    # "canceled": the caller hung up while the step rang; the plan went no further.
    moved_on = not answered and dial_status != "canceled"
    if moved_on and record.answered_step is None and record.ended_at is None:
        record.current_step = max(record.current_step, next_step)


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


def refuse_accept(
    config: TelephonyConfig, carried: CarriedPlan | None, step: int, target: int, digits: str
) -> VoiceResponse | None:
    """What a worker hears when their key press cannot be an acceptance, else None."""
    if digits != "1":
        return twiml.decline_leg(config, "Call not accepted. Goodbye.")
    if carried is not None and target_of(carried.plan, step, target) is None:
        return twiml.decline_leg(config, "This call is no longer available. Goodbye.")
    return None


def accept(
    context: TelephonyContext,
    call_sid: str,
    step: int,
    target: int,
    digits: str,
    carried: CarriedPlan | None,
    now: datetime,
) -> VoiceResponse:
    """The worker pressed a key. The first to press 1 gets the caller; others are told."""
    config = context.config
    refused = refuse_accept(config, carried, step, target, digits)
    if refused is not None:
        return refused
    # This host's claim first: it also decides while the database is away (telephony.claims).
    if claims.claim(context.claims, call_sid, step, target) is claims.Claim.LOST:
        return twiml.decline_leg(config, "A colleague has already answered this call. Goodbye.")
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call_sid)
        if record is None:
            raise UnknownCall(call_sid)
        person = target_of(_plan_of(record, carried), step, target)
        if person is None:
            return twiml.decline_leg(config, "This call is no longer available. Goodbye.")
        if not apply_accept(session, record, step, person, now, live=True):
            text = (
                "The caller has hung up. Goodbye."
                if record.answered_step is None
                else "A colleague has already answered this call. Goodbye."
            )
            return twiml.decline_leg(config, text)
    log.info("call %s: accepted at step %d", call_sid, step)
    return twiml.connect(config)


def apply_accept(
    session: Session,
    record: ConversationRecord,
    step: int,
    person: Target,
    now: datetime,
    *,
    live: bool,
) -> bool:
    """Record who pressed 1. False when someone else had (or, live, the caller had gone)."""
    won = records.claim_answer(session, record.id, step, person.worker_id, now)
    session.refresh(record)
    repeat = record.answered_step == step and record.accepted_worker_id == person.worker_id
    if not (won or repeat):
        if live or record.answered_step is not None:
            return False
        # Replayed: the accept happened before the call's end, which was written first.
        _answered_late_or_now(session, record, step, person.worker_id, now)
        won = True
    note_accepted_leg(session, record.id, step, person.number, person.worker_id, now)
    if won and person.worker_id is not None and record.ended_at is None:
        records.mark_on_call(session, record.id, person.worker_id, now)
    return True


def leg_status(
    context: TelephonyContext,
    call_sid: str,
    step: int,
    target: int,
    leg_sid: str,
    status: str,
    carried: CarriedPlan | None,
    now: datetime,
) -> None:
    if status not in STATUS_RANK:
        return
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call_sid)
        if record is None:
            raise UnknownCall(call_sid)
        person = target_of(_plan_of(record, carried), step, target)
        if person is not None:
            apply_leg_status(session, record, step, person, leg_sid, status, now)


def apply_leg_status(
    session: Session,
    record: ConversationRecord,
    step: int,
    person: Target,
    leg_sid: str,
    status: str,
    now: datetime,
) -> None:
    records.note_leg(
        session,
        record_id=record.id,
        step=step,
        number=person.number,
        worker_id=person.worker_id,
        result=status,
        rank=STATUS_RANK[status],
        now=now,
        leg_sid=leg_sid[:64] or None,
    )


def call_status(
    context: TelephonyContext,
    call: IncomingCall,
    status: str,
    duration: int | None,
    now: datetime,
) -> None:
    """The call's own status. Its end decides: to complete, or unanswered with a task."""
    rank = STATUS_RANK.get(status)
    if rank is None:
        return
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call.call_sid, lock=True)
        if record is None:
            if rank < FINAL_RANK:
                return
            record = adopt_call_routed_without_database(context, session, call, duration, now)
        apply_call_status(session, record, status, duration, now)
    if rank >= FINAL_RANK:
        context.offers_due.set()  # its worker is free: a waiting caller may be theirs


def apply_call_status(
    session: Session, record: ConversationRecord, status: str, duration: int | None, now: datetime
) -> None:
    rank = STATUS_RANK[status]
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
        log.info("call %s: ended unanswered; callback task left", record.call_sid)


def adopt_call_routed_without_database(
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
    fallback = match.line.fallback_number or context.config.fallback_number
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
    context: TelephonyContext,
    call_sid: str,
    recording_url: str,
    seconds: int | None,
    now: datetime,
) -> None:
    """The caller left a message: the call's callback task carries it."""
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call_sid, lock=True)
        if record is None:
            raise UnknownCall(call_sid)
        apply_recording(session, record, recording_url, seconds, now)


def apply_recording(
    session: Session, record: ConversationRecord, url: str, seconds: int | None, now: datetime
) -> None:
    records.leave_callback_task(session, record, now, recording_url=url, recording_seconds=seconds)
