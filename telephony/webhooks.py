"""Twilio's webhook endpoints, under /twilio.

Every request must carry a valid X-Twilio-Signature, checked against the public URL the
service is known by (DUTYLINE_PUBLIC_BASE_URL), so it works behind proxies; without one
the answer is 403 and nothing changes. Past that check, whatever fails inside, Twilio gets
TwiML that still routes the caller: never a 500, never silence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from twilio.twiml.voice_response import VoiceResponse

from routing import line_for_number
from telephony import calls, twiml
from telephony.calls import IncomingCall
from telephony.context import TelephonyContext, get_telephony

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
        return self.params.get(name, "")[:MAX_FIELD_CHARS]

    def number(self, name: str) -> int | None:
        """A small whole number from the query or the form, or None if absent or bad.

        ASCII digits only: ``str.isdigit`` also takes '²' and other digits ``int`` refuses."""
        raw = self.query.get(name, self.params.get(name, ""))
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else None

    @property
    def incoming(self) -> IncomingCall:
        return IncomingCall(self.get("CallSid"), self.get("To"), self.get("From"))


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


def _safely(
    what: str,
    twilio: TwilioRequest,
    work: Callable[[], VoiceResponse],
    otherwise: Callable[[], VoiceResponse],
) -> Response:
    try:
        return _twiml(work())
    except Exception as exc:
        # No personal data: the CallSid identifies the call; SQL parameters are hidden.
        log.exception(
            "%s failed for call %s (%s); routing on without it",
            what,
            twilio.get("CallSid")[:64],
            type(exc).__name__,
        )
        return _twiml(otherwise())


def _to_fallback(twilio: TwilioRequest, *, greeting: bool = True) -> Callable[[], VoiceResponse]:
    def fallback() -> VoiceResponse:
        snapshot = twilio.context.snapshots.latest()
        line = line_for_number(twilio.get("To"), snapshot.lines if snapshot else ()).line
        return twiml.without_database(twilio.context.config, line, greeting=greeting)

    return fallback


@router.post("/voice", summary="A call comes in (Twilio's incoming-call webhook)")
def incoming_call(twilio: Signed) -> Response:
    call = twilio.incoming
    if not call.call_sid or len(call.call_sid) > 64:
        log.warning("incoming call without a usable CallSid; sending to the fallback")
        return _twiml(_to_fallback(twilio)())
    return _safely(
        "incoming call",
        twilio,
        lambda: calls.start_call(twilio.context, call),
        _to_fallback(twilio),
    )


@router.post("/fallback", summary="Twilio's 'primary handler fails' URL: needs no database")
def primary_handler_failed(twilio: Signed) -> Response:
    log.error("Twilio used the fallback URL for call %s", twilio.get("CallSid")[:64])
    return _twiml(_to_fallback(twilio)())


@router.post("/fallback-dial-result", summary="After the fallback number rang: needs no database")
def fallback_dial_result(twilio: Signed) -> Response:
    if twilio.get("DialCallStatus") == "completed":
        return _twiml(twiml.hang_up())
    response = VoiceResponse()
    twiml.voicemail(response, twilio.context.config)
    return _twiml(response)


@router.post("/dial-result", summary="A step of the ring plan finished ringing")
def dial_result(twilio: Signed) -> Response:
    call_sid, step = twilio.query.get("call") or twilio.get("CallSid"), twilio.number("step")
    if step is None:
        return _twiml(_to_fallback(twilio, greeting=False)())
    return _safely(
        "dial result",
        twilio,
        lambda: calls.dial_result(twilio.context, call_sid, step, twilio.get("DialCallStatus")),
        _to_fallback(twilio, greeting=False),
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
def whisper(twilio: Signed) -> Response:
    leg = _leg(twilio)
    if leg is None:
        return _twiml(twiml.decline_leg(twilio.context.config, "This call is no longer available."))
    call_sid, step, target = leg
    query = {"call": call_sid, "step": str(step), "target": str(target)}
    return _safely(
        "whisper",
        twilio,
        lambda: calls.whisper(twilio.context, call_sid, step, target),
        lambda: twiml.whisper(twilio.context.config, "Duty line", query),
    )


@router.post("/accept", summary="The worker pressed a key after the whisper")
def accept(twilio: Signed) -> Response:
    leg = _leg(twilio)
    if leg is None:
        return _twiml(twiml.decline_leg(twilio.context.config, "This call is no longer available."))
    call_sid, step, target = leg
    digits = twilio.get("Digits")
    # If the database fails here, connect the worker who pressed 1: the caller is waiting.
    return _safely(
        "accept",
        twilio,
        lambda: calls.accept(twilio.context, call_sid, step, target, digits),
        lambda: twiml.connect(twilio.context.config) if digits == "1" else twiml.hang_up(),
    )


def _acknowledge(what: str, twilio: TwilioRequest, work: Callable[[], None]) -> Response:
    """Callbacks that answer no TwiML: 204 when stored, 503 (Twilio may retry) when not."""
    try:
        work()
    except Exception as exc:
        log.exception(
            "%s failed for call %s (%s)", what, twilio.get("CallSid")[:64], type(exc).__name__
        )
        return Response(status_code=503)
    return Response(status_code=204)


@router.post("/leg-status", summary="Status of one phone rung for a call")
def leg_status(twilio: Signed) -> Response:
    leg = _leg(twilio)
    if leg is None:
        return Response(status_code=204)
    call_sid, step, target = leg
    return _acknowledge(
        "leg status",
        twilio,
        lambda: calls.leg_status(
            twilio.context, call_sid, step, target, twilio.get("CallSid"), twilio.get("CallStatus")
        ),
    )


@router.post("/status", summary="The call's status changed (set on the Twilio number)")
def call_status(twilio: Signed) -> Response:
    if not twilio.get("CallSid"):
        return Response(status_code=204)
    return _acknowledge(
        "call status",
        twilio,
        lambda: calls.call_status(
            twilio.context, twilio.incoming, twilio.get("CallStatus"), twilio.number("CallDuration")
        ),
    )


def _recording(twilio: TwilioRequest) -> None:
    url = twilio.get("RecordingUrl")
    if url.startswith("https://") and len(url) <= 500 and twilio.get("CallSid"):
        calls.voicemail(
            twilio.context, twilio.get("CallSid"), url, twilio.number("RecordingDuration")
        )


@router.post("/voicemail", summary="The caller finished leaving a message (Record action)")
def voicemail(twilio: Signed) -> Response:
    def store_and_thank() -> VoiceResponse:
        _recording(twilio)
        return twiml.thank_for_message(twilio.context.config)

    return _safely(
        "voicemail", twilio, store_and_thank, lambda: twiml.thank_for_message(twilio.context.config)
    )


@router.post("/recording", summary="A recording is ready (recordingStatusCallback)")
def recording(twilio: Signed) -> Response:
    if twilio.get("RecordingStatus") not in ("", "completed"):
        return Response(status_code=204)
    return _acknowledge("recording", twilio, lambda: _recording(twilio))
