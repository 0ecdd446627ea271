"""The record's sections: partial merges, limits, dates, and what each outcome needs."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from app.records.schemas import (
    RecordUpdate,
    content_of,
    future_dates_of_birth,
    merge_sections,
    missing_for_completion,
)

COMPLETE: dict[str, Any] = {
    "caller": {
        "kind": "professional",
        "name": "Sam Teacher",
        "role": "Designated safeguarding lead",
        "organisation": "Hill School",
        "consent_to_contact": True,
        "contact_number": "01305 111222",
    },
    "household": {"children": [{"name": "Amy Smith", "date_of_birth": "2015-04-01"}]},
    "worry": {"in_callers_words": "Amy came to school hungry again."},
    "concerns": {"categories": ["neglect"]},
    "consent": {"family_aware": True, "to_share": "given"},
    "outcome": {"decision": "advice_and_guidance", "summary": "Talk to the family."},
}


def locs(errors: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(e["loc"]) for e in errors]


def test_a_section_sent_changes_only_the_fields_sent() -> None:
    update = RecordUpdate.model_validate({"caller": {"role": "Head teacher"}})
    merged = merge_sections(COMPLETE, update.sent_sections())
    assert set(merged) == {"caller"}
    assert merged["caller"]["role"] == "Head teacher"
    assert merged["caller"]["name"] == "Sam Teacher"
    assert merged["caller"]["contact_number"] == "+441305111222"


def test_an_explicit_null_clears_a_field_and_lists_are_replaced_whole() -> None:
    update = RecordUpdate.model_validate(
        {"caller": {"consent_to_contact": None}, "household": {"children": [{"name": "Ben"}]}}
    )
    merged = merge_sections(COMPLETE, update.sent_sections())
    assert merged["caller"]["consent_to_contact"] is None
    assert [c["name"] for c in merged["household"]["children"]] == ["Ben"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"worry": {"in_callers_words": "x" * 10001}}, ("worry", "in_callers_words")),
        ({"caller": {"name": "x" * 121}}, ("caller", "name")),
        ({"household": {"children": [{"reference": "r" * 65}]}}, ("household", "children", 0)),
        ({"caller": {"contact_number": "12"}}, ("caller", "contact_number")),
        ({"concerns": {"categories": ["astrology"]}}, ("concerns", "categories", 0)),
        ({"outcome": {"decision": "shrug"}}, ("outcome", "decision")),
        ({"caller": {"shoe_size": 9}}, ("caller", "shoe_size")),
    ],
)
def test_bad_input_is_refused_naming_the_field(body: dict[str, Any], loc: tuple[Any, ...]) -> None:
    with pytest.raises(ValidationError) as raised:
        RecordUpdate.model_validate(body)
    assert any(tuple(e["loc"][: len(loc)]) == loc for e in raised.value.errors())


def test_a_date_of_birth_after_today_is_named() -> None:
    update = RecordUpdate.model_validate(
        {
            "household": {
                "children": [
                    {"name": "A", "date_of_birth": "2026-01-14"},
                    {"name": "B", "date_of_birth": "2026-01-15"},
                ]
            }
        }
    )
    errors = future_dates_of_birth(update.sent_sections(), date(2026, 1, 14))
    assert locs(errors) == [("body", "household", "children", 1, "date_of_birth")]


def test_a_complete_record_needs_nothing_more() -> None:
    assert missing_for_completion(content_of(COMPLETE)) == []


def test_an_empty_record_lists_every_field_every_outcome_needs() -> None:
    assert locs(missing_for_completion(content_of({}))) == [
        ("record", "caller", "kind"),
        ("record", "caller", "name"),
        ("record", "caller", "consent_to_contact"),
        ("record", "household", "children"),
        ("record", "worry", "in_callers_words"),
        ("record", "concerns", "categories"),
        ("record", "consent", "family_aware"),
        ("record", "outcome", "decision"),
    ]


def test_an_assessment_needs_risks_checks_actions_and_a_basis_without_consent() -> None:
    content = {
        **COMPLETE,
        "consent": {"family_aware": False, "to_share": "refused"},
        "outcome": {"decision": "social_work_assessment", "actions": [{"who": "Duty team"}]},
    }
    assert locs(missing_for_completion(content_of(content))) == [
        ("record", "strengths_risks", "strengths"),
        ("record", "strengths_risks", "risks"),
        ("record", "consent", "basis"),
        ("record", "checks", "items"),
        ("record", "outcome", "actions", 0, "what"),
        ("record", "outcome", "actions", 0, "by"),
    ]


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"outcome": {"decision": "no_further_action"}}, ("outcome", "reason")),
        ({"outcome": {"decision": "signpost"}}, ("outcome", "actions")),
        ({"caller": {**COMPLETE["caller"], "organisation": ""}}, ("caller", "organisation")),
        (
            {"caller": {"kind": "public", "name": "Pat", "consent_to_contact": False}},
            ("caller", "relationship"),
        ),
        (
            {"household": {"children": [{"name": "Amy"}]}},
            ("household", "children", 0, "date_of_birth"),
        ),
        ({"concerns": {"categories": ["other"]}}, ("concerns", "other_detail")),
        (
            {"caller": {**COMPLETE["caller"], "contact_number": None}},
            ("caller", "contact_number"),
        ),
    ],
)
def test_each_outcome_and_caller_names_what_it_lacks(
    changes: dict[str, Any], loc: tuple[str, ...]
) -> None:
    assert locs(missing_for_completion(content_of({**COMPLETE, **changes}))) == [("record", *loc)]


def test_an_approximate_age_stands_in_for_a_date_of_birth() -> None:
    content = {**COMPLETE, "household": {"children": [{"name": "Amy", "approximate_age": 7}]}}
    assert missing_for_completion(content_of(content)) == []
