"""The simulator plays whole calls against the real app, signing as Twilio does."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import CallbackTask, CallLeg
from telephony.simulator import SimulationResult, simulate_call
from tests.helpers import (
    AUTH_TOKEN,
    CALLER,
    PROFESSIONALS,
    PUBLIC_BASE_URL,
    FixedClock,
    add_shift,
    add_worker,
    new_call_sid,
    stored_record,
)

pytestmark = pytest.mark.database

DUTY, PRIMARY, BACKUP = "+447700900001", "+447700900010", "+447700900011"


def simulate(
    client: TestClient, answer_by: str | None, leave_message: bool = False
) -> tuple[str, SimulationResult]:
    call_sid = new_call_sid()
    result = simulate_call(
        server_url=PUBLIC_BASE_URL,
        public_base_url=PUBLIC_BASE_URL,
        auth_token=AUTH_TOKEN,
        to=PROFESSIONALS,
        from_=CALLER,
        answer_by=answer_by,
        leave_message=leave_message,
        client=client,
        call_sid=call_sid,
    )
    return call_sid, result


def test_in_hours_the_duty_worker_accepts(
    client: TestClient, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
    worker = add_worker(session_factory, "Dee Duty", DUTY)
    call_sid, result = simulate(client, answer_by="first")
    assert result.answered_by == DUTY
    stored = stored_record(session_factory, call_sid)
    assert (stored.status, stored.accepted_worker_id) == ("to_complete", worker)
    with session_factory() as session:
        [leg] = session.scalars(select(CallLeg))
        assert (leg.accepted, leg.result) == (True, "completed")


def test_out_of_hours_the_backup_accepts_after_the_primary_does_not(
    client: TestClient, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = datetime(2026, 1, 14, 23, 0, tzinfo=UTC)
    primary = add_worker(session_factory, "Pat Primary", PRIMARY, available=False)
    backup = add_worker(session_factory, "Bo Backup", BACKUP, available=False)
    start, end = clock.now - timedelta(hours=1), clock.now + timedelta(hours=9)
    add_shift(session_factory, primary, "primary", start, end)
    add_shift(session_factory, backup, "backup", start, end)
    call_sid, result = simulate(client, answer_by=BACKUP)
    assert result.answered_by == BACKUP
    text = "\n".join(result.lines)
    assert text.index(PRIMARY) < text.index(BACKUP)
    stored = stored_record(session_factory, call_sid)
    assert (stored.accepted_worker_id, stored.answered_step, stored.status) == (
        backup,
        1,
        "to_complete",
    )


def test_nobody_answers_and_the_caller_leaves_a_message(
    client: TestClient, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = datetime(2026, 1, 14, 23, 0, tzinfo=UTC)
    call_sid, result = simulate(client, answer_by=None, leave_message=True)
    assert result.voicemail and result.answered_by is None
    assert stored_record(session_factory, call_sid).status == "unanswered"
    with session_factory() as session:
        [task] = session.scalars(select(CallbackTask))
        assert (task.reason, task.urgent, task.caller_number) == ("voicemail", True, CALLER)


def test_a_whole_call_logs_no_phone_numbers_or_names(
    client: TestClient,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock.now = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
    add_worker(session_factory, "Dee Duty", DUTY)
    with caplog.at_level(logging.DEBUG):
        call_sid, _ = simulate(client, answer_by=None, leave_message=True)
    assert call_sid in caplog.text  # the call is traceable by its CallSid...
    for personal in ("7700900", "Dee Duty", "1305228558"):  # ...and by nothing personal
        assert personal not in caplog.text
