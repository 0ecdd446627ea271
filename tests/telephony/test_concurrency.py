"""Twilio's requests for one call arriving at once, and at different processes."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Barrier

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from models import CallbackTask, ConversationRecord
from tests.helpers import PUBLIC_BASE_URL, FixedClock, Twilio, add_shift, add_worker, new_call_sid
from tests.telephony import twiml_reader
from tests.telephony.conftest import make_settings

pytestmark = pytest.mark.database

WORKERS = [f"+4477009000{n:02d}" for n in range(1, 6)]


def at_once(count: int, work: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    barrier = Barrier(count)

    def go(index: int) -> httpx.Response:
        barrier.wait()
        return work(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(go, range(count)))


def test_five_workers_pressing_1_at_once_connect_exactly_one(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
    for index, phone in enumerate(WORKERS):
        add_worker(session_factory, f"Worker {index}", phone)
    call_sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert dialled is not None and len(dialled.numbers) == 5
    accept_urls = []
    for url in dialled.whisper_urls:
        assert url
        gather = twiml_reader.parse(twilio.post_url(url, {"CallSid": "CA" + "3" * 32})).find(
            "Gather"
        )
        assert gather is not None
        accept_urls.append(gather.get("action", ""))

    answers = at_once(
        5, lambda i: twilio.post_url(accept_urls[i], {"CallSid": "CA" + "3" * 32, "Digits": "1"})
    )
    connected = [r for r in answers if "<Hangup" not in r.text]
    assert all(r.status_code == 200 for r in answers)
    assert len(connected) == 1
    with session_factory() as session:
        record = session.scalar(
            select(ConversationRecord).where(ConversationRecord.call_sid == call_sid)
        )
        assert record is not None and record.accepted_worker_id is not None


def test_the_same_end_of_call_reported_at_once_leaves_one_task(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = datetime(2026, 1, 14, 23, 0, tzinfo=UTC)
    call_sid = new_call_sid()
    twilio.incoming(call_sid)
    answers = at_once(4, lambda _: twilio.status(call_sid, "completed", duration=20))
    assert [r.status_code for r in answers] == [204] * 4
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(CallbackTask)) == 1


def test_a_call_handled_by_two_processes_behind_a_load_balancer(
    database_url: str, session_factory: sessionmaker[Session]
) -> None:
    clock = FixedClock(datetime(2026, 1, 14, 23, 0, tzinfo=UTC))
    primary = add_worker(session_factory, "Pat Primary", WORKERS[0], available=False)
    backup = add_worker(session_factory, "Bo Backup", WORKERS[1], available=False)
    add_shift(
        session_factory,
        primary,
        "primary",
        clock.now - timedelta(hours=1),
        clock.now + timedelta(hours=9),
    )
    add_shift(
        session_factory,
        backup,
        "backup",
        clock.now - timedelta(hours=1),
        clock.now + timedelta(hours=9),
    )
    settings = make_settings(database_url)
    first_app, second_app = create_app(settings, clock=clock), create_app(settings, clock=clock)
    with (
        TestClient(first_app, base_url=PUBLIC_BASE_URL) as first,
        TestClient(second_app, base_url=PUBLIC_BASE_URL) as second,
    ):
        a, b = Twilio(first), Twilio(second)
        call_sid = new_call_sid()
        ringing = twiml_reader.dial(twiml_reader.parse(a.incoming(call_sid)))
        assert ringing is not None and ringing.numbers == [WORKERS[0]]
        moved_on = twiml_reader.dial(
            twiml_reader.parse(
                b.post_url(ringing.action, {"CallSid": call_sid, "DialCallStatus": "no-answer"})
            )
        )
        assert moved_on is not None and moved_on.numbers == [WORKERS[1]]
        assert moved_on.whisper_urls[0]
        gather = twiml_reader.parse(
            a.post_url(moved_on.whisper_urls[0], {"CallSid": "CA" + "4" * 32})
        ).find("Gather")
        assert gather is not None
        a.post_url(gather.get("action", ""), {"CallSid": "CA" + "4" * 32, "Digits": "1"})
        assert b.status(call_sid, "completed", duration=200).status_code == 204
    with session_factory() as session:
        record = session.scalar(
            select(ConversationRecord).where(ConversationRecord.call_sid == call_sid)
        )
        assert record is not None
        assert (record.status, record.accepted_worker_id, record.answered_step) == (
            "to_complete",
            backup,
            1,
        )
