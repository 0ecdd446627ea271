"""The Twilio Function for "Primary handler fails", run in Node.js, against routing's own answers.

Each generated Function runs in /usr/bin/node under tests/telephony/fallback_function_harness.js,
a fake `Twilio` global that records the verbs. Calls placed at instants across both clock
changes, a bank holiday weekend, a closure and an opening must ring exactly the numbers
routing decides for that instant (with nobody known to be free on the duty team), in order,
then take a message.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse
from xml.etree import ElementTree

import pytest
from twilio.twiml.voice_response import VoiceResponse

from routing import (
    LONDON,
    OnCallRole,
    Override,
    OverrideMode,
    Period,
    RoutingLine,
    RoutingShift,
    ServiceHours,
    decide_call,
    out_of_hours_windows,
    period_at,
)
from telephony import twiml
from telephony.config import TelephonyConfig
from telephony.fallback_function import (
    Cover,
    FunctionSettings,
    cover_for,
    greeting,
    render,
    whisper_text,
)

NODE = shutil.which("node") or "/usr/bin/node"
HARNESS = Path(__file__).with_name("fallback_function_harness.js")
REQUIRE_NODE = os.environ.get("DUTYLINE_TEST_REQUIRE_NODE") == "1"

if not Path(NODE).exists():
    if REQUIRE_NODE:
        raise RuntimeError("Node.js is required (DUTYLINE_TEST_REQUIRE_NODE=1) but not found")
    pytest.skip("Node.js not found: the Twilio Function is not run", allow_module_level=True)

FALLBACK = "+441305224666"
SETTINGS = FunctionSettings(
    service_name="Children's Advice and Duty Service", fallback_number=FALLBACK
)
CONTEXT = {"DOMAIN_NAME": "dutyline-fallback-1234.twil.io", "PATH": "/fallback"}
CALLER = "+447700900123"
PROFESSIONALS = RoutingLine("professional", "Professionals line", "+441305228558")
# The public line keeps shorter hours here, so each line's hours are seen to be its own.
PUBLIC = RoutingLine(
    "public",
    "Public line",
    "+441305228866",
    ServiceHours(weekday_open=time(9), weekday_close=time(17), weekend_open=time(10)),
)
LINES = (PROFESSIONALS, PUBLIC)
PHONES = {name: f"+447700900{600 + i:03d}" for i, name in enumerate("ABCDEF")}


def local(day: date, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).replace(fold=fold)


def ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


@dataclass(frozen=True)
class Rota:
    start: datetime
    end: datetime
    overrides: tuple[Override, ...]
    shifts: tuple[RoutingShift, ...]


def rota_around(first_day: date, clock_change_day: date) -> Rota:
    """A week of cover handed over at 09:30 London time each day, with the awkward parts:

    a sickness cover over the clock change's night handed back at 01:30 (the second 01:30
    in October; in March 01:30 is skipped, so 02:30 summer time), a night with no backup, a
    night whose cover ends at 03:00, a closure of the professionals line for an afternoon
    and an evening opening of the public line.
    """
    shifts: list[RoutingShift] = []

    def shift(worker: str, role: OnCallRole, start: datetime, end: datetime) -> None:
        worker_id = "ABCDEF".index(worker) + 1
        shifts.append(
            RoutingShift(
                len(shifts) + 1, worker_id, f"Worker {worker}", PHONES[worker], role, start, end
            )
        )

    days = [first_day + timedelta(days=n) for n in range(-1, 9)]
    for n, day in enumerate(days):
        start, end = local(day, 9, 30), local(day + timedelta(days=1), 9, 30)
        if n == 5:  # nobody on call from 03:00 to 09:30 the next morning
            end = local(day + timedelta(days=1), 3)
        shift("AC"[n % 2], OnCallRole.PRIMARY, start, end)
        if n != 3:  # no backup on that day's shift
            shift("BD"[n % 2], OnCallRole.BACKUP, start, end)
    autumn = clock_change_day.month == 10
    shift(
        "E",
        OnCallRole.PRIMARY,
        local(clock_change_day - timedelta(days=1), 23),
        local(clock_change_day, 1, 30, fold=1 if autumn else 0),
    )
    overrides = (
        Override(
            local(first_day + timedelta(days=1), 13),
            local(first_day + timedelta(days=1), 17),
            OverrideMode.OUT_OF_HOURS,
            "professional",
            "training afternoon",
        ),
        Override(
            local(first_day + timedelta(days=2), 17),
            local(first_day + timedelta(days=2), 23, 30),
            OverrideMode.IN_HOURS,
            "public",
            "evening opening",
        ),
    )
    start = local(first_day, 12)
    return Rota(start, start + timedelta(days=7), overrides, tuple(shifts))


# Autumn: clocks go back on Sunday 25 October 2026. Spring: Good Friday 26 March 2027,
# clocks forward on Sunday 28 March, Easter Monday 29 March.
AUTUMN = rota_around(date(2026, 10, 22), date(2026, 10, 25))
SPRING = rota_around(date(2027, 3, 24), date(2027, 3, 28))


@dataclass(frozen=True)
class Generated:
    rota: Rota
    cover: Cover
    path: Path


@pytest.fixture(scope="module", params=[AUTUMN, SPRING], ids=["autumn", "spring"])
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Generated:
    rota: Rota = request.param
    cover = cover_for(rota.start, rota.end, LINES, rota.overrides, rota.shifts)
    path = tmp_path_factory.mktemp("function") / "fallback.protected.js"
    path.write_text(render(cover, SETTINGS, rota.start - timedelta(minutes=1)))
    return Generated(rota, cover, path)


def run_node(function: Path, scenarios: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    done = subprocess.run(
        [NODE, str(HARNESS), str(function)],
        input=json.dumps(scenarios),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results: list[list[dict[str, Any]]] = json.loads(done.stdout)
    for answers in results:
        for answer in answers:
            assert answer["error"] is None, answer
    return results


def call(at: datetime, to: str, step_ms: int = 30_000) -> dict[str, Any]:
    """A call nobody answers: every ring ends no-answer, the whisper never reached."""
    return {
        "kind": "call",
        "now": ms(at),
        "context": CONTEXT,
        "event": {"To": to, "From": CALLER, "CallSid": "CA" + "f" * 32},
        "stepMs": step_ms,
        "dialStatus": "no-answer",
        "dialBridged": "false",
    }


def request(event: dict[str, str], now: datetime) -> dict[str, Any]:
    return {"kind": "request", "now": ms(now), "context": CONTEXT, "event": event}


def verbs(answer: dict[str, Any]) -> list[str]:
    return [child["verb"] for child in answer["response"]["children"]]


def dial_of(answer: dict[str, Any]) -> dict[str, Any] | None:
    return next((c for c in answer["response"]["children"] if c["verb"] == "Dial"), None)


def query(url: str) -> dict[str, str]:
    parsed = urlparse(url)
    assert parsed.scheme == "https" and parsed.netloc == CONTEXT["DOMAIN_NAME"], url
    assert parsed.path == CONTEXT["PATH"], url
    return {k: v[0] for k, v in parse_qs(parsed.query).items()}


@dataclass(frozen=True)
class Rung:
    number: str
    whisper: bool
    timeout: int
    caller_id: str


def what_was_rung(
    answers: list[dict[str, Any]], line: RoutingLine, arrived: datetime
) -> list[Rung]:
    """The numbers a call rang, in order, checking each step as Twilio would see it."""
    assert verbs(answers[0])[0] == "Say"
    assert answers[0]["response"]["children"][0]["text"] == greeting(SETTINGS.service_name, line)
    rung = []
    for answer in answers:
        dial = dial_of(answer)
        if dial is None:
            continue
        (number,) = dial["children"]
        action = query(dial["attributes"]["action"])
        # The plan is the one for the call's arrival, however long it has been ringing.
        assert action["at"] == str(ms(arrived)) and action["line"] == line.key, action
        assert dial["attributes"]["answerOnBridge"] is True
        whisper = number["attributes"].get("url")
        if whisper is not None:
            assert query(whisper)["dutyline"] == "whisper"
        rung.append(
            Rung(
                number["text"],
                whisper is not None,
                dial["attributes"]["timeout"],
                dial["attributes"]["callerId"],
            )
        )
    last = verbs(answers[-1])
    assert last == ["Say", "Record", "Say", "Hangup"], last  # a message, never silence
    return rung


def routing_expects(rota: Rota, at: datetime, line: RoutingLine) -> list[str]:
    """Routing's own ring plan with nobody known free on the duty team. In hours the
    Function rings the fallback number first (who is free is only known to the service)."""
    if not rota.start <= at < rota.end:
        return [FALLBACK]
    decision = decide_call(at, line.number, LINES, rota.overrides, (), rota.shifts, FALLBACK)
    numbers = [target.number for step in decision.plan.steps for target in step.targets]
    if decision.period.period is Period.IN_HOURS:
        numbers = [FALLBACK, *(n for n in numbers if n != FALLBACK)]
    return numbers


def instants(generated: Generated) -> Iterator[datetime]:
    """Every quarter of an hour of the week, and a millisecond either side of every edge the
    Function knows (a line opening or closing, the on-call chain changing), and past its end."""
    cover, tick = generated.cover, timedelta(milliseconds=1)
    at = cover.starts_at
    while at < cover.ends_at:
        yield at
        at += timedelta(minutes=15)
    edges = {lo for item in cover.lines for lo, _ in item.in_hours}
    edges |= {hi for item in cover.lines for _, hi in item.in_hours}
    edges |= {slot.starts_at for slot in cover.on_call} | {slot.ends_at for slot in cover.on_call}
    for edge in sorted(edges):
        yield from (edge - tick, edge, edge + tick)
    yield cover.ends_at + timedelta(hours=1)
    yield cover.starts_at - timedelta(hours=1)


def test_every_call_rings_what_routing_decides_for_its_instant(generated: Generated) -> None:
    cases = [(at, line) for at in instants(generated) for line in LINES]
    results = run_node(generated.path, [call(at, line.number) for at, line in cases])
    periods = {Period.IN_HOURS: 0, Period.OUT_OF_HOURS: 0}
    for (at, line), answers in zip(cases, results, strict=True):
        rung = what_was_rung(answers, line, at)
        assert [r.number for r in rung] == routing_expects(generated.rota, at, line), (at, line.key)
        for r in rung:
            assert r.caller_id == line.number  # the worker sees the line calling
            assert r.whisper == (r.number != FALLBACK)  # workers press 1; the fallback is a team
            assert r.timeout == (
                SETTINGS.fallback_ring_seconds
                if r.number == FALLBACK
                else SETTINGS.oncall_ring_seconds
            )
        if generated.rota.start <= at < generated.rota.end:
            periods[period_at(at, line, generated.rota.overrides).period] += 1
    # Both periods were exercised many times over, on both lines.
    assert min(periods.values()) > 200, periods


LONDON_INSTANTS = {
    # (instant, line): (in hours?, first number rung)
    "autumn": [
        # Saturday 24 October, summer time: opens 09:00 BST = 08:00 UTC.
        (datetime(2026, 10, 24, 7, 59, tzinfo=UTC), PROFESSIONALS, False, PHONES["A"]),
        (datetime(2026, 10, 24, 8, 0, tzinfo=UTC), PROFESSIONALS, True, FALLBACK),
        # Sunday 25 October, after the clocks went back: 09:00 GMT = 09:00 UTC.
        (datetime(2026, 10, 25, 8, 30, tzinfo=UTC), PROFESSIONALS, False, PHONES["C"]),
        (datetime(2026, 10, 25, 9, 0, tzinfo=UTC), PROFESSIONALS, True, FALLBACK),
        # The repeated hour: 01:10 BST (00:10 UTC) the sickness cover E; the second 01:40,
        # GMT (01:40 UTC), after E handed back at the second 01:30: C's night again.
        (datetime(2026, 10, 25, 0, 10, tzinfo=UTC), PROFESSIONALS, False, PHONES["E"]),
        (datetime(2026, 10, 25, 1, 29, tzinfo=UTC), PROFESSIONALS, False, PHONES["E"]),
        (datetime(2026, 10, 25, 1, 40, tzinfo=UTC), PROFESSIONALS, False, PHONES["C"]),
        # Tuesday 27 October, 04:00 GMT: that night's cover ended at 03:00.
        (datetime(2026, 10, 27, 4, 0, tzinfo=UTC), PROFESSIONALS, False, FALLBACK),
        # Friday 23 October: the training afternoon closes the professionals line only.
        (datetime(2026, 10, 23, 12, 30, tzinfo=UTC), PROFESSIONALS, False, PHONES["A"]),
        (datetime(2026, 10, 23, 12, 30, tzinfo=UTC), PUBLIC, True, FALLBACK),
    ],
    "spring": [
        # Thursday 25 March, GMT: a weekday, open from 08:00.
        (datetime(2027, 3, 25, 8, 30, tzinfo=UTC), PROFESSIONALS, True, FALLBACK),
        # Good Friday 26 March: weekend hours, so 08:30 is still out of hours.
        (datetime(2027, 3, 26, 8, 30, tzinfo=UTC), PROFESSIONALS, False, PHONES["A"]),
        (datetime(2027, 3, 26, 9, 0, tzinfo=UTC), PROFESSIONALS, True, FALLBACK),
        # Sunday 28 March, clocks forward at 01:00 UTC: 09:00 BST = 08:00 UTC.
        (datetime(2027, 3, 28, 7, 59, tzinfo=UTC), PROFESSIONALS, False, PHONES["A"]),
        (datetime(2027, 3, 28, 8, 0, tzinfo=UTC), PROFESSIONALS, True, FALLBACK),
        # The sickness cover E to 01:30 GMT, a time the wall clock skipped: 02:30 BST.
        (datetime(2027, 3, 28, 1, 15, tzinfo=UTC), PROFESSIONALS, False, PHONES["E"]),
        (datetime(2027, 3, 28, 1, 30, tzinfo=UTC), PROFESSIONALS, False, PHONES["A"]),
        # Easter Monday 29 March, BST: weekend hours, so 08:30 BST (07:30 UTC) is out of
        # hours, and that night's cover ended at 03:00: only the fallback number.
        (datetime(2027, 3, 29, 7, 30, tzinfo=UTC), PROFESSIONALS, False, FALLBACK),
        (datetime(2027, 3, 29, 8, 0, tzinfo=UTC), PROFESSIONALS, True, FALLBACK),
        # The public line's own hours: on Easter Monday it opens at 10:00 BST.
        (datetime(2027, 3, 29, 8, 30, tzinfo=UTC), PUBLIC, False, PHONES["A"]),
    ],
}


@pytest.mark.parametrize("season", ["autumn", "spring"])
def test_the_week_as_a_clock_on_the_office_wall_shows_it(season: str, tmp_path: Path) -> None:
    rota = AUTUMN if season == "autumn" else SPRING
    path = tmp_path / "fallback.js"
    cover = cover_for(rota.start, rota.end, LINES, rota.overrides, rota.shifts)
    path.write_text(render(cover, SETTINGS, rota.start))
    cases = LONDON_INSTANTS[season]
    results = run_node(path, [call(at, line.number) for at, line, _, _ in cases])
    for (at, line, in_hours, first), answers in zip(cases, results, strict=True):
        assert period_at(at, line, rota.overrides).period is (
            Period.IN_HOURS if in_hours else Period.OUT_OF_HOURS
        ), (at, line.key)
        rung = what_was_rung(answers, line, at)
        assert rung[0].number == first, (at, line.key, rung)
        # Out of hours the fallback number comes last; in hours it comes first.
        assert rung[0 if in_hours else -1].number == FALLBACK


def test_a_call_keeps_the_plan_of_its_arrival_as_it_rings_past_closing(
    generated: Generated,
) -> None:
    closing = generated.cover.lines[0].in_hours[0][1]
    arrived = closing - timedelta(seconds=10)
    (answers,) = run_node(generated.path, [call(arrived, PROFESSIONALS.number, step_ms=60_000)])
    rung = [r.number for r in what_was_rung(answers, PROFESSIONALS, arrived)]
    assert rung[0] == FALLBACK and rung == routing_expects(generated.rota, arrived, PROFESSIONALS)


def test_an_unknown_dialled_number_is_served_as_the_public_line(generated: Generated) -> None:
    at = generated.cover.starts_at + timedelta(hours=30)
    (answers,) = run_node(generated.path, [call(at, "+441305999999")])
    assert [r.number for r in what_was_rung(answers, PUBLIC, at)] == routing_expects(
        generated.rota, at, PUBLIC
    )


def first_oncall_step(generated: Generated) -> tuple[datetime, dict[str, str], dict[str, str]]:
    """An out-of-hours call's first step: (arrival, its Dial action query, whisper query)."""
    slot = generated.cover.on_call[0]
    at = max(slot.starts_at, generated.cover.starts_at) + timedelta(minutes=1)
    at = next(
        t
        for t in (at + timedelta(minutes=15 * n) for n in range(200))
        if period_at(t, PROFESSIONALS, generated.rota.overrides).period is Period.OUT_OF_HOURS
        and routing_expects(generated.rota, t, PROFESSIONALS)[0] != FALLBACK
    )
    event = {"To": PROFESSIONALS.number, "From": CALLER, "CallSid": "CA" + "1" * 32}
    ((answer,),) = run_node(generated.path, [request(event, at)])
    dial = dial_of(answer)
    assert dial is not None
    return at, query(dial["attributes"]["action"]), query(dial["children"][0]["attributes"]["url"])


