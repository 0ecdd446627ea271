"""Property tests: the rules against an independent oracle, windows, overrides, JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from routing import (
    LONDON,
    Override,
    OverrideMode,
    Period,
    RingPlan,
    RingStep,
    RoutingLine,
    ServiceHours,
    StepKind,
    Target,
    is_in_hours,
    out_of_hours_windows,
    period_at,
)

# The oracle reads the holiday calendar and the zone on its own, not through routing.
ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2019, 2037))
WALL = ZoneInfo("Europe/London")
LINES = {
    True: RoutingLine("professional", "Professionals line", "+441305228558"),
    False: RoutingLine(
        "public", "Public line", "+441305228866", ServiceHours(bank_holidays_as_weekend=False)
    ),
}
ZONES = [UTC, LONDON, ZoneInfo("America/New_York"), timezone(timedelta(hours=5, minutes=30))]


def oracle(now: datetime, holidays_as_weekend: bool) -> bool:
    local = now.astimezone(WALL)
    weekend = local.weekday() >= 5 or (holidays_as_weekend and local.date() in ENGLAND)
    opens = time(9) if weekend else time(8)
    return opens <= local.time().replace(fold=0) < time(22)


instants = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2035, 12, 31, 23, 59, 59),
    timezones=st.sampled_from(ZONES),
)


def last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


@st.composite
def near_clock_changes(draw: st.DrawFn) -> datetime:
    year = draw(st.integers(2020, 2035))
    month = draw(st.sampled_from([3, 10]))
    change = datetime.combine(last_sunday(year, month), time(1), tzinfo=UTC)
    return change + timedelta(seconds=draw(st.integers(-40 * 3600, 40 * 3600)))


@st.composite
def near_year_ends(draw: st.DrawFn) -> datetime:
    year = draw(st.integers(2020, 2035))
    new_year = datetime(year, 1, 1, tzinfo=UTC)
    return new_year + timedelta(seconds=draw(st.integers(-72 * 3600, 72 * 3600)))


@settings(max_examples=400)
@given(now=instants, as_weekend=st.booleans())
def test_in_hours_matches_oracle(now: datetime, as_weekend: bool) -> None:
    assert is_in_hours(now, LINES[as_weekend]) is oracle(now, as_weekend)


@settings(max_examples=300)
@given(now=near_clock_changes(), as_weekend=st.booleans())
def test_in_hours_matches_oracle_across_clock_changes(now: datetime, as_weekend: bool) -> None:
    assert is_in_hours(now, LINES[as_weekend]) is oracle(now, as_weekend)


@settings(max_examples=200)
@given(now=near_year_ends(), as_weekend=st.booleans())
def test_in_hours_matches_oracle_at_year_ends(now: datetime, as_weekend: bool) -> None:
    assert is_in_hours(now, LINES[as_weekend]) is oracle(now, as_weekend)


minutes_2026 = st.integers(0, 366 * 24 * 60).map(
    lambda m: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=m)
)


@st.composite
def overrides_near(draw: st.DrawFn, around: datetime) -> Override:
    start = around + timedelta(minutes=draw(st.integers(-3 * 24 * 60, 10 * 24 * 60)))
    length = timedelta(minutes=draw(st.integers(1, 3 * 24 * 60)))
    return Override(
        start,
        start + length,
        draw(st.sampled_from(OverrideMode)),
        draw(st.sampled_from([None, "professional", "public"])),
        "p",
    )


# Hours that put openings and closings in the small hours, where the clocks change.
small_hours = st.builds(time, st.integers(0, 3), st.sampled_from([0, 15, 30, 59]))
odd_lines = st.builds(
    ServiceHours, small_hours, st.sampled_from([time(2, 30), time(22)]), small_hours, small_hours
).map(lambda hours: RoutingLine("professional", "P", "+441305228558", hours))


@settings(max_examples=80, deadline=None)
@given(data=st.data(), start=st.one_of(minutes_2026, near_clock_changes()))
def test_windows_partition_the_range(data: st.DataObject, start: datetime) -> None:
    end = start + timedelta(minutes=data.draw(st.integers(0, 9 * 24 * 60)))
    line = data.draw(st.sampled_from(list(LINES.values())) | odd_lines)
    overrides = data.draw(st.lists(overrides_near(start), max_size=3))
    windows = out_of_hours_windows(start, end, line, overrides)
    cuts = [start, *(t for w in windows for t in w), end]
    for i, (lo, hi) in enumerate(pairwise(cuts)):
        expected = Period.OUT_OF_HOURS if i % 2 else Period.IN_HOURS
        if lo == hi:  # a window touching start or end leaves an empty in-hours stretch
            assert i in (0, len(cuts) - 2)
            continue
        assert lo < hi, "windows overlap, touch or leave [start, end)"
        for probe in (lo, lo + (hi - lo) / 2, hi - timedelta(microseconds=1)):
            assert period_at(probe, line, overrides).period is expected, (lo, hi, probe)


@settings(max_examples=150)
@given(data=st.data(), start=minutes_2026, as_weekend=st.booleans())
def test_in_hours_override_opens_every_instant_inside(
    data: st.DataObject, start: datetime, as_weekend: bool
) -> None:
    line = LINES[as_weekend]
    opening = Override(
        start,
        start + timedelta(hours=data.draw(st.integers(1, 72))),
        OverrideMode.IN_HOURS,
        line.key,
    )
    closures = [
        Override(c.starts_at, c.ends_at, OverrideMode.OUT_OF_HOURS, None)
        for c in data.draw(st.lists(overrides_near(start), max_size=3))
    ]
    inside = start + (opening.ends_at - start) * data.draw(st.floats(0, 0.999999))
    assert is_in_hours(inside, line, [opening, *closures])


text = st.text(max_size=20)
targets = st.builds(Target, number=text, worker_id=st.none() | st.integers(1, 2**31), name=text)
steps = st.builds(
    RingStep,
    kind=st.sampled_from(StepKind),
    targets=st.lists(targets, max_size=5).map(tuple),
    timeout_seconds=st.integers(1, 600),
)
plans = st.builds(
    RingPlan,
    line_key=text,
    period=st.sampled_from(Period),
    steps=st.lists(steps, max_size=6).map(tuple),
)


@settings(max_examples=200)
@given(plan=plans)
def test_ring_plan_json_round_trip(plan: RingPlan) -> None:
    assert RingPlan.from_json(plan.to_json()) == plan
    assert RingPlan.from_json(json.loads(json.dumps(plan.to_json()))) == plan
