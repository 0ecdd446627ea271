"""The in-hours queue with the database: joining, waiting, leaving, and offers to workers.

In hours, when no duty worker is free or none accepted, the ring plan's queue step holds
the caller in the line's Twilio queue (<Enqueue>). When a duty worker is free, the offer
thread (``offer_waiting_callers``) rings them through Twilio's REST API for the caller who
has waited longest; on pressing 1 they are connected to the head of the queue
(<Dial><Queue>). After the line's longest wait, or when the caller presses star, the caller
leaves the queue for the rest of the plan, or a message with a callback task.

Like telephony.calls, these functions let errors rise; telephony.webhooks answers without
the database (the queue skipped) when they do.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from models import ConversationRecord, Line, Worker
from models import calls as records
from models import queue as queued
from models.queue import OfferResult, QueueEntry, QueueOffer, QueueResult
from routing import RingPlan
from telephony import plan_token, twiml
from telephony.calls import (
    STATUS_RANK,
    UnknownCall,
    count_fallback,
    line_named,
    note_accepted_leg,
)
from telephony.context import TelephonyContext
from telephony.plan_token import CarriedPlan
from telephony.rest import OutboundCall

log = logging.getLogger("dutyline.queue")

MAX_OFFERS_PER_ROUND = 20
# Twilio's QueueTime when the caller pressed star comes before the longest wait; a leave
# this close to it is taken as the wait running out.
_WAIT_MARGIN_SECONDS = 2


def chose_callback(context: TelephonyContext, call_sid: str) -> None:
    """The caller pressed star: noted before they leave, so the leave is read right."""
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call_sid)
        if record is None:
            raise UnknownCall(call_sid)
        entry = queued.entry_of_record(session, record.id, lock=True)
        if entry is not None and entry.left_at is None:
            entry.callback_chosen = True


def queue_result(
    context: TelephonyContext,
    call_sid: str,
    step: int,
    result: str,
    waited: int | None,
    carried: CarriedPlan | None,
    now: datetime,
) -> VoiceResponse:
    """The caller left the queue (Twilio's Enqueue action): why decides what follows."""
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, call_sid, lock=True)
        if record is None:
            raise UnknownCall(call_sid)
        entry = queued.entry_of_record(session, record.id, lock=True)
        plan = carried.plan if carried is not None else RingPlan.from_json(record.plan)
        if result in ("bridged", "hangup"):
            if entry is not None:
                why = QueueResult.BRIDGED if result == "bridged" else QueueResult.HANGUP
                queued.leave_queue(session, entry, why, now)
            context.offers_due.set()  # the queue moves on
            return twiml.hang_up()
        why = _why_left(result, waited, entry)
        callback = why is QueueResult.CALLBACK
        if entry is not None:
            queued.leave_queue(session, entry, why, now)
        if callback and record.answered_step is None:
            _callback_instead(session, record, plan)
            response = VoiceResponse()
            twiml.voicemail(response, context.config)
            return response
        next_step = step + 1
        if record.answered_step is None and record.ended_at is None:
            record.current_step = max(record.current_step, next_step)
        started = carried.started_at if carried is not None else record.started_at
        token = plan_token.sign(context.config.auth_token, call_sid, plan, started)
        count_fallback(plan, next_step)
        line = line_named(context.snapshots.latest(), plan.line_key)
        return twiml.next_in_plan(context.config, line, call_sid, plan, next_step, token)


def _why_left(result: str, waited: int | None, entry: QueueEntry | None) -> QueueResult:
    """Only star makes the wait URL answer <Leave> before the longest wait: a leave well
    before it is the caller's choice even if noting the key press failed."""
    if entry is None or result != "leave":
        return QueueResult.OTHER
    early = waited is not None and waited < entry.max_wait_seconds - _WAIT_MARGIN_SECONDS
    if entry.callback_chosen or early:
        return QueueResult.CALLBACK
    return QueueResult.MAX_WAIT


