"""Each boundary of the hours, as a caller meets it: who the call rings first."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import ConversationRecord, HoursOverride
from tests.helpers import FixedClock, Twilio, add_shift, add_worker, new_call_sid
from tests.telephony import twiml_reader

pytestmark = pytest.mark.database

LONDON = ZoneInfo("Europe/London")
DUTY, ON_CALL = "+447700900001", "+447700900010"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


# (local time, expected period). 2026: summer time starts Sunday 29 March, ends Sunday 25 October.
BOUNDARIES = [
    (local(2026, 1, 14, 7, 59), "out_of_hours"),  # winter weekday
    (local(2026, 1, 14, 8, 0), "in_hours"),
    (local(2026, 1, 14, 21, 59), "in_hours"),
    (local(2026, 1, 14, 22, 0), "out_of_hours"),
    (local(2026, 1, 17, 8, 59), "out_of_hours"),  # winter Saturday
    (local(2026, 1, 17, 9, 0), "in_hours"),
    (local(2026, 7, 15, 7, 59), "out_of_hours"),  # summer weekday
    (local(2026, 7, 15, 8, 0), "in_hours"),
    (local(2026, 7, 15, 21, 59), "in_hours"),
    (local(2026, 7, 15, 22, 0), "out_of_hours"),
    (local(2026, 7, 18, 8, 59), "out_of_hours"),  # summer Saturday
    (local(2026, 7, 18, 9, 0), "in_hours"),
    (local(2026, 3, 29, 8, 59), "out_of_hours"),  # the spring clock change (a Sunday)
    (local(2026, 3, 29, 9, 0), "in_hours"),
    (local(2026, 3, 29, 21, 59), "in_hours"),
    (local(2026, 3, 29, 22, 0), "out_of_hours"),
    (local(2026, 10, 25, 8, 59), "out_of_hours"),  # the autumn clock change (a Sunday)
    (local(2026, 10, 25, 9, 0), "in_hours"),
    (local(2026, 10, 26, 7, 59), "out_of_hours"),  # the Monday after
    (local(2026, 10, 26, 8, 0), "in_hours"),
    (local(2026, 12, 25, 8, 30), "out_of_hours"),  # Christmas Day, a Friday: weekend hours
    (local(2026, 12, 25, 9, 0), "in_hours"),
    (local(2026, 8, 31, 8, 30), "out_of_hours"),  # Summer bank holiday Monday
]


@pytest.mark.parametrize(("when", "period"), BOUNDARIES, ids=lambda v: str(v))
def test_the_first_person_rung_follows_the_hours(
    twilio: Twilio,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    when: datetime,
    period: str,
) -> None:
    clock.now = when
    add_worker(session_factory, "Dee Duty", DUTY, available=True)
    on_call = add_worker(session_factory, "Owen Oncall", ON_CALL, available=False)
    add_shift(
        session_factory, on_call, "primary", when - timedelta(hours=12), when + timedelta(hours=12)
    )
    call_sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert dialled is not None
    assert dialled.numbers == ([DUTY] if period == "in_hours" else [ON_CALL])
    with session_factory() as session:
        stored = session.scalar(
            select(ConversationRecord).where(ConversationRecord.call_sid == call_sid)
        )
        assert stored is not None and stored.period == period


def test_a_declared_closure_sends_in_hours_calls_to_on_call(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    when = local(2026, 1, 14, 14, 0)
    clock.now = when
    add_worker(session_factory, "Dee Duty", DUTY, available=True)
    on_call = add_worker(session_factory, "Owen Oncall", ON_CALL, available=False)
    add_shift(
        session_factory, on_call, "primary", when - timedelta(hours=1), when + timedelta(hours=3)
    )
    with session_factory.begin() as session:
        session.add(
            HoursOverride(
                mode="out_of_hours",
                starts_at=when - timedelta(minutes=30),
                ends_at=when + timedelta(hours=2),
                reason="training afternoon",
            )
        )
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(new_call_sid())))
    assert dialled is not None and dialled.numbers == [ON_CALL]
