"""Workers and closures (app.workers, app.closures) against a real database (SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.closures import service as closures
from app.errors import Invalid
from app.rota import service as rota
from app.workers import queries
from app.workers import service as workers
from models import HoursOverride, OnCallShift, RoutingState, Worker


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
    worker = workers.add_worker(session, "  Sam   Okafor ", "07700 900101", ["professional"])
    assert worker.id is not None
    assert (worker.name, worker.phone, worker.available, worker.active) == (
        "Sam Okafor",
        "+447700900101",
        False,
        True,
    )
    assert [line.key for line in worker.lines] == ["professional"]


def test_add_worker_on_call_only_and_real_numbers(session: Session) -> None:
    worker = workers.add_worker(session, "Jo Whitfield", "+44 7911 123456", [])
    assert worker.lines == []
    assert worker.phone == "+447911123456"


def test_find_worker_by_id_or_name_ignoring_case(session: Session) -> None:
    worker = workers.add_worker(session, "Priya Shah", "07700900102", ["public", "professional"])
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
    workers.add_worker(session, "Sam Okafor", "07700900101", ["professional"])
    with pytest.raises(Invalid, match=message):
        workers.add_worker(session, name, phone, lines)
    assert count(session, Worker) == 1


def test_invalid_phone_message_does_not_repeat_the_number(session: Session) -> None:
    with pytest.raises(Invalid) as caught:
        workers.phone_number("0123 456")
    assert "0123" not in str(caught.value)


def test_set_availability_and_list_workers_by_name(session: Session) -> None:
    tom = workers.add_worker(session, "Tom Hughes", "07700900103", ["public"])
    workers.add_worker(session, "Aisha Rahman", "07700900104", ["professional"])
    workers.set_availability(session, tom, True)
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
        worker = workers.add_worker(session, "Sam Okafor", "07700900101", ["public"])
        change = rota.RotaChange(session, at(2025, 12, 31), None)
        rota.create_shift(
            change,
            worker_id=worker.id,
            role_name="primary",
            starts_at=at(2026, 1, 1, 22),
            ends_at=at(2026, 1, 2, 8),
        )
        assert session.scalar(select(RoutingState.version)) > before  # type: ignore[operator]
        session.rollback()
    with session_factory() as session:
        assert count(session, Worker) == 0
        assert count(session, OnCallShift) == 0
        assert session.scalar(select(RoutingState.version)) == before


# Closures and openings


def test_add_and_list_overrides(session: Session) -> None:
    training = closures.add_override(
        session, at(2026, 4, 1, 12), at(2026, 4, 1, 16), "out_of_hours", None, " Training  day "
    )
    outage = closures.add_override(
        session, at(2026, 5, 1, 9), at(2026, 5, 1, 10), "in_hours", "public", ""
    )
    session.commit()
    session.expire_all()
    listed = closures.list_overrides(session)
    assert [(o.id, o.mode, o.line.key if o.line else None, o.reason) for o in listed] == [
        (training.id, "out_of_hours", None, "Training day"),
        (outage.id, "in_hours", "public", ""),
    ]
    assert [o.id for o in closures.list_overrides(session, ending_after=at(2026, 4, 2))] == [
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
    with pytest.raises(Invalid, match=message):
        closures.add_override(session, start, end, mode, line)
    assert count(session, HoursOverride) == 0
