"""When the database fails, the caller still reaches someone: never a 500, never silence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from models import CallbackTask, ConversationRecord
from models.db import make_engine
from tests.helpers import (
    FALLBACK_NUMBER,
    PROFESSIONALS,
    PUBLIC_BASE_URL,
    FixedClock,
    Twilio,
    add_worker,
    new_call_sid,
)
from tests.telephony import twiml_reader
from tests.telephony.conftest import make_settings

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=1"


def break_database(app: FastAPI) -> sessionmaker[Session]:
    """Point the running app at a database that does not answer; returns the old factory."""
    context = app.state.telephony
    working: sessionmaker[Session] = context.session_factory
    broken = sessionmaker(make_engine(UNREACHABLE), expire_on_commit=False)
    context.session_factory = broken
    return working


def test_no_database_at_all_still_greets_and_rings_the_fallback_then_takes_a_message() -> None:
    app = create_app(make_settings(UNREACHABLE), clock=FixedClock())
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        twilio = Twilio(client)
        call_sid = new_call_sid()
        root = twiml_reader.parse(twilio.incoming(call_sid))
        assert "Professionals line" in twiml_reader.said(root)
        assert "9 9 9" in twiml_reader.said(root)
        dialled = twiml_reader.dial(root)
        assert dialled is not None and dialled.numbers == [FALLBACK_NUMBER]
        assert dialled.action.endswith("/twilio/fallback-dial-result")
        after = twiml_reader.parse(
            twilio.post_url(dialled.action, {"CallSid": call_sid, "DialCallStatus": "busy"})
        )
        assert twiml_reader.records_message(after)
        thanks = twilio.post(
            "/twilio/voicemail",
            {
                "CallSid": call_sid,
                "RecordingUrl": "https://api.twilio.com/r/RE1",
                "RecordingDuration": "9",
            },
        )
        assert "Thank you" in twiml_reader.said(twiml_reader.parse(thanks))
        assert twilio.status(call_sid, "completed", duration=30).status_code == 503
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503


def test_without_a_fallback_number_the_caller_can_leave_a_message() -> None:
    settings = make_settings(UNREACHABLE, fallback_number=None)
    with TestClient(create_app(settings, clock=FixedClock()), base_url=PUBLIC_BASE_URL) as client:
        root = twiml_reader.parse(Twilio(client).incoming(new_call_sid()))
        assert twiml_reader.dial(root) is None
        assert twiml_reader.records_message(root)


def test_twilios_primary_handler_fallback_needs_no_database() -> None:
    app = create_app(make_settings(UNREACHABLE), clock=FixedClock())
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        twilio = Twilio(client)
        params = {
            "CallSid": new_call_sid(),
            "From": "+447700900123",
            "To": "+441305228866",
            "ErrorCode": "11200",
        }
        root = twiml_reader.parse(twilio.post("/twilio/fallback", params))
        assert "Public line" in twiml_reader.said(root)
        dialled = twiml_reader.dial(root)
        assert dialled is not None and dialled.numbers == [FALLBACK_NUMBER]
        forged = client.post("/twilio/fallback", data=params)
        assert forged.status_code == 403


@pytest.fixture
def live_app(database_url: str, clock: FixedClock) -> Iterator[tuple[FastAPI, Twilio]]:
    app = create_app(make_settings(database_url), clock=clock)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        yield app, Twilio(client)


@pytest.mark.database
def test_the_database_failing_in_the_middle_of_a_call(
    live_app: tuple[FastAPI, Twilio], session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    app, twilio = live_app
    clock.now = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
    add_worker(session_factory, "Ada", "+447700900001")
    call_sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert dialled is not None and dialled.whisper_urls[0]
    break_database(app)

    whisper = twiml_reader.parse(
        twilio.post_url(dialled.whisper_urls[0], {"CallSid": "CA" + "1" * 32})
    )
    gather = whisper.find("Gather")
    assert gather is not None and "Press 1" in twiml_reader.said(whisper)
    accepted = twilio.post_url(
        gather.get("action", ""), {"CallSid": "CA" + "1" * 32, "Digits": "1"}
    )
    assert twiml_reader.parse(accepted).find("Hangup") is None  # connected all the same

    next_step = twilio.post_url(
        dialled.action, {"CallSid": call_sid, "DialCallStatus": "no-answer"}
    )
    fallback = twiml_reader.dial(twiml_reader.parse(next_step))
    assert fallback is not None and fallback.numbers == [FALLBACK_NUMBER]


@pytest.mark.database
def test_a_call_routed_without_the_database_gets_a_record_and_a_callback_task_when_it_is_back(
    live_app: tuple[FastAPI, Twilio], session_factory: sessionmaker[Session]
) -> None:
    app, twilio = live_app
    working = break_database(app)
    call_sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert dialled is not None and dialled.numbers == [FALLBACK_NUMBER]
    app.state.telephony.session_factory = working  # the database is back

    assert twilio.status(call_sid, "completed", duration=120).status_code == 204
    with session_factory() as session:
        record = session.scalar(
            select(ConversationRecord).where(ConversationRecord.call_sid == call_sid)
        )
        assert record is not None
        assert record.status == "unanswered"
        assert record.line.number == PROFESSIONALS
        assert "without the database" in record.period_reason
        task = session.scalar(select(CallbackTask))
        assert task is not None and task.record_id == record.id
