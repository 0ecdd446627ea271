"""The on-call chain: ordering, overlaps, duplicates, midnight and clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from routing import LONDON, OnCallRole, RoutingShift, oncall_chain, shifts_covering

P, B = OnCallRole.PRIMARY, OnCallRole.BACKUP


def london(mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(2026, mo, d, h, mi, tzinfo=LONDON)


def shift(
    id: int, worker: int, role: OnCallRole, start: datetime, end: datetime, phone: str = ""
) -> RoutingShift:
    return RoutingShift(
        id=id,
        worker_id=worker,
        worker_name=f"worker {worker}",
        phone=phone or f"+4479111234{worker:02d}",
        role=role,
        starts_at=start,
        ends_at=end,
    )


NIGHT = (london(1, 13, 22), london(1, 14, 8))  # Tuesday night, crossing midnight
AT_0030 = london(1, 14, 0, 30)
AT_0200 = london(1, 14, 2)

CHAIN_CASES = [
    (
        "primary-then-backup",
        [shift(1, 1, P, *NIGHT), shift(2, 2, B, *NIGHT)],
        AT_0030,
        [(P, 1), (B, 2)],
    ),
    (
        "backup-listed-first",
        [shift(2, 2, B, *NIGHT), shift(1, 1, P, *NIGHT)],
        AT_0030,
        [(P, 1), (B, 2)],
    ),
    ("nobody-on-call", [], AT_0030, []),
    (
        "cover-inside-longer-shift-first",
        [shift(1, 1, P, *NIGHT), shift(2, 3, P, london(1, 14, 1), london(1, 14, 3))],
        AT_0200,
        [(P, 3), (P, 1)],
    ),
    (
        "cover-not-yet-started",
        [shift(1, 1, P, *NIGHT), shift(2, 3, P, london(1, 14, 1), london(1, 14, 3))],
        AT_0030,
        [(P, 1)],
    ),
    (
        "same-start-lower-id-first",
        [shift(9, 4, P, *NIGHT), shift(3, 5, P, *NIGHT)],
        AT_0030,
        [(P, 5), (P, 4)],
    ),
    (
        "primary-and-backup-rung-as-primary",
        [shift(1, 1, B, *NIGHT), shift(2, 1, P, *NIGHT), shift(3, 2, B, *NIGHT)],
        AT_0030,
        [(P, 1), (B, 2)],
    ),
    (
        "duplicate-shift-once",
        [shift(1, 1, P, *NIGHT), shift(2, 1, P, *NIGHT)],
        AT_0030,
        [(P, 1)],
    ),
    (
        "backups-ordered-by-latest-start",
        [shift(1, 1, P, *NIGHT), shift(2, 2, B, *NIGHT), shift(3, 3, B, london(1, 14), NIGHT[1])],
        AT_0030,
        [(P, 1), (B, 3), (B, 2)],
    ),
    ("start-inclusive", [shift(1, 1, P, *NIGHT)], NIGHT[0], [(P, 1)]),
    ("end-exclusive", [shift(1, 1, P, *NIGHT)], NIGHT[1], []),
    ("before-midnight", [shift(1, 1, P, *NIGHT)], london(1, 13, 23, 59), [(P, 1)]),
    ("other-night-ignored", [shift(1, 1, P, london(1, 12, 22), london(1, 13, 8))], AT_0030, []),
]


@pytest.mark.parametrize(
    ("shifts", "now", "expected"),
    [pytest.param(s, n, e, id=i) for i, s, n, e in CHAIN_CASES],
)
def test_oncall_chain(
    shifts: list[RoutingShift], now: datetime, expected: list[tuple[OnCallRole, int]]
) -> None:
    chain = oncall_chain(shifts, now)
    assert [(e.role, e.target.worker_id) for e in chain] == expected


def test_chain_targets_carry_phone_and_name() -> None:
    (entry,) = oncall_chain([shift(1, 7, P, *NIGHT, phone="+447911123456")], AT_0030)
    assert (entry.target.number, entry.target.worker_id, entry.target.name) == (
        "+447911123456",
        7,
        "worker 7",
    )


def test_shifts_covering_in_chain_order() -> None:
    shifts = [shift(2, 2, B, *NIGHT), shift(1, 1, P, *NIGHT), shift(3, 3, P, *NIGHT)]
    assert [s.id for s in shifts_covering(shifts, AT_0030)] == [1, 3, 2]


@pytest.mark.parametrize(
    ("start", "end", "hours", "inside", "outside"),
    [
        pytest.param(
            london(3, 28, 22),
            london(3, 29, 9),
            10,
            datetime(2026, 3, 29, 7, 59, tzinfo=UTC),  # 08:59 BST
            datetime(2026, 3, 29, 8, tzinfo=UTC),  # 09:00 BST
            id="clocks-forward-10h",
        ),
        pytest.param(
            london(10, 24, 22),
            london(10, 25, 9),
            12,
            datetime(2026, 10, 25, 8, 59, tzinfo=UTC),  # 08:59 GMT
            datetime(2026, 10, 25, 9, tzinfo=UTC),  # 09:00 GMT
            id="clocks-back-12h",
        ),
    ],
)
def test_shift_across_clock_change(
    start: datetime, end: datetime, hours: int, inside: datetime, outside: datetime
) -> None:
    night = shift(1, 1, P, start, end)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=hours)
    assert oncall_chain([night], inside)
    assert not oncall_chain([night], outside)
    # 01:30 UTC is in the skipped/repeated local hour; the shift still covers it.
    assert oncall_chain(
        [night], start.replace(day=start.day + 1, hour=1, minute=30).astimezone(UTC)
    )


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        shift(1, 1, P, datetime(2026, 1, 1), datetime(2026, 1, 2))
    with pytest.raises(ValueError):
        oncall_chain([shift(1, 1, P, *NIGHT)], datetime(2026, 1, 14))