def test_the_worker_hears_the_whisper_and_only_a_1_connects(generated: Generated) -> None:
    at, _, whisper = first_oncall_step(generated)
    later = at + timedelta(seconds=20)
    leg = {"From": PROFESSIONALS.number, "To": PHONES["A"], "CallSid": "CA" + "2" * 32}
    ((heard,),) = run_node(generated.path, [request({**leg, **whisper}, later)])
    assert verbs(heard) == ["Gather", "Hangup"]  # no key: the leg ends, voicemail never bridged
    gather = heard["response"]["children"][0]
    assert gather["children"][0]["text"] == whisper_text(PROFESSIONALS)
    assert gather["attributes"]["numDigits"] == 1
    assert gather["attributes"]["timeout"] == SETTINGS.accept_seconds
    accept = query(gather["attributes"]["action"])
    assert accept["dutyline"] == "accept"
    pressed = [
        run_node(generated.path, [request({**leg, **accept, "Digits": d}, later)])[0][0]
        for d in ("1", "2", "")
    ]
    assert verbs(pressed[0]) == ["Say"]  # TwiML ends without hanging up: Twilio bridges
    assert pressed[0]["response"]["children"][0]["text"] == "Connecting you now."
    assert verbs(pressed[1]) == verbs(pressed[2]) == ["Hangup"]


