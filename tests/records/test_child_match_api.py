"""Earlier contacts when the match cannot be made (issue 11, edge 5): the service says what
the match needs, offers likely matches (same name, same caller), never rules out an earlier
contact it could not look for, and stores the worker's word (audited)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.records.audit_words import changes_in_words
from models import AuditEvent
from tests.app.test_records_api import NOW, written_call
from tests.helpers import ApiClient, FixedClock

pytestmark = pytest.mark.database

RILEY = {"name": "Riley Example", "date_of_birth": "2017-05-04"}


def test_a_child_without_a_date_of_birth_is_offered_likely_matches_to_confirm(
    api: ApiClient, clock: FixedClock
) -> None:
    worker = api.sign_in_as("worker")
    first = written_call(api, clock, worker, NOW - timedelta(days=40), RILEY, "+447700900401")
    other_child = written_call(
        api, clock, worker, NOW - timedelta(days=20), {"name": "Sam Else"}, "+447700900401"
    )
    stranger = written_call(
        api, clock, worker, NOW - timedelta(days=10), {"name": "Ash Nobody"}, "+447700900499"
    )
    current = written_call(api, clock, worker, NOW, {"name": "riley example"}, "+447700900401")
    url = f"/api/records/{current}/previous-contacts"
    body = api.get(url).json()
    assert body["re_referral"] is False
    assert body["match_made"] is False
    assert body["match_needs"].startswith("Add the date of birth of riley example")
    likely = {c["record_id"]: c["matched_on"] for c in body["likely"]}
    assert likely == {
        first: ["caller_number", "child_name"],
        other_child: ["caller_number"],
    }
    assert stranger not in likely

    # The worker confirms the first; it is an earlier contact about the child now.
    confirmed = api.post(
        f"/api/records/{current}/child-matches",
        json={"other_record_id": first, "same_child": True},
    )
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert body["re_referral"] is True
    assert [(c["record_id"], c["matched_on"]) for c in body["about_the_child"]] == [
        (first, ["caller_number", "confirmed_same_child"])
    ]
    assert [c["record_id"] for c in body["likely"]] == [other_child]
    assert api.get(f"/api/records/{current}").json()["flags"]["re_referral"] is True

    # And dismisses the other child's record: no longer offered.
    dismissed = api.post(
        f"/api/records/{current}/child-matches",
        json={"other_record_id": other_child, "same_child": False},
    )
    assert dismissed.status_code == 200
    assert dismissed.json()["likely"] == []

    with api.session() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "record.child_match")
            .order_by(AuditEvent.id)
        ).all()
    assert [(e.actor_user_id, e.record_id) for e in events] == [(worker.user_id, current)] * 2
    assert changes_in_words(events[0].changes) == ["Confirmed as the same child"]
    assert changes_in_words(events[1].changes) == ["Dismissed: not the same child"]

    # With the date of birth the service matches by itself.
    api.patch(f"/api/records/{current}", json={"household": {"children": [RILEY]}})
    body = api.get(url).json()
    assert body["match_made"] is True and body["match_needs"] == ""
    assert {c["record_id"] for c in body["about_the_child"]} == {first}


def test_no_child_named_yet_says_what_is_needed_and_offers_the_same_caller(
    api: ApiClient, clock: FixedClock
) -> None:
    worker = api.sign_in_as("worker")
    first = written_call(api, clock, worker, NOW - timedelta(days=3), RILEY, "+447700900402")
    current = written_call(api, clock, worker, NOW, {}, "+447700900402")
    body = api.get(f"/api/records/{current}/previous-contacts").json()
    assert body["match_made"] is False
    assert body["match_needs"] == (
        "Add the child's name and date of birth to look for earlier contacts about them."
    )
    assert [c["record_id"] for c in body["likely"]] == [first]


def test_only_the_worker_with_the_open_record_answers_and_only_about_earlier_ones(
    api: ApiClient, clock: FixedClock
) -> None:
    worker = api.sign_in_as("worker")
    first = written_call(api, clock, worker, NOW - timedelta(days=3), RILEY, "+447700900403")
    current = written_call(api, clock, worker, NOW, {"name": "Riley Example"}, "+447700900403")
    url = f"/api/records/{current}/child-matches"
    for other in (current, 999999):
        refused = api.post(url, json={"other_record_id": other, "same_child": True})
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["msg"] == "Choose one of the earlier contacts offered"
    later = api.post(
        f"/api/records/{first}/child-matches", json={"other_record_id": current, "same_child": True}
    )
    assert later.status_code == 422
    assert api.post(url, json={"other_record_id": first}).status_code == 422
    api.sign_in_as("worker")
    assert api.post(url, json={"other_record_id": first, "same_child": True}).status_code == 403
    api.sign_in_as("manager")
    assert api.post(url, json={"other_record_id": first, "same_child": True}).status_code == 403
