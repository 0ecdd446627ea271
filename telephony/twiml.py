"""The TwiML the service answers with, built with the twilio library (never by hand)."""

from __future__ import annotations

from urllib.parse import urlencode

from twilio.twiml.voice_response import VoiceResponse

from routing import RingPlan, RingStep, RoutingLine, StepKind
from telephony.config import TelephonyConfig

LEG_EVENTS = "initiated ringing answered completed"


def _say(response: VoiceResponse, config: TelephonyConfig, text: str) -> None:
    response.say(text, voice=config.voice, language=config.language)


def _url(config: TelephonyConfig, path: str, **query: str | int) -> str:
    return config.url(f"{path}?{urlencode(query)}" if query else path)


def greeting_text(service_name: str, line: RoutingLine) -> str:
    """The line's own greeting, or the standard one naming the line; then, always, 999."""
    opening = line.greeting or f"You have reached the {service_name}, {line.name}."
    return (
        f"{opening} If a child is in immediate danger, hang up and dial 9 9 9 now. "
        "Please hold while we connect you."
    )


def greet(response: VoiceResponse, config: TelephonyConfig, line: RoutingLine) -> None:
    _say(response, config, greeting_text(config.service_name, line))


def ring_step(
    response: VoiceResponse,
    config: TelephonyConfig,
    line: RoutingLine,
    call_sid: str,
    index: int,
    step: RingStep,
    token: str,
) -> None:
    """Ring every target of one step at once; the Dial's action decides what comes next.

    Workers hear a whisper and must press 1, so a personal voicemail can never take the
    call. The fallback number is an organisation's line and is connected straight away.
    ``token`` is the signed ring plan (telephony.plan_token), carried in every URL.
    """
    step_query = urlencode({"call": call_sid, "step": index, "plan": token})
    dial = response.dial(
        action=config.url(f"/twilio/dial-result?{step_query}"),
        method="POST",
        timeout=step.timeout_seconds,
        caller_id=line.number,
        answer_on_bridge=True,
    )
    for position, target in enumerate(step.targets):
        leg = f"{step_query}&target={position}"  # the whisper and the leg's status share it
        whisper = (
            {"url": config.url(f"/twilio/whisper?{leg}"), "method": "POST"}
            if step.kind is not StepKind.FALLBACK
            else {}
        )
        dial.number(
            target.number,
            status_callback=config.url(f"/twilio/leg-status?{leg}"),
            status_callback_event=LEG_EVENTS,
            status_callback_method="POST",
            **whisper,
        )


def voicemail(response: VoiceResponse, config: TelephonyConfig) -> None:
    _say(
        response,
        config,
        "Nobody is free to take your call right now. Please leave your name, your number "
        "and a short message after the tone, and a social worker will call you back. "
        "If a child is in immediate danger, hang up and dial 9 9 9.",
    )
    response.record(
        action=config.url("/twilio/voicemail"),
        method="POST",
        max_length=config.voicemail_max_seconds,
        timeout=10,
        play_beep=True,
        finish_on_key="#",
        recording_status_callback=config.url("/twilio/recording"),
        recording_status_callback_method="POST",
    )
    _say(response, config, "We did not receive a message. We will call you back on this number.")
    response.hangup()


def _ring_or_take_message(
    response: VoiceResponse,
    config: TelephonyConfig,
    line: RoutingLine,
    call_sid: str,
    plan: RingPlan,
    index: int,
    token: str,
    queue_wait: int | None = None,
) -> None:
    if index < len(plan.steps) and plan.steps[index].kind is StepKind.QUEUE:
        if queue_wait:
            enqueue(response, config, line, call_sid, index, token, queue_wait)
            return
        # No queue to join (no database, or the line has none): straight on.
        index += 1
    if index < len(plan.steps):
        ring_step(response, config, line, call_sid, index, plan.steps[index], token)
    else:
        voicemail(response, config)


def next_in_plan(
    config: TelephonyConfig,
    line: RoutingLine,
    call_sid: str,
    plan: RingPlan,
    index: int,
    token: str,
    queue_wait: int | None = None,
) -> VoiceResponse:
    """Ring step ``index`` of the plan, or, past its last step, take a message.

    A queue step is joined with ``queue_wait`` (its longest wait), else passed over."""
    response = VoiceResponse()
    _ring_or_take_message(response, config, line, call_sid, plan, index, token, queue_wait)
    return response


def first_answer(
    config: TelephonyConfig,
    line: RoutingLine,
    call_sid: str,
    plan: RingPlan,
    token: str,
    index: int = 0,
    queue_wait: int | None = None,
) -> VoiceResponse:
    """The greeting, then step ``index`` of the plan (later than 0 when Twilio retried)."""
    response = VoiceResponse()
    greet(response, config, line)
    _ring_or_take_message(response, config, line, call_sid, plan, index, token, queue_wait)
    return response


def whisper(
    config: TelephonyConfig, line_name: str, accept_url_query: dict[str, str]
) -> VoiceResponse:
    response = VoiceResponse()
    gather = response.gather(
        num_digits=1,
        timeout=config.accept_seconds,
        action=_url(config, "/twilio/accept", **accept_url_query),
        method="POST",
    )
    gather.say(
        f"{line_name} call. Press 1 to accept.", voice=config.voice, language=config.language
    )
    # No key pressed: end this leg, so the call keeps ringing elsewhere instead of landing
    # in a personal voicemail.
    response.hangup()
    return response