def _callback_instead(session: Session, record: ConversationRecord, plan: RingPlan) -> None:
    """A callback instead of waiting. The task keeps the time the caller first rang, so
    they keep their place among the callbacks; a message, if they leave one, joins it."""
    record.current_step = len(plan.steps)
    session.flush()
    records.leave_callback_task(session, record, record.started_at)
    log.info("call %s: left the queue for a callback", record.call_sid)


def without_database(
    context: TelephonyContext,
    call_sid: str,
    step: int,
    result: str,
    waited: int | None,
    max_wait: int | None,
    carried: CarriedPlan | None,
) -> VoiceResponse:
    """The Enqueue action with the database away: on down the carried plan, the queue
    passed over; a leave well before the longest wait was the caller pressing star."""
    if result in ("bridged", "hangup"):
        return twiml.hang_up()
    pressed_star = (
        result == "leave"
        and waited is not None
        and max_wait is not None
        and waited < max_wait - _WAIT_MARGIN_SECONDS
    )
    if pressed_star or carried is None:
        response = VoiceResponse()
        twiml.voicemail(response, context.config)
        return response
    plan = carried.plan
    token = plan_token.sign(context.config.auth_token, call_sid, plan, carried.started_at)
    line = line_named(context.snapshots.latest(), plan.line_key)
    count_fallback(plan, step + 1)
    return twiml.next_in_plan(context.config, line, call_sid, plan, step + 1, token)


# Offers to free workers


def offer_waiting_callers(context: TelephonyContext, now: datetime) -> int:
    """Ring free duty workers for the callers who have waited longest; how many were rung.

    Each pairing is decided and stored before Twilio is asked (``models.queue.claim_offer``),
    so another process can neither ring a second worker for that caller nor this worker
    for another caller meanwhile.
    """
    rest = context.rest
    if rest is None:
        return 0
    made = 0
    for _ in range(MAX_OFFERS_PER_ROUND):
        with context.session_factory.begin() as session:
            offer = queued.claim_offer(session, now, context.config.queue_retry_after)
        if offer is None:
            break
        config = context.config
        sid = rest.place_call(
            OutboundCall(
                to=offer.worker_phone,
                from_=offer.line_number,
                url=config.url(f"/twilio/queue-offer?offer={offer.offer_id}&line={offer.line_key}"),
                status_callback=config.url(f"/twilio/queue-offer-status?offer={offer.offer_id}"),
                timeout_seconds=config.timeouts.duty,
            )
        )
        with context.session_factory.begin() as session:
            stored = queued.offer_by_id(session, offer.offer_id, lock=True)
            if stored is not None and sid:
                stored.call_sid = sid[:64]
            elif stored is not None:
                queued.end_offer(session, stored, OfferResult.FAILED, now)
        log.info(
            "queue offer %d: worker %d rung (%s)", offer.offer_id, offer.worker_id, sid or "refused"
        )
        made += 1
    return made


def offer_answered(context: TelephonyContext, offer_id: int, now: datetime) -> VoiceResponse:
    """The worker rung for a waiting caller picked up: the whisper, or why not.

    If their caller has gone and another is waiting for nobody, the offer moves to them."""
    config = context.config
    with context.session_factory.begin() as session:
        offer = queued.offer_by_id(session, offer_id, lock=True)
        if offer is None or offer.ended_at is not None:
            return twiml.decline_leg(config, "This call is no longer available. Goodbye.")
        entry = session.get_one(QueueEntry, offer.entry_id)
        before = ""
        if entry.left_at is not None:
            other = queued.next_entry_for(session, offer, now, config.queue_retry_after)
            if other is None:
                queued.end_offer(session, offer, OfferResult.CALLER_LEFT, now)
                context.offers_due.set()
                return twiml.decline_leg(config, "The caller has hung up. Goodbye.")
            offer.entry_id = other.id
            entry = other
            before = "The caller you were rung for has hung up. Another caller is waiting."
        line = session.get_one(Line, entry.line_id)
        return twiml.offer_whisper(config, line.name, line.key, offer_id, before)


