"""Small helpers that make test data and play Twilio's part with real signatures."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi.testclient import TestClient
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


TEST_PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    username: str
    worker_id: int | None


class ApiClient(TestClient):
    """A client of the real app that can sign in as a person with given roles."""

    def __init__(self, app: Any, factory: sessionmaker[Session]) -> None:
        super().__init__(app, base_url=PUBLIC_BASE_URL)
        self.factory = factory
        self.twilio = Twilio(self)
        self._usernames = itertools.count(1)

    def session(self) -> Session:
        """A session on the same database, for arranging and checking data."""
        return self.factory()

    def make_user(
        self,
        *roles: str,
        worker_id: int | None = None,
        username: str | None = None,
        password: str = TEST_PASSWORD,
    ) -> SignedIn:
        from app.accounts.service import create_user
        from app.auth import StaffRole

        name = username or f"user{next(self._usernames)}-{'-'.join(roles) or 'none'}"
        with self.factory.begin() as session:
            user = create_user(
                session,
                username=name,
                display_name=name.title(),
                password=password,
                roles=[StaffRole(role) for role in roles],
                worker_id=worker_id,
                now=datetime.now(UTC),
            )
            return SignedIn(user.id, user.username, worker_id)

    def sign_in(self, username: str, password: str = TEST_PASSWORD) -> httpx.Response:
        self.cookies.clear()
        self.headers.pop("X-CSRF-Token", None)
        response = self.post("/api/session", json={"username": username, "password": password})
        if response.status_code == 200:
            self.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return response

    def sign_in_as(
        self, *roles: str, worker_id: int | None = None, username: str | None = None
    ) -> SignedIn:
        """Create an account with these roles (a worker gets a worker if none is given)."""
        if "worker" in roles and worker_id is None:
            worker_id = add_worker(
                self.factory, f"Worker {next(self._usernames)}", next_drama_number()
            )
        user = self.make_user(*roles, worker_id=worker_id, username=username)
        response = self.sign_in(user.username)
        assert response.status_code == 200, response.text
        return user

    def sign_out(self) -> None:
        self.cookies.clear()
        self.headers.pop("X-CSRF-Token", None)


_drama = itertools.count(500)


def next_drama_number() -> str:
    """A fresh number from Ofcom's drama range, for a worker's phone."""
    return f"+447700900{next(_drama) % 1000:03d}"


def place_and_accept(twilio: Twilio, phone: str, to: str = PROFESSIONALS) -> str:
    """An incoming call that rings ``phone`` first, answered there by pressing 1.

    Drives the real webhooks; returns the CallSid. The worker must be the first rung.
    """
    from tests.telephony import twiml_reader

    call_sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid, to=to)))
    assert dialled is not None and phone in dialled.numbers, dialled
    whisper_url = dialled.whisper_urls[dialled.numbers.index(phone)]
    assert whisper_url is not None
    whisper = twiml_reader.parse(twilio.post_url(whisper_url, {"CallSid": "CA" + "1" * 32}))
    gather = whisper.find("Gather")
    assert gather is not None
    response = twilio.post_url(
        gather.get("action", ""), {"CallSid": "CA" + "1" * 32, "Digits": "1"}
    )
    assert "<Dial" not in response.text or "Goodbye" not in response.text, response.text
    return call_sid
