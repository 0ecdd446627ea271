"""A call from first ring to its end: the chain, accepting, callbacks twice or out of order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import CallbackTask, CallLeg, Worker
from telephony import plan_token
from tests.helpers import (
    AUTH_TOKEN,
    CALLER,
    FALLBACK_NUMBER,
    FixedClock,
    Twilio,
    add_shift,
    add_worker,
    new_call_sid,
    stored_record,
)
from tests.telephony import twiml_reader

pytestmark = pytest.mark.database

PRIMARY, BACKUP = "+447700900010", "+447700900011"
DUTY_A, DUTY_B = "+447700900001", "+447700900002"
NIGHT = datetime(2026, 1, 14, 23, 30, tzinfo=UTC)  # a Wednesday night, out of hours
DAY = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)


def tasks(factory: sessionmaker[Session]) -> list[CallbackTask]:
    with factory() as session:
        return list(session.scalars(select(CallbackTask)))


def on_call_rota(factory: sessionmaker[Session], around: datetime) -> tuple[int, int]:
    primary = add_worker(factory, "Pat Primary", PRIMARY, available=False)
    backup = add_worker(factory, "Bo Backup", BACKUP, available=False)
    start, end = around - timedelta(hours=2), around + timedelta(hours=8)
    add_shift(factory, primary, "primary", start, end)
    add_shift(factory, backup, "backup", start, end)
    return primary, backup


def no_answer(
    twilio: Twilio, dialled: twiml_reader.Dialled, call_sid: str
) -> twiml_reader.Dialled | None:
    response = twilio.post_url(dialled.action, {"CallSid": call_sid, "DialCallStatus": "no-answer"})
    return twiml_reader.dial(twiml_reader.parse(response))


def wait_out_queue(twilio: Twilio, response: httpx.Response, call_sid: str) -> ET.Element:
    """In hours the caller waits in the line's queue; here the longest wait runs out."""
    queued = twiml_reader.enqueued(twiml_reader.parse(response))
    assert queued is not None, response.text
    wait = parse_qs(urlsplit(queued.wait_url).query)["wait"][0]
    left = {"CallSid": call_sid, "QueueResult": "leave", "QueueTime": wait}
    return twiml_reader.parse(twilio.post_url(queued.action, left))


def press(twilio: Twilio, dialled: twiml_reader.Dialled, index: int, digits: str) -> str:
    whisper_url = dialled.whisper_urls[index]
    assert whisper_url
    whisper = twiml_reader.parse(twilio.post_url(whisper_url, {"CallSid": "CA" + "1" * 32}))
    gather = whisper.find("Gather")
    assert gather is not None and "Press 1 to accept" in twiml_reader.said(whisper)
    assert whisper.find("Hangup") is not None  # no key: this leg ends, never a voicemail
    response = twilio.post_url(
        gather.get("action", ""), {"CallSid": "CA" + "1" * 32, "Digits": digits}
    )
    twiml_reader.parse(response)
    return response.text