def offer_accept(
    context: TelephonyContext, offer_id: int, digits: str, now: datetime
) -> VoiceResponse:
    """The worker pressed a key: 1 connects them to the head of the queue."""
    config = context.config
    with context.session_factory.begin() as session:
        offer = queued.offer_by_id(session, offer_id, lock=True)
        if offer is None or offer.ended_at is not None:
            return twiml.decline_leg(config, "This call is no longer available. Goodbye.")
        if digits != "1":
            queued.end_offer(session, offer, OfferResult.DECLINED, now)
            context.offers_due.set()
            return twiml.decline_leg(config, "Call not accepted. Goodbye.")
        entry = session.get_one(QueueEntry, offer.entry_id)
        if entry.left_at is not None:
            queued.end_offer(session, offer, OfferResult.CALLER_LEFT, now)
            context.offers_due.set()
            return twiml.decline_leg(config, "The caller has hung up. Goodbye.")
        offer.accepted_at = now
        line = session.get_one(Line, entry.line_id)
        return twiml.dial_queue(config, line.key, offer_id)


def connected(context: TelephonyContext, caller_sid: str, offer_id: int, now: datetime) -> None:
    """Twilio is bridging the head of the queue to the worker: the call is answered."""
    with context.session_factory.begin() as session:
        record = records.record_by_sid(session, caller_sid, lock=True)
        offer = queued.offer_by_id(session, offer_id, lock=True)
        if record is None or offer is None:
            raise UnknownCall(caller_sid)
        entry = queued.entry_of_record(session, record.id, lock=True)
        step = entry.step if entry is not None else record.current_step
        worker = session.get_one(Worker, offer.worker_id)
        if records.claim_answer(session, record.id, step, worker.id, now):
            session.refresh(record)
            records.mark_on_call(session, record.id, worker.id, now)
        note_accepted_leg(session, record.id, step, worker.phone, worker.id, now)
        queued.end_offer(session, offer, OfferResult.ACCEPTED, now)
        if entry is not None:
            queued.leave_queue(session, entry, QueueResult.BRIDGED, now)
            if entry.id != offer.entry_id:
                _swap_offers(session, entry, offer.entry_id)
    log.info("call %s: connected from the queue (offer %d)", caller_sid, offer_id)


def _swap_offers(session: Session, taken: QueueEntry, meant_for: int) -> None:
    """Twilio gave the worker the head of the queue, not the caller they were rung for:
    whoever was being rung for the head is now being rung for that caller."""
    session.flush()  # this worker's offer ended first: one live offer per caller
    live = select(QueueOffer).where(QueueOffer.entry_id == taken.id, QueueOffer.ended_at.is_(None))
    for other in session.scalars(live):
        if other.accepted_at is None:
            other.entry_id = meant_for


def offer_ended(context: TelephonyContext, offer_id: int, status: str, now: datetime) -> None:
    """The worker's call ended (or failed): an offer not yet taken is a decline."""
    if STATUS_RANK.get(status, 0) < 4:
        return
    with context.session_factory.begin() as session:
        offer = queued.offer_by_id(session, offer_id, lock=True)
        if offer is not None and offer.ended_at is None:
            result = OfferResult.DECLINED if offer.accepted_at is None else OfferResult.CALLER_LEFT
            queued.end_offer(session, offer, result, now)
    context.offers_due.set()


def offer_dialled(
    context: TelephonyContext, offer_id: int, bridged: bool, now: datetime
) -> VoiceResponse:
    """After the worker's <Dial><Queue>: nobody was there if it did not bridge."""
    if bridged:
        return twiml.hang_up()
    with context.session_factory.begin() as session:
        offer = queued.offer_by_id(session, offer_id, lock=True)
        if offer is not None:
            queued.end_offer(session, offer, OfferResult.CALLER_LEFT, now)
    context.offers_due.set()
    return twiml.decline_leg(context.config, "The caller has hung up. Goodbye.")
