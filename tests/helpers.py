"""Small helpers that make test data and play Twilio's part with real signatures."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from models import ConversationRecord, Line, OnCallShift, Worker

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC_BASE_URL = "https://dutyline.example.org"
FALLBACK_NUMBER = "+441305224666"
PROFESSIONALS = "+441305228558"
PUBLIC = "+441305228866"
CALLER = "+447700900123"


@dataclass
class FixedClock:
    """A clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime(2026, 1, 14, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


def new_call_sid() -> str:
    return "CA" + uuid.uuid4().hex


class Twilio:
    """Posts form-encoded requests signed exactly as Twilio signs them."""

    def __init__(self, client: httpx.Client, token: str = AUTH_TOKEN) -> None:
        self.client = client
        self.validator = RequestValidator(token)

    def post(
        self, path: str, params: Mapping[str, str], query: Mapping[str, str | int] | None = None
    ) -> httpx.Response:
        path_and_query = f"{path}?{urlencode(query)}" if query else path
        signature = self.validator.compute_signature(PUBLIC_BASE_URL + path_and_query, dict(params))
        return self.client.post(
            path_and_query, data=dict(params), headers={"X-Twilio-Signature": signature}
        )

    def post_url(self, url: str, params: Mapping[str, str]) -> httpx.Response:
        """Post to an absolute URL taken from our own TwiML."""
        assert url.startswith(PUBLIC_BASE_URL), url
        signature = self.validator.compute_signature(url, dict(params))
        return self.client.post(
            url.removeprefix(PUBLIC_BASE_URL),
            data=dict(params),
            headers={"X-Twilio-Signature": signature},
        )

    def incoming(
        self, call_sid: str, to: str = PROFESSIONALS, from_: str = CALLER
    ) -> httpx.Response:
        return self.post(
            "/twilio/voice",
            {
                "CallSid": call_sid,
                "AccountSid": "AC" + "0" * 32,
                "From": from_,
                "To": to,
                "CallStatus": "ringing",
                "Direction": "inbound",
                "ApiVersion": "2010-04-01",
            },
        )

    def status(self, call_sid: str, status: str, duration: int | None = None) -> httpx.Response:
        params = {"CallSid": call_sid, "CallStatus": status, "From": CALLER, "To": PROFESSIONALS}
        if duration is not None:
            params["CallDuration"] = str(duration)
        return self.post("/twilio/status", params)


def add_worker(
    factory: sessionmaker[Session],
    name: str,
    phone: str,
    lines: tuple[str, ...] = ("professional", "public"),
    *,
    available: bool = True,
    last_offered_at: datetime | None = None,
) -> int:
    with factory.begin() as session:
        worker = Worker(
            name=name,
            phone=phone,
            available=available,
            last_offered_at=last_offered_at,
            lines=list(session.scalars(select(Line).where(Line.key.in_(lines)))),
        )
        session.add(worker)
        session.flush()
        return worker.id


def add_shift(
    factory: sessionmaker[Session], worker_id: int, role: str, start: datetime, end: datetime
) -> int:
    with factory.begin() as session:
        shift = OnCallShift(worker_id=worker_id, role=role, starts_at=start, ends_at=end)
        session.add(shift)
        session.flush()
        return shift.id


def stored_record(factory: sessionmaker[Session], call_sid: str) -> ConversationRecord:
    """The conversation record of a call, as the database holds it now."""
    with factory() as session:
        found = session.scalar(
            select(ConversationRecord).where(ConversationRecord.call_sid == call_sid)
        )
        assert found is not None, f"no record for {call_sid}"
        return found
