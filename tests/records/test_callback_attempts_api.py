"""Callback attempts (issue 11, edge 12): tries that did not reach the caller are recorded,
each with its time and result, the task stays to do in its place, and each is audited."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.records.audit_words import changes_in_words
from models import AuditEvent
from tests.app.records_support import missed_call
from tests.app.test_callbacks_api import task_of
from tests.helpers import ApiClient, FixedClock

pytestmark = pytest.mark.database


def test_attempts_are_recorded_in_order_and_the_task_stays_in_its_place(
    api: ApiClient, clock: FixedClock
) -> None:
    older = missed_call(api, caller="+447700900611")
    clock.now += timedelta(minutes=5)
    newer = missed_call(api, caller="+447700900612")
    worker = api.sign_in_as("worker")
    task_id = task_of(api, older)["id"]
    url = f"/api/callbacks/{task_id}/attempts"

    # An open task is claimed on the way: the worker trying is the one who has it.
    first = api.post(url, json={"result": "no_answer"})
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "claimed"
    assert first.json()["claimed_by"]["id"] == worker.worker_id
    clock.now += timedelta(minutes=20)
    second = api.post(url, json={"result": "voicemail_left", "note": " Asked her to ring in. "})
    assert second.status_code == 201, second.text

    listed = api.get("/api/callbacks").json()["items"]
    assert [t["record_id"] for t in listed] == [older, newer]  # oldest first, still to do
    attempts = listed[0]["attempts"]
    assert [(a["result"], a["note"]) for a in attempts] == [
        ("no_answer", ""),
        ("voicemail_left", "Asked her to ring in."),
    ]
    assert datetime.fromisoformat(attempts[1]["at"]) == clock.now
    assert datetime.fromisoformat(attempts[0]["at"]) == clock.now - timedelta(minutes=20)
    assert attempts[0]["worker"]["id"] == worker.worker_id
    assert listed[0]["status"] == "claimed" and listed[1]["attempts"] == []

    # Reaching the caller still leaves the completing (what happened) to the worker.
    assert api.post(url, json={"result": "reached"}).status_code == 201
    done = api.post(
        f"/api/callbacks/{task_id}/complete",
        json={"resolution": "Spoke to mum.", "outcome": "spoke_to_caller"},
    )
    assert done.status_code == 200
    assert len(done.json()["attempts"]) == 3
    assert api.post(url, json={"result": "no_answer"}).status_code == 409  # done

    with api.session() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "callback.attempt")
            .order_by(AuditEvent.id)
        ).all()
    assert [(e.actor_user_id, e.record_id, e.entity_id) for e in events] == [
        (worker.user_id, older, str(task_id))
    ] * 3
    assert events[0].changes is not None and events[0].changes["status"]["new"] == "claimed"
    assert "Callback attempt: Voicemail left" in changes_in_words(events[1].changes)


def test_attempts_are_refused_in_words_for_bad_input_and_for_others(api: ApiClient) -> None:
    record_id = missed_call(api)
    first = api.sign_in_as("worker")
    task_id = task_of(api, record_id)["id"]
    url = f"/api/callbacks/{task_id}/attempts"
    assert api.post(url, json={"result": "shrug"}).status_code == 422
    too_long = api.post(url, json={"result": "no_answer", "note": "x" * 501})
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["loc"] == ["body", "note"]
    assert task_of(api, record_id)["attempts"] == []  # nothing stored
    assert api.post(url, json={"result": "line_busy"}).status_code == 201

    api.sign_in_as("worker")
    taken = api.post(url, json={"result": "no_answer"})
    assert taken.status_code == 409
    assert taken.json()["detail"] == "Another worker has this task"
    api.sign_in_as("manager")
    assert api.post(url, json={"result": "no_answer"}).status_code == 403
    api.sign_in(first.username)
    assert api.post("/api/callbacks/999999/attempts", json={"result": "reached"}).status_code == 404
    assert len(task_of(api, record_id)["attempts"]) == 1