@pytest.mark.parametrize(
    ("status", "bridged", "onward"),
    [
        ("completed", "true", False),  # a conversation took place
        ("completed", None, False),  # Twilio did not say: never send an answered call onward
        ("completed", "false", True),  # answered, but the whisper was not accepted
        ("no-answer", "false", True),
        ("busy", "false", True),
        ("failed", "false", True),
        ("canceled", "false", False),  # the caller hung up
    ],
)
def test_after_a_step_rings(
    generated: Generated, status: str, bridged: str | None, onward: bool
) -> None:
    at, action, _ = first_oncall_step(generated)
    event = {"To": PROFESSIONALS.number, "From": CALLER, **action, "DialCallStatus": status}
    if bridged is not None:
        event["DialBridged"] = bridged
    ((answer,),) = run_node(generated.path, [request(event, at + timedelta(seconds=30))])
    if onward:
        dial = dial_of(answer)
        assert dial is not None, answer
        expected = routing_expects(generated.rota, at, PROFESSIONALS)[1]
        assert dial["children"][0]["text"] == expected
        assert query(dial["attributes"]["action"])["step"] == "1"
    else:
        assert verbs(answer) == ["Hangup"]


@pytest.mark.parametrize(
    ("status", "bridged", "verbs_heard"),
    [
        ("no-answer", "false", ["Dial"]),  # the service failed after a step: ring, no greeting
        ("completed", "true", ["Hangup"]),  # ... after a conversation: nothing more
        ("canceled", "false", ["Hangup"]),
    ],
)
def test_when_a_later_step_of_the_service_fails_mid_call(
    generated: Generated, status: str, bridged: str, verbs_heard: list[str]
) -> None:
    at, _, _ = first_oncall_step(generated)
    event = {
        "To": PROFESSIONALS.number,
        "From": CALLER,
        "CallStatus": "in-progress",
        "DialCallStatus": status,
        "DialBridged": bridged,
        "ErrorCode": "11200",
        "ErrorUrl": "https://dutyline.example.org/twilio/dial-result?call=CA1&step=0",
    }
    ((answer,),) = run_node(generated.path, [request(event, at)])
    assert verbs(answer) == verbs_heard
    dial = dial_of(answer)
    if dial is not None:
        expected = routing_expects(generated.rota, at, PROFESSIONALS)[0]
        assert dial["children"][0]["text"] == expected


