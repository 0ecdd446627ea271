"""Managing workers and lines through the real app (issue 11), on SQLite and PostgreSQL.

Roles are held by the service (a coordinator changes phones and lines, nothing else), every
change is audited, bad input is refused in words with nothing stored, and a change made
through the API is what the next signed webhook uses, in this app and in a second app (a
second process) on the same database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from models import Line, RoutingState, Worker
from models.audit import AuditEvent
from tests.helpers import (
    FALLBACK_NUMBER,
    ApiClient,
    FixedClock,
    Twilio,
    add_shift,
    add_worker,
    new_call_sid,
)
from tests.telephony import twiml_reader
from tests.telephony.conftest import make_settings

pytestmark = pytest.mark.database

# 14 Jan 2026 is a Wednesday: noon is in hours, 23:00 out of hours.
NOON = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
LATE = datetime(2026, 1, 14, 23, 0, tzinfo=UTC)


@pytest.fixture
def second(
    database_url: str, clock: FixedClock, session_factory: sessionmaker[Session]
) -> Iterator[ApiClient]:
    """Another app on the same database: a second `dutyline serve` behind the balancer."""
    with ApiClient(create_app(make_settings(database_url), clock=clock), session_factory) as client:
        yield client


def rung(twilio: Twilio) -> list[str]:
    """The numbers the first <Dial> of a new call rings."""
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(new_call_sid())))
    assert dialled is not None
    return dialled.numbers


def audit_events(api: ApiClient, entity_type: str) -> list[AuditEvent]:
    with api.session() as session:
        query = select(AuditEvent).where(AuditEvent.entity_type == entity_type)
        return list(session.scalars(query.order_by(AuditEvent.id)))


# Workers


def test_an_admin_adds_changes_deactivates_and_reactivates_a_worker(api: ApiClient) -> None:
    admin = api.sign_in_as("admin")
    created = api.post(
        "/api/workers", json={"name": " Sam  Okafor", "phone": "07700 900101", "lines": ["public"]}
    )
    assert created.status_code == 201, created.text
    sam = created.json()
    assert (sam["name"], sam["phone"], sam["phone_words"]) == (
        "Sam Okafor",
        "+447700900101",
        "07700 900101",
    )
    assert sam["lines"] == [{"key": "public", "name": "Public line"}]
    assert (sam["active"], sam["available"]) == (True, False)

    url = f"/api/workers/{sam['id']}"
    changed = api.patch(
        url, json={"name": "Sam Okafor-Reid", "phone": "+44 7700 900102", "lines": []}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["phone_words"] == "07700 900102"
    assert changed.json()["lines"] == []
    assert api.patch(url, json={"active": False}).json()["active"] is False
    assert api.patch(url, json={"active": True}).json()["active"] is True

    listed = {w["id"]: w for w in api.get("/api/workers").json()}
    assert listed[sam["id"]]["phone_words"] == "07700 900102"

    events = audit_events(api, "worker")
    assert [e.action for e in events] == ["create", "update", "deactivate", "reactivate"]
    assert {e.actor_user_id for e in events} == {admin.user_id}
    assert events[1].changes == {
        "lines": {"old": ["Public line"], "new": []},
        "name": {"old": "Sam Okafor", "new": "Sam Okafor-Reid"},
        "phone": {"old": "07700 900101", "new": "07700 900102"},
    }


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"phone": "12345"}, "phone", "not a valid phone number"),
        ({"phone": "+33 1 23 45 67 89"}, "phone", "UK mobile or landline"),
        ({"phone": "0800 123 4567"}, "phone", "not a valid phone number"),
        ({"phone": "07700 900202"}, "phone", "already Jo Whitfield's phone"),
        ({"name": "jo whitfield"}, "name", "already exists"),
        ({"name": "   "}, "name", "needs a name"),
        ({"lines": ["police"]}, "lines", "unknown line 'police'"),
    ],
)
def test_bad_worker_changes_are_refused_in_words_and_nothing_is_stored(
    api: ApiClient, body: dict[str, object], field: str, words: str
) -> None:
    api.sign_in_as("admin")
    jo = api.post("/api/workers", json={"name": "Jo Whitfield", "phone": "07700900202"}).json()
    sam = api.post("/api/workers", json={"name": "Sam Okafor", "phone": "07700900101"}).json()
    refused = api.patch(f"/api/workers/{sam['id']}", json={"lines": ["public"], **body})
    assert refused.status_code == 422, refused.text
    [detail] = refused.json()["detail"]
    assert detail["loc"][-1] == field
    assert words in detail["msg"]
    assert "12345" not in detail["msg"]  # the page repeats the number, the API never does
    assert api.get(f"/api/workers/{sam['id']}").json() == sam
    assert jo["active"]
    assert [e.action for e in audit_events(api, "worker")] == ["create", "create"]


def test_a_coordinator_changes_phones_and_lines_and_nothing_else(api: ApiClient) -> None:
    worker_id = add_worker(api.factory, "Priya Shah", "+447700900103", ("public",))
    api.sign_in_as("coordinator")
    url = f"/api/workers/{worker_id}"
    changed = api.patch(url, json={"phone": "07700900104", "lines": ["professional", "public"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["phone_words"] == "07700 900104"
    for body in ({"name": "Priya S"}, {"active": False}, {"phone": "07700900105", "active": False}):
        refused = api.patch(url, json=body)
        assert refused.status_code == 403, (body, refused.text)
        assert "Only an admin" in refused.json()["detail"]
    assert api.post("/api/workers", json={"name": "X", "phone": "07700900106"}).status_code == 403
    after = api.get(url).json()
    assert (after["name"], after["phone"], after["active"]) == ("Priya Shah", "+447700900104", True)


def test_a_deactivated_worker_is_set_offline_and_not_rung(api: ApiClient) -> None:
    worker_id = add_worker(api.factory, "Tom Hughes", "+447700900107", ("professional",))
    api.sign_in_as("admin")
    assert rung(api.twilio) == ["+447700900107"]
    api.patch(f"/api/workers/{worker_id}", json={"active": False})
    with api.session() as session:
        assert session.get(Worker, worker_id).available is False  # type: ignore[union-attr]
    # In hours with nobody else free, the caller waits in the line's queue: nobody is rung.
    answer = twiml_reader.parse(api.twilio.incoming(new_call_sid()))
    assert twiml_reader.dial(answer) is None
    assert twiml_reader.enqueued(answer) is not None


def test_a_phone_change_reaches_the_next_call_in_this_and_another_process(
    api: ApiClient, second: ApiClient, clock: FixedClock
) -> None:
    # In hours: a duty worker's phone is read with the free workers, call by call.
    clock.now = NOON
    sam = add_worker(api.factory, "Sam Okafor", "+447700900101", ("professional",))
    assert rung(second.twilio) == ["+447700900101"]
    admin = api.sign_in_as("admin")
    assert api.patch(f"/api/workers/{sam}", json={"phone": "07700 900111"}).status_code == 200
    assert rung(second.twilio) == ["+447700900111"]

    # Out of hours: the on-call phone comes from each process's snapshot, which the change
    # makes stale (the routing version moves) in every process.
    clock.now = LATE
    jo = add_worker(api.factory, "Jo Whitfield", "+447700900202", (), available=False)
    add_shift(api.factory, jo, "primary", LATE - timedelta(hours=2), LATE + timedelta(hours=8))
    assert rung(second.twilio) == ["+447700900202"]
    assert rung(api.twilio) == ["+447700900202"]
    api.sign_in(admin.username)  # eleven hours on, the browser session has expired
    assert api.patch(f"/api/workers/{jo}", json={"phone": "07700900222"}).status_code == 200
    assert rung(second.twilio) == ["+447700900222"]
    assert rung(api.twilio) == ["+447700900222"]


# Lines


def line_id(api: ApiClient, key: str) -> int:
    with api.session() as session:
        found = session.scalar(select(Line.id).where(Line.key == key))
        assert found is not None
        return found


def test_an_admin_changes_a_line_and_the_next_call_in_another_process_uses_it(
    api: ApiClient, second: ApiClient, clock: FixedClock
) -> None:
    clock.now = LATE  # out of hours, nobody on call: the fallback number is rung
    first = twiml_reader.parse(second.twilio.incoming(new_call_sid()))
    assert "You have reached the Children's Advice and Duty Service, Professionals line." in (
        twiml_reader.said(first)
    )
    assert twiml_reader.dial(first).numbers == [FALLBACK_NUMBER]  # type: ignore[union-attr]

    api.sign_in_as("admin")
    professional = line_id(api, "professional")
    changed = api.patch(
        f"/api/lines/{professional}",
        json={
            "greeting": "  Thank you for calling   Dorset's duty line for professionals.",
            "fallback_number": "01305 224 999",
            "weekday_close": "23:30",
        },
    )
    assert changed.status_code == 200, changed.text
    line = changed.json()
    assert line["greeting"] == "Thank you for calling Dorset's duty line for professionals."
    assert (line["fallback_number"], line["fallback_number_words"]) == (
        "+441305224999",
        "01305 224999",
    )
    assert (line["weekday_open"], line["weekday_close"]) == ("08:00", "23:30")

    # 23:00 on a Wednesday is now in hours, with nobody free and (set here) no queue: the
    # line's own fallback number.
    no_queue = api.patch(f"/api/lines/{professional}", json={"queue_max_wait_minutes": "0"})
    assert no_queue.status_code == 200, no_queue.text
    answer = twiml_reader.parse(second.twilio.incoming(new_call_sid()))
    said = twiml_reader.said(answer)
    assert said.startswith("Thank you for calling Dorset's duty line for professionals. If a")
    assert "9 9 9" in said
    assert twiml_reader.dial(answer).numbers == ["+441305224999"]  # type: ignore[union-attr]
    # The public line keeps the standard greeting and the service's fallback number.
    public = twiml_reader.parse(second.twilio.incoming(new_call_sid(), to="+441305228866"))
    assert "Public line." in twiml_reader.said(public)
    assert twiml_reader.dial(public).numbers == [FALLBACK_NUMBER]  # type: ignore[union-attr]

    # Emptied: the standard greeting and the service's fallback number again.
    api.patch(f"/api/lines/{professional}", json={"greeting": "", "fallback_number": " "})
    again = twiml_reader.parse(second.twilio.incoming(new_call_sid()))
    assert "Professionals line." in twiml_reader.said(again)
    assert twiml_reader.dial(again).numbers == [FALLBACK_NUMBER]  # type: ignore[union-attr]

    [event, no_queue_event, cleared] = audit_events(api, "line")
    assert no_queue_event.changes == {"queue_max_wait": {"old": "5 minutes", "new": "no queue"}}
    assert event.changes == {
        "fallback_number": {"old": "", "new": "01305 224999"},
        "greeting": {
            "old": "",
            "new": "Thank you for calling Dorset's duty line for professionals.",
        },
        "weekday_hours": {"old": "08:00-22:00", "new": "08:00-23:30"},
    }
    assert set(cleared.changes or {}) == {"fallback_number", "greeting"}


def test_bad_line_changes_are_all_named_and_nothing_is_stored(api: ApiClient) -> None:
    api.sign_in_as("admin")
    professional = line_id(api, "professional")
    before = api.get(f"/api/lines/{professional}").json()
    refused = api.patch(
        f"/api/lines/{professional}",
        json={
            "name": "Professionals",
            "number": "01305 2285",
            "greeting": "x" * 301,
            "weekday_open": "8am",
            "weekend_close": "25:00",
            "fallback_number": "+441305228866",
        },
    )
    assert refused.status_code == 422
    problems = {d["loc"][-1]: d["msg"] for d in refused.json()["detail"]}
    assert set(problems) == {"number", "greeting", "weekday_open", "weekend_close"}
    assert "not a valid phone number" in problems["number"]
    assert "at most 300 characters" in problems["greeting"]
    assert "24-hour clock" in problems["weekday_open"]

    # Values that read well but do not fit together.
    for body, field, words in (
        ({"weekday_open": "22:00", "weekday_close": "08:00"}, "weekday_close", "after"),
        ({"weekend_close": "09:00"}, "weekend_close", "after the weekend opening time"),
        ({"fallback_number": "01305 228866"}, "fallback_number", "one of the lines' numbers"),
        ({"number": "01305228866"}, "number", "already the Public line's"),
    ):
        refused = api.patch(f"/api/lines/{professional}", json=body)
        assert refused.status_code == 422, body
        [detail] = refused.json()["detail"]
        assert (detail["loc"][-1], words in detail["msg"]) == (field, True), detail
    assert api.get(f"/api/lines/{professional}").json() == before
    assert audit_events(api, "line") == []
    with api.session() as session:
        line = session.get(Line, professional)
        assert line is not None and line.weekday_open == time(8, 0)


def test_every_change_to_a_worker_or_a_line_moves_the_routing_version(api: ApiClient) -> None:
    def version() -> int:
        with api.session() as session:
            return session.scalar(select(RoutingState.version)) or 0

    worker_id = add_worker(api.factory, "Priya Shah", "+447700900103", ("public",))
    api.sign_in_as("admin")
    professional = line_id(api, "professional")
    for url, body in (
        (f"/api/workers/{worker_id}", {"lines": ["professional"]}),
        (f"/api/workers/{worker_id}", {"phone": "07700900104"}),
        (f"/api/workers/{worker_id}", {"active": False}),
        (f"/api/lines/{professional}", {"greeting": "Hello."}),
    ):
        before = version()
        assert api.patch(url, json=body).status_code == 200
        assert version() > before, body


def test_a_lines_longest_wait_in_the_queue_is_set_in_minutes(api: ApiClient) -> None:
    api.sign_in_as("admin")
    professional = line_id(api, "professional")
    assert api.get(f"/api/lines/{professional}").json()["queue_max_wait_words"] == "5 minutes"
    for wait in ("-1", "31", "five", "2.5"):
        refused = api.patch(f"/api/lines/{professional}", json={"queue_max_wait_minutes": wait})
        assert refused.status_code == 422, wait
        [detail] = refused.json()["detail"]
        assert detail["loc"][-1] == "queue_max_wait_minutes"
        assert "whole minutes from 0 to 30" in detail["msg"]
    changed = api.patch(f"/api/lines/{professional}", json={"queue_max_wait_minutes": " 8 "})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["queue_max_wait_minutes"], changed.json()["queue_max_wait_words"]) == (
        8,
        "8 minutes",
    )
    none = api.patch(f"/api/lines/{professional}", json={"queue_max_wait_minutes": "0"}).json()
    assert none["queue_max_wait_words"] == "no queue"
    with api.session() as session:
        line = session.get(Line, professional)
        assert line is not None and line.queue_max_wait_seconds == 0
    [eight, zero] = audit_events(api, "line")
    assert eight.changes == {"queue_max_wait": {"old": "5 minutes", "new": "8 minutes"}}
    assert zero.changes == {"queue_max_wait": {"old": "8 minutes", "new": "no queue"}}
