"""No call left ringing: records whose final status callback was lost are resolved.

A record still ringing or in progress ``ask_after`` after it started is checked with
Twilio's REST API (when an account SID is set) and, if Twilio says it ended, updated as
the status callback would have. One still unresolved ``give_up_after`` after it started
(past any plausible end: a bridged call lasts at most four hours, Twilio's default Dial
time limit, plus the ring plan) is marked, and a callback task raised, so that somebody
checks on the caller.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from models import CallbackReason, RecordStatus
from models import calls as records
from telephony import calls
from telephony.call_lookup import CallLookup
from telephony.context import TelephonyContext

log = logging.getLogger("dutyline.sweep")


@dataclass(frozen=True, slots=True)
class SweepPolicy:
    ask_after: timedelta = timedelta(minutes=30)
    give_up_after: timedelta = timedelta(hours=5)


@dataclass
class SweepResult:
    confirmed: int = 0  # ended, by what Twilio said
    still_live: int = 0
    unconfirmed: int = 0  # marked, with a callback task


def sweep(
    context: TelephonyContext, lookup: CallLookup | None, policy: SweepPolicy, now: datetime
) -> SweepResult:
    result = SweepResult()
    # Each database step within a deadline: a stalled database must not hold the sweep.
    seconds = context.guard.budget * 3

    def stale_calls() -> list[tuple[str, datetime]]:
        with context.session_factory() as session:
            found = records.calls_not_ended(session, now - policy.ask_after)
            return [(record.call_sid, record.started_at) for record in found]

    for call_sid, started_at in context.guard.run_sync(stale_calls, seconds):
        state = lookup.call_state(call_sid) if lookup is not None else None
        if state is not None and calls.STATUS_RANK.get(state.status, 0) >= calls.FINAL_RANK:
            ended = state.ended_at or now
            apply = partial(_apply_status, context, call_sid, state.status, state.duration, ended)
            context.guard.run_sync(apply, seconds)
            result.confirmed += 1
        elif now - started_at >= policy.give_up_after:
            context.guard.run_sync(partial(_mark_unconfirmed, context, call_sid, now), seconds)
            result.unconfirmed += 1
        else:
            result.still_live += 1
    return result


def _apply_status(
    context: TelephonyContext, call_sid: str, status: str, duration: int | None, at: datetime
) -> None:
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call_sid, lock=True)
        if record is not None:
            calls.apply_call_status(session, record, status, duration, at)
    log.warning("call %s: its lost end was confirmed by Twilio (%s)", call_sid, status)


def _mark_unconfirmed(context: TelephonyContext, call_sid: str, now: datetime) -> None:
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call_sid, lock=True)
        if record is None or record.ended_at is not None:
            return
        record.end_unconfirmed_at = now
        records.end_on_call(session, record.id)
        if record.answered_step is None:
            record.status = RecordStatus.UNANSWERED
        elif record.completed_at is None:
            record.status = RecordStatus.TO_COMPLETE
        session.flush()
        records.leave_callback_task(
            session, record, now, reason=CallbackReason.END_NOT_CONFIRMED, urgent=True
        )
    log.error("call %s: its end was never confirmed; callback task raised", call_sid)