def test_out_of_hours_primary_then_backup_then_fallback_then_a_message(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = NIGHT
    on_call_rota(session_factory, NIGHT)
    call_sid = new_call_sid()
    first = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert first is not None and first.numbers == [PRIMARY]
    second = no_answer(twilio, first, call_sid)
    assert second is not None and second.numbers == [BACKUP]
    third = no_answer(twilio, second, call_sid)
    assert third is not None and third.numbers == [FALLBACK_NUMBER]
    assert third.whisper_urls == [None]  # an organisation's line: connected straight away
    message = twilio.post_url(third.action, {"CallSid": call_sid, "DialCallStatus": "no-answer"})
    root = twiml_reader.parse(message)
    assert twiml_reader.records_message(root)
    record_el = root.find("Record")
    assert record_el is not None
    recording = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1"
    thanks = twilio.post_url(
        record_el.get("action", ""),
        {"CallSid": call_sid, "RecordingUrl": recording, "RecordingDuration": "23"},
    )
    assert "Thank you" in twiml_reader.said(twiml_reader.parse(thanks))
    twilio.status(call_sid, "completed", duration=95)

    record = stored_record(session_factory, call_sid)
    assert record.status == "unanswered"
    assert record.current_step == 3
    [task] = tasks(session_factory)
    assert (task.reason, task.urgent, task.recording_url, task.recording_seconds) == (
        "voicemail",
        True,
        recording,
        23,
    )
    assert task.caller_number == CALLER


def test_in_hours_nobody_available_goes_to_the_on_call_chain(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = DAY
    add_worker(session_factory, "Off Duty", DUTY_A, available=False)
    on_call_rota(session_factory, DAY)
    call_sid = new_call_sid()
    # The caller waits in the line's queue first (issue 12), then the on-call chain.
    first = twiml_reader.dial(wait_out_queue(twilio, twilio.incoming(call_sid), call_sid))
    assert first is not None and first.numbers == [PRIMARY]
    assert stored_record(session_factory, call_sid).period == "in_hours"


def test_in_hours_duty_workers_are_rung_together_then_on_call(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = DAY
    add_worker(session_factory, "Ada", DUTY_A, last_offered_at=DAY - timedelta(minutes=5))
    add_worker(session_factory, "Ben", DUTY_B, last_offered_at=DAY - timedelta(hours=2))
    add_worker(session_factory, "Public Only", "+447700900003", lines=("public",))
    on_call_rota(session_factory, DAY)
    call_sid = new_call_sid()
    first = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert first is not None and first.numbers == [DUTY_B, DUTY_A]  # longest waiting first
    response = twilio.post_url(first.action, {"CallSid": call_sid, "DialCallStatus": "no-answer"})
    second = twiml_reader.dial(wait_out_queue(twilio, response, call_sid))
    assert second is not None and second.numbers == [PRIMARY]


def test_pressing_1_accepts_and_a_colleague_pressing_1_later_is_told(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = DAY
    add_worker(session_factory, "Ada", DUTY_A)
    ben = add_worker(session_factory, "Ben", DUTY_B)
    call_sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert dialled is not None
    ben_index = dialled.numbers.index(DUTY_B)
    ada_index = dialled.numbers.index(DUTY_A)
    assert "Hangup" not in press(twilio, dialled, ben_index, "1")
    assert "already answered" in press(twilio, dialled, ada_index, "1")
    record = stored_record(session_factory, call_sid)
    assert (record.status, record.accepted_worker_id, record.answered_step) == (
        "in_progress",
        ben,
        0,
    )
    assert record.answered_at == DAY
    with session_factory() as session:
        legs = {leg.number: leg.accepted for leg in session.scalars(select(CallLeg))}
    assert legs == {DUTY_B: True}

    after = twilio.post_url(dialled.action, {"CallSid": call_sid, "DialCallStatus": "completed"})
    assert twiml_reader.parse(after).find("Hangup") is not None
    twilio.status(call_sid, "completed", duration=300)
    assert stored_record(session_factory, call_sid).status == "to_complete"
    assert tasks(session_factory) == []


def test_any_other_key_or_none_does_not_take_the_call(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = DAY
    add_worker(session_factory, "Ada", DUTY_A)
    call_sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert dialled is not None
    assert "<Hangup" in press(twilio, dialled, 0, "2")
    assert stored_record(session_factory, call_sid).answered_step is None


def test_leg_callbacks_record_every_leg_and_when_each_worker_was_offered_a_call(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = DAY
    ada = add_worker(session_factory, "Ada", DUTY_A)
    call_sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert dialled is not None and dialled.status_callbacks[0]
    for status in ("initiated", "ringing", "no-answer", "ringing"):  # last one arrives late
        response = twilio.post_url(
            dialled.status_callbacks[0], {"CallSid": "CA" + "2" * 32, "CallStatus": status}
        )
        assert response.status_code == 204
    with session_factory() as session:
        [leg] = session.scalars(select(CallLeg))
        assert (leg.number, leg.worker_id, leg.result) == (DUTY_A, ada, "no-answer")
        worker = session.get(Worker, ada)
        assert worker is not None and worker.last_offered_at == DAY


def test_duplicated_callbacks_leave_one_record_one_task_and_the_same_state(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = NIGHT
    on_call_rota(session_factory, NIGHT)
    call_sid = new_call_sid()
    first = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert first is not None
    params = {"CallSid": call_sid, "DialCallStatus": "no-answer"}
    once = twilio.post_url(first.action, params).text
    twice = twilio.post_url(first.action, params).text
    assert once == twice
    assert stored_record(session_factory, call_sid).current_step == 1
    for _ in range(2):
        assert twilio.status(call_sid, "completed", duration=40).status_code == 204
    record = stored_record(session_factory, call_sid)
    assert (record.status, record.duration_seconds) == ("unanswered", 40)
    [task] = tasks(session_factory)
    assert (task.reason, task.urgent) == ("missed_call", True)


def test_reordered_callbacks_end_in_the_right_final_state(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    """The call's end is reported before the dial result that shows the fallback answered."""
    clock.now = NIGHT
    call_sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert dialled is not None and dialled.numbers == [FALLBACK_NUMBER]
    twilio.status(call_sid, "completed", duration=600)
    assert stored_record(session_factory, call_sid).status == "unanswered"
    late = twilio.post_url(dialled.action, {"CallSid": call_sid, "DialCallStatus": "completed"})
    assert twiml_reader.parse(late).find("Hangup") is not None
    twilio.status(call_sid, "ringing")  # an older event, arriving last
    record = stored_record(session_factory, call_sid)
    assert (record.status, record.answered_step, record.twilio_status) == (
        "to_complete",
        0,
        "completed",
    )
    [task] = tasks(session_factory)
    assert task.status == "done"  # the automatic missed-call task was withdrawn


def test_a_message_reported_after_the_end_upgrades_the_missed_call_task(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = DAY
    call_sid = new_call_sid()
    twilio.incoming(call_sid)
    twilio.status(call_sid, "completed", duration=60)
    recording = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE9"
    for _ in range(2):
        response = twilio.post(
            "/twilio/recording",
            {
                "CallSid": call_sid,
                "RecordingStatus": "completed",
                "RecordingUrl": recording,
                "RecordingDuration": "12",
            },
        )
        assert response.status_code == 204
    [task] = tasks(session_factory)
    assert (task.reason, task.recording_url, task.urgent) == ("voicemail", recording, False)


def test_twiml_urls_carry_the_call_and_step(
    twilio: Twilio, session_factory: sessionmaker[Session]
) -> None:
    add_worker(session_factory, "Ada", DUTY_A)
    call_sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert dialled is not None and dialled.whisper_urls[0]
    query = parse_qs(urlsplit(dialled.whisper_urls[0]).query)
    assert set(query) == {"call", "step", "target", "plan"}
    assert (query["call"], query["step"], query["target"]) == ([call_sid], ["0"], ["0"])
    # The ring plan travels signed, bound to this call: another call cannot use it.
    carried = plan_token.read(AUTH_TOKEN, call_sid, query["plan"][0])
    assert carried is not None and carried.plan.steps[0].targets[0].number == DUTY_A
    assert plan_token.read(AUTH_TOKEN, new_call_sid(), query["plan"][0]) is None


def test_a_caller_who_hangs_up_while_ringing_is_not_moved_on_to_the_next_step(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = NIGHT
    on_call_rota(session_factory, NIGHT)
    call_sid = new_call_sid()
    first = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert first is not None
    response = twilio.post_url(first.action, {"CallSid": call_sid, "DialCallStatus": "canceled"})
    assert twiml_reader.parse(response).find("Hangup") is not None
    twilio.status(call_sid, "completed", duration=8)
    record = stored_record(session_factory, call_sid)
    assert (record.current_step, record.status) == (0, "unanswered")
    [task] = tasks(session_factory)
    assert task.reason == "missed_call" and task.caller_number == CALLER