def test_a_message_left_is_thanked(generated: Generated) -> None:
    event = {"To": PUBLIC.number, "dutyline": "message-left", "line": "public", "RecordingUrl": "x"}
    ((answer,),) = run_node(generated.path, [request(event, generated.rota.start)])
    assert verbs(answer) == ["Say", "Hangup"]


def test_garbage_in_the_query_still_routes_the_call(generated: Generated) -> None:
    at = generated.cover.starts_at + timedelta(hours=3)
    event = {"To": PUBLIC.number, "at": "²", "step": "-1", "dutyline": "dial-result", "line": "x"}
    ((answer,),) = run_node(generated.path, [request(event, at)])
    dial = dial_of(answer)
    expected = routing_expects(generated.rota, at, PUBLIC)  # in hours: fallback, then on call
    assert len(expected) > 1 and dial is not None
    assert dial["children"][0]["text"] == expected[1]  # "at" was unusable: now; step 0 + 1


def said(response: VoiceResponse) -> list[str]:
    return [element.text or "" for element in ElementTree.fromstring(str(response)).iter("Say")]


def test_callers_and_workers_hear_the_services_own_words() -> None:
    config = TelephonyConfig(
        auth_token="x", public_base_url="https://example.org", service_name=SETTINGS.service_name
    )
    response = VoiceResponse()
    twiml.greet(response, config, PROFESSIONALS)
    assert said(response) == [greeting(SETTINGS.service_name, PROFESSIONALS)]
    assert said(twiml.whisper(config, PROFESSIONALS.name, {})) == [whisper_text(PROFESSIONALS)]
    message = VoiceResponse()
    twiml.voicemail(message, config)
    source = render(cover_for(AUTUMN.start, AUTUMN.end, LINES, (), ()), SETTINGS, AUTUMN.start)
    for words in [
        *said(message),
        *said(twiml.thank_for_message(config)),
        *said(twiml.connect(config)),
    ]:
        assert json.dumps(words) in source


