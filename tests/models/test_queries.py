"""app.workers.service against a real, migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.workers import service as queries
from app.workers.service import InvalidInput
from models import HoursOverride, OnCallShift, RoutingState, Worker
from routing import LONDON, OnCallRole


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


def count(session: Session, table: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


# Workers


def test_add_worker_stores_e164_lines_and_starts_offline(session: Session) -> None:
    worker = queries.add_worker(session, "  Sam   Okafor ", "07700 900101", ["professional"])
    assert worker.id is not None
    assert (worker.name, worker.phone, worker.available, worker.active) == (
        "Sam Okafor",
        "+447700900101",
        False,
        True,
    )
    assert [line.key for line in worker.lines] == ["professional"]


def test_add_worker_on_call_only_and_real_numbers(session: Session) -> None:
    worker = queries.add_worker(session, "Jo Whitfield", "+44 7911 123456", [])
    assert worker.lines == []
    assert worker.phone == "+447911123456"


def test_find_worker_by_id_or_name_ignoring_case(session: Session) -> None:
    worker = queries.add_worker(session, "Priya Shah", "07700900102", ["public", "professional"])
    assert queries.find_worker(session, str(worker.id)) is worker
    assert queries.find_worker(session, " priya SHAH ") is worker
    assert queries.find_worker(session, "Priya") is None
    assert queries.find_worker(session, "999") is None
    assert queries.find_worker(session, "") is None


@pytest.mark.parametrize(
    ("name", "phone", "lines", "message"),
    [
        ("sam okafor", "07700900199", ["public"], "already exists"),
        ("Other", "12345", ["public"], "not a valid phone number"),
        ("Other", "0770090010", ["public"], "not a valid phone number"),
        ("Other", "not a number", ["public"], "not a valid phone number"),
        ("Other", "07700900199", ["public", "police"], "unknown line 'police'"),
        ("   ", "07700900199", ["public"], "needs a name"),
        ("12", "07700900199", ["public"], "all digits"),
        ("x" * 121, "07700900199", ["public"], "at most 120"),
    ],
)
def test_add_worker_refuses_bad_input_and_writes_nothing(
    session: Session, name: str, phone: str, lines: list[str], message: str
) -> None:
    queries.add_worker(session, "Sam Okafor", "07700900101", ["professional"])
    with pytest.raises(InvalidInput, match=message):
        queries.add_worker(session, name, phone, lines)
    assert count(session, Worker) == 1


def test_invalid_phone_message_does_not_repeat_the_number(session: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        queries.phone_number("0123 456")
    assert "0123" not in str(caught.value)


def test_set_availability_and_list_workers_by_name(session: Session) -> None:
    tom = queries.add_worker(session, "Tom Hughes", "07700900103", ["public"])
    queries.add_worker(session, "Aisha Rahman", "07700900104", ["professional"])
    queries.set_availability(session, tom, True)
    session.commit()
    session.expire_all()
    assert [(w.name, w.available) for w in queries.list_workers(session)] == [
        ("Aisha Rahman", False),
        ("Tom Hughes", True),
    ]


def test_writes_only_flush_and_move_the_routing_version(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        before = session.scalar(select(RoutingState.version))
        worker = queries.add_worker(session, "Sam Okafor", "07700900101", ["public"])
        queries.add_shift(session, worker, "primary", at(2026, 1, 1, 22), at(2026, 1, 2, 8))
        assert session.scalar(select(RoutingState.version)) > before  # type: ignore[operator]
        session.rollback()
    with session_factory() as session:
        assert count(session, Worker) == 0
        assert count(session, OnCallShift) == 0
        assert session.scalar(select(RoutingState.version)) == before


# On-call shifts


def test_add_shift_and_shifts_between(session: Session) -> None:
    jo = queries.add_worker(session, "Jo Whitfield", "07700900201", [])
    dan = queries.add_worker(session, "Dan Mensah", "07700900202", [])
    backup = queries.add_shift(session, dan, "backup", at(2026, 1, 5, 22), at(2026, 1, 6, 8))
    primary = queries.add_shift(
        session, jo, OnCallRole.PRIMARY, at(2026, 1, 5, 22), at(2026, 1, 6, 8)
    )
    later = queries.add_shift(session, jo, "primary", at(2026, 1, 6, 22), at(2026, 1, 7, 8))
    session.commit()
    session.expire_all()
    found = queries.shifts_between(session, at(2026, 1, 5, 0), at(2026, 1, 8, 0))
    # By start, primary before backup.
    assert [s.id for s in found] == [primary.id, backup.id, later.id]
    assert found[0].worker.name == "Jo Whitfield"
    assert found[0].starts_at == at(2026, 1, 5, 22)
    assert found[0].starts_at.tzinfo is not None
    # Half-open: a range ending as a shift starts, or starting as it ends, misses it.
    assert queries.shifts_between(session, at(2026, 1, 5, 12), at(2026, 1, 5, 22)) == []
    assert [
        s.id for s in queries.shifts_between(session, at(2026, 1, 6, 8), at(2026, 1, 6, 23))
    ] == [later.id]


def test_add_shift_keeps_the_offset_given(session: Session) -> None:
    jo = queries.add_worker(session, "Jo Whitfield", "07700900201", [])
    start = datetime(2026, 7, 1, 22, tzinfo=LONDON)
    shift = queries.add_shift(session, jo, "primary", start, start + timedelta(hours=10))
    session.commit()
    session.expire_all()
    stored = session.get(OnCallShift, shift.id)
    assert stored is not None
    assert stored.starts_at == at(2026, 7, 1, 21)


@pytest.mark.parametrize(
    ("role", "start", "end", "message"),
    [
        ("boss", at(2026, 1, 5, 22), at(2026, 1, 6, 8), "unknown role 'boss'"),
        ("primary", at(2026, 1, 6, 8), at(2026, 1, 5, 22), "end must be after"),
        ("primary", at(2026, 1, 6, 8), at(2026, 1, 6, 8), "end must be after"),
        ("primary", datetime(2026, 1, 5, 22), at(2026, 1, 6, 8), "timezone-aware"),
        ("backup", at(2026, 1, 5, 22), datetime(2026, 1, 6, 8), "timezone-aware"),
    ],
)
def test_add_shift_refuses_bad_input(
    session: Session, role: str, start: datetime, end: datetime, message: str
) -> None:
    jo = queries.add_worker(session, "Jo Whitfield", "07700900201", [])
    with pytest.raises(InvalidInput, match=message):
        queries.add_shift(session, jo, role, start, end)
    assert count(session, OnCallShift) == 0


# Closures and openings


def test_add_and_list_overrides(session: Session) -> None:
    training = queries.add_override(
        session, at(2026, 4, 1, 12), at(2026, 4, 1, 16), "out_of_hours", None, " Training  day "
    )
    outage = queries.add_override(
        session, at(2026, 5, 1, 9), at(2026, 5, 1, 10), "in_hours", "public", ""
    )
    session.commit()
    session.expire_all()
    listed = queries.list_overrides(session)
    assert [(o.id, o.mode, o.line.key if o.line else None, o.reason) for o in listed] == [
        (training.id, "out_of_hours", None, "Training day"),
        (outage.id, "in_hours", "public", ""),
    ]
    assert [o.id for o in queries.list_overrides(session, ending_after=at(2026, 4, 2))] == [
        outage.id
    ]


@pytest.mark.parametrize(
    ("mode", "line", "start", "end", "message"),
    [
        ("closed", None, at(2026, 4, 1, 12), at(2026, 4, 1, 16), "unknown mode"),
        ("out_of_hours", "police", at(2026, 4, 1, 12), at(2026, 4, 1, 16), "unknown line"),
        ("out_of_hours", "", at(2026, 4, 1, 12), at(2026, 4, 1, 16), "line key"),
        ("in_hours", None, at(2026, 4, 1, 16), at(2026, 4, 1, 12), "end must be after"),
    ],
)
def test_add_override_refuses_bad_input(
    session: Session, mode: str, line: str | None, start: datetime, end: datetime, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        queries.add_override(session, start, end, mode, line)
    assert count(session, HoursOverride) == 0


# Uncovered on-call time


def test_uncovered_windows_finds_the_gaps_in_each_role(session: Session) -> None:
    jo = queries.add_worker(session, "Jo Whitfield", "07700900201", [])
    # Tuesday 13 Jan 2026: out of hours 22:00 to 08:00 Wednesday (GMT = UTC).
    queries.add_shift(session, jo, "primary", at(2026, 1, 13, 20), at(2026, 1, 14, 3))
    queries.add_shift(session, jo, "primary", at(2026, 1, 14, 3), at(2026, 1, 14, 9))
    queries.add_shift(session, jo, "backup", at(2026, 1, 13, 23), at(2026, 1, 14, 7))
    start, end = at(2026, 1, 13, 12), at(2026, 1, 14, 12)
    assert queries.uncovered_windows(session, start, end, OnCallRole.PRIMARY) == {}
    assert queries.uncovered_windows(session, start, end, OnCallRole.BACKUP) == {
        (at(2026, 1, 13, 22), at(2026, 1, 13, 23)): ["professional", "public"],
        (at(2026, 1, 14, 7), at(2026, 1, 14, 8)): ["professional", "public"],
    }


def test_uncovered_windows_follow_declared_closures(session: Session) -> None:
    queries.add_override(
        session, at(2026, 1, 14, 13), at(2026, 1, 14, 15), "out_of_hours", "public"
    )
    gaps = queries.uncovered_windows(
        session, at(2026, 1, 14, 9), at(2026, 1, 14, 21), OnCallRole.PRIMARY
    )
    assert gaps == {(at(2026, 1, 14, 13), at(2026, 1, 14, 15)): ["public"]}


@pytest.mark.parametrize(
    ("covers", "gaps"),
    [
        ([], [(0, 10)]),
        ([(0, 10)], []),
        ([(-5, 20)], []),
        ([(2, 4)], [(0, 2), (4, 10)]),
        ([(-3, 1), (1, 3), (5, 6), (9, 12)], [(3, 5), (6, 9)]),
        ([(2, 8), (3, 5)], [(0, 2), (8, 10)]),
        ([(10, 12)], [(0, 10)]),
    ],
)
def test_subtract(covers: list[tuple[int, int]], gaps: list[tuple[int, int]]) -> None:
    def t(hours: int) -> datetime:
        return at(2026, 1, 1) + timedelta(hours=hours)

    window = (t(0), t(10))
    result = queries._subtract(window, [(t(a), t(b)) for a, b in covers])
    assert result == [(t(a), t(b)) for a, b in gaps]
