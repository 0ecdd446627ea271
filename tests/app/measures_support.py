"""Calls played through the real signed webhooks at chosen moments, and records and
callback tasks completed through the real API, for the measures' tests."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from models import CallbackTask
from tests.app.records_support import COMPLETE_CONTENT, record_id_of
from tests.helpers import CALLER, PROFESSIONALS, ApiClient, FixedClock, SignedIn, new_call_sid
from tests.telephony import twiml_reader


@dataclass
class Call:
    """One call, driven step by step; every request is signed as Twilio signs it."""

    api: ApiClient
    clock: FixedClock
    started: datetime
    sid: str = field(default_factory=new_call_sid)
    dialled: twiml_reader.Dialled | None = None
    message_action: str | None = None
    queued: twiml_reader.Enqueued | None = None

    def at(self, seconds: float) -> None:
        self.clock.now = self.started + timedelta(seconds=seconds)

    def _ring(self, response: Any) -> None:
        root = twiml_reader.parse(response)
        self.dialled = twiml_reader.dial(root)
        self.queued = twiml_reader.enqueued(root)
        record = root.find("Record")
        self.message_action = record.get("action") if record is not None else None
        for url in self.dialled.status_callbacks if self.dialled else []:
            if url:
                self.api.twilio.post_url(url, {"CallSid": "CA" + "2" * 32, "CallStatus": "ringing"})

    def arrive(self, to: str, caller: str) -> Call:
        self.at(0)
        self._ring(self.api.twilio.incoming(self.sid, to=to, from_=caller))
        return self

    def ring_out(self, seconds: float) -> None:
        """Nobody took the step ringing now: the next one rings (or the message).

        In a line's queue (issue 12): the longest wait ran out."""
        self.at(seconds)
        if self.queued is not None:
            wait = parse_qs(urlsplit(self.queued.wait_url).query)["wait"][0]
            left = {"CallSid": self.sid, "QueueResult": "leave", "QueueTime": wait}
            self._ring(self.api.twilio.post_url(self.queued.action, left))
            return
        assert self.dialled is not None
        for url in self.dialled.status_callbacks:
            if url:
                self.api.twilio.post_url(
                    url, {"CallSid": "CA" + "2" * 32, "CallStatus": "no-answer"}
                )
        action = self.dialled.action
        self._ring(
            self.api.twilio.post_url(action, {"CallSid": self.sid, "DialCallStatus": "no-answer"})
        )

    def accept(self, seconds: float, phone: str) -> None:
        """The worker with ``phone`` hears the whisper and presses 1."""
        assert self.dialled is not None and phone in self.dialled.numbers, self.dialled
        self.at(seconds)
        leg = {"CallSid": "CA" + "1" * 32}
        whisper = self.dialled.whisper_urls[self.dialled.numbers.index(phone)]
        assert whisper is not None
        gather = twiml_reader.parse(self.api.twilio.post_url(whisper, leg)).find("Gather")
        assert gather is not None
        accepted = self.api.twilio.post_url(gather.get("action", ""), {**leg, "Digits": "1"})
        assert "Connecting you now" in accepted.text, accepted.text

    def fallback_answered(self, seconds: float) -> None:
        """The fallback number took the call; its leg ends at ``seconds``."""
        assert self.dialled is not None
        self.at(seconds)
        self.api.twilio.post_url(
            self.dialled.action, {"CallSid": self.sid, "DialCallStatus": "completed"}
        )

    def leave_message(self, seconds: float) -> None:
        assert self.message_action is not None, "the caller was not offered a message"
        self.at(seconds)
        self.api.twilio.post_url(
            self.message_action,
            {
                "CallSid": self.sid,
                "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1",
                "RecordingDuration": "20",
            },
        )

    def hang_up(self, seconds: float) -> None:
        self.at(seconds)
        self.api.twilio.status(self.sid, "completed", duration=int(seconds))

    @property
    def record_id(self) -> int:
        return record_id_of(self.api, self.sid)


def call(
    api: ApiClient, clock: FixedClock, at: datetime, to: str = PROFESSIONALS, caller: str = CALLER
) -> Call:
    return Call(api, clock, at).arrive(to, caller)


def content(child: dict[str, Any], decision: str, source: str = "2A") -> dict[str, Any]:
    """A record complete enough for ``decision``, about ``child``."""
    body = copy.deepcopy(COMPLETE_CONTENT)
    body["caller"]["contact_source"] = source
    body["household"] = {"children": [child]}
    body["outcome"]["decision"] = decision
    body["checks"] = {"items": [{"agency": "police", "status": "agreed"}]}
    return body


def complete_record(
    api: ApiClient,
    clock: FixedClock,
    worker: SignedIn,
    record_id: int,
    body: dict[str, Any],
    at: datetime,
) -> None:
    clock.now = at
    assert api.sign_in(worker.username).status_code == 200
    saved = api.patch(f"/api/records/{record_id}", json=body)
    assert saved.status_code == 200, saved.text
    done = api.post(f"/api/records/{record_id}/complete")
    assert done.status_code == 200, done.text


def call_back(
    api: ApiClient, clock: FixedClock, worker: SignedIn, record_id: int, at: datetime
) -> None:
    """The worker claims the call's callback task and completes it at ``at``."""
    with api.session() as session:
        task_id = session.scalar(select(CallbackTask.id).where(CallbackTask.record_id == record_id))
    clock.now = at
    assert api.sign_in(worker.username).status_code == 200
    assert api.post(f"/api/callbacks/{task_id}/claim").status_code == 200
    done = api.post(
        f"/api/callbacks/{task_id}/complete",
        json={"resolution": "Spoke to the caller", "outcome": "spoke_to_caller"},
    )
    assert done.status_code == 200, done.text
