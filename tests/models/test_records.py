"""The children index and the previous-contacts query, on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import ConversationRecord, Line
from models.records import (
    RecordChild,
    index_children,
    is_about_same_child,
    name_key,
    previous_contacts,
    reference_key,
    year_before,
)
from tests.helpers import new_call_sid

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
AMY = {"name": "Amy Smith", "date_of_birth": "2015-04-01"}


def make_record(
    factory: sessionmaker[Session],
    started_at: datetime,
    children: list[dict[str, Any]] | None = None,
    caller: str | None = "+447700900001",
) -> int:
    with factory.begin() as session:
        line_id = session.scalar(select(Line.id).where(Line.key == "professional"))
        assert line_id is not None
        record = ConversationRecord(
            call_sid=new_call_sid(),
            line_id=line_id,
            caller_number=caller,
            dialled_number="+441305228558",
            period="in_hours",
            period_reason="test",
            plan={},
            started_at=started_at,
            status="to_complete",
            twilio_status_rank=0,
        )
        session.add(record)
        session.flush()
        record.content = {"household": {"children": children or []}}
        index_children(session, record.id, children or [])
        return record.id


def contacts_of(factory: sessionmaker[Session], record_id: int) -> dict[int, tuple[str, ...]]:
    with factory() as session:
        record = session.get(ConversationRecord, record_id)
        assert record is not None
        return {c.record_id: c.matched_on for c in previous_contacts(session, record)}


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Amy Smith", "amy smith"),
        ("  AMY   smith ", "amy smith"),
        ("Zoë O'Brien", "zoe obrien"),
        ("Anne-Marie", "annemarie"),
        ("", ""),
    ],
)
def test_name_key_ignores_case_accents_punctuation_and_spacing(raw: str, key: str) -> None:
    assert name_key(raw) == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [("lcs-123 456", "LCS123456"), ("", None), (None, None), ("--", None)],
)
def test_reference_key_keeps_letters_and_digits(raw: str | None, key: str | None) -> None:
    assert reference_key(raw) == key


def test_year_before_handles_the_leap_day() -> None:
    assert year_before(datetime(2028, 2, 29, 9, tzinfo=UTC)) == datetime(2027, 2, 28, 9, tzinfo=UTC)
    assert year_before(NOW) == datetime(2025, 3, 10, 12, tzinfo=UTC)


def test_indexing_replaces_the_rows_of_a_record(session_factory: sessionmaker[Session]) -> None:
    record_id = make_record(session_factory, NOW, [AMY, {"name": "Ben", "reference": "x-1"}])
    with session_factory.begin() as session:
        index_children(session, record_id, [{"name": "Cara Jones", "date_of_birth": None}])
    with session_factory() as session:
        rows = session.scalars(select(RecordChild).where(RecordChild.record_id == record_id))
        assert [(r.name_key, r.date_of_birth, r.reference_key) for r in rows] == [
            ("cara jones", None, None)
        ]


def test_same_child_by_name_and_date_of_birth_within_twelve_months_not_thirteen(
    session_factory: sessionmaker[Session],
) -> None:
    eleven = make_record(session_factory, NOW - timedelta(days=334), [AMY], caller=None)
    thirteen = make_record(session_factory, NOW - timedelta(days=396), [AMY], caller=None)
    other_dob = make_record(
        session_factory, NOW - timedelta(days=30), [{**AMY, "date_of_birth": "2015-04-02"}]
    )
    current = make_record(
        session_factory, NOW, [{"name": "amy  SMITH", "date_of_birth": "2015-04-01"}], caller=None
    )
    found = contacts_of(session_factory, current)
    assert found == {eleven: ("child_name_and_date_of_birth",)}
    assert thirteen not in found and other_dob not in found


def test_same_child_by_reference_even_with_another_name(
    session_factory: sessionmaker[Session],
) -> None:
    earlier = make_record(
        session_factory,
        NOW - timedelta(days=100),
        [{"name": "Amelia Smith", "reference": "LCS 778"}],
        caller=None,
    )
    current = make_record(
        session_factory, NOW, [{"name": "Amy Smith", "reference": "lcs-778"}], caller=None
    )
    assert contacts_of(session_factory, current) == {earlier: ("child_reference",)}


def test_same_caller_number_is_a_contact_but_not_a_re_referral(
    session_factory: sessionmaker[Session],
) -> None:
    earlier = make_record(session_factory, NOW - timedelta(days=5), [], caller="+447700900555")
    too_old = make_record(session_factory, NOW - timedelta(days=400), [], caller="+447700900555")
    current = make_record(session_factory, NOW, [AMY], caller="+447700900555")
    with session_factory() as session:
        record = session.get(ConversationRecord, current)
        assert record is not None
        found = previous_contacts(session, record)
    assert [(c.record_id, c.matched_on) for c in found] == [(earlier, ("caller_number",))]
    assert not any(is_about_same_child(c) for c in found)
    assert too_old not in {c.record_id for c in found}


def test_later_contacts_are_not_previous(session_factory: sessionmaker[Session]) -> None:
    current = make_record(session_factory, NOW, [AMY])
    make_record(session_factory, NOW + timedelta(days=1), [AMY])
    assert contacts_of(session_factory, current) == {}


def test_child_and_caller_match_on_one_record_are_reported_together(
    session_factory: sessionmaker[Session],
) -> None:
    earlier = make_record(session_factory, NOW - timedelta(days=3), [AMY])
    current = make_record(session_factory, NOW, [AMY])
    assert contacts_of(session_factory, current) == {
        earlier: ("caller_number", "child_name_and_date_of_birth")
    }
