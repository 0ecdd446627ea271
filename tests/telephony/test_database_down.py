"""When the database fails, the caller still reaches someone: never a 500, never silence."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.main import create_app
from tests.helpers import (
    FALLBACK_NUMBER,
    PUBLIC_BASE_URL,
    FixedClock,
    Twilio,
    new_call_sid,
)
from tests.telephony import twiml_reader
from tests.telephony.conftest import make_settings

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=1"


def test_no_database_at_all_still_greets_and_rings_the_fallback_then_takes_a_message() -> None:
    app = create_app(make_settings(UNREACHABLE), clock=FixedClock())
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        twilio = Twilio(client)
        call_sid = new_call_sid()
        root = twiml_reader.parse(twilio.incoming(call_sid))
        assert "Professionals line" in twiml_reader.said(root)
        assert "9 9 9" in twiml_reader.said(root)
        dialled = twiml_reader.dial(root)
        # No snapshot was ever read: no rota to ring, so the fallback number, then a message.
        assert dialled is not None and dialled.numbers == [FALLBACK_NUMBER]
        assert "/twilio/dial-result?" in dialled.action
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
        # Journaled, so acknowledged: Twilio does not retry a 503.
        assert twilio.status(call_sid, "completed", duration=30).status_code == 204
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["database"] == "unreachable"
        # The call, its dial result, the message and the call's end.
        assert ready.json()["journal_backlog"] == 4


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
