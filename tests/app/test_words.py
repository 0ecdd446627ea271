"""The pages' words for status and outcome values come from one table, served at /api/words."""

from __future__ import annotations

from typing import get_args

from app.api import me
from app.words import WORDS, Availability, words
from tests.helpers import ApiClient


def test_every_value_of_every_worded_enum_has_words() -> None:
    for kind, (enum, table) in WORDS.items():
        assert set(table) == {m.value for m in enum}, kind
        assert all(text and not text.islower() for text, _ in table.values()), kind


def test_availability_words_match_what_the_api_answers() -> None:
    assert set(get_args(me.Availability)) == {a.value for a in Availability}


def test_words_are_served_to_anyone(api: ApiClient) -> None:
    response = api.get("/api/words")
    assert response.status_code == 200
    served = response.json()
    assert served == words()
    assert served["record_status"]["to_complete"] == {"text": "To complete", "colour": "yellow"}
    assert list(served["swap_status"]) == ["pending", "accepted", "declined", "cancelled"]
