"""In hours or out of hours: the service's opening rules, bank holidays and overrides."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays

from routing.lines import RoutingLine, ServiceHours

LONDON = ZoneInfo("Europe/London")


class OverrideMode(StrEnum):
    OUT_OF_HOURS = "out_of_hours"
    IN_HOURS = "in_hours"


class Period(StrEnum):
    IN_HOURS = "in_hours"
    OUT_OF_HOURS = "out_of_hours"


def _utc(value: datetime) -> datetime:
    # Two datetimes sharing a tzinfo compare by wall clock, ignoring fold; in the repeated hour
    # of October that orders instants wrongly, so every comparison is made in UTC.
    return value.astimezone(UTC)


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime")


@dataclass(frozen=True, slots=True)
class Override:
    """A declared closure (force out of hours) or opening (force in hours), [starts_at, ends_at)."""

    starts_at: datetime
    ends_at: datetime
    mode: OverrideMode
    line_key: str | None = None  # None: all lines
    reason: str = ""

    def __post_init__(self) -> None:
        _require_aware(self.starts_at, "Override.starts_at")
        _require_aware(self.ends_at, "Override.ends_at")

    def applies(self, now: datetime, line_key: str) -> bool:
        in_scope = self.line_key is None or self.line_key == line_key
        return in_scope and _utc(self.starts_at) <= _utc(now) < _utc(self.ends_at)


@dataclass(frozen=True, slots=True)
class PeriodDecision:
    period: Period
    reason: str  # short and human, never personal data


@lru_cache(maxsize=64)
def _england_holidays(year: int) -> dict[date, str]:
    # Built once per year: the holidays library is slow to construct, and calls arrive constantly.
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def bank_holiday_name(day: date) -> str | None:
    """The England bank holiday on `day`, from the holidays library, or None."""
    return _england_holidays(day.year).get(day)


def _winning_override(
    now: datetime, line_key: str, overrides: Sequence[Override]
) -> Override | None:
    applicable = [o for o in overrides if o.applies(now, line_key)]
    if not applicable:
        return None
    return max(
        applicable,
        key=lambda o: (
            o.line_key is not None,
            _utc(o.starts_at),
            o.mode is OverrideMode.OUT_OF_HOURS,
        ),
    )


def override_at(now: datetime, line_key: str, overrides: Sequence[Override]) -> Override | None:
    """The declared closure or opening that decides `line_key`'s period at `now`, if any.

    The same choice `period_at` makes (see its rules), for readers that must name it.
    """
    _require_aware(now, "now")
    return _winning_override(now, line_key, overrides)


def _opening_for(day: date, weekday: int, hours: ServiceHours) -> tuple[time, time, str]:
    """Open time, close time and the name of the rule that applies on a local date."""
    holiday = bank_holiday_name(day)
    if holiday is not None and hours.bank_holidays_as_weekend:
        return hours.weekend_open, hours.weekend_close, f"bank holiday: {holiday}"
    if weekday < 5:
        return hours.weekday_open, hours.weekday_close, "weekday hours"
    return hours.weekend_open, hours.weekend_close, "weekend hours"


def period_at(
    now: datetime, line: RoutingLine, overrides: Sequence[Override] = ()
) -> PeriodDecision:
    """Whether a call arriving at `now` on `line` is in hours or out of hours.

    Overrides covering `now` that apply to the line win over the opening rules. Among several,
    the winner is chosen by, in order:
      1. a line-specific override beats an all-lines one (it is the more specific plan);
      2. then the one that started latest (the most recent decision);
      3. then OUT_OF_HOURS beats IN_HOURS (safer: the on-call worker is always there).

    The rules compare the *local wall-clock time* of `now` (Europe/London) with the opening
    and closing times. So on clock-change days a configured time inside the skipped hour takes
    effect as the clocks jump past it, and one inside the repeated hour is crossed twice (the
    wall clock goes back): the period follows what a clock on the office wall shows.
    """
    _require_aware(now, "now")
    override = _winning_override(now, line.key, overrides)
    if override is not None:
        period = Period(override.mode.value)
        return PeriodDecision(period, f"override: {override.reason or override.mode.value}")
    local = now.astimezone(LONDON)
    opens, closes, rule = _opening_for(local.date(), local.weekday(), line.hours)
    if opens <= local.time() < closes:
        return PeriodDecision(Period.IN_HOURS, rule)
    if rule.startswith("bank holiday"):
        return PeriodDecision(Period.OUT_OF_HOURS, f"closed: {rule}")
    return PeriodDecision(Period.OUT_OF_HOURS, "closed: overnight")


def is_in_hours(now: datetime, line: RoutingLine, overrides: Sequence[Override] = ()) -> bool:
    return period_at(now, line, overrides).period is Period.IN_HOURS


def _offset(instant: datetime) -> timedelta | None:
    return instant.astimezone(LONDON).utcoffset()


def _offset_changes(start: datetime, end: datetime) -> Iterator[datetime]:
    """UTC instants in [start, end] where the London offset changes, found by bisection.

    zoneinfo does not expose its transitions; bisecting keeps this free of a hand-written table.
    """
    step = timedelta(hours=6)  # far shorter than the months between two transitions
    lo = start
    while lo < end:
        hi = min(lo + step, end)
        if _offset(lo) != _offset(hi):
            a, b = lo, hi  # invariant: offset(a) != offset(b)
            while b - a > timedelta(microseconds=1):
                mid = a + (b - a) / 2
                a, b = (mid, b) if _offset(mid) == _offset(a) else (a, mid)
            yield b
        lo = hi


def _rule_boundaries(start: datetime, end: datetime, hours: ServiceHours) -> Iterator[datetime]:
    """Every instant at which a local wall clock reads an opening, closing or midnight time.

    Both readings of a time in the repeated hour are produced; a time in the skipped hour
    never appears on the wall clock, so the offset changes themselves are added as well.
    """
    times = {time(0), hours.weekday_open, hours.weekday_close}
    times |= {hours.weekend_open, hours.weekend_close}
    day = start.astimezone(LONDON).date() - timedelta(days=1)
    last = end.astimezone(LONDON).date() + timedelta(days=1)
    while day <= last:
        for t in times:
            for fold in (0, 1):
                yield datetime.combine(day, t, tzinfo=LONDON).replace(fold=fold)
        day += timedelta(days=1)
    yield from _offset_changes(start, end)


def out_of_hours_windows(
    start: datetime, end: datetime, line: RoutingLine, overrides: Sequence[Override] = ()
) -> list[tuple[datetime, datetime]]:
    """Maximal UTC intervals inside [start, end) that are out of hours on `line`.

    The period can only change at a boundary (an opening/closing/midnight wall time, a clock
    change, an override start or end), so each stretch between two boundaries is judged by
    `period_at` at its first instant: one source of truth for the rules.
    """
    _require_aware(start, "start")
    _require_aware(end, "end")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return []
    candidates = list(_rule_boundaries(start, end, line.hours))
    candidates += [o.starts_at for o in overrides] + [o.ends_at for o in overrides]
    cuts = sorted({c.astimezone(UTC) for c in candidates if start < c < end} | {start, end})
    windows: list[tuple[datetime, datetime]] = []
    for lo, hi in pairwise(cuts):
        if is_in_hours(lo, line, overrides):
            continue
        if windows and windows[-1][1] == lo:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    return windows
