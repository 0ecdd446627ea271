"""Real records and callback tasks for the API tests, made by driving Twilio's webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from models import ConversationRecord, Worker
from tests.helpers import CALLER, PROFESSIONALS, ApiClient, FixedClock, SignedIn, new_call_sid
from tests.telephony import twiml_reader


def phone_of(api: ApiClient, worker_id: int | None) -> str:
    with api.session() as session:
        phone = session.scalar(select(Worker.phone).where(Worker.id == worker_id))
    assert phone is not None
    return phone


def record_id_of(api: ApiClient, call_sid: str) -> int:
    with api.session() as session:
        found = session.scalar(
            select(ConversationRecord.id).where(ConversationRecord.call_sid == call_sid)
        )
    assert found is not None
    return found


def answered_call(
    api: ApiClient,
    worker: SignedIn,
    *,
    caller: str = CALLER,
    to: str = PROFESSIONALS,
    end: bool = True,
) -> int:
    """A call that rings ``worker`` (who must be available), accepted by pressing 1.

    Returns the record's id. ``end``: the caller hangs up afterwards.
    """
    twilio = api.twilio
    call_sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid, to=to, from_=caller)))
    phone = phone_of(api, worker.worker_id)
    assert dialled is not None and phone in dialled.numbers, dialled
    whisper_url = dialled.whisper_urls[dialled.numbers.index(phone)]
    assert whisper_url is not None
    leg = {"CallSid": "CA" + "1" * 32}
    gather = twiml_reader.parse(twilio.post_url(whisper_url, leg)).find("Gather")
    assert gather is not None
    accepted = twilio.post_url(gather.get("action", ""), {**leg, "Digits": "1"})
    assert "Connecting you now" in accepted.text, accepted.text
    if end:
        twilio.status(call_sid, "completed", duration=120)
    return record_id_of(api, call_sid)


def missed_call(api: ApiClient, *, caller: str = CALLER, to: str = PROFESSIONALS) -> int:
    """A call nobody answers: every step rings out, the caller hangs up. Returns the record."""
    twilio = api.twilio
    call_sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid, to=to, from_=caller)))
    while dialled is not None:
        response = twilio.post_url(
            dialled.action, {"CallSid": call_sid, "DialCallStatus": "no-answer"}
        )
        dialled = twiml_reader.dial(twiml_reader.parse(response))
    twilio.status(call_sid, "completed", duration=40)
    return record_id_of(api, call_sid)


def at(clock: FixedClock, moment: datetime) -> FixedClock:
    clock.now = moment
    return clock


COMPLETE_CONTENT: dict[str, Any] = {
    "caller": {
        "kind": "professional",
        "name": "Sam Teacher",
        "role": "Designated safeguarding lead",
        "organisation": "Hill School",
        "consent_to_contact": True,
        "contact_number": "01305 111222",
    },
    "household": {
        "children": [{"name": "Amy Smith", "date_of_birth": "2015-04-01", "school": "Hill"}]
    },
    "worry": {"in_callers_words": "Amy came to school hungry again."},
    "concerns": {"categories": ["neglect"]},
    "strengths_risks": {"strengths": "Grandmother close by", "risks": "Mother unwell"},
    "consent": {"family_aware": True, "to_share": "given"},
    "outcome": {
        "decision": "early_help",
        "actions": [{"who": "Hill School", "what": "Early help assessment", "by": "2026-01-28"}],
    },
}
