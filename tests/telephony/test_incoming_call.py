"""The incoming-call webhook through the real app, signed by Twilio's own validator."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models import ConversationRecord, Line
from tests.helpers import (
    CALLER,
    FALLBACK_NUMBER,
    PROFESSIONALS,
    PUBLIC,
    FixedClock,
    Twilio,
    add_shift,
    add_worker,
    new_call_sid,
    stored_record,
)
from tests.telephony import twiml_reader

pytestmark = pytest.mark.database

DUTY = "+447700900001"
ON_CALL = "+447700900002"


@pytest.mark.parametrize(
    ("dialled", "line_key", "line_name"),
    [
        ("+441305228558", "professional", "Professionals line"),
        ("01305 228558", "professional", "Professionals line"),
        ("+44 (0)1305 228558", "professional", "Professionals line"),
        ("01305228558", "professional", "Professionals line"),
        ("+441305228866", "public", "Public line"),
        ("01305 228866", "public", "Public line"),
        ("+44 1305 228866", "public", "Public line"),
    ],
)
def test_each_line_is_reached_by_every_spelling_of_its_number(
    twilio: Twilio,
    session_factory: sessionmaker[Session],
    dialled: str,
    line_key: str,
    line_name: str,
) -> None:
    call_sid = new_call_sid()
    root = twiml_reader.parse(twilio.incoming(call_sid, to=dialled))
    assert line_name in twiml_reader.said(root)
    stored = stored_record(session_factory, call_sid)
    assert stored.line.key == line_key
    assert stored.dialled_known is True


def test_an_unknown_number_is_served_as_the_public_line_and_logged_without_numbers(
    twilio: Twilio, session_factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    call_sid = new_call_sid()
    with caplog.at_level(logging.INFO):
        root = twiml_reader.parse(twilio.incoming(call_sid, to="+442079460000"))
    assert "Public line" in twiml_reader.said(root)
    stored = stored_record(session_factory, call_sid)
    assert (stored.line.key, stored.dialled_known) == ("public", False)
    assert "matches no line" in caplog.text
    assert "2079460000" not in caplog.text and "900123" not in caplog.text


def test_the_caller_hears_the_line_and_999_then_rings_with_the_line_as_caller_id(
    twilio: Twilio, session_factory: sessionmaker[Session]
) -> None:
    add_worker(session_factory, "Ada Duty", DUTY)
    response = twilio.incoming(new_call_sid())
    root = twiml_reader.parse(response)
    say = root.find("Say")
    assert say is not None and say.get("language") == "en-GB"
    assert "9 9 9" in twiml_reader.said(root)
    dialled = twiml_reader.dial(root)
    assert dialled is not None
    assert dialled.numbers == [DUTY]
    assert dialled.caller_id == PROFESSIONALS
    assert dialled.answer_on_bridge
    assert all(url and "/twilio/whisper" in url for url in dialled.whisper_urls)
    assert all(url and "/twilio/leg-status" in url for url in dialled.status_callbacks)


def test_a_record_exists_from_the_first_webhook(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    worker = add_worker(session_factory, "Ada Duty", DUTY)
    call_sid = new_call_sid()
    twilio.incoming(call_sid)
    stored = stored_record(session_factory, call_sid)
    assert stored.caller_number == CALLER
    assert stored.status == "ringing"
    assert stored.period == "in_hours"
    assert stored.started_at == clock.now
    assert stored.plan["steps"][0]["kind"] == "duty"
    assert [t["worker_id"] for t in stored.plan["steps"][0]["targets"]] == [worker]


def test_a_retried_first_webhook_keeps_one_record_and_the_same_answer(
    twilio: Twilio, session_factory: sessionmaker[Session]
) -> None:
    add_worker(session_factory, "Ada Duty", DUTY)
    call_sid = new_call_sid()
    first = twiml_reader.parse(twilio.incoming(call_sid))
    again = twiml_reader.parse(twilio.incoming(call_sid))
    assert twiml_reader.dial(first) == twiml_reader.dial(again)
    assert "Professionals line" in twiml_reader.said(again)  # the caller is still greeted
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ConversationRecord)) == 1


@pytest.mark.parametrize(
    "forge",
    ["missing", "wrong token", "other url", "tampered param"],
)
def test_a_forged_request_is_refused_and_changes_nothing(
    twilio: Twilio, session_factory: sessionmaker[Session], forge: str
) -> None:
    from twilio.request_validator import RequestValidator

    from tests.helpers import PUBLIC_BASE_URL

    params = {"CallSid": new_call_sid(), "From": CALLER, "To": PROFESSIONALS}
    url = PUBLIC_BASE_URL + "/twilio/voice"
    signature = {
        "missing": "",
        "wrong token": RequestValidator("not-our-token").compute_signature(url, params),
        "other url": twilio.validator.compute_signature(
            "https://evil.example/twilio/voice", params
        ),
        "tampered param": twilio.validator.compute_signature(url, {**params, "To": PUBLIC}),
    }[forge]
    headers = {"X-Twilio-Signature": signature} if signature else {}
    response = twilio.client.post("/twilio/voice", data=params, headers=headers)
    assert response.status_code == 403
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ConversationRecord)) == 0


def test_oversized_and_non_form_bodies_are_refused(twilio: Twilio) -> None:
    huge = twilio.client.post(
        "/twilio/voice",
        content=b"CallSid=" + b"A" * 70_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert huge.status_code == 413
    as_json = twilio.client.post("/twilio/voice", json={"CallSid": "CA1"})
    assert as_json.status_code == 415


def test_a_signed_call_without_a_call_sid_still_goes_to_the_fallback(twilio: Twilio) -> None:
    root = twiml_reader.parse(twilio.post("/twilio/voice", {"From": CALLER, "To": PROFESSIONALS}))
    dialled = twiml_reader.dial(root)
    assert dialled is not None and dialled.numbers == [FALLBACK_NUMBER]


def test_a_routing_change_is_seen_by_the_next_call(
    twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.now = datetime(2026, 1, 14, 23, 0, tzinfo=UTC)  # out of hours
    first = twiml_reader.dial(twiml_reader.parse(twilio.incoming(new_call_sid())))
    assert first is not None and first.numbers == [FALLBACK_NUMBER]
    worker = add_worker(session_factory, "Olu Oncall", ON_CALL)
    add_shift(
        session_factory,
        worker,
        "primary",
        clock.now - timedelta(hours=1),
        clock.now + timedelta(hours=8),
    )
    second = twiml_reader.dial(twiml_reader.parse(twilio.incoming(new_call_sid())))
    assert second is not None and second.numbers == [ON_CALL]


def test_lines_are_configuration_in_the_database(
    twilio: Twilio, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        line = session.scalar(select(Line).where(Line.key == "public"))
        assert line is not None
        line.name = "Public advice line"
    root = twiml_reader.parse(twilio.incoming(new_call_sid(), to=PUBLIC))
    assert "Public advice line" in twiml_reader.said(root)
