"""Callback tasks through the real app: left by real missed calls, listed open and oldest
first with out-of-hours ones urgent, claimed by one worker only, completed and audited."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from models import AuditEvent
from tests.app.records_support import missed_call
from tests.helpers import PUBLIC, ApiClient, FixedClock, add_worker, next_drama_number
from tests.telephony.conftest import make_settings

pytestmark = pytest.mark.database

DAY = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)  # Wednesday, in hours
NIGHT = datetime(2026, 1, 14, 23, 0, tzinfo=UTC)  # out of hours


def task_of(api: ApiClient, record_id: int) -> dict[str, object]:
    response = api.get("/api/callbacks")
    assert response.status_code == 200, response.text
    [task] = [t for t in response.json()["items"] if t["record_id"] == record_id]
    return task


def test_missed_calls_leave_tasks_open_first_oldest_first_out_of_hours_urgent(
    api: ApiClient, clock: FixedClock
) -> None:
    clock.now = DAY - timedelta(hours=1)
    older = missed_call(api, caller="+447700900601")
    clock.now = NIGHT
    urgent = missed_call(api, caller="+447700900602", to=PUBLIC)
    clock.now = DAY
    newer = missed_call(api, caller="+447700900603")
    worker = api.sign_in_as("worker")
    assert worker.worker_id

    listed = api.get("/api/callbacks").json()
    assert [t["record_id"] for t in listed["items"]] == [older, newer, urgent]
    assert {t["record_id"]: t["urgent"] for t in listed["items"]} == {
        older: False,
        newer: False,
        urgent: True,
    }
    assert listed["items"][0]["caller_number"] == "+447700900601"
    assert listed["items"][0]["reason"] == "missed_call"

    claim = api.post(f"/api/callbacks/{task_of(api, older)['id']}/claim")
    assert claim.status_code == 200, claim.text
    ordered = [t["record_id"] for t in api.get("/api/callbacks").json()["items"]]
    assert ordered == [older, newer, urgent]  # claiming keeps a task's place, oldest first
    only_public = api.get("/api/callbacks", params={"line": "public"}).json()["items"]
    assert [t["record_id"] for t in only_public] == [urgent]
    claimed = api.get("/api/callbacks", params={"status": "claimed"}).json()
    assert [t["record_id"] for t in claimed["items"]] == [older] and claimed["total"] == 1


def test_one_claim_wins_and_only_the_claimer_completes(api: ApiClient, clock: FixedClock) -> None:
    record_id = missed_call(api)
    first = api.sign_in_as("worker")
    task_id = task_of(api, record_id)["id"]
    claimed = api.post(f"/api/callbacks/{task_id}/claim")
    assert claimed.status_code == 200
    assert claimed.json()["claimed_by"]["id"] == first.worker_id
    assert api.post(f"/api/callbacks/{task_id}/claim").status_code == 200  # again: still mine

    api.sign_in_as("worker")
    assert api.post(f"/api/callbacks/{task_id}/claim").status_code == 409
    done_by_other = api.post(
        f"/api/callbacks/{task_id}/complete",
        json={"resolution": "Rang back", "outcome": "spoke_to_caller"},
    )
    assert done_by_other.status_code == 409

    api.sign_in(first.username)
    too_long = api.post(
        f"/api/callbacks/{task_id}/complete",
        json={"resolution": "x" * 501, "outcome": "spoke_to_caller"},
    )
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["loc"] == ["body", "resolution"]
    bad_outcome = api.post(
        f"/api/callbacks/{task_id}/complete", json={"resolution": "x", "outcome": "shrug"}
    )
    assert bad_outcome.status_code == 422
    clock.now += timedelta(minutes=30)
    done = api.post(
        f"/api/callbacks/{task_id}/complete",
        json={
            "resolution": "Spoke to the head teacher; advice given.",
            "outcome": "spoke_to_caller",
        },
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "done" and body["outcome"] == "spoke_to_caller"
    assert datetime.fromisoformat(body["completed_at"]) == clock.now
    again = api.post(
        f"/api/callbacks/{task_id}/complete",
        json={"resolution": "Overwrite", "outcome": "not_needed"},
    )
    assert again.status_code == 409
    assert task_of(api, record_id)["resolution"] == "Spoke to the head teacher; advice given."

    with api.session() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "callback_task")
            .order_by(AuditEvent.id)
        ).all()
        assert [(e.action, e.actor_user_id) for e in events] == [
            ("callback.claim", first.user_id),
            ("callback.complete", first.user_id),
        ]
        assert events[0].changes == {
            "status": {"old": "open", "new": "claimed"},
            "claimed_by_worker_id": {"old": None, "new": first.worker_id},
        }
        assert events[1].changes is not None
        assert events[1].changes["status"] == {"old": "claimed", "new": "done"}
        assert events[1].changes["resolution"]["old"] is None
        assert all(e.record_id == record_id for e in events)


def test_claiming_a_missed_calls_task_gives_its_record_to_the_claimer(api: ApiClient) -> None:
    record_id = missed_call(api)
    worker = api.sign_in_as("worker")
    url = f"/api/records/{record_id}"
    assert api.patch(url, json={"caller": {"name": "Pat"}}).status_code == 403
    assert api.post(f"/api/callbacks/{task_of(api, record_id)['id']}/claim").status_code == 200
    assert api.get(url).json()["assigned_worker"]["id"] == worker.worker_id
    assert api.patch(url, json={"caller": {"name": "Pat"}}).status_code == 200


@pytest.mark.parametrize(
    ("roles", "listing", "claiming"),
    [
        (("manager",), 200, 403),
        (("coordinator",), 403, 403),
        (("admin",), 403, 403),
    ],
)
def test_who_may_list_and_claim(
    api: ApiClient, roles: tuple[str, ...], listing: int, claiming: int
) -> None:
    record_id = missed_call(api)
    api.sign_in_as("worker")
    task_id = task_of(api, record_id)["id"]
    api.sign_in_as(*roles)
    assert api.get("/api/callbacks").status_code == listing
    assert api.post(f"/api/callbacks/{task_id}/claim").status_code == claiming
    api.sign_out()
    assert api.get("/api/callbacks").status_code == 401
    assert api.post("/api/callbacks/999999/claim").status_code == 401


def test_unknown_task_is_not_found(api: ApiClient) -> None:
    api.sign_in_as("worker")
    assert api.post("/api/callbacks/999999/claim").status_code == 404
    response = api.post(
        "/api/callbacks/999999/complete", json={"resolution": "x", "outcome": "not_needed"}
    )
    assert response.status_code == 404


def test_two_workers_claiming_at_once_one_wins(
    api: ApiClient,
    database_url: str,
    clock: FixedClock,
    session_factory: sessionmaker[Session],
) -> None:
    """Two app instances (as two processes would be) on one database, claims at once."""
    record_id = missed_call(api)
    first = api.sign_in_as("worker")
    task_id = task_of(api, record_id)["id"]
    app = create_app(make_settings(database_url), clock=clock)
    with ApiClient(app, session_factory) as other:
        second_worker = add_worker(session_factory, "Second Claimer", next_drama_number())
        second = other.sign_in_as("worker", worker_id=second_worker, username="second-claimer")
        barrier = threading.Barrier(2)
        results: dict[str, httpx.Response] = {}

        def claim(name: str, client: ApiClient) -> None:
            barrier.wait()
            results[name] = client.post(f"/api/callbacks/{task_id}/claim")

        threads = [
            threading.Thread(target=claim, args=("first", api)),
            threading.Thread(target=claim, args=("second", other)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409], {k: r.text for k, r in results.items()}
    winner = next(r for r in results.values() if r.status_code == 200).json()
    assert winner["claimed_by"]["id"] in {first.worker_id, second.worker_id}
    with api.session() as session:
        claims = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "callback.claim")
        ).all()
        assert len(claims) == 1
