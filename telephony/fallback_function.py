"""A Twilio Function that routes calls with the whole service down: plain data in, JavaScript out.

Twilio calls a number's "Primary handler fails" URL when the service cannot answer at all
(host, network, not only the database). Pointed at a Twilio Function generated here, calls
still reach a person: out of hours the on-call primary, then the backup, then the fallback
number, then a message; in hours the fallback number first (who on the duty team is free is
only known to the service), then any on-call worker rostered at that time, then a message.

Every instant is worked out here, by routing's own rules (Europe/London, summer time, bank
holidays, declared closures and openings), and written into the Function as UTC intervals in
milliseconds: the JavaScript only compares ``Date.now()`` with them and cannot get a time zone
wrong. A call's plan is fixed by the instant it arrived, carried in the Function's own URLs,
so a call that rings across a boundary does not change plan half-way.

Workers still hear the whisper and must press 1 (a personal voicemail must not take the
call); the same Function serves the whisper and the key press through a query parameter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from routing import (
    LONDON,
    PUBLIC_LINE_KEY,
    Override,
    Period,
    RoutingLine,
    RoutingShift,
    build_ring_plan,
    oncall_chain,
    out_of_hours_windows,
)

Interval = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class FunctionSettings:
    """What the Function says and how long it rings (the service's own settings)."""

    service_name: str
    fallback_number: str | None
    voice: str = "Polly.Amy"
    language: str = "en-GB"
    oncall_ring_seconds: int = 25
    fallback_ring_seconds: int = 30
    accept_seconds: int = 10
    voicemail_max_seconds: int = 300


@dataclass(frozen=True, slots=True)
class LineCover:
    line: RoutingLine
    in_hours: tuple[Interval, ...]  # UTC, [start, end), within the cover's range


@dataclass(frozen=True, slots=True)
class OnCallSlot:
    """A stretch with the same on-call chain: the numbers to ring, primary first."""

    starts_at: datetime
    ends_at: datetime
    numbers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cover:
    starts_at: datetime
    ends_at: datetime
    lines: tuple[LineCover, ...]
    on_call: tuple[OnCallSlot, ...]

    def uncovered_out_of_hours(self) -> list[Interval]:
        """Out-of-hours time on any line with nobody on call: the Function rings only the
        fallback number then. Said by the command, so a gap is not found in an outage."""
        gaps: list[Interval] = []
        for line in self.lines:
            for start, end in _complement(line.in_hours, self.starts_at, self.ends_at):
                gaps.extend(_complement(self._on_call_intervals(), start, end))
        return _merged(sorted(gaps))

    def _on_call_intervals(self) -> list[Interval]:
        return [(slot.starts_at, slot.ends_at) for slot in self.on_call]


def _complement(intervals: Sequence[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The parts of [start, end) outside sorted, disjoint intervals."""
    found, cursor = [], start
    for lo, hi in intervals:
        if hi <= cursor or lo >= end:
            continue
        if lo > cursor:
            found.append((cursor, min(lo, end)))
        cursor = max(cursor, hi)
    if cursor < end:
        found.append((cursor, end))
    return found


def _merged(intervals: Sequence[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for lo, hi in intervals:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def in_hours_windows(
    start: datetime, end: datetime, line: RoutingLine, overrides: Sequence[Override]
) -> tuple[Interval, ...]:
    """UTC intervals in [start, end) that are in hours on ``line``: routing's answer, inverted."""
    return tuple(_complement(out_of_hours_windows(start, end, line, overrides), start, end))


def on_call_slots(
    start: datetime, end: datetime, shifts: Sequence[RoutingShift]
) -> tuple[OnCallSlot, ...]:
    """The on-call chain over [start, end), cut wherever a shift starts or ends.

    Each stretch is judged by ``routing.oncall_chain`` and ``build_ring_plan`` at its first
    instant (the chain can only change at a shift's edge), so the order and the rule that a
    phone is rung once per call are routing's, not re-implemented here.
    """
    edges = {s.starts_at.astimezone(UTC) for s in shifts} | {
        s.ends_at.astimezone(UTC) for s in shifts
    }
    cuts = sorted({start, end} | {edge for edge in edges if start < edge < end})
    slots: list[OnCallSlot] = []
    for lo, hi in pairwise(cuts):
        plan = build_ring_plan(Period.OUT_OF_HOURS, "", (), oncall_chain(shifts, lo), None)
        numbers = tuple(t.number for step in plan.steps for t in step.targets)
        if not numbers:
            continue
        if slots and slots[-1].numbers == numbers and slots[-1].ends_at == lo:
            slots[-1] = OnCallSlot(slots[-1].starts_at, hi, numbers)
        else:
            slots.append(OnCallSlot(lo, hi, numbers))
    return tuple(slots)


def cover_for(
    start: datetime,
    end: datetime,
    lines: Sequence[RoutingLine],
    overrides: Sequence[Override],
    shifts: Sequence[RoutingShift],
) -> Cover:
    """Everything the Function needs for calls arriving in [start, end)."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    return Cover(
        starts_at=start,
        ends_at=end,
        lines=tuple(
            LineCover(line, in_hours_windows(start, end, line, overrides)) for line in lines
        ),
        on_call=on_call_slots(start, end, shifts),
    )


# The words callers and workers hear: the same as telephony.twiml's (a test holds them equal).


def greeting(service_name: str, line: RoutingLine) -> str:
    opening = line.greeting or f"You have reached the {service_name}, {line.name}."
    return (
        f"{opening} If a child is in immediate danger, hang up and dial 9 9 9 now. "
        "Please hold while we connect you."
    )


def whisper_text(line: RoutingLine) -> str:
    return f"{line.name} call. Press 1 to accept."


MESSAGE_PROMPT = (
    "Nobody is free to take your call right now. Please leave your name, your number "
    "and a short message after the tone, and a social worker will call you back. "
    "If a child is in immediate danger, hang up and dial 9 9 9."
)
NO_MESSAGE = "We did not receive a message. We will call you back on this number."
THANKS = (
    "Thank you. Your message has been passed to the team and a social worker will "
    "call you back. Goodbye."
)
CONNECTING = "Connecting you now."


def _ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def _data(cover: Cover, settings: FunctionSettings, generated_at: datetime) -> dict[str, Any]:
    known = {line.line.key for line in cover.lines}
    return {
        "generatedAt": generated_at.astimezone(UTC).replace(microsecond=0).isoformat(),
        "from": _ms(cover.starts_at),
        "until": _ms(cover.ends_at),
        "fallbackNumber": settings.fallback_number,
        "unknownNumberLine": PUBLIC_LINE_KEY if PUBLIC_LINE_KEY in known else None,
        "voice": settings.voice,
        "language": settings.language,
        "onCallRingSeconds": settings.oncall_ring_seconds,
        "fallbackRingSeconds": settings.fallback_ring_seconds,
        "acceptSeconds": settings.accept_seconds,
        "voicemailMaxSeconds": settings.voicemail_max_seconds,
        "words": {
            "messagePrompt": MESSAGE_PROMPT,
            "noMessage": NO_MESSAGE,
            "thanks": THANKS,
            "connecting": CONNECTING,
        },
        "lines": [
            {
                "key": item.line.key,
                "name": item.line.name,
                "number": item.line.number,
                "greeting": greeting(settings.service_name, item.line),
                "fallbackNumber": item.line.fallback_number,
                "whisper": whisper_text(item.line),
                "inHours": [[_ms(lo), _ms(hi)] for lo, hi in item.in_hours],
            }
            for item in cover.lines
        ],
        "onCall": [
            [_ms(slot.starts_at), _ms(slot.ends_at), list(slot.numbers)] for slot in cover.on_call
        ],
    }


def render(cover: Cover, settings: FunctionSettings, generated_at: datetime) -> str:
    """The Function's JavaScript source, ready to paste or deploy."""
    data = json.dumps(_data(cover, settings, generated_at), indent=2, ensure_ascii=True)
    local_end = cover.ends_at.astimezone(LONDON)
    until = f"{local_end.day} {local_end:%b %Y %H:%M}"
    return (
        _SOURCE.replace(
            "/*GENERATED_AT*/", generated_at.astimezone(UTC).replace(microsecond=0).isoformat()
        )
        .replace("/*UNTIL*/", until)
        .replace("/*COVER*/", data)
    )


# Steps after the first are fetched from this same Function: `dutyline` names the step;
# `at` (the call's arrival, ms) and `step` (the ring step) fix the plan for the whole call.
_SOURCE = """\
// Dutyline's last resort, for the duty line numbers' "Primary handler fails" URL.
// Generated by `dutyline fallback-function` at /*GENERATED_AT*/ (UTC); it knows the
// on-call cover until /*UNTIL*/ London time. Do not edit it: generate it again.
// It holds workers' phone numbers: keep it private, deploy it as a Protected Function.
'use strict';

const COVER = /*COVER*/;

function lineFor(key, dialled) {
  return (
    COVER.lines.find((line) => line.key === key) ||
    COVER.lines.find((line) => line.number === dialled) ||
    COVER.lines.find((line) => line.key === COVER.unknownNumberLine) ||
    COVER.lines[0]
  );
}

function during(intervals, at) {
  return intervals.find((interval) => interval[0] <= at && at < interval[1]);
}

// Who to ring, in order, for a call that arrived at `at` (milliseconds, UTC). Whether that
// was in hours, and who was on call, was worked out when this file was made.
function ringPlan(line, at) {
  // A line's own fallback number, else the service's.
  const fallbackNumber = line.fallbackNumber || COVER.fallbackNumber;
  const fallback = fallbackNumber
    ? [{ number: fallbackNumber, whisper: false, timeout: COVER.fallbackRingSeconds }]
    : [];
  if (at < COVER.from || at >= COVER.until) {
    return fallback; // beyond the cover this file holds: the rota is not known here
  }
  const slot = during(COVER.onCall, at);
  const onCall = (slot ? slot[2] : [])
    .filter((number) => number !== fallbackNumber)
    .map((number) => ({ number, whisper: true, timeout: COVER.onCallRingSeconds }));
  // In hours only the service knows which duty workers are free: the fallback number first.
  return during(line.inHours, at) ? fallback.concat(onCall) : onCall.concat(fallback);
}

function wholeNumber(raw, otherwise) {
  const text = raw === undefined || raw === null ? '' : String(raw);
  return /^[0-9]{1,15}$/.test(text) ? Number(text) : otherwise;
}

function selfUrl(context, query) {
  const path = context.PATH || '';
  const base = context.DOMAIN_NAME ? `https://${context.DOMAIN_NAME}${path}` : path;
  return `${base}?${new URLSearchParams(query).toString()}`;
}

function say(node, text) {
  node.say({ voice: COVER.voice, language: COVER.language }, text);
}

function takeMessage(response, context, line) {
  say(response, COVER.words.messagePrompt);
  response.record({
    action: selfUrl(context, { dutyline: 'message-left', line: line.key }),
    method: 'POST',
    maxLength: COVER.voicemailMaxSeconds,
    timeout: 10,
    playBeep: true,
    finishOnKey: '#',
  });
  say(response, COVER.words.noMessage);
  response.hangup();
}

function ring(response, context, line, at, step) {
  const plan = ringPlan(line, at);
  if (step >= plan.length) {
    takeMessage(response, context, line);
    return;
  }
  const target = plan[step];
  const call = { line: line.key, at: String(at), step: String(step) };
  const dial = response.dial({
    action: selfUrl(context, { ...call, dutyline: 'dial-result' }),
    method: 'POST',
    timeout: target.timeout,
    callerId: line.number,
    answerOnBridge: true,
  });
  // A worker hears the whisper and must press 1; the fallback number is an organisation's.
  const whisper = target.whisper
    ? { url: selfUrl(context, { ...call, dutyline: 'whisper' }), method: 'POST' }
    : {};
  dial.number(whisper, target.number);
}

// After a conversation (bridged), or when the caller hung up, nothing comes next.
function callOver(event) {
  const status = event.DialCallStatus;
  return (status === 'completed' && String(event.DialBridged) !== 'false') || status === 'canceled';
}

function whisper(response, context, line, at, step) {
  const call = { line: line.key, at: String(at), step: String(step) };
  const gather = response.gather({
    numDigits: 1,
    timeout: COVER.acceptSeconds,
    action: selfUrl(context, { ...call, dutyline: 'accept' }),
    method: 'POST',
  });
  say(gather, line.whisper);
  // No key pressed: end this leg, so a personal voicemail never takes the call.
  response.hangup();
}

exports.handler = function (context, event, callback) {
  const response = new Twilio.twiml.VoiceResponse();
  const line = lineFor(event.line, event.To);
  const at = wholeNumber(event.at, Date.now());
  const step = wholeNumber(event.step, 0);
  switch (event.dutyline) {
    case 'whisper':
      whisper(response, context, line, at, step);
      break;
    case 'accept':
      if (event.Digits === '1') {
        say(response, COVER.words.connecting); // this leg's TwiML ends: Twilio bridges
      } else {
        response.hangup();
      }
      break;
    case 'dial-result':
      if (callOver(event)) {
        response.hangup();
      } else {
        ring(response, context, line, at, step + 1);
      }
      break;
    case 'message-left':
      say(response, COVER.words.thanks);
      response.hangup();
      break;
    default:
      // Twilio also comes here when one of the service's later steps fails mid-call (with
      // that request's parameters): the caller has heard the greeting, and after a
      // conversation nothing comes next.
      if (event.DialCallStatus !== undefined && callOver(event)) {
        response.hangup();
        break;
      }
      if (event.CallStatus !== 'in-progress') {
        say(response, line.greeting);
      }
      ring(response, context, line, at, 0);
  }
  callback(null, response);
};
"""
