"""Closures and openings through the API, and the desk's "where calls go now" (issue 11).

The real app on SQLite and PostgreSQL; calls are signed webhooks, so a closure declared
through the API is shown to change where the very next call goes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.main import create_app
from models import AuditEvent, HoursOverride
from routing import LONDON
from tests.helpers import (
    ApiClient,
    FixedClock,
    add_shift,
    add_worker,
    new_call_sid,
    stored_record,
)
from tests.telephony import twiml_reader
from tests.telephony.conftest import make_settings

pytestmark = pytest.mark.database

DUTY_PHONE, ON_CALL_PHONE = "+447700900601", "+447700900602"


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LONDON).astimezone(UTC)


def training(**extra: object) -> dict[str, object]:
    """A training afternoon on Wednesday 14 Jan 2026 (the test clock's day), every line."""
    return {
        "starts_at": "2026-01-14T13:00",
        "ends_at": "2026-01-14T17:00",
        "reason": "Team training",
        **extra,
    }


def closure_count(api: ApiClient) -> int:
    with api.session() as session:
        return session.scalar(select(func.count()).select_from(HoursOverride)) or 0


def audit_actions(api: ApiClient) -> list[tuple[str, int | None]]:
    with api.session() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "hours_override")
            .order_by(AuditEvent.id)
        )
        return [(e.action, e.actor_user_id) for e in events]


def test_a_coordinator_declares_lists_ends_early_and_a_manager_deletes_a_future_one(
    api: ApiClient, clock: FixedClock
) -> None:
    coordinator = api.sign_in_as("coordinator")
    made = api.post("/api/closures", json=training())
    assert made.status_code == 201, made.text
    closure = made.json()
    assert closure["kind"] == "closure" and closure["state"] == "upcoming"
    assert closure["line"] is None
    assert closure["starts_at"] == "2026-01-14T13:00:00Z"
    assert closure["words"] == (
        "Closed for Team training, 14 Jan 2026 13:00 to 14 Jan 2026 17:00, all lines: "
        "calls go to the on-call workers."
    )
    listed = api.get("/api/closures").json()
    assert [c["id"] for c in listed] == [closure["id"]]

    # Deleting a closure that has started is refused in words; it is ended early instead.
    clock.now = local(2026, 1, 14, 14, 30)
    refused = api.delete(f"/api/closures/{closure['id']}")
    assert refused.status_code == 409
    assert "already started" in refused.json()["detail"]
    ended = api.post(f"/api/closures/{closure['id']}/end")
    assert ended.status_code == 200, ended.text
    assert ended.json()["ends_at"] == "2026-01-14T14:30:00Z"
    assert ended.json()["state"] == "over"
    assert api.get("/api/closures").json() == []  # over: no longer running or upcoming
    days = api.get("/api/closures", params={"from": "2026-01-14", "to": "2026-01-14"}).json()
    assert [c["state"] for c in days] == ["over"]
    again = api.post(f"/api/closures/{closure['id']}/end")
    assert again.status_code == 409 and "already over" in again.json()["detail"]

    # A manager opens the public line for a Saturday morning, then deletes it before it starts.
    manager = api.sign_in_as("manager")
    opening = api.post(
        "/api/closures",
        json={
            "mode": "in_hours",
            "line": "public",
            "starts_at": "2026-01-17T07:00",
            "ends_at": "2026-01-17T09:00",
            "reason": "Open early for the school holiday",
        },
    ).json()
    assert opening["kind"] == "opening" and opening["line"]["name"] == "Public line"
    early = api.post(f"/api/closures/{opening['id']}/end")
    assert early.status_code == 409 and "delete it instead" in early.json()["detail"]
    assert api.delete(f"/api/closures/{opening['id']}").status_code == 204
    assert closure_count(api) == 1
    assert api.delete(f"/api/closures/{opening['id']}").status_code == 404

    assert audit_actions(api) == [
        ("closure.add", coordinator.user_id),
        ("closure.end_early", coordinator.user_id),
        ("closure.add", manager.user_id),
        ("closure.delete", manager.user_id),
    ]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"ends_at": "2026-01-14T12:00"}, "ends_at", "after the start"),
        ({"ends_at": "2026-01-14T13:00"}, "ends_at", "after the start"),
        ({"starts_at": "2026-01-14T09:00", "ends_at": "2026-01-14T12:00"}, "ends_at", "passed"),
        ({"reason": "x" * 201}, "reason", "200 characters"),
        ({"reason": "   "}, "reason", "say why"),
        ({"line": "nowhere"}, "line", "unknown line"),
        ({"starts_at": "2026-02-30T13:00"}, "starts_at", "not an ISO date"),
        ({"starts_at": "2026-03-29T01:30"}, "starts_at", "does not exist in London"),
        ({"mode": "closed"}, "mode", "out_of_hours"),
        ({"colour": "red"}, "colour", "Extra inputs"),
    ],
)
def test_bad_input_is_refused_in_words_and_nothing_is_stored(
    api: ApiClient, change: dict[str, object], field: str, words: str
) -> None:
    api.sign_in_as("coordinator")
    response = api.post("/api/closures", json=training(**change))
    assert response.status_code == 422, response.text
    [detail] = response.json()["detail"]
    assert detail["loc"][-1] == field
    assert words in detail["msg"]
    assert closure_count(api) == 0
    assert audit_actions(api) == []