def connect(config: TelephonyConfig) -> VoiceResponse:
    """The worker accepted: end the whisper and Twilio bridges the caller."""
    response = VoiceResponse()
    _say(response, config, "Connecting you now.")
    return response


def decline_leg(config: TelephonyConfig, text: str) -> VoiceResponse:
    response = VoiceResponse()
    _say(response, config, text)
    response.hangup()
    return response


def hang_up() -> VoiceResponse:
    response = VoiceResponse()
    response.hangup()
    return response


def thank_for_message(config: TelephonyConfig) -> VoiceResponse:
    response = VoiceResponse()
    _say(
        response,
        config,
        "Thank you. Your message has been passed to the team and a social worker will "
        "call you back. Goodbye.",
    )
    response.hangup()
    return response


def without_database(
    config: TelephonyConfig, line: RoutingLine | None, *, greeting: bool = True
) -> VoiceResponse:
    """Send the caller somewhere sensible when the service cannot work as it should.

    Needs no database: the fallback number if one is set (its result goes to an action
    that needs no database either), else a message.
    """
    response = VoiceResponse()
    if greeting and line is not None:
        greet(response, config, line)
    fallback_number = (line.fallback_number if line else None) or config.fallback_number
    if fallback_number:
        dial = response.dial(
            action=config.url("/twilio/fallback-dial-result"),
            method="POST",
            timeout=config.timeouts.fallback,
            caller_id=line.number if line else None,
            answer_on_bridge=True,
        )
        dial.number(fallback_number)
    else:
        voicemail(response, config)
    return response


# The in-hours queue (issue 12)

QUEUE_ANNOUNCE_SECONDS = 30
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


def queue_name(line_key: str) -> str:
    """Twilio's queue for a line: one per line, named after it."""
    return f"dutyline-{line_key}"


def enqueue(
    response: VoiceResponse,
    config: TelephonyConfig,
    line: RoutingLine,
    call_sid: str,
    index: int,
    token: str,
    max_wait: int,
) -> None:
    """Hold the caller in the line's queue; the wait URL says where they are, and takes
    them out (``<Leave>``) after ``max_wait`` seconds or when they press star."""
    _say(response, config, "All our social workers are on other calls. Please stay on the line.")
    response.enqueue(
        queue_name(line.key),
        action=_url(
            config, "/twilio/queue-result", call=call_sid, step=index, wait=max_wait, plan=token
        ),
        method="POST",
        wait_url=_url(config, "/twilio/queue-wait", call=call_sid, step=index, wait=max_wait),
        wait_url_method="POST",
    )


def _place(position: int) -> str:
    if 1 <= position <= len(_ORDINALS):
        return f"You are {_ORDINALS[position - 1]} in the queue."
    return f"You are number {position} in the queue."


def queue_wait(
    config: TelephonyConfig,
    position: int | None,
    waited: int,
    max_wait: int,
    key_query: dict[str, str],
) -> VoiceResponse:
    """What a waiting caller hears, about every 30 seconds: their place, now and then the
    999 advice, and how to leave a message instead. Twilio asks again when it ends."""
    response = VoiceResponse()
    if waited >= max_wait:
        response.leave()
        return response
    words = [_place(position)] if position else []
    if (waited // QUEUE_ANNOUNCE_SECONDS) % 3 == 0:
        words.append("If a child is in immediate danger, hang up and dial 9 9 9 now.")
    words.append(
        "To leave your number and a message for a social worker to call you back, press star."
    )
    gather = response.gather(
        num_digits=1,
        finish_on_key="",
        timeout=max(1, min(QUEUE_ANNOUNCE_SECONDS - 10, max_wait - waited)),
        action=_url(config, "/twilio/queue-key", **key_query),
        method="POST",
    )
    gather.say(" ".join(words), voice=config.voice, language=config.language)
    return response


def leave_queue() -> VoiceResponse:
    response = VoiceResponse()
    response.leave()
    return response


def keep_waiting() -> VoiceResponse:
    """Any other key: nothing to do; Twilio goes back to the wait URL."""
    return VoiceResponse()


def offer_whisper(
    config: TelephonyConfig, line_name: str, line_key: str, offer_id: int, before: str = ""
) -> VoiceResponse:
    """The whisper for a worker rung for a waiting caller: press 1 to accept."""
    response = VoiceResponse()
    gather = response.gather(
        num_digits=1,
        timeout=config.accept_seconds,
        action=_url(config, "/twilio/queue-accept", offer=offer_id, line=line_key),
        method="POST",
    )
    text = f"{before} {line_name} call, from the queue. Press 1 to accept.".strip()
    gather.say(text, voice=config.voice, language=config.language)
    response.hangup()  # no key: never left in a personal voicemail
    return response


def dial_queue(config: TelephonyConfig, line_key: str, offer_id: int) -> VoiceResponse:
    """The worker accepted: connect them to the caller at the head of the line's queue."""
    response = VoiceResponse()
    _say(response, config, "Connecting you now.")
    dial = response.dial(
        action=_url(config, "/twilio/queue-offer-dialled", offer=offer_id), method="POST"
    )
    dial.queue(
        queue_name(line_key),
        url=_url(config, "/twilio/queue-connected", offer=offer_id),
        method="POST",
    )
    return response


def queue_connected(config: TelephonyConfig) -> VoiceResponse:
    """Said to the caller as they leave the queue for a worker."""
    response = VoiceResponse()
    _say(response, config, "Connecting you to a social worker now.")
    return response
