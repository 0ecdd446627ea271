"""No call left ringing: a record whose final status callback was lost is resolved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import CallbackTask
from telephony.call_lookup import CallState
from telephony.context import TelephonyContext
from telephony.sweep import SweepPolicy, sweep
from tests.helpers import (
    FixedClock,
    Twilio,
    add_worker,
    new_call_sid,
    place_and_accept,
    stored_record,
)

pytestmark = pytest.mark.database

DAY = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
POLICY = SweepPolicy(ask_after=timedelta(minutes=30), give_up_after=timedelta(hours=5))


class FakeLookup:
    """Twilio's REST API as the tests want it: a state per CallSid, None when it cannot say."""

    def __init__(self, states: dict[str, CallState | None]) -> None:
        self.states = states
        self.asked: list[str] = []

    def call_state(self, call_sid: str) -> CallState | None:
        self.asked.append(call_sid)
        return self.states.get(call_sid)


def _context(client: TestClient) -> TelephonyContext:
    context: TelephonyContext = client.app.state.telephony  # type: ignore[attr-defined]
    return context


def _task(factory: sessionmaker[Session], record_id: int) -> CallbackTask | None:
    with factory() as session:
        return session.scalar(select(CallbackTask).where(CallbackTask.record_id == record_id))


def test_a_lost_end_is_confirmed_with_twilio_and_applied_as_its_callback_would(
    client: TestClient, twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = DAY
    ringing, answered, recent = new_call_sid(), None, new_call_sid()
    twilio.incoming(ringing)  # no worker: rings the fallback; its end never reported
    add_worker(session_factory, "Ada", "+447700900001")
    answered = place_and_accept(twilio, "+447700900001")
    clock.now = DAY + timedelta(minutes=20)
    twilio.incoming(recent)
    ended = DAY + timedelta(minutes=3)
    lookup = FakeLookup(
        {
            ringing: CallState("no-answer", 0, ended),
            answered: CallState("completed", 180, ended),
            recent: CallState("in-progress", None, None),
        }
    )
    result = sweep(_context(client), lookup, POLICY, DAY + timedelta(minutes=40))
    assert (result.confirmed, result.still_live, result.unconfirmed) == (2, 0, 0)
    assert recent not in lookup.asked  # too recent to ask about

    missed = stored_record(session_factory, ringing)
    assert (missed.status, missed.ended_at, missed.twilio_status) == (
        "unanswered",
        ended,
        "no-answer",
    )
    task = _task(session_factory, missed.id)
    assert task is not None and task.reason == "missed_call"
    talked = stored_record(session_factory, answered)
    assert (talked.status, talked.duration_seconds) == ("to_complete", 180)
    assert _task(session_factory, talked.id) is None


def test_an_end_nobody_can_confirm_is_marked_and_somebody_calls_back(
    client: TestClient, twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = DAY
    lost, live = new_call_sid(), new_call_sid()
    twilio.incoming(lost)
    clock.now = DAY + timedelta(hours=4)
    twilio.incoming(live)
    context, now = _context(client), DAY + timedelta(hours=5, minutes=1)
    # Twilio cannot say (None) for either: only the one past any plausible end is resolved.
    result = sweep(context, FakeLookup({}), POLICY, now)
    assert (result.confirmed, result.still_live, result.unconfirmed) == (0, 1, 1)
    record = stored_record(session_factory, lost)
    assert (record.status, record.end_unconfirmed_at, record.ended_at) == ("unanswered", now, None)
    task = _task(session_factory, record.id)
    assert task is not None and (task.reason, task.urgent) == ("end_unconfirmed", True)
    assert stored_record(session_factory, live).status == "ringing"
    # Swept once: the next sweep leaves it alone. Without the REST API it waits likewise.
    again = sweep(context, None, POLICY, now + timedelta(hours=1))
    assert (again.unconfirmed, again.still_live) == (0, 1)
    later = sweep(context, None, POLICY, DAY + timedelta(hours=9, minutes=1))
    assert later.unconfirmed == 1
