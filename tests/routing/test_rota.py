"""Rota rules: rotations into shifts, real hours, gaps, conflicts, covers (no database)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing import (
    LONDON,
    Override,
    OverrideMode,
    RoutingLine,
    ServiceHours,
    out_of_hours_windows,
    period_at,
)
from routing.hours import Period
from routing.oncall import OnCallRole
from routing.rota import (
    ConflictKind,
    Leave,
    Piece,
    RotaShift,
    RotationPattern,
    RotationPeriod,
    WorkerStatus,
    cover_pieces,
    find_conflicts,
    find_gaps,
    local_dates_range,
    out_of_hours_by_line,
    plan_rotation,
    real_hours,
)

PRO = RoutingLine("professional", "Professionals line", "+441305228558")
PUB = RoutingLine("public", "Public line", "+441305228866")
LINES = (PRO, PUB)


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LONDON).astimezone(UTC)


def pattern(
    workers: tuple[int, ...] = (1, 2, 3),
    handover: time = time(9),
    period: RotationPeriod = RotationPeriod.DAILY,
    anchor: date = date(2026, 1, 5),
    offset: int = 1,
) -> RotationPattern:
    return RotationPattern(workers, handover, period, anchor, offset)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (local(2026, 1, 17, 22), local(2026, 1, 18, 9), 11.0),  # an ordinary Saturday night
        (local(2026, 3, 28, 22), local(2026, 3, 29, 9), 10.0),  # clocks go forward
        (local(2026, 10, 24, 22), local(2026, 10, 25, 9), 12.0),  # clocks go back
    ],
)
def test_real_hours_across_clock_changes(start: datetime, end: datetime, hours: float) -> None:
    assert real_hours(start, end) == hours


@pytest.mark.parametrize(
    ("saturday", "hours"), [(date(2026, 3, 28), 10.0), (date(2026, 10, 24), 12.0)]
)
def test_rotation_night_across_a_clock_change_is_one_shift_of_real_length(
    saturday: date, hours: float
) -> None:
    sunday = saturday + timedelta(days=1)
    planned = plan_rotation(pattern(), saturday, sunday, LINES)
    night = [p for p in planned if p.starts_at == local(2026, saturday.month, saturday.day, 22)]
    assert {p.role for p in night} == {OnCallRole.PRIMARY, OnCallRole.BACKUP}
    for shift in night:
        assert shift.ends_at == local(2026, sunday.month, sunday.day, 9)
        assert real_hours(shift.starts_at, shift.ends_at) == hours
    primary, backup = sorted(night, key=lambda p: p.role is OnCallRole.BACKUP)
    assert primary.worker_id != backup.worker_id


def test_bank_holiday_weekend_gets_weekend_cover_on_the_monday() -> None:
    # Early May bank holiday: Monday 4 May 2026 opens at 09:00 like a weekend day.
    planned = plan_rotation(
        pattern(anchor=date(2026, 5, 1)), date(2026, 5, 1), date(2026, 5, 5), LINES
    )
    primaries = [
        (p.starts_at, p.ends_at, p.worker_id) for p in planned if p.role is OnCallRole.PRIMARY
    ]
    assert primaries == [
        (local(2026, 5, 1), local(2026, 5, 1, 8), 3),  # Thursday's period runs to Friday 09:00
        (local(2026, 5, 1, 22), local(2026, 5, 2, 9), 1),
        (local(2026, 5, 2, 22), local(2026, 5, 3, 9), 2),
        (local(2026, 5, 3, 22), local(2026, 5, 4, 9), 3),  # bank holiday: 09:00, not 08:00
        (local(2026, 5, 4, 22), local(2026, 5, 5, 8), 1),
        (local(2026, 5, 5, 22), local(2026, 5, 6), 2),  # the range ends at midnight
    ]


def test_weekly_period_keeps_one_worker_all_week_and_backup_is_offset() -> None:
    p = pattern(workers=(10, 20, 30, 40), period=RotationPeriod.WEEKLY, offset=2)
    planned = plan_rotation(p, date(2026, 1, 12), date(2026, 1, 25), LINES)
    # Monday 00:00-08:00 still belongs to the week before: periods change at the hand-over.
    early = [s for s in planned if s.starts_at < local(2026, 1, 12, 9)]
    week1 = [s for s in planned if local(2026, 1, 12, 9) <= s.starts_at < local(2026, 1, 19, 9)]
    week2 = [s for s in planned if s.starts_at >= local(2026, 1, 19, 9)]
    assert {s.worker_id for s in early if s.role is OnCallRole.PRIMARY} == {10}
    assert {s.worker_id for s in week1 if s.role is OnCallRole.PRIMARY} == {20}
    assert {s.worker_id for s in week1 if s.role is OnCallRole.BACKUP} == {40}
    assert {s.worker_id for s in week2 if s.role is OnCallRole.PRIMARY} == {30}
    assert {s.worker_id for s in week2 if s.role is OnCallRole.BACKUP} == {10}


def test_midnight_handover_splits_the_night() -> None:
    planned = plan_rotation(pattern(handover=time(0)), date(2026, 1, 13), date(2026, 1, 13), LINES)
    primaries = [
        (p.starts_at, p.ends_at, p.worker_id) for p in planned if p.role is OnCallRole.PRIMARY
    ]
    # Tuesday 13 Jan is period 8 from Monday 5 Jan: worker (8 % 3) -> 3.
    assert primaries == [
        (local(2026, 1, 13), local(2026, 1, 13, 8), 3),
        (local(2026, 1, 13, 22), local(2026, 1, 14), 3),
    ]


def test_not_before_leaves_the_past_alone() -> None:
    now = local(2026, 1, 13, 3)
    planned = plan_rotation(pattern(), date(2026, 1, 13), date(2026, 1, 13), LINES, not_before=now)
    assert min(p.starts_at for p in planned) == now


def test_slot_keys_are_stable_and_unique() -> None:
    first = plan_rotation(pattern(), date(2026, 1, 5), date(2026, 2, 1), LINES)
    again = plan_rotation(pattern(), date(2026, 1, 5), date(2026, 2, 1), LINES)
    assert first == again
    assert len({p.slot_key for p in first}) == len(first)


def test_closure_is_covered_like_out_of_hours() -> None:
    closure = Override(local(2026, 1, 14, 13), local(2026, 1, 14, 17), OverrideMode.OUT_OF_HOURS)
    planned = plan_rotation(pattern(), date(2026, 1, 14), date(2026, 1, 14), LINES, [closure])
    assert (local(2026, 1, 14, 13), local(2026, 1, 14, 17)) in {
        (p.starts_at, p.ends_at) for p in planned if p.role is OnCallRole.PRIMARY
    }


@pytest.mark.parametrize(
    ("workers", "offset", "message"),
    [((), 1, "at least one"), ((1, 1), 1, "twice"), ((1, 2), 2, "own backup")],
)
def test_pattern_refuses_nonsense(workers: tuple[int, ...], offset: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pattern(workers=workers, offset=offset)


def test_single_worker_rotation_has_no_backup() -> None:
    planned = plan_rotation(pattern(workers=(7,)), date(2026, 1, 13), date(2026, 1, 13), LINES)
    assert planned and {p.role for p in planned} == {OnCallRole.PRIMARY}


def _shifts(planned: list) -> list[RotaShift]:  # type: ignore[type-arg]
    return [
        RotaShift(i, p.worker_id, p.role, p.starts_at, p.ends_at) for i, p in enumerate(planned)
    ]


def test_gaps_to_the_minute_per_role() -> None:
    first, last = date(2026, 1, 12), date(2026, 1, 18)
    start, end = local_dates_range(first, last)
    windows = out_of_hours_by_line(start, end, LINES)
    shifts = _shifts(plan_rotation(pattern(), first, last, LINES))
    assert find_gaps(windows, shifts) == []
    # Remove Wednesday night's primary and shorten Thursday's backup by 7 minutes.
    wednesday = local(2026, 1, 14, 22)
    thursday = local(2026, 1, 15, 22)
    edited = []
    for s in shifts:
        if s.starts_at == wednesday and s.role is OnCallRole.PRIMARY:
            continue
        if s.starts_at == thursday and s.role is OnCallRole.BACKUP:
            s = RotaShift(s.id, s.worker_id, s.role, s.starts_at + timedelta(minutes=7), s.ends_at)
        edited.append(s)
    gaps = find_gaps(windows, edited)
    assert [(g.role, g.starts_at, g.ends_at, g.minutes, g.line_keys) for g in gaps] == [
        (OnCallRole.PRIMARY, wednesday, local(2026, 1, 15, 8), 600, ("professional", "public")),
        (
            OnCallRole.BACKUP,
            thursday,
            thursday + timedelta(minutes=7),
            7,
            ("professional", "public"),
        ),
    ]


def test_gaps_ignore_cover_from_unusable_workers() -> None:
    windows = {"professional": [(local(2026, 1, 14, 22), local(2026, 1, 15, 8))]}
    shift = RotaShift(1, 5, OnCallRole.PRIMARY, local(2026, 1, 14, 22), local(2026, 1, 15, 8))
    assert find_gaps(windows, [shift], usable_worker_ids={5}) == [
        g for g in find_gaps(windows, [shift]) if g.role is OnCallRole.BACKUP
    ]
    assert {g.role for g in find_gaps(windows, [shift], usable_worker_ids=set())} == set(OnCallRole)


def test_conflicts_overlap_phone_inactive_and_leave() -> None:
    night = (local(2026, 1, 14, 22), local(2026, 1, 15, 8))
    shifts = [
        RotaShift(1, 1, OnCallRole.PRIMARY, *night),
        RotaShift(2, 1, OnCallRole.BACKUP, local(2026, 1, 15, 6), local(2026, 1, 15, 8)),
        RotaShift(3, 2, OnCallRole.BACKUP, local(2026, 1, 14, 22), local(2026, 1, 15, 6)),
        RotaShift(4, 3, OnCallRole.PRIMARY, local(2026, 1, 15, 22), local(2026, 1, 16, 8)),
        RotaShift(5, 4, OnCallRole.BACKUP, local(2026, 1, 15, 22), local(2026, 1, 16, 8)),
    ]
    workers = {
        1: WorkerStatus(1, phone_valid=True),
        2: WorkerStatus(2, phone_valid=False),
        3: WorkerStatus(3, phone_valid=True, active=False),
        4: WorkerStatus(4, phone_valid=True),
    }
    leave = [Leave(4, local(2026, 1, 16, 0), local(2026, 1, 20))]
    found = {
        (c.kind, c.worker_id, c.shift_ids, c.starts_at, c.ends_at)
        for c in find_conflicts(shifts, workers, leave)
    }
    assert found == {
        (ConflictKind.OVERLAP, 1, (1, 2), local(2026, 1, 15, 6), local(2026, 1, 15, 8)),
        (ConflictKind.NO_VALID_PHONE, 2, (3,), local(2026, 1, 14, 22), local(2026, 1, 15, 6)),
        (ConflictKind.INACTIVE_WORKER, 3, (4,), local(2026, 1, 15, 22), local(2026, 1, 16, 8)),
        (ConflictKind.ON_LEAVE, 4, (5,), local(2026, 1, 16, 0), local(2026, 1, 16, 8)),
    }


def test_back_to_back_shifts_are_not_an_overlap() -> None:
    shifts = [
        RotaShift(1, 1, OnCallRole.PRIMARY, local(2026, 1, 14, 22), local(2026, 1, 15, 8)),
        RotaShift(2, 1, OnCallRole.PRIMARY, local(2026, 1, 15, 8), local(2026, 1, 15, 9)),
    ]
    assert find_conflicts(shifts, {1: WorkerStatus(1, True)}) == []


def test_cover_splits_a_shift_in_three() -> None:
    s, e = local(2026, 1, 14, 22), local(2026, 1, 15, 8)
    mid1, mid2 = local(2026, 1, 15, 1), local(2026, 1, 15, 3)
    assert cover_pieces(1, s, e, 9, mid1, mid2) == [
        Piece(1, s, mid1, covered=False),
        Piece(9, mid1, mid2, covered=True),
        Piece(1, mid2, e, covered=False),
    ]
    assert cover_pieces(1, s, e, 9, s - timedelta(days=1), e + timedelta(days=1)) == [
        Piece(9, s, e, covered=True)
    ]
    assert cover_pieces(1, s, e, 9, e, e + timedelta(hours=1)) == [Piece(1, s, e, covered=False)]


# The property: a rotation covers exactly out of hours, for any range, hand-over and period.


@settings(max_examples=60, deadline=None)
@given(
    first=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=20),
    handover=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    period=st.sampled_from(list(RotationPeriod)),
    workers=st.integers(min_value=1, max_value=6),
    bank_holidays_as_weekend=st.booleans(),
    probes=st.lists(st.integers(min_value=0, max_value=21 * 24 * 60 - 1), max_size=30),
)
def test_rotation_covers_every_out_of_hours_minute_and_no_other(
    first: date,
    days: int,
    handover: time,
    period: RotationPeriod,
    workers: int,
    bank_holidays_as_weekend: bool,
    probes: list[int],
) -> None:
    line = RoutingLine(
        "professional",
        "Professionals line",
        "+441305228558",
        ServiceHours(bank_holidays_as_weekend=bank_holidays_as_weekend),
    )
    last = first + timedelta(days=days)
    p = pattern(
        workers=tuple(range(1, workers + 1)), handover=handover, period=period, anchor=first
    )
    planned = plan_rotation(p, first, last, (line,))
    start, end = local_dates_range(first, last)
    for role in OnCallRole if workers > 1 else (OnCallRole.PRIMARY,):
        mine = sorted((s.starts_at, s.ends_at) for s in planned if s.role is role)
        for (_, a_end), (b_start, _) in itertools.pairwise(mine):
            assert a_end <= b_start  # one worker per role at a time
        for minute in probes:
            instant = start + timedelta(minutes=minute)
            if instant >= end:
                continue
            covered = any(lo <= instant < hi for lo, hi in mine)
            out = period_at(instant, line).period is Period.OUT_OF_HOURS
            assert covered == out, (role, instant)
        # Exactly: the role's shifts, merged, are routing's windows.
        merged: list[tuple[datetime, datetime]] = []
        for lo, hi in mine:
            if merged and merged[-1][1] == lo:
                merged[-1] = (merged[-1][0], hi)
            else:
                merged.append((lo, hi))
        assert merged == out_of_hours_by_line(start, end, (line,))["professional"]


@settings(max_examples=80, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)),
    minutes=st.integers(min_value=1, max_value=40 * 24 * 60),
    bank_holidays_as_weekend=st.booleans(),
)
def test_windows_stitched_from_days_are_routings_windows(
    start: datetime, minutes: int, bank_holidays_as_weekend: bool
) -> None:
    line = RoutingLine(
        "professional",
        "Professionals line",
        "+441305228558",
        ServiceHours(bank_holidays_as_weekend=bank_holidays_as_weekend),
    )
    begin = start.replace(tzinfo=UTC)
    end = begin + timedelta(minutes=minutes)
    assert out_of_hours_by_line(begin, end, (line,))["professional"] == out_of_hours_windows(
        begin, end, line
    )
