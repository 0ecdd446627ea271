"""The call path without the database: route from the snapshot, journal what happened.

Each function answers what telephony.calls would have answered, deciding from the
process's routing snapshot and the ring plan carried in the URL, and appends to the
journal what the database could not be told. It never raises: if even this fails the
caller is sent to the fallback number or asked for a message.
"""

from __future__ import annotations

import logging
from datetime import datetime

from twilio.twiml.voice_response import VoiceResponse

from routing import decide_call, line_for_number, normalise_number
from telephony import claims, metrics, plan_token, twiml
from telephony.calls import (
    DialOutcome,
    IncomingCall,
    count_fallback,
    line_named,
    past_queue,
    refuse_accept,
    target_of,
    twilio_says_answered,
)
from telephony.context import TelephonyContext
from telephony.plan_token import CarriedPlan

log = logging.getLogger("dutyline.offline")


def _journal(
    context: TelephonyContext, kind: str, call_sid: str, at: datetime, **data: object
) -> bool:
    try:
        context.journal.append(kind, call_sid, at, **data)
    except OSError as exc:
        # The caller is still routed; what is lost is said, without personal data.
        log.error("call %s: %s could not be journaled (%s)", call_sid, kind, type(exc).__name__)
        return False
    return True


def without_anything(context: TelephonyContext, to: str, *, greeting: bool = True) -> VoiceResponse:
    """The last resort: the fallback number, else a message. Needs no state at all."""
    snapshot = context.snapshots.latest()
    line = line_for_number(to, snapshot.lines if snapshot else ()).line
    return twiml.without_database(context.config, line, greeting=greeting)


def start_call(context: TelephonyContext, call: IncomingCall, now: datetime) -> VoiceResponse:
    """Route a new call from the snapshot by the same rules, and journal its record."""
    config = context.config
    try:
        snapshot = context.snapshots.latest()
        match = line_for_number(call.to, snapshot.lines if snapshot else ())
        free = list(snapshot.duty_workers.get(match.line.key, ())) if snapshot else []
        decision = decide_call(
            now=now,
            dialled=call.to,
            lines=snapshot.lines if snapshot else (),
            overrides=snapshot.overrides if snapshot else (),
            duty_workers=free,
            shifts=snapshot.shifts if snapshot else (),
            fallback_number=config.fallback_number,
            max_parallel=config.max_parallel_duty,
            timeouts=config.timeouts,
            # The same plan as with the database, so the record replays alike; without
            # the database its queue step is passed over (telephony.twiml).
            queue=True,
        )
    except Exception as exc:
        log.error("call %s: no route from the snapshot (%s)", call.call_sid, type(exc).__name__)
        metrics.FALLBACKS.labels("no snapshot route").inc()
        return without_anything(context, call.to)
    line = decision.line_match.line
    metrics.CALLS_ROUTED_FROM_SNAPSHOT.labels(line.key).inc()
    _journal(
        context,
        "call_started",
        call.call_sid,
        now,
        line_key=line.key,
        line_number=line.number,
        caller=normalise_number(call.from_) or call.from_[:32] or None,
        dialled=call.to[:32] or None,
        dialled_known=decision.line_match.known,
        period=decision.period.period.value,
        period_reason=f"{decision.period.reason}; routed from the snapshot"[:200],
        plan=decision.plan.to_json(),
    )
    log.warning(
        "call %s: routed from the snapshot, %s line, %s, %d step(s)",
        call.call_sid,
        line.key,
        decision.period.period.value,
        len(decision.plan.steps),
    )
    count_fallback(decision.plan, past_queue(decision.plan, 0))
    token = plan_token.sign(config.auth_token, call.call_sid, decision.plan, now)
    return twiml.first_answer(config, line, call.call_sid, decision.plan, token)


