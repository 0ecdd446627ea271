"""Issue 11's edges through the real app: the search's statuses, leg words, one round of
completion errors."""

from __future__ import annotations

from typing import Any

import pytest

from app.words import LegResult, words
from models.tables import RecordStatus
from telephony.calls import STATUS_RANK
from tests.app.records_support import answered_call
from tests.helpers import ApiClient

pytestmark = pytest.mark.database


def test_the_search_page_offers_exactly_the_statuses_the_api_accepts(api: ApiClient) -> None:
    api.sign_in_as("worker")
    page = api.get("/records")
    assert page.status_code == 200
    offered = [v for v in page.text.split('<option value="')[1:]]
    values = [v.split('"', 1)[0] for v in offered]
    statuses = [v for v in values if v in {s.value for s in RecordStatus}]
    assert statuses == [s.value for s in RecordStatus]
    assert '<option value="to_complete">To complete</option>' in page.text
    assert "answered" not in values
    for value in statuses:
        response = api.get("/api/records", params={"status": value})
        assert response.status_code == 200, (value, response.text)
    assert api.get("/api/records", params={"status": "answered"}).status_code == 422


def test_every_leg_result_twilio_sends_has_words(api: ApiClient) -> None:
    assert {r.value for r in LegResult} == set(STATUS_RANK)
    served = api.get("/api/words").json()["leg_result"]
    assert served == words()["leg_result"]
    assert served["no-answer"]["text"] == "No answer"
    assert served["canceled"]["text"] == "Call ended before answer"
    assert served["completed"]["text"] == "Answered"
    assert served["busy"]["text"] == "Busy"


def _locs(response: Any) -> list[list[Any]]:
    return [e["loc"] for e in response.json()["detail"]]


def test_completing_names_every_problem_in_one_round(api: ApiClient) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    url = f"/api/records/{record_id}"
    # No outcome chosen yet, but an action and a check are half written.
    saved = api.patch(
        url,
        json={
            "household": {"children": [{"name": ""}]},
            "checks": {"items": [{"status": "done"}]},
            "outcome": {"actions": [{"who": "Sam"}]},
        },
    )
    assert saved.status_code == 200, saved.text
    first = api.post(f"{url}/complete")
    assert first.status_code == 422
    found = _locs(first)
    for loc in (
        ["record", "outcome", "decision"],
        ["record", "household", "children", 0, "name"],
        ["record", "checks", "items", 0, "agency"],
        ["record", "checks", "items", 0, "result"],
        ["record", "outcome", "actions", 0, "what"],
        ["record", "outcome", "actions", 0, "by"],
    ):
        assert loc in found, (loc, found)

    # Choosing the outcome brings only what that outcome needs: nothing asked before is new.
    api.patch(url, json={"outcome": {"decision": "advice_and_guidance"}})
    second = _locs(api.post(f"{url}/complete"))
    assert [loc for loc in second if loc not in found] == [["record", "outcome", "summary"]]
