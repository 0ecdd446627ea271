"""Out-of-hours windows over a range, with exact UTC boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from routing import LONDON, Override, OverrideMode, RoutingLine, ServiceHours, out_of_hours_windows

LINE = RoutingLine("professional", "Professionals line", "+441305228558")


def z(mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(2026, mo, d, h, mi, tzinfo=UTC)


def test_normal_winter_week() -> None:
    start = datetime(2026, 1, 12, tzinfo=LONDON)  # Monday, GMT so local == UTC
    end = datetime(2026, 1, 19, tzinfo=LONDON)
    weekday_nights = [(z(1, d, 22), z(1, d + 1, 8)) for d in range(12, 16)]
    assert out_of_hours_windows(start, end, LINE) == [
        (z(1, 12), z(1, 12, 8)),
        *weekday_nights,
        (z(1, 16, 22), z(1, 17, 9)),  # Friday night to Saturday 09:00
        (z(1, 17, 22), z(1, 18, 9)),
        (z(1, 18, 22), z(1, 19)),
    ]


def test_windows_are_utc() -> None:
    windows = out_of_hours_windows(z(7, 13), z(7, 14), LINE)
    assert windows == [(z(7, 13), z(7, 13, 7)), (z(7, 13, 21), z(7, 14))]
    assert all(a.tzinfo is UTC and b.tzinfo is UTC for a, b in windows)


def test_clocks_go_forward_weekend() -> None:
    assert out_of_hours_windows(z(3, 27), z(3, 31), LINE) == [
        (z(3, 27), z(3, 27, 8)),  # Friday, GMT
        (z(3, 27, 22), z(3, 28, 9)),
        (z(3, 28, 22), z(3, 29, 8)),  # 09:00 BST on Sunday 29 March: a 10-hour night
        (z(3, 29, 21), z(3, 30, 7)),  # 22:00 BST to Monday 08:00 BST
        (z(3, 30, 21), z(3, 31)),
    ]


def test_clocks_go_back_weekend() -> None:
    assert out_of_hours_windows(z(10, 23), z(10, 27), LINE) == [
        (z(10, 23), z(10, 23, 7)),  # Friday, BST
        (z(10, 23, 21), z(10, 24, 8)),
        (z(10, 24, 21), z(10, 25, 9)),  # 09:00 GMT on Sunday 25 October: a 12-hour night
        (z(10, 25, 22), z(10, 26, 8)),
        (z(10, 26, 22), z(10, 27)),
    ]


def test_easter_bank_holiday_weekend() -> None:
    # Good Friday 3 April and Easter Monday 6 April 2026 open at 09:00 BST (08:00 UTC).
    assert out_of_hours_windows(z(4, 2), z(4, 7, 12), LINE) == [
        (z(4, 2), z(4, 2, 7)),
        (z(4, 2, 21), z(4, 3, 8)),
        (z(4, 3, 21), z(4, 4, 8)),
        (z(4, 4, 21), z(4, 5, 8)),
        (z(4, 5, 21), z(4, 6, 8)),
        (z(4, 6, 21), z(4, 7, 7)),
    ]


def test_bank_holiday_with_weekday_hours() -> None:
    line = RoutingLine("p", "P", "+441202123456", ServiceHours(bank_holidays_as_weekend=False))
    assert out_of_hours_windows(z(4, 5, 12), z(4, 6, 12), line) == [(z(4, 5, 21), z(4, 6, 7))]


def test_override_closure_merges_with_the_night() -> None:
    closure = Override(
        datetime(2026, 1, 13, 20, tzinfo=LONDON),
        datetime(2026, 1, 13, 23, tzinfo=LONDON),
        OverrideMode.OUT_OF_HOURS,
        reason="system outage",
    )
    training = Override(z(1, 14, 13), z(1, 14, 15), OverrideMode.OUT_OF_HOURS, "professional")
    windows = out_of_hours_windows(z(1, 13, 12), z(1, 14, 18), LINE, [closure, training])
    assert windows == [(z(1, 13, 20), z(1, 14, 8)), (z(1, 14, 13), z(1, 14, 15))]


def test_override_opening_splits_the_night() -> None:
    opening = Override(z(1, 14, 1), z(1, 14, 2), OverrideMode.IN_HOURS)
    windows = out_of_hours_windows(z(1, 13, 12), z(1, 14, 12), LINE, [opening])
    assert windows == [(z(1, 13, 22), z(1, 14, 1)), (z(1, 14, 2), z(1, 14, 8))]


def test_range_is_clipped() -> None:
    assert out_of_hours_windows(z(1, 13, 3), z(1, 13, 5), LINE) == [(z(1, 13, 3), z(1, 13, 5))]
    assert out_of_hours_windows(z(1, 13, 9), z(1, 13, 10), LINE) == []


def test_empty_or_reversed_range() -> None:
    assert out_of_hours_windows(z(1, 13), z(1, 13), LINE) == []
    assert out_of_hours_windows(z(1, 14), z(1, 13), LINE) == []


def test_naive_range_is_refused() -> None:
    with pytest.raises(ValueError):
        out_of_hours_windows(datetime(2026, 1, 1), z(1, 2), LINE)


def test_opening_time_in_skipped_hour_opens_as_clocks_jump() -> None:
    # Opening at 01:30 on Sunday 29 March 2026: the wall clock jumps from 01:00 to 02:00.
    line = RoutingLine("x", "X", "+441202123456", ServiceHours(weekend_open=time(1, 30)))
    windows = out_of_hours_windows(z(3, 28, 23), z(3, 29, 12), line)
    assert windows == [(z(3, 28, 23), z(3, 29, 1))]


def test_closing_time_in_repeated_hour_is_crossed_twice() -> None:
    # Open 00:00-01:30 on Sunday 25 October 2026: 01:30 shows on the wall twice.
    hours = ServiceHours(weekend_open=time(0), weekend_close=time(1, 30))
    line = RoutingLine("x", "X", "+441202123456", hours)
    windows = out_of_hours_windows(z(10, 24, 22), z(10, 25, 3), line)
    assert windows == [
        (z(10, 24, 22), z(10, 24, 23)),
        (z(10, 25, 0, 30), z(10, 25, 1)),
        (z(10, 25, 1, 30), z(10, 25, 3)),
    ]