def test_beyond_its_week_it_rings_the_fallback_then_takes_a_message(generated: Generated) -> None:
    at = generated.cover.ends_at + timedelta(days=2)
    (answers,) = run_node(generated.path, [call(at, PROFESSIONALS.number)])
    assert [r.number for r in what_was_rung(answers, PROFESSIONALS, at)] == [FALLBACK]


def test_without_a_fallback_number_a_gap_goes_to_a_message(tmp_path: Path) -> None:
    rota = AUTUMN
    settings = FunctionSettings(service_name="Duty", fallback_number=None)
    cover = cover_for(rota.start, rota.end, LINES, rota.overrides, ())
    path = tmp_path / "fallback.js"
    path.write_text(render(cover, settings, rota.start))
    at = datetime(2026, 10, 24, 2, 0, tzinfo=UTC)
    ((first, *_),) = run_node(path, [call(at, PROFESSIONALS.number)])
    assert verbs(first) == ["Say", "Say", "Record", "Say", "Hangup"]  # greeting, message
    # With nobody on call, the command warns of every out-of-hours stretch, on any line.
    out_of_hours = sorted(
        window
        for line in LINES
        for window in out_of_hours_windows(rota.start, rota.end, line, rota.overrides)
    )
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in out_of_hours:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    assert cover.uncovered_out_of_hours() == merged
