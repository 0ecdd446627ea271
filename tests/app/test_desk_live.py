"""My availability, busy while on a call, and live events reaching the right browser
when the service runs as two processes."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import LiveEvent
from tests.helpers import (
    AUTH_TOKEN,
    PUBLIC,
    PUBLIC_BASE_URL,
    TEST_PASSWORD,
    ApiClient,
    FixedClock,
    Twilio,
    add_shift,
    add_worker,
    new_call_sid,
    place_and_accept,
    stored_record,
)
from tests.servers import running_server
from tests.telephony import twiml_reader

pytestmark = pytest.mark.database


def lines_of(api: ApiClient) -> dict[str, str]:
    me = api.get("/api/me").json()
    return {line["key"]: line["availability"] for line in me["worker"]["lines"]}


def test_availability_per_line(api: ApiClient) -> None:
    me = api.sign_in_as("worker")
    assert lines_of(api) == {"professional": "available", "public": "available"}
    off = api.put("/api/me/availability", json={"availability": "offline"})
    assert off.status_code == 200
    assert lines_of(api) == {"professional": "offline", "public": "offline"}
    api.put("/api/me/availability", json={"availability": "available", "lines": ["public"]})
    assert lines_of(api) == {"professional": "offline", "public": "available"}
    refused = api.put("/api/me/availability", json={"availability": "available", "lines": ["x"]})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "lines"]
    assert api.put("/api/me/availability", json={"availability": "busy"}).status_code == 422
    # The routing reads the same switch: an in-hours call to the professionals line does
    # not ring this worker now.
    response = api.twilio.incoming(new_call_sid())
    dialled = twiml_reader.dial(twiml_reader.parse(response))
    with api.session() as session:
        from models import Worker

        phone = session.get(Worker, me.worker_id).phone  # type: ignore[union-attr]
    assert dialled is None or phone not in dialled.numbers


def test_taking_a_call_makes_me_busy_and_its_end_frees_me(api: ApiClient) -> None:
    me = api.sign_in_as("worker")
    colleague = add_worker(api.factory, "Colleague", "+447700900399")
    with api.session() as session:
        from models import Worker

        phone = session.get(Worker, me.worker_id).phone  # type: ignore[union-attr]
        session.get(Worker, colleague).last_offered_at = datetime(2020, 1, 1, tzinfo=UTC)  # type: ignore[union-attr]
        session.commit()
    # The colleague has waited longest, so rings first; both ring together in hours.
    call_sid = place_and_accept(api.twilio, phone)
    assert lines_of(api) == {"professional": "busy", "public": "busy"}
    second = twiml_reader.dial(twiml_reader.parse(api.twilio.incoming(new_call_sid())))
    assert second is not None and phone not in second.numbers  # not rung while busy
    assert api.twilio.status(call_sid, "completed", duration=300).status_code == 204
    assert lines_of(api) == {"professional": "available", "public": "available"}
    record_id = stored_record(api.factory, call_sid).id
    with api.session() as session:
        events = session.scalars(select(LiveEvent).order_by(LiveEvent.id)).all()
        assert [(e.kind, e.worker_id, e.payload) for e in events] == [
            ("call.accepted", me.worker_id, {"record_id": record_id})
        ]


def test_an_unanswered_call_tells_the_workers_on_its_line(
    api: ApiClient, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 1, 14, 23, 30, tzinfo=UTC)  # out of hours, nobody on call
    call_sid = new_call_sid()
    api.twilio.incoming(call_sid, to=PUBLIC)
    api.twilio.status(call_sid, "no-answer")
    api.twilio.status(call_sid, "completed")  # a retry: still one event
    with api.session() as session:
        events = session.scalars(select(LiveEvent)).all()
        assert [(e.kind, e.worker_id, e.line_id is not None) for e in events] == [
            ("callback.created", None, True)
        ]


def _cookie_header(response: httpx.Response) -> str:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        jar.load(header)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def test_a_call_accepted_through_one_process_reaches_the_browser_on_another_within_2s(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    phone = "+447700900377"
    worker_id = add_worker(session_factory, "Lee Live", phone)
    # Rung first whatever the hour: on call now, and available for the duty team.
    add_shift(
        session_factory, worker_id, "primary", now - timedelta(hours=1), now + timedelta(hours=2)
    )
    api = ApiClient.__new__(ApiClient)
    api.factory = session_factory
    ApiClient.make_user(api, "worker", worker_id=worker_id, username="lee.live")
    env = {"DUTYLINE_PUBLIC_BASE_URL": PUBLIC_BASE_URL, "DUTYLINE_TWILIO_AUTH_TOKEN": AUTH_TOKEN}
    with (
        running_server(database_url, env, tmp_path) as browser_side,
        running_server(database_url, env, tmp_path) as twilio_side,
    ):
        signed_in = httpx.post(
            f"{browser_side}/api/session",
            json={"username": "lee.live", "password": TEST_PASSWORD},
        )
        assert signed_in.status_code == 200
        cookie = _cookie_header(signed_in)
        received: list[tuple[float, str, dict[str, int]]] = []
        connected = threading.Event()

        def listen() -> None:
            with httpx.stream(
                "GET", f"{browser_side}/api/events", headers={"Cookie": cookie}, timeout=10
            ) as stream:
                kind = ""
                for line in stream.iter_lines():
                    if line.startswith("retry:"):
                        connected.set()
                    elif line.startswith("event: "):
                        kind = line.removeprefix("event: ")
                    elif line.startswith("data: "):
                        received.append((time.monotonic(), kind, json.loads(line[6:])))
                        return

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        assert connected.wait(10)
        with httpx.Client(base_url=twilio_side) as client:
            call_sid = place_and_accept(Twilio(client), phone)
            accepted_at = time.monotonic()
        listener.join(timeout=5)
    assert received, "no live event reached the other process's stream"
    arrived, kind, payload = received[0]
    assert kind == "call.accepted"
    assert payload == {"record_id": stored_record(session_factory, call_sid).id}
    latency = arrived - accepted_at
    print(f"call.accepted reached the browser's process in {latency * 1000:.0f} ms")
    assert latency < 2.0