def dial_result(
    context: TelephonyContext,
    call_sid: str,
    step: int,
    outcome: DialOutcome,
    carried: CarriedPlan | None,
    now: datetime,
) -> VoiceResponse:
    """The next step from the carried plan; hang up once somebody answered."""
    if carried is None:
        # Not our URL (or an old one): answered or not, nothing to ring but the fallback.
        if outcome.bridged == "true" or outcome.status == "canceled":
            return twiml.hang_up()
        metrics.FALLBACKS.labels("no ring plan").inc()
        return without_anything(context, "", greeting=False)
    plan = carried.plan
    in_plan = 0 <= step < len(plan.steps)
    said = twilio_says_answered(plan.steps[step].kind, outcome) if in_plan else None
    answered = said if said is not None else claims.taken(context.claims, call_sid)
    next_step = step + 1 if in_plan else len(plan.steps)
    _journal(
        context,
        "dial_result",
        call_sid,
        now,
        step=step,
        status=outcome.status[:16],
        answered=answered,
        next_step=next_step,
        plan=plan.to_json(),
    )
    if answered or outcome.status == "canceled":
        return twiml.hang_up()
    count_fallback(plan, past_queue(plan, next_step))
    line = line_named(context.snapshots.latest(), plan.line_key)
    token = plan_token.sign(context.config.auth_token, call_sid, plan, carried.started_at)
    return twiml.next_in_plan(context.config, line, call_sid, plan, next_step, token)


def whisper(
    context: TelephonyContext, carried: CarriedPlan | None, accept_query: dict[str, str]
) -> VoiceResponse:
    """Needs no database: the line's name comes from the carried plan and the snapshot."""
    name = "Duty line"
    if carried is not None:
        name = line_named(context.snapshots.latest(), carried.plan.line_key).name
    return twiml.whisper(context.config, name, accept_query)


def accept(
    context: TelephonyContext,
    call_sid: str,
    step: int,
    target: int,
    digits: str,
    carried: CarriedPlan | None,
    now: datetime,
) -> VoiceResponse:
    """First to press 1 on this host gets the caller (telephony.claims); journaled."""
    config = context.config
    refused = refuse_accept(config, carried, step, target, digits)
    if refused is not None:
        return refused
    person = target_of(carried.plan, step, target) if carried is not None else None
    try:
        outcome = claims.claim(context.claims, call_sid, step, target)
    except OSError as exc:
        # Cannot tell: connecting a waiting caller beats dropping them; Twilio still
        # bridges only the first leg.
        log.error("call %s: accept claim failed (%s)", call_sid, type(exc).__name__)
        outcome = claims.Claim.WON
    if outcome is claims.Claim.LOST:
        return twiml.decline_leg(config, "A colleague has already answered this call. Goodbye.")
    if person is not None:
        _journal(
            context,
            "accepted",
            call_sid,
            now,
            step=step,
            target=target,
            number=person.number,
            worker_id=person.worker_id,
        )
    return twiml.connect(config)


def leg_status(
    context: TelephonyContext,
    call_sid: str,
    step: int,
    target: int,
    leg_sid: str,
    status: str,
    carried: CarriedPlan | None,
    now: datetime,
) -> bool:
    person = target_of(carried.plan, step, target) if carried is not None else None
    if person is None:
        return True  # nothing to record against
    return _journal(
        context,
        "leg_status",
        call_sid,
        now,
        step=step,
        number=person.number,
        worker_id=person.worker_id,
        leg_sid=leg_sid[:64],
        status=status[:16],
    )


def call_status(
    context: TelephonyContext, call: IncomingCall, status: str, duration: int | None, now: datetime
) -> bool:
    return _journal(
        context,
        "call_status",
        call.call_sid,
        now,
        status=status[:16],
        duration=duration,
        to=call.to[:32],
        caller=normalise_number(call.from_) or call.from_[:32] or None,
    )


def recording(
    context: TelephonyContext, call_sid: str, url: str, seconds: int | None, now: datetime
) -> bool:
    return _journal(context, "recording", call_sid, now, url=url, seconds=seconds)
