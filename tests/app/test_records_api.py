"""Conversation records through the real app: read, partial saves, completion, locking,
addenda, permissions, reassignment, previous contacts, lists and search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select, update

from app.auth import StaffRole, allowed_roles
from app.records.routes import callbacks as callbacks_api
from app.records.routes import records as records_api
from models import ConversationRecord, User, Worker
from models.events import LiveEvent
from tests.app.records_support import COMPLETE_CONTENT, answered_call, missed_call
from tests.helpers import CALLER, PUBLIC, ApiClient, FixedClock

pytestmark = pytest.mark.database


def locs(response: Any) -> list[list[Any]]:
    return [e["loc"] for e in response.json()["detail"]]


def stored_content(api: ApiClient, record_id: int) -> dict[str, Any]:
    with api.session() as session:
        record = session.get(ConversationRecord, record_id)
        assert record is not None
        return record.content


def test_the_worker_who_accepted_reads_the_calls_facts(api: ApiClient) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    response = api.get(f"/api/records/{record_id}")
    assert response.status_code == 200, response.text
    body = response.json()
    call = body["call"]
    assert call["line"]["key"] == "professional"
    assert call["caller_number"] == CALLER
    assert call["caller_words"] == "07700 900123"  # for people; E.164 for integrations
    assert call["line"]["number_words"] == "01305 228558"
    assert call["out_of_hours"] is False
    assert call["accepted_worker"]["id"] == worker.worker_id
    assert [leg["accepted"] for leg in call["legs"]] == [True]
    assert call["route"][0]["kind"] == "duty"
    # Colleagues read every record: a worker's own phone number is not shown.
    assert call["legs"][0]["number"] is None
    assert call["legs"][0]["worker"]["id"] == worker.worker_id
    assert call["route"][0]["targets"][0] == {
        "worker_id": worker.worker_id,
        "name": call["legs"][0]["worker"]["name"],
        "number": None,
    }
    assert call["answered_at"] and call["ended_at"] and call["duration_seconds"] == 120
    assert body["status"] == "to_complete" and body["locked"] is False
    assert body["assigned_worker"]["id"] == worker.worker_id
    assert body["content"]["caller"]["name"] == ""
    assert body["flags"] == {
        "out_of_hours": False,
        "re_referral": False,
        "previous_child_contacts": 0,
        "previous_caller_contacts": 0,
    }


def test_a_partial_save_keeps_every_other_field(api: ApiClient) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    url = f"/api/records/{record_id}"
    assert api.patch(url, json={"caller": {"name": "Sam", "kind": "professional"}}).is_success
    assert api.patch(url, json={"caller": {"role": "Teacher"}}).is_success
    response = api.patch(url, json={"worry": {"in_callers_words": "Hungry at school."}})
    assert response.status_code == 200, response.text
    content = response.json()["content"]
    assert content["caller"]["name"] == "Sam"
    assert content["caller"]["kind"] == "professional"
    assert content["caller"]["role"] == "Teacher"
    assert content["worry"]["in_callers_words"] == "Hungry at school."
    versions = response.json()["versions"]
    assert (versions["caller"], versions["worry"], versions["outcome"]) == (2, 1, 0)
    assert set(versions) == {
        "caller",
        "household",
        "worry",
        "concerns",
        "strengths_risks",
        "checks",
        "consent",
        "outcome",
    }
    assert stored_content(api, record_id)["caller"]["name"] == "Sam"


def test_two_tabs_saving_different_sections_both_keep_their_work(api: ApiClient) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    url = f"/api/records/{record_id}"
    read = api.get(url).json()["versions"]
    first = api.patch(url, json={"caller": {"name": "Sam"}, "versions": {"caller": 0}})
    # Each tab sends back the versions it read, for every section.
    second = api.patch(url, json={"concerns": {"categories": ["neglect"]}, "versions": read})
    assert first.status_code == 200 and second.status_code == 200, second.text
    content = second.json()["content"]
    assert content["caller"]["name"] == "Sam"
    assert content["concerns"]["categories"] == ["neglect"]


def test_a_stale_save_of_the_same_section_is_refused_and_changes_nothing(api: ApiClient) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    url = f"/api/records/{record_id}"
    assert api.patch(url, json={"caller": {"name": "Sam"}, "versions": {"caller": 0}}).is_success
    stale = api.patch(
        url,
        json={
            "caller": {"name": "Samantha"},
            "worry": {"in_callers_words": "x"},
            "versions": {"caller": 0, "worry": 0},
        },
    )
    assert stale.status_code == 409
    assert "caller" in stale.json()["detail"]
    content = stored_content(api, record_id)
    assert content["caller"]["name"] == "Sam"
    assert "worry" not in content


def test_completing_names_every_missing_field_then_locks(api: ApiClient) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    url = f"/api/records/{record_id}"
    api.patch(url, json={"caller": {"kind": "professional", "name": "Sam"}})
    refused = api.post(f"{url}/complete")
    assert refused.status_code == 422
    assert ["record", "caller", "role"] in locs(refused)
    assert ["record", "caller", "organisation"] in locs(refused)
    assert ["record", "outcome", "decision"] in locs(refused)
    assert ["record", "caller", "name"] not in locs(refused)
    assert api.get(url).json()["locked"] is False

    assert api.patch(url, json=COMPLETE_CONTENT).is_success
    done = api.post(f"{url}/complete")
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed" and done.json()["locked"] is True
    assert done.json()["completed_by_user_id"] == worker.user_id
    with api.session() as session:
        name = session.scalar(select(User.display_name).where(User.id == worker.user_id))
    assert name and done.json()["completed_by_name"] == name

    again = api.patch(url, json={"worry": {"in_callers_words": "Changed my mind"}})
    assert again.status_code == 409
    assert api.post(f"{url}/complete").status_code == 409
    assert stored_content(api, record_id)["worry"] == COMPLETE_CONTENT["worry"]
    with api.session() as session:
        assert session.scalar(
            select(ConversationRecord.outcome).where(ConversationRecord.id == record_id)
        ) == ("early_help")


def test_a_record_completed_during_the_call_stays_completed_when_the_call_ends(
    api: ApiClient,
) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker, end=False)
    url = f"/api/records/{record_id}"
    api.patch(url, json=COMPLETE_CONTENT)
    assert api.post(f"{url}/complete").status_code == 200
    with api.session() as session:
        record = session.get(ConversationRecord, record_id)
        assert record is not None
        call_sid = record.call_sid
    api.twilio.status(call_sid, "completed", duration=300)
    body = api.get(url).json()
    assert body["status"] == "completed" and body["locked"] is True
    with api.session() as session:  # the call's end does not reopen it
        assert session.get(ConversationRecord, record_id).status == "completed"  # type: ignore[union-attr]
    assert api.patch(url, json={"worry": {"in_callers_words": "x"}}).status_code == 409


def test_addenda_only_after_completion_dated_signed_and_never_overwriting(
    api: ApiClient, clock: FixedClock
) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    url = f"/api/records/{record_id}"
    assert api.post(f"{url}/addenda", json={"text": "Too early"}).status_code == 409
    api.patch(url, json=COMPLETE_CONTENT)
    api.post(f"{url}/complete")
    first = api.post(f"{url}/addenda", json={"text": "School rang back: Amy ate lunch."})
    assert first.status_code == 201, first.text
    clock.now += timedelta(hours=2)
    second = api.post(f"{url}/addenda", json={"text": "Health visitor informed."})
    assert second.status_code == 201
    assert api.post(f"{url}/addenda", json={"text": "x" * 4001}).status_code == 422
    assert api.post(f"{url}/addenda", json={"text": "   "}).status_code == 422

    body = api.get(url).json()
    assert [a["text"] for a in body["addenda"]] == [
        "School rang back: Amy ate lunch.",
        "Health visitor informed.",
    ]
    assert body["addenda"][0]["author_name"] == worker.username.title()
    assert body["addenda"][0]["author_user_id"] == worker.user_id
    assert datetime.fromisoformat(body["addenda"][1]["at"]) == clock.now
    assert body["content"]["worry"] == COMPLETE_CONTENT["worry"]


def test_a_worker_reads_any_record_but_changes_only_their_own(api: ApiClient) -> None:
    owner = api.sign_in_as("worker")
    record_id = answered_call(api, owner)
    url = f"/api/records/{record_id}"
    api.sign_in_as("worker")
    assert api.get(url).status_code == 200
    assert api.patch(url, json={"caller": {"name": "Nope"}}).status_code == 403
    assert api.post(f"{url}/complete").status_code == 403
    assert "caller" not in stored_content(api, record_id)


@pytest.mark.parametrize(
    ("roles", "read", "change"),
    [
        (("manager",), 200, 403),
        (("coordinator",), 403, 403),
        (("admin",), 403, 403),
        (("coordinator", "manager"), 200, 403),
    ],
)
def test_roles_other_than_worker_never_change_records(
    api: ApiClient, roles: tuple[str, ...], read: int, change: int
) -> None:
    owner = api.sign_in_as("worker")
    record_id = answered_call(api, owner)
    api.sign_in_as(*roles)
    url = f"/api/records/{record_id}"
    assert api.get(url).status_code == read
    assert api.get("/api/records").status_code == read
    assert api.patch(url, json={"caller": {"name": "X"}}).status_code == change
    api.sign_out()
    assert api.get(url).status_code == 401


def test_routes_name_exactly_the_roles_they_need(api: ApiClient) -> None:
    expected = {
        ("GET", "/api/records"): {StaffRole.WORKER, StaffRole.MANAGER},
        ("GET", "/api/records/{record_id}"): {StaffRole.WORKER, StaffRole.MANAGER},
        ("PATCH", "/api/records/{record_id}"): {StaffRole.WORKER},
        ("POST", "/api/records/{record_id}/complete"): {StaffRole.WORKER},
        ("POST", "/api/records/{record_id}/addenda"): {StaffRole.WORKER, StaffRole.MANAGER},
        ("GET", "/api/records/{record_id}/previous-contacts"): {
            StaffRole.WORKER,
            StaffRole.MANAGER,
        },
        ("POST", "/api/records/{record_id}/assign"): {StaffRole.MANAGER},
        ("GET", "/api/records/{record_id}/audit"): {StaffRole.MANAGER},
        ("GET", "/api/callbacks"): {StaffRole.WORKER, StaffRole.MANAGER},
        ("POST", "/api/callbacks/{task_id}/claim"): {StaffRole.WORKER},
        ("POST", "/api/callbacks/{task_id}/complete"): {StaffRole.WORKER},
        ("POST", "/api/records/{record_id}/child-matches"): {StaffRole.WORKER},
        ("POST", "/api/callbacks/{task_id}/attempts"): {StaffRole.WORKER},
    }
    found = {
        (method, "/api" + route.path): allowed_roles(route)
        for module in (records_api, callbacks_api)
        for route in module.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    assert found == expected


def test_a_manager_reassigns_and_the_new_worker_is_told(api: ApiClient) -> None:
    first = api.sign_in_as("worker")
    record_id = answered_call(api, first)
    second = api.sign_in_as("worker")
    api.sign_in_as("manager")
    url = f"/api/records/{record_id}"
    refused = api.post(f"{url}/assign", json={"worker_id": 99999})
    assert refused.status_code == 422 and locs(refused) == [["body", "worker_id"]]
    response = api.post(f"{url}/assign", json={"worker_id": second.worker_id})
    assert response.status_code == 200, response.text
    assert response.json()["assigned_worker"]["id"] == second.worker_id
    with api.session() as session:
        events = session.scalars(select(LiveEvent).where(LiveEvent.kind == "record.assigned")).all()
        assert [(e.worker_id, e.payload) for e in events] == [
            (second.worker_id, {"record_id": record_id})
        ]

    api.sign_in(first.username)
    assert api.patch(url, json={"caller": {"name": "A"}}).status_code == 403
    api.sign_in(second.username)
    assert api.patch(url, json={"caller": {"name": "B"}}).status_code == 200
    mine = api.get("/api/records", params={"mine": "true"}).json()
    assert [item["id"] for item in mine["items"]] == [record_id]

    api.sign_in_as("worker")
    assert api.post(f"{url}/assign", json={"worker_id": first.worker_id}).status_code == 403


def test_a_date_of_birth_in_the_future_is_refused_and_nothing_saved(
    api: ApiClient, clock: FixedClock
) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    tomorrow = (clock.now + timedelta(days=1)).date().isoformat()
    response = api.patch(
        f"/api/records/{record_id}",
        json={
            "caller": {"name": "Sam"},
            "household": {"children": [{"name": "Amy", "date_of_birth": tomorrow}]},
        },
    )
    assert response.status_code == 422
    assert locs(response) == [["body", "household", "children", 0, "date_of_birth"]]
    assert stored_content(api, record_id) == {}
    today = clock.now.date().isoformat()
    ok = api.patch(
        f"/api/records/{record_id}",
        json={"household": {"children": [{"name": "Amy", "date_of_birth": today}]}},
    )
    assert ok.status_code == 200


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"worry": {"in_callers_words": "x" * 10_001}}, ["body", "worry", "in_callers_words"]),
        ({"strengths_risks": {"risks": "x" * 5_001}}, ["body", "strengths_risks", "risks"]),
        (
            {"outcome": {"actions": [{"what": "x" * 1_001}]}},
            ["body", "outcome", "actions", 0, "what"],
        ),
        ({"caller": {"organisation": "x" * 161}}, ["body", "caller", "organisation"]),
        ({"caller": {"contact_number": "not a number"}}, ["body", "caller", "contact_number"]),
    ],
)
def test_oversized_or_bad_text_is_refused_naming_the_field(
    api: ApiClient, body: dict[str, Any], loc: list[Any]
) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    api.patch(f"/api/records/{record_id}", json={"caller": {"name": "Kept"}})
    response = api.patch(f"/api/records/{record_id}", json=body)
    assert response.status_code == 422
    assert loc in locs(response)
    assert stored_content(api, record_id) == {
        "caller": api.get(f"/api/records/{record_id}").json()["content"]["caller"]
    }
    assert stored_content(api, record_id)["caller"]["name"] == "Kept"


# Previous contacts ----------------------------------------------------------------------

NOW = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)


def written_call(
    api: ApiClient,
    clock: FixedClock,
    worker: Any,
    when: datetime,
    child: dict[str, Any],
    caller: str,
) -> int:
    clock.now = when
    record_id = answered_call(api, worker, caller=caller)
    response = api.patch(f"/api/records/{record_id}", json={"household": {"children": [child]}})
    assert response.status_code == 200, response.text
    return record_id


def test_previous_contacts_by_name_and_birth_date_reference_and_caller(
    api: ApiClient, clock: FixedClock
) -> None:
    worker = api.sign_in_as("worker")
    amy = {"name": "Amy Smith", "date_of_birth": "2015-04-01"}
    eleven_months = written_call(
        api, clock, worker, NOW - timedelta(days=335), amy, "+447700900201"
    )
    thirteen_months = written_call(
        api, clock, worker, NOW - timedelta(days=396), amy, "+447700900202"
    )
    by_reference = written_call(
        api,
        clock,
        worker,
        NOW - timedelta(days=60),
        {"name": "Amelia Smyth", "reference": "LCS-4471"},
        "+447700900203",
    )
    same_caller = written_call(
        api, clock, worker, NOW - timedelta(days=10), {"name": "Zed"}, "+447700900209"
    )
    current = written_call(
        api,
        clock,
        worker,
        NOW,
        {"name": "amy smith", "date_of_birth": "2015-04-01", "reference": "lcs 4471"},
        "+447700900209",
    )
    response = api.get(f"/api/records/{current}/previous-contacts")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["re_referral"] is True
    about = {c["record_id"]: c["matched_on"] for c in body["about_the_child"]}
    assert about == {
        eleven_months: ["child_name_and_date_of_birth"],
        by_reference: ["child_reference"],
    }
    assert thirteen_months not in about
    assert [c["record_id"] for c in body["from_the_caller"]] == [same_caller]
    assert body["about_the_child"][0]["children"] == ["Amelia Smyth"]  # newest first

    flags = api.get(f"/api/records/{current}").json()["flags"]
    assert flags["re_referral"] is True
    assert flags["previous_child_contacts"] == 2
    assert flags["previous_caller_contacts"] == 1
    first_flags = api.get(f"/api/records/{thirteen_months}").json()["flags"]
    assert first_flags["re_referral"] is False


def test_no_previous_contact_no_re_referral(api: ApiClient, clock: FixedClock) -> None:
    worker = api.sign_in_as("worker")
    written_call(
        api,
        clock,
        worker,
        NOW - timedelta(days=30),
        {"name": "Ben", "date_of_birth": "2019-01-01"},
        "+447700900301",
    )
    current = written_call(
        api, clock, worker, NOW, {"name": "Ben", "date_of_birth": "2019-01-02"}, "+447700900302"
    )
    body = api.get(f"/api/records/{current}/previous-contacts").json()
    assert body == {
        "re_referral": False,
        "about_the_child": [],
        "from_the_caller": [],
        "match_made": True,
        "match_needs": "",
        "likely": [],
    }


# Lists and search -----------------------------------------------------------------------


def test_lists_filter_by_mine_open_line_day_and_status_newest_first(
    api: ApiClient, clock: FixedClock
) -> None:
    other = api.sign_in_as("worker")
    me = api.sign_in_as("worker")

    def at(moment: datetime) -> None:
        clock.now = moment
        api.sign_in(me.username)  # a session left idle for days has ended

    at(datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
    with api.factory.begin() as session:
        session.execute(update(Worker).where(Worker.id == me.worker_id).values(available=False))
    others = answered_call(api, other)
    with api.factory.begin() as session:
        session.execute(update(Worker).where(Worker.id == me.worker_id).values(available=True))
    at(datetime(2026, 6, 2, 10, 0, tzinfo=UTC))
    mine_public = answered_call(api, me, to=PUBLIC)
    # 23:30 UTC on 2 June is 00:30 on 3 June in London (summer time).
    at(datetime(2026, 6, 2, 23, 30, tzinfo=UTC))
    late = missed_call(api)
    at(datetime(2026, 6, 3, 9, 0, tzinfo=UTC))
    mine_done = answered_call(api, me)
    api.patch(f"/api/records/{mine_done}", json=COMPLETE_CONTENT)
    assert api.post(f"/api/records/{mine_done}/complete").status_code == 200

    def ids(**params: Any) -> list[int]:
        response = api.get("/api/records", params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [mine_done, late, mine_public, others]
    assert ids(mine="true") == [mine_done, mine_public]
    assert ids(mine="true", open="true") == [mine_public]
    assert ids(line="public") == [mine_public]
    assert ids(day="2026-06-03") == [mine_done, late]
    assert ids(day="2026-06-02") == [mine_public]
    assert ids(status="completed") == [mine_done]
    assert ids(status="unanswered") == [late]
    page = api.get("/api/records", params={"per_page": 2, "page": 2}).json()
    assert [i["id"] for i in page["items"]] == [mine_public, others]
    assert page["total"] == 4
    assert api.get("/api/records", params={"status": "lost"}).status_code == 422
    assert api.get("/api/records", params={"per_page": 1000}).status_code == 422


def test_search_by_child_name_reference_and_caller_number(api: ApiClient) -> None:
    worker = api.sign_in_as("worker")
    amy = answered_call(api, worker, caller="+447700900401")
    api.patch(
        f"/api/records/{amy}",
        json={"household": {"children": [{"name": "Amy Smith", "reference": "LCS-99"}]}},
    )
    ben = answered_call(api, worker, caller="+447700900402")
    api.patch(f"/api/records/{ben}", json={"household": {"children": [{"name": "Ben Jones"}]}})

    def found(q: str) -> list[int]:
        response = api.get("/api/records", params={"q": q})
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert found("smith") == [amy]
    assert found("AMY SMITH") == [amy]
    assert found("lcs 99") == [amy]
    assert found("07700 900402") == [ben]
    assert found("nobody") == []
    summary = api.get("/api/records", params={"q": "ben"}).json()["items"][0]
    assert summary["children"] == ["Ben Jones"]
    api.sign_in_as("manager")
    assert found("jones") == [ben]
    api.sign_in_as("coordinator")
    assert api.get("/api/records", params={"q": "jones"}).status_code == 403