def test_only_coordinators_and_managers_change_closures(api: ApiClient) -> None:
    api.sign_in_as("worker")
    assert api.post("/api/closures", json=training()).status_code == 403
    assert api.get("/api/closures").status_code == 403
    api.sign_in_as("admin")
    assert api.post("/api/closures", json=training()).status_code == 403
    api.sign_out()
    assert api.get("/api/closures").status_code == 401
    assert closure_count(api) == 0


def call_goes_to(api: ApiClient) -> tuple[str, list[str]]:
    """The period a signed incoming call is given now, and the phones its first step rings."""
    sid = new_call_sid()
    dialled = twiml_reader.dial(twiml_reader.parse(api.twilio.incoming(sid)))
    assert dialled is not None
    return stored_record(api.factory, sid).period, list(dialled.numbers)


def test_the_next_call_in_every_process_follows_a_closure_declared_and_ended_through_the_api(
    api: ApiClient, clock: FixedClock, database_url: str
) -> None:
    add_worker(api.factory, "Dee Duty", DUTY_PHONE, available=True)
    on_call = add_worker(api.factory, "Olu On-call", ON_CALL_PHONE, (), available=False)
    day = (clock.now - timedelta(days=1), clock.now + timedelta(days=1))
    add_shift(api.factory, on_call, "primary", *day)
    clock.now = local(2026, 1, 14, 13, 5)
    # A second app on the same database stands for another process, with its own snapshot.
    other_app = create_app(make_settings(database_url), clock=clock)
    with ApiClient(other_app, api.factory) as other:
        # Both load their routing snapshots with these calls, before the closure exists.
        assert call_goes_to(api) == ("in_hours", [DUTY_PHONE])
        assert call_goes_to(other) == ("in_hours", [DUTY_PHONE])

        api.sign_in_as("coordinator")
        closure = api.post(
            "/api/closures", json=training(starts_at="2026-01-14T13:05", line="professional")
        ).json()
        assert call_goes_to(other) == ("out_of_hours", [ON_CALL_PHONE])
        assert call_goes_to(api) == ("out_of_hours", [ON_CALL_PHONE])

        clock.now += timedelta(minutes=10)
        assert api.post(f"/api/closures/{closure['id']}/end").status_code == 200
        assert call_goes_to(other) == ("in_hours", [DUTY_PHONE])
        assert call_goes_to(api) == ("in_hours", [DUTY_PHONE])


def desk_now(api: ApiClient) -> dict[str, object]:
    response = api.get("/api/desk/now")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def line_words(now: dict[str, object]) -> dict[str, str]:
    return {item["line"]["key"]: item["words"] for item in now["lines"]}  # type: ignore[attr-defined,index]


def test_the_desk_says_where_calls_go_now_and_why(api: ApiClient, clock: FixedClock) -> None:
    on_call = add_worker(api.factory, "Olu On-call", ON_CALL_PHONE, (), available=False)
    backup = add_worker(api.factory, "Bea Backup", "+447700900603", (), available=False)
    add_shift(api.factory, on_call, "primary", local(2026, 1, 14, 12), local(2026, 1, 15, 8))
    add_shift(api.factory, backup, "backup", local(2026, 1, 14, 12), local(2026, 1, 15, 8))
    worker = api.sign_in_as("worker", worker_id=on_call)

    # Wednesday noon: normal hours. The on-call worker is told calls ring the duty team first.
    now = desk_now(api)
    assert line_words(now) == {
        "professional": "In hours until 22:00 (normal weekday hours): the duty team answers.",
        "public": "In hours until 22:00 (normal weekday hours): the duty team answers.",
    }
    assert now["on_call"] == {"primary": ["Olu On-call"], "backup": ["Bea Backup"]}
    assert now["you"] == [
        "You are the primary on-call worker until Thu 08:00. "
        "The lines are in hours: the duty team answers first."
    ]

    # A training afternoon on the professionals line: it is out of hours there until 17:00.
    api.sign_in_as("coordinator")
    api.post("/api/closures", json=training(starts_at="2026-01-14T11:00", line="professional"))
    api.sign_in(worker.username)
    now = desk_now(api)
    assert line_words(now)["professional"] == (
        "Out of hours until 17:00 (a closure: Team training): calls go to the on-call workers."
    )
    assert now["you"] == [
        "You are the primary on-call worker for the Professionals line until 17:00."
    ]
    assert [c["reason"] for c in now["closures"]] == ["Team training"]  # type: ignore[index]

    # Overnight: both lines out of hours until the morning.
    clock.now = local(2026, 1, 14, 23)
    api.sign_in(worker.username)  # a session does not outlive eleven idle hours
    now = desk_now(api)
    assert line_words(now)["public"] == (
        "Out of hours until Thu 08:00 (outside the service's hours): "
        "calls go to the on-call workers."
    )
    assert now["closures"] == []


@pytest.mark.parametrize(
    ("hour", "words"),
    [
        (
            7,
            "Out of hours until 09:00 (bank holiday: Christmas Day): "
            "calls go to the on-call workers.",
        ),
        (
            10,
            "In hours until 22:00 (bank holiday: Christmas Day, weekend hours): "
            "the duty team answers.",
        ),
    ],
)
def test_the_desk_names_a_bank_holiday(
    api: ApiClient, clock: FixedClock, hour: int, words: str
) -> None:
    clock.now = local(2026, 12, 25, hour)
    api.sign_in_as("worker")
    now = desk_now(api)
    assert line_words(now)["professional"] == words
    assert now["you"] == [] and now["on_call"] == {"primary": [], "backup": []}
