"""Every read and every change of a record by a person leaves an audit event; managers
read the trail; nothing in the API changes or deletes it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select

from app.records.routes import callbacks as callbacks_api
from app.records.routes import records as records_api
from models import AuditEvent
from tests.app.records_support import COMPLETE_CONTENT, answered_call
from tests.helpers import ApiClient

pytestmark = pytest.mark.database


def events(api: ApiClient, record_id: int | None = None) -> list[AuditEvent]:
    with api.session() as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if record_id is not None:
            query = query.where(AuditEvent.record_id == record_id)
        return list(session.scalars(query))


def test_reads_and_changes_are_audited_with_old_values(api: ApiClient) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    url = f"/api/records/{record_id}"
    api.get(url)
    api.patch(url, json={"caller": {"name": "Sam", "kind": "professional"}})
    api.patch(url, json={"caller": {"name": "Samuel"}})
    api.patch(url, json={"caller": {"name": "Samuel"}})  # no change, no event
    api.get(f"{url}/previous-contacts")
    api.patch(url, json=COMPLETE_CONTENT)
    api.post(f"{url}/complete")
    api.post(f"{url}/addenda", json={"text": "Later note"})

    trail = events(api, record_id)
    assert [e.action for e in trail] == [
        "record.read",
        "record.update",
        "record.update",
        "record.previous_contacts",
        "record.update",
        "record.complete",
        "record.addendum",
    ]
    assert {e.actor_user_id for e in trail} == {worker.user_id}
    assert trail[0].changes is None
    assert trail[1].changes == {
        "caller.kind": {"old": None, "new": "professional"},
        "caller.name": {"old": "", "new": "Sam"},
    }
    assert trail[2].changes == {"caller.name": {"old": "Sam", "new": "Samuel"}}
    assert trail[4].changes is not None
    assert trail[4].changes["caller.name"] == {"old": "Samuel", "new": "Sam Teacher"}
    assert trail[4].changes["worry.in_callers_words"]["old"] == ""
    assert trail[5].changes is not None
    assert trail[5].changes["status"] == {"old": "to_complete", "new": "completed"}
    assert trail[6].changes is not None
    assert list(trail[6].changes.values()) == [{"old": None, "new": "Later note"}]


def test_refused_changes_leave_no_change_event(api: ApiClient) -> None:
    owner = api.sign_in_as("worker")
    record_id = answered_call(api, owner)
    url = f"/api/records/{record_id}"
    assert api.patch(url, json={"worry": {"in_callers_words": "x" * 20_000}}).status_code == 422
    assert api.post(f"{url}/complete").status_code == 422
    api.sign_in_as("worker")
    assert api.patch(url, json={"caller": {"name": "X"}}).status_code == 403
    assert [e.action for e in events(api, record_id)] == []


def test_lists_and_searches_are_audited_with_what_was_shown(api: ApiClient) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    api.patch(
        f"/api/records/{record_id}", json={"household": {"children": [{"name": "Amy Smith"}]}}
    )
    api.get("/api/records", params={"q": "amy"})
    api.get("/api/records", params={"mine": "true"})
    search, listing = [e for e in events(api) if e.action in {"record.search", "record.list"}]
    assert (search.action, search.actor_user_id) == ("record.search", worker.user_id)
    assert "q='amy'" in search.detail and f"shown={record_id}" in search.detail
    assert listing.action == "record.list" and f"shown={record_id}" in listing.detail


def test_managers_read_the_trail_and_that_read_is_audited_too(api: ApiClient) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    url = f"/api/records/{record_id}"
    api.patch(url, json={"caller": {"name": "Sam"}})
    assert api.get(f"{url}/audit").status_code == 403
    manager = api.sign_in_as("manager")
    api.get(url)
    first = api.get(f"{url}/audit")
    assert first.status_code == 200, first.text
    body: list[dict[str, Any]] = first.json()
    assert [(e["action"], e["actor_user_id"]) for e in body] == [
        ("record.update", worker.user_id),
        ("record.read", manager.user_id),
    ]
    assert body[0]["changes"] == {"caller.name": {"old": "", "new": "Sam"}}
    second = api.get(f"{url}/audit").json()
    assert second[-1]["action"] == "record.audit_read"
    for role in ("coordinator", "admin"):
        api.sign_in_as(role)
        assert api.get(f"{url}/audit").status_code == 403


def test_no_route_changes_or_deletes_audit_events(api: ApiClient) -> None:
    for module in (records_api, callbacks_api):
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            if "audit" in route.path:
                assert route.methods == {"GET"}
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    api.sign_in_as("manager")
    for method in ("DELETE", "PATCH", "PUT", "POST"):
        response = api.request(method, f"/api/records/{record_id}/audit")
        assert response.status_code == 405, method
