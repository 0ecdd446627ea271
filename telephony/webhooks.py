"""Twilio's webhook endpoints, under /twilio.

Every request must carry a valid X-Twilio-Signature, checked against the public URL the
service is known by (DUTYLINE_PUBLIC_BASE_URL), so it works behind proxies; without one
the answer is 403 and nothing changes. Past that check, whatever fails inside, Twilio gets
TwiML that still routes the caller: never a 500, never silence.

The routes are async and do no database I/O on the event loop. Database work runs in
telephony.guard's own threads within the budget; when it fails or runs over, the answer
comes from telephony.offline (the snapshot and the ring plan carried in the URL) and what
could not be written is journaled. /twilio/fallback and /twilio/fallback-dial-result never
touch the database, so nothing can make them queue behind it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import VoiceResponse

from telephony import calls, metrics, offline, plan_token, queue, twiml
from telephony.calls import DialOutcome, IncomingCall, UnknownCall, line_named
from telephony.context import TelephonyContext, get_telephony
from telephony.guard import DatabaseUnavailable
from telephony.plan_token import CarriedPlan

log = logging.getLogger("dutyline.webhooks")

MAX_BODY_BYTES = 64 * 1024
MAX_FIELD_CHARS = 1024

router = APIRouter(prefix="/twilio", tags=["twilio"])


@dataclass(frozen=True, slots=True)
class TwilioRequest:
    params: dict[str, str]
    query: dict[str, str]
    context: TelephonyContext

    def get(self, name: str) -> str:
        # Twilio never sends a NUL; one could not be stored (PostgreSQL text refuses it), and
        # a callback that can never be stored would sit in the journal for good.
        return self.params.get(name, "")[:MAX_FIELD_CHARS].replace("\x00", "")

    def number(self, name: str) -> int | None:
        """A small whole number from the query or the form, or None if absent or bad.

        ASCII digits only: ``str.isdigit`` also takes '²' and other digits ``int`` refuses."""
        raw = self.query.get(name, self.params.get(name, ""))
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else None

    @property
    def incoming(self) -> IncomingCall:
        return IncomingCall(self.get("CallSid"), self.get("To"), self.get("From"))

    def carried_plan(self, call_sid: str) -> CarriedPlan | None:
        """The ring plan this service signed into the URL for this call, if any."""
        token = self.query.get("plan", "")
        if not token or not call_sid:
            return None
        return plan_token.read(self.context.config.auth_token, call_sid, token)


async def _read_body(request: Request) -> bytes:
    size, chunks = 0, []
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HTTPException(413, "request body too large")
        chunks.append(chunk)
    return b"".join(chunks)


async def twilio_request(
    request: Request, context: Annotated[TelephonyContext, Depends(get_telephony)]
) -> TwilioRequest:
    """Read the form and check it was signed by Twilio with our auth token."""
    content_type = request.headers.get("content-type", "")
    if request.method != "POST" or not content_type.startswith("application/x-www-form-urlencoded"):
        raise HTTPException(415, "expected a form-encoded POST from Twilio")
    body = await _read_body(request)
    try:
        params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError) as exc:
        raise HTTPException(400, "malformed form body") from exc
    query = request.url.query
    url = context.config.url(request.url.path + (f"?{query}" if query else ""))
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not context.validator.validate(url, params, signature):
        log.warning(
            "refused a request to %s: missing or invalid Twilio signature", request.url.path
        )
        raise HTTPException(403, "invalid Twilio signature")
    return TwilioRequest(params=params, query=dict(request.query_params), context=context)


Signed = Annotated[TwilioRequest, Depends(twilio_request)]


def _twiml(response: VoiceResponse) -> Response:
    return Response(content=str(response), media_type="application/xml")


def _said_why(what: str, twilio: TwilioRequest, exc: BaseException) -> None:
    # No personal data: the CallSid identifies the call; SQL parameters are hidden.
    if isinstance(exc, DatabaseUnavailable | UnknownCall | SQLAlchemyError):
        # The database away or refusing: expected in an outage, said without a traceback.
        log.warning(
            "%s for call %s: %s; going on without the database",
            what,
            twilio.get("CallSid")[:64],
            type(exc).__name__,
        )
        return
    log.error(
        "%s failed for call %s (%s); going on without the database",
        what,
        twilio.get("CallSid")[:64],
        type(exc).__name__,
        exc_info=exc,
    )


async def _with_database(
    what: str,
    endpoint: str,
    twilio: TwilioRequest,
    call_sid: str,
    work: Callable[[], VoiceResponse],
    otherwise: Callable[[], VoiceResponse],
) -> Response:
    """``work`` with the database within its budget, else ``otherwise`` (which journals).

    A call with journaled entries waiting has its later events journaled too, so that
    replay applies them in the order they happened.
    """
    context = twilio.context
    if not context.journal.knows_call(call_sid):
        try:
            return _twiml(await context.guard.run(endpoint, work))
        except Exception as exc:
            _said_why(what, twilio, exc)
    try:
        return _twiml(await context.guard.run_local(otherwise))
    except Exception as exc:  # the last resort must still answer
        log.exception("%s without the database failed (%s)", what, type(exc).__name__)
        greeting = endpoint == "voice"  # a new caller hears the greeting first
        return _twiml(offline.without_anything(context, twilio.get("To"), greeting=greeting))


async def _acknowledge(
    what: str,
    endpoint: str,
    twilio: TwilioRequest,
    call_sid: str,
    work: Callable[[], None],
    journal: Callable[[], bool],
) -> Response:
    """Callbacks that answer no TwiML: 204 once stored or journaled; 503 if neither."""
    context = twilio.context
    if not context.journal.knows_call(call_sid):
        try:
            await context.guard.run(endpoint, work)
            return Response(status_code=204)
        except Exception as exc:
            _said_why(what, twilio, exc)
    try:
        journaled = await context.guard.run_local(journal)
    except Exception as exc:
        log.error("%s: not journaled (%s)", what, type(exc).__name__)
        journaled = False
    return Response(status_code=204 if journaled else 503)


def _arrived(twilio: TwilioRequest) -> datetime:
    return twilio.context.clock()


@router.post("/voice", summary="A call comes in (Twilio's incoming-call webhook)")
async def incoming_call(twilio: Signed) -> Response:
    call, now, context = twilio.incoming, _arrived(twilio), twilio.context
    if not call.call_sid or len(call.call_sid) > 64:
        log.warning("incoming call without a usable CallSid; sending to the fallback")
        metrics.FALLBACKS.labels("no call sid").inc()
        return _twiml(offline.without_anything(context, call.to))
    return await _with_database(
        "incoming call",
        "voice",
        twilio,
        call.call_sid,
        lambda: calls.start_call(context, call, now),
        lambda: offline.start_call(context, call, now),
    )


@router.post("/fallback", summary="Twilio's 'primary handler fails' URL: needs no database")
async def primary_handler_failed(twilio: Signed) -> Response:
    log.error("Twilio used the fallback URL for call %s", twilio.get("CallSid")[:64])
    metrics.FALLBACKS.labels("primary handler failed").inc()
    return _twiml(offline.without_anything(twilio.context, twilio.get("To")))


def _dial_outcome(twilio: TwilioRequest) -> DialOutcome:
    return DialOutcome(
        status=twilio.get("DialCallStatus"),
        bridged=twilio.get("DialBridged").lower(),
        duration=twilio.number("DialCallDuration"),
    )


@router.post("/fallback-dial-result", summary="After the fallback number rang: needs no database")
async def fallback_dial_result(twilio: Signed) -> Response:
    outcome = _dial_outcome(twilio)
    if outcome.bridged == "true" or (
        outcome.bridged != "false" and outcome.status in ("completed", "answered")
    ):
        return _twiml(twiml.hang_up())
    if outcome.status == "canceled":
        return _twiml(twiml.hang_up())
    metrics.FALLBACKS.labels("voicemail").inc()  # after Twilio's own fallback path
    response = VoiceResponse()
    twiml.voicemail(response, twilio.context.config)
    return _twiml(response)


@router.post("/dial-result", summary="A step of the ring plan finished ringing")
async def dial_result(twilio: Signed) -> Response:
    call_sid, step = twilio.query.get("call") or twilio.get("CallSid"), twilio.number("step")
    if step is None:
        return _twiml(offline.without_anything(twilio.context, twilio.get("To"), greeting=False))
    context, now, outcome = twilio.context, _arrived(twilio), _dial_outcome(twilio)
    carried = twilio.carried_plan(call_sid)
    return await _with_database(
        "dial result",
        "dial-result",
        twilio,
        call_sid,
        lambda: calls.dial_result(context, call_sid, step, outcome, carried, now),
        lambda: offline.dial_result(context, call_sid, step, outcome, carried, now),
    )


def _leg(twilio: TwilioRequest) -> tuple[str, int, int] | None:
    call_sid, step, target = (
        twilio.query.get("call", ""),
        twilio.number("step"),
        twilio.number("target"),
    )
    if not call_sid or step is None or target is None:
        return None
    return call_sid, step, target


@router.post("/whisper", summary="The worker picked up: which line, press 1 to accept")
async def whisper(twilio: Signed) -> Response:
    leg = _leg(twilio)
    if leg is None:
        return _twiml(twiml.decline_leg(twilio.context.config, "This call is no longer available."))
    call_sid, step, target = leg
    query = {"call": call_sid, "step": str(step), "target": str(target)}
    if "plan" in twilio.query:
        query["plan"] = twilio.query["plan"]
    # Needs no database: the carried plan names the line.
    return _twiml(offline.whisper(twilio.context, twilio.carried_plan(call_sid), query))


@router.post("/accept", summary="The worker pressed a key after the whisper")
async def accept(twilio: Signed) -> Response:
    leg = _leg(twilio)
    if leg is None:
        return _twiml(twiml.decline_leg(twilio.context.config, "This call is no longer available."))
    call_sid, step, target = leg
    context, now, digits = twilio.context, _arrived(twilio), twilio.get("Digits")
    carried = twilio.carried_plan(call_sid)
    return await _with_database(
        "accept",
        "accept",
        twilio,
        call_sid,
        lambda: calls.accept(context, call_sid, step, target, digits, carried, now),
        lambda: offline.accept(context, call_sid, step, target, digits, carried, now),
    )


@router.post("/leg-status", summary="Status of one phone rung for a call")
async def leg_status(twilio: Signed) -> Response:
    leg = _leg(twilio)
    if leg is None:
        return Response(status_code=204)
    call_sid, step, target = leg
    context, now = twilio.context, _arrived(twilio)
    carried = twilio.carried_plan(call_sid)
    leg_sid, status = twilio.get("CallSid"), twilio.get("CallStatus")
    return await _acknowledge(
        "leg status",
        "leg-status",
        twilio,
        call_sid,
        lambda: calls.leg_status(context, call_sid, step, target, leg_sid, status, carried, now),
        lambda: offline.leg_status(context, call_sid, step, target, leg_sid, status, carried, now),
    )


@router.post("/status", summary="The call's status changed (set on the Twilio number)")
async def call_status(twilio: Signed) -> Response:
    if not twilio.get("CallSid"):
        return Response(status_code=204)
    context, now, call = twilio.context, _arrived(twilio), twilio.incoming
    status, duration = twilio.get("CallStatus"), twilio.number("CallDuration")
    if status not in calls.STATUS_RANK:
        return Response(status_code=204)
    return await _acknowledge(
        "call status",
        "status",
        twilio,
        call.call_sid,
        lambda: calls.call_status(context, call, status, duration, now),
        lambda: offline.call_status(context, call, status, duration, now),
    )


def _recording_of(twilio: TwilioRequest) -> tuple[str, str, int | None] | None:
    url = twilio.get("RecordingUrl")
    if url.startswith("https://") and len(url) <= 500 and twilio.get("CallSid"):
        return twilio.get("CallSid"), url, twilio.number("RecordingDuration")
    return None


async def _store_recording(twilio: TwilioRequest, endpoint: str) -> Response:
    found = _recording_of(twilio)
    if found is None:
        return Response(status_code=204)
    call_sid, url, seconds = found
    context, now = twilio.context, _arrived(twilio)
    return await _acknowledge(
        "recording",
        endpoint,
        twilio,
        call_sid,
        lambda: calls.voicemail(context, call_sid, url, seconds, now),
        lambda: offline.recording(context, call_sid, url, seconds, now),
    )


@router.post("/voicemail", summary="The caller finished leaving a message (Record action)")
async def voicemail(twilio: Signed) -> Response:
    # Stored (or journaled) first; the caller is thanked either way.
    await _store_recording(twilio, "voicemail")
    return _twiml(twiml.thank_for_message(twilio.context.config))


@router.post("/recording", summary="A recording is ready (recordingStatusCallback)")
async def recording(twilio: Signed) -> Response:
    if twilio.get("RecordingStatus") not in ("", "completed"):
        return Response(status_code=204)
    return await _store_recording(twilio, "recording")


# The in-hours queue (issue 12). Without the database the queue is passed over: a caller
# goes on down the carried plan, a worker already rung is still connected.


async def _queue_work(
    what: str,
    endpoint: str,
    twilio: TwilioRequest,
    work: Callable[[], VoiceResponse],
    otherwise: Callable[[], VoiceResponse],
) -> Response:
    try:
        return _twiml(await twilio.context.guard.run(endpoint, work))
    except Exception as exc:
        _said_why(what, twilio, exc)
    try:
        return _twiml(otherwise())
    except Exception as exc:  # the last resort must still answer
        log.exception("%s without the database failed (%s)", what, type(exc).__name__)
        return _twiml(offline.without_anything(twilio.context, twilio.get("To"), greeting=False))


def _caller_in_queue(twilio: TwilioRequest) -> tuple[str, int, int | None] | None:
    call_sid, step = twilio.query.get("call", ""), twilio.number("step")
    if not call_sid or step is None:
        return None
    return call_sid, step, twilio.number("wait")


@router.post("/queue-wait", summary="A caller waiting in a line's queue: what they hear now")
async def queue_wait(twilio: Signed) -> Response:
    found = _caller_in_queue(twilio)
    if found is None or found[2] is None:
        return _twiml(twiml.leave_queue())
    call_sid, step, max_wait = found[0], found[1], found[2]
    twilio.context.offers_due.set()  # while anyone waits, look for a free worker often
    waited = twilio.number("QueueTime") or 0
    position = twilio.number("QueuePosition")
    query = {"call": call_sid, "step": str(step), "wait": str(max_wait)}
    return _twiml(twiml.queue_wait(twilio.context.config, position, waited, max_wait, query))


@router.post("/queue-key", summary="A waiting caller pressed a key (star: a callback instead)")
async def queue_key(twilio: Signed) -> Response:
    found = _caller_in_queue(twilio)
    if found is None:
        return _twiml(twiml.leave_queue())
    if twilio.get("Digits") != "*":
        return _twiml(twiml.keep_waiting())
    call_sid, context = found[0], twilio.context
    try:
        await context.guard.run("queue-key", lambda: queue.chose_callback(context, call_sid))
    except Exception as exc:  # the leave is then read from how long they waited
        _said_why("queue key", twilio, exc)
    return _twiml(twiml.leave_queue())


@router.post("/queue-result", summary="A caller left a line's queue (the Enqueue action)")
async def queue_result(twilio: Signed) -> Response:
    found = _caller_in_queue(twilio)
    if found is None:
        return _twiml(offline.without_anything(twilio.context, twilio.get("To"), greeting=False))
    call_sid, step, max_wait = found
    context, now = twilio.context, _arrived(twilio)
    result, waited = twilio.get("QueueResult"), twilio.number("QueueTime")
    carried = twilio.carried_plan(call_sid)
    return await _queue_work(
        "queue result",
        "queue-result",
        twilio,
        lambda: queue.queue_result(context, call_sid, step, result, waited, carried, now),
        lambda: queue.without_database(context, call_sid, step, result, waited, max_wait, carried),
    )


def _offer(twilio: TwilioRequest) -> tuple[int, str] | None:
    offer_id = twilio.number("offer")
    return (offer_id, twilio.query.get("line", "")[:32]) if offer_id else None


@router.post("/queue-offer", summary="A worker rung for a waiting caller answered")
async def queue_offer(twilio: Signed) -> Response:
    found = _offer(twilio)
    context, now = twilio.context, _arrived(twilio)
    if found is None:
        return _twiml(twiml.decline_leg(context.config, "This call is no longer available."))
    offer_id, line_key = found

    def whisper_anyway() -> VoiceResponse:
        name = line_named(context.snapshots.latest(), line_key).name
        return twiml.offer_whisper(context.config, name, line_key, offer_id)

    return await _queue_work(
        "queue offer",
        "queue-offer",
        twilio,
        lambda: queue.offer_answered(context, offer_id, now),
        whisper_anyway,
    )


@router.post("/queue-accept", summary="A worker rung for a waiting caller pressed a key")
async def queue_accept(twilio: Signed) -> Response:
    found = _offer(twilio)
    context, now, digits = twilio.context, _arrived(twilio), twilio.get("Digits")
    if found is None:
        return _twiml(twiml.decline_leg(context.config, "This call is no longer available."))
    offer_id, line_key = found

    def connect_anyway() -> VoiceResponse:
        # The caller reaching a person comes first; the record learns of it as it can.
        if digits != "1" or not line_key:
            return twiml.decline_leg(context.config, "Call not accepted. Goodbye.")
        return twiml.dial_queue(context.config, line_key, offer_id)

    return await _queue_work(
        "queue accept",
        "queue-accept",
        twilio,
        lambda: queue.offer_accept(context, offer_id, digits, now),
        connect_anyway,
    )


@router.post("/queue-connected", summary="The head of a queue is being connected to a worker")
async def queue_connected(twilio: Signed) -> Response:
    found, context, now = _offer(twilio), twilio.context, _arrived(twilio)
    caller_sid = twilio.get("CallSid")

    def work() -> VoiceResponse:
        if found is not None and caller_sid:
            queue.connected(context, caller_sid, found[0], now)
        return twiml.queue_connected(context.config)

    return await _queue_work(
        "queue connected",
        "queue-connected",
        twilio,
        work,
        lambda: twiml.queue_connected(context.config),
    )


@router.post("/queue-offer-dialled", summary="A worker's connection to the queue ended")
async def queue_offer_dialled(twilio: Signed) -> Response:
    found, context, now = _offer(twilio), twilio.context, _arrived(twilio)
    outcome = _dial_outcome(twilio)
    bridged = outcome.bridged == "true" or (
        outcome.bridged != "false" and outcome.status in ("completed", "answered")
    )
    if found is None or bridged:
        return _twiml(twiml.hang_up())
    return await _queue_work(
        "queue offer dialled",
        "queue-offer-dialled",
        twilio,
        lambda: queue.offer_dialled(context, found[0], bridged, now),
        lambda: twiml.decline_leg(context.config, "The caller has hung up. Goodbye."),
    )


@router.post("/queue-offer-status", summary="Status of a call to a worker for a waiting caller")
async def queue_offer_status(twilio: Signed) -> Response:
    found, context, now = _offer(twilio), twilio.context, _arrived(twilio)
    status = twilio.get("CallStatus")
    if found is None or status not in calls.STATUS_RANK:
        return Response(status_code=204)
    try:
        await context.guard.run(
            "queue-offer-status", lambda: queue.offer_ended(context, found[0], status, now)
        )
    except Exception as exc:  # the offer expires by itself (models.queue.OFFER_EXPIRY)
        _said_why("queue offer status", twilio, exc)
    return Response(status_code=204)
