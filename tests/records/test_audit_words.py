"""Issue 11, rough edge 3: a record's audit trail names the person and says in words what
changed, never "User 4", an empty "key=" or raw JSON."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.records.audit_words import changes_in_words, detail_in_words
from models import User
from tests.app.records_support import answered_call
from tests.helpers import ApiClient

pytestmark = pytest.mark.database


def test_the_audit_trail_names_people_and_words_the_changes(api: ApiClient) -> None:
    worker = api.sign_in_as("worker")
    record_id = answered_call(api, worker)
    url = f"/api/records/{record_id}"
    api.get(url)
    child = {"name": "Sam", "date_of_birth": "2019-03-03", "school": "Hill"}
    response = api.patch(url, json={"household": {"children": [child]}})
    assert response.status_code == 200, response.text
    api.get(f"{url}/previous-contacts")
    api.sign_in_as("manager")
    response = api.get(f"{url}/audit")
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()

    with api.session() as session:
        name = session.get(User, worker.user_id).display_name  # type: ignore[union-attr]
    read, update = body[0], body[1]
    assert read["what"] == "Record opened (read)"
    assert read["actor_name"] == name
    assert update["actor_name"] == name
    assert update["changes_in_words"] == ["Children: added Sam (born 3 Mar 2019)"]
    assert body[2]["what"] == "Previous contacts looked at"
    assert body[2]["detail"].endswith("shown")

    shown = [
        str(value)
        for e in body
        for value in (e["actor_name"], e["what"], e["detail"], *e["changes_in_words"])
    ]
    for text in shown:
        assert not re.search(r"User \d", text), text
        assert not re.search(r"\w=(\s|,|$)", text), text
        assert "=" not in text and "[{" not in text and "{" not in text, text


def test_words_for_lists_and_fields() -> None:
    assert changes_in_words(
        {
            "summary": {"old": "a", "new": "b"},
            "household.children": {"old": [{"name": "Amy"}], "new": []},
            "caller.name": {"old": "", "new": "Sam"},
        }
    ) == ["Summary changed", "Children: removed Amy", "Caller's name filled in"]
    assert detail_in_words("shown=") == "No earlier records shown"
    assert detail_in_words("shown=4,7") == "2 earlier records shown"
