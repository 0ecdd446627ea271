"""The opening rules: weekday and weekend hours, clock changes, bank holidays, overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from routing import (
    LONDON,
    Override,
    OverrideMode,
    Period,
    RoutingLine,
    ServiceHours,
    bank_holiday_name,
    is_in_hours,
    period_at,
)

LINE = RoutingLine("professional", "Professionals line", "+441305228558")
NO_HOLIDAY_WEEKEND = RoutingLine(
    "professional",
    "Professionals line",
    "+441305228558",
    ServiceHours(bank_holidays_as_weekend=False),
)


def london(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, fold: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=LONDON, fold=fold)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


BOUNDARIES = [
    # Winter time (GMT): Monday 12, Saturday 17, Sunday 18 January 2026.
    ("jan-mon-07:59:59", london(2026, 1, 12, 7, 59, 59), False),
    ("jan-mon-08:00", london(2026, 1, 12, 8), True),
    ("jan-mon-21:59", london(2026, 1, 12, 21, 59), True),
    ("jan-mon-21:59:59", london(2026, 1, 12, 21, 59, 59), True),
    ("jan-mon-22:00", london(2026, 1, 12, 22), False),
    ("jan-sat-08:00", london(2026, 1, 17, 8), False),
    ("jan-sat-08:59", london(2026, 1, 17, 8, 59), False),
    ("jan-sat-09:00", london(2026, 1, 17, 9), True),
    ("jan-sat-21:59", london(2026, 1, 17, 21, 59), True),
    ("jan-sat-22:00", london(2026, 1, 17, 22), False),
    ("jan-sun-08:59", london(2026, 1, 18, 8, 59), False),
    ("jan-sun-09:00", london(2026, 1, 18, 9), True),
    ("jan-sun-22:00", london(2026, 1, 18, 22), False),
    ("jan-mon-03:00", london(2026, 1, 12, 3), False),
    # Summer time (BST): Monday 13, Saturday 18, Sunday 19 July 2026.
    ("jul-mon-07:59", london(2026, 7, 13, 7, 59), False),
    ("jul-mon-08:00", london(2026, 7, 13, 8), True),
    ("jul-mon-08:00-as-utc", utc(2026, 7, 13, 7), True),
    ("jul-mon-06:59z", utc(2026, 7, 13, 6, 59), False),
    ("jul-mon-21:59", london(2026, 7, 13, 21, 59), True),
    ("jul-mon-22:00", london(2026, 7, 13, 22), False),
    ("jul-mon-21:30z", utc(2026, 7, 13, 21, 30), False),
    ("jul-sat-08:59", london(2026, 7, 18, 8, 59), False),
    ("jul-sat-09:00", london(2026, 7, 18, 9), True),
    ("jul-sun-08:59", london(2026, 7, 19, 8, 59), False),
    ("jul-sun-09:00", london(2026, 7, 19, 9), True),
    ("jul-sun-22:00", london(2026, 7, 19, 22), False),
    # Clocks go forward: Sunday 29 March 2026, 01:00 GMT -> 02:00 BST.
    ("mar29-00:59:59z", utc(2026, 3, 29, 0, 59, 59), False),
    ("mar29-01:00z-is-02:00bst", utc(2026, 3, 29, 1), False),
    ("mar29-01:30z", utc(2026, 3, 29, 1, 30), False),
    ("mar29-07:59z-is-08:59bst", utc(2026, 3, 29, 7, 59), False),
    ("mar29-08:00z-is-09:00bst", utc(2026, 3, 29, 8), True),
    ("mar29-21:59bst", london(2026, 3, 29, 21, 59), True),
    ("mar29-21:00z-is-22:00bst", utc(2026, 3, 29, 21), False),
    ("mar30-mon-07:59bst", london(2026, 3, 30, 7, 59), False),
    ("mar30-mon-08:00bst", london(2026, 3, 30, 8), True),
    ("mar28-sat-21:59gmt", london(2026, 3, 28, 21, 59), True),
    ("mar28-sat-22:00gmt", london(2026, 3, 28, 22), False),
    # Clocks go back: Sunday 25 October 2026, 02:00 BST -> 01:00 GMT (01:xx happens twice).
    ("oct25-00:59:59z-is-01:59bst", utc(2026, 10, 25, 0, 59, 59), False),
    ("oct25-01:30bst-first", london(2026, 10, 25, 1, 30, fold=0), False),
    ("oct25-01:30gmt-second", london(2026, 10, 25, 1, 30, fold=1), False),
    ("oct25-01:00z-is-01:00gmt", utc(2026, 10, 25, 1), False),
    ("oct25-08:59gmt", london(2026, 10, 25, 8, 59), False),
    ("oct25-09:00gmt", london(2026, 10, 25, 9), True),
    ("oct25-08:00z-is-08:00gmt", utc(2026, 10, 25, 8), False),
    ("oct25-21:59gmt", london(2026, 10, 25, 21, 59), True),
    ("oct25-22:00gmt", london(2026, 10, 25, 22), False),
    ("oct24-sat-21:00z-is-22:00bst", utc(2026, 10, 24, 21), False),
    ("oct26-mon-08:00gmt", london(2026, 10, 26, 8), True),
]


@pytest.mark.parametrize(("now", "expected"), [pytest.param(n, e, id=i) for i, n, e in BOUNDARIES])
def test_hours_boundaries(now: datetime, expected: bool) -> None:
    assert is_in_hours(now, LINE) is expected


def test_boundary_table_days_are_what_they_claim() -> None:
    assert date(2026, 1, 12).weekday() == 0
    assert date(2026, 7, 13).weekday() == 0
    assert date(2026, 3, 29).weekday() == 6
    assert date(2026, 10, 25).weekday() == 6
    assert london(2026, 3, 29, 12).utcoffset() != london(2026, 3, 28, 12).utcoffset()


@pytest.mark.parametrize(
    ("day", "name"),
    [
        pytest.param(date(2026, 12, 25), "Christmas Day", id="christmas-fri"),
        pytest.param(date(2026, 4, 6), "Easter Monday", id="easter-monday"),
        pytest.param(date(2026, 5, 4), "May Day", id="early-may"),
        pytest.param(date(2026, 4, 3), "Good Friday", id="good-friday"),
        pytest.param(date(2026, 12, 28), "Boxing Day (observed)", id="boxing-observed"),
    ],
)
def test_bank_holidays_use_weekend_hours_by_default(day: date, name: str) -> None:
    at_0830 = datetime.combine(day, time(8, 30), tzinfo=LONDON)
    at_0900 = datetime.combine(day, time(9), tzinfo=LONDON)
    assert bank_holiday_name(day) == name
    assert period_at(at_0830, LINE).period is Period.OUT_OF_HOURS
    assert period_at(at_0830, LINE).reason == f"closed: bank holiday: {name}"
    assert period_at(at_0900, LINE).period is Period.IN_HOURS
    assert period_at(at_0900, LINE).reason == f"bank holiday: {name}"
    assert is_in_hours(at_0830, NO_HOLIDAY_WEEKEND)
    assert is_in_hours(at_0900, NO_HOLIDAY_WEEKEND)
    assert period_at(at_0900, NO_HOLIDAY_WEEKEND).reason == "weekday hours"


def test_not_a_bank_holiday() -> None:
    assert bank_holiday_name(date(2026, 1, 12)) is None


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        pytest.param(london(2026, 1, 12, 12), "weekday hours", id="weekday"),
        pytest.param(london(2026, 1, 17, 12), "weekend hours", id="weekend"),
        pytest.param(london(2026, 1, 12, 3), "closed: overnight", id="night"),
        pytest.param(london(2026, 12, 25, 12), "bank holiday: Christmas Day", id="holiday"),
    ],
)
def test_reasons(now: datetime, reason: str) -> None:
    assert period_at(now, LINE).reason == reason


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        period_at(datetime(2026, 1, 12, 12), LINE)


def test_aware_service_hours_are_refused() -> None:
    with pytest.raises(ValueError):
        ServiceHours(weekday_open=time(8, tzinfo=UTC))


def test_configured_open_time_in_skipped_hour_opens_when_clocks_jump() -> None:
    # 01:30 never shows on the wall on 29 March 2026: the line opens as the clock reads 02:00.
    line = RoutingLine("x", "X", "+441202123456", ServiceHours(weekend_open=time(1, 30)))
    assert not is_in_hours(utc(2026, 3, 29, 0, 59, 59), line)
    assert is_in_hours(utc(2026, 3, 29, 1), line)


def test_configured_close_time_in_repeated_hour_follows_the_wall_clock() -> None:
    # Closing at 01:30 on 25 October 2026: closed after 01:30 BST, open again from 01:00 GMT
    # until the wall clock reads 01:30 a second time.
    line = RoutingLine(
        "x", "X", "+441202123456", ServiceHours(weekend_open=time(0), weekend_close=time(1, 30))
    )
    assert is_in_hours(london(2026, 10, 25, 1, 29, fold=0), line)
    assert not is_in_hours(london(2026, 10, 25, 1, 30, fold=0), line)
    assert is_in_hours(london(2026, 10, 25, 1, 0, fold=1), line)
    assert not is_in_hours(london(2026, 10, 25, 1, 30, fold=1), line)


WEEKDAY_NOON = london(2026, 1, 13, 12)
WEEKDAY_3AM = london(2026, 1, 13, 3)


def ov(
    start_h: int,
    end_h: int,
    mode: OverrideMode,
    line_key: str | None = None,
    reason: str = "",
    day: int = 13,
) -> Override:
    return Override(
        london(2026, 1, day, start_h), london(2026, 1, day, end_h), mode, line_key, reason
    )


OUT = OverrideMode.OUT_OF_HOURS
IN = OverrideMode.IN_HOURS

OVERRIDE_CASES = [
    (
        "closure-at-noon",
        WEEKDAY_NOON,
        [ov(11, 14, OUT, reason="training")],
        False,
        "override: training",
    ),
    (
        "opening-at-3am",
        WEEKDAY_3AM,
        [ov(0, 6, IN, reason="outage cover")],
        True,
        "override: outage cover",
    ),
    ("no-reason-names-mode", WEEKDAY_NOON, [ov(11, 14, OUT)], False, "override: out_of_hours"),
    ("other-line-ignored", WEEKDAY_NOON, [ov(11, 14, OUT, "public")], True, "weekday hours"),
    (
        "this-line-applies",
        WEEKDAY_NOON,
        [ov(11, 14, OUT, "professional", "x")],
        False,
        "override: x",
    ),
    ("starts-inclusive", WEEKDAY_NOON, [ov(12, 14, OUT, reason="x")], False, "override: x"),
    ("ends-exclusive", WEEKDAY_NOON, [ov(10, 12, OUT, reason="x")], True, "weekday hours"),
    ("not-yet", WEEKDAY_NOON, [ov(13, 14, OUT, reason="x")], True, "weekday hours"),
    (
        "line-specific-beats-all-lines",
        WEEKDAY_NOON,
        [ov(11, 14, IN, "professional", "specific"), ov(11, 13, OUT, None, "general")],
        True,
        "override: specific",
    ),
    (
        "line-specific-beats-later-all-lines",
        WEEKDAY_3AM,
        [ov(0, 6, OUT, "professional", "specific"), ov(2, 6, IN, None, "general")],
        False,
        "override: specific",
    ),
    (
        "later-start-wins",
        WEEKDAY_NOON,
        [ov(9, 14, OUT, reason="early"), ov(11, 13, IN, reason="late")],
        True,
        "override: late",
    ),
    (
        "later-start-wins-any-order",
        WEEKDAY_NOON,
        [ov(11, 13, OUT, reason="late"), ov(9, 14, IN, reason="early")],
        False,
        "override: late",
    ),
    (
        "same-start-out-beats-in",
        WEEKDAY_NOON,
        [ov(11, 13, IN, reason="open"), ov(11, 14, OUT, reason="shut")],
        False,
        "override: shut",
    ),
    (
        "same-start-out-beats-in-reversed",
        WEEKDAY_NOON,
        [ov(11, 14, OUT, reason="shut"), ov(11, 13, IN, reason="open")],
        False,
        "override: shut",
    ),
]


@pytest.mark.parametrize(
    ("now", "overrides", "in_hours", "reason"),
    [pytest.param(n, o, e, r, id=i) for i, n, o, e, r in OVERRIDE_CASES],
)
def test_overrides(now: datetime, overrides: list[Override], in_hours: bool, reason: str) -> None:
    decision = period_at(now, LINE, overrides)
    assert (decision.period is Period.IN_HOURS, decision.reason) == (in_hours, reason)


def test_naive_override_is_refused() -> None:
    with pytest.raises(ValueError):
        Override(datetime(2026, 1, 1), london(2026, 1, 2), OUT)


def test_override_in_repeated_hour_is_compared_as_instants() -> None:
    opening = Override(
        london(2026, 10, 25, 0), london(2026, 10, 25, 1, 30), OverrideMode.IN_HOURS, reason="x"
    )
    assert is_in_hours(london(2026, 10, 25, 1, 15), LINE, [opening])
    assert not is_in_hours(london(2026, 10, 25, 1, 15, fold=1), LINE, [opening])
