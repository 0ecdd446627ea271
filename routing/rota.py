"""Rota rules: rotations turned into on-call shifts, gaps, conflicts and covers.

Plain data in, plain data out. "Out of hours" is asked of routing.hours, never worked out
here, so the rota and the calls agree on every minute.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache

from routing.hours import LONDON, Override, out_of_hours_windows
from routing.lines import RoutingLine
from routing.oncall import OnCallRole

Interval = tuple[datetime, datetime]


class RotationPeriod(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


class ConflictKind(StrEnum):
    OVERLAP = "overlap"
    NO_VALID_PHONE = "no_valid_phone"
    ON_LEAVE = "on_leave"
    INACTIVE_WORKER = "inactive_worker"


@dataclass(frozen=True, slots=True)
class RotationPattern:
    """Workers take turns, one period each, changing over at `handover` local time.

    Period n (counted from `anchor`, the local date period 0 starts) has primary
    worker_ids[n % len] and backup worker_ids[(n + backup_offset) % len]. One worker: no backup.
    """

    worker_ids: tuple[int, ...]
    handover: time
    period: RotationPeriod
    anchor: date
    backup_offset: int = 1

    def __post_init__(self) -> None:
        if not self.worker_ids:
            raise ValueError("a rotation needs at least one worker")
        if len(set(self.worker_ids)) != len(self.worker_ids):
            raise ValueError("a worker appears twice in the rotation")
        if len(self.worker_ids) > 1 and self.backup_offset % len(self.worker_ids) == 0:
            raise ValueError("the backup offset makes each worker their own backup")

    def period_index(self, day: date) -> int:
        days = (day - self.anchor).days
        return days if self.period is RotationPeriod.DAILY else days // 7

    def worker_for(self, day: date, role: OnCallRole) -> int | None:
        n = self.period_index(day)
        if role is OnCallRole.PRIMARY:
            return self.worker_ids[n % len(self.worker_ids)]
        if len(self.worker_ids) == 1:
            return None
        return self.worker_ids[(n + self.backup_offset) % len(self.worker_ids)]


@dataclass(frozen=True, slots=True)
class PlannedShift:
    """One shift a rotation asks for; `slot_key` is stable, so re-applying finds it again."""

    slot_key: str
    worker_id: int
    role: OnCallRole
    starts_at: datetime  # UTC
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class RotaShift:
    """A stored shift as the checks see it."""

    id: int
    worker_id: int
    role: OnCallRole
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class WorkerStatus:
    id: int
    phone_valid: bool
    active: bool = True


@dataclass(frozen=True, slots=True)
class Leave:
    worker_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Gap:
    role: OnCallRole
    starts_at: datetime
    ends_at: datetime
    line_keys: tuple[str, ...]

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class RotaConflict:
    kind: ConflictKind
    worker_id: int
    shift_ids: tuple[int, ...]
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of a shift after a cover: who holds [starts_at, ends_at)."""

    worker_id: int
    starts_at: datetime
    ends_at: datetime
    covered: bool  # True: this part is now the coverer's


def real_hours(starts_at: datetime, ends_at: datetime) -> float:
    """Elapsed hours between two aware instants: 22:00 to 09:00 is 10 or 12 h on change nights."""
    return (ends_at.astimezone(UTC) - starts_at.astimezone(UTC)).total_seconds() / 3600


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def local_dates_range(first: date, last: date) -> Interval:
    """The UTC interval from local midnight starting `first` to the one ending `last`."""
    return local_midnight(first), local_midnight(last + timedelta(days=1))


def _union(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


@lru_cache(maxsize=8192)
def _day_windows(day: date, line: RoutingLine) -> tuple[Interval, ...]:
    # One local day of routing's windows, kept: a report over months asks for the same days
    # again and again, and only declared closures make one day differ from another.
    return tuple(out_of_hours_windows(*local_dates_range(day, day), line))


def _windows_without_overrides(start: datetime, end: datetime, line: RoutingLine) -> list[Interval]:
    day = start.astimezone(LONDON).date()
    last = (end - timedelta(microseconds=1)).astimezone(LONDON).date()
    merged: list[Interval] = []
    while day <= last:
        for lo, hi in _day_windows(day, line):
            lo, hi = max(lo, start), min(hi, end)
            if lo >= hi:
                continue
            if merged and merged[-1][1] == lo:
                merged[-1] = (merged[-1][0], hi)
            else:
                merged.append((lo, hi))
        day += timedelta(days=1)
    return merged


def out_of_hours_by_line(
    start: datetime, end: datetime, lines: Sequence[RoutingLine], overrides: Sequence[Override] = ()
) -> dict[str, list[Interval]]:
    """Routing's out-of-hours windows in [start, end) per line key.

    Without closures or openings in the range, the windows are stitched from routing's own
    answer for each local day, remembered across calls; with them, routing is asked for the
    whole range at once. Lines with the same hours share one computation.
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return {line.key: [] for line in lines}
    result: dict[str, list[Interval]] = {}
    computed: dict[object, list[Interval]] = {}
    for line in lines:
        applying = tuple(o for o in overrides if o.line_key in (None, line.key))
        cache_key = (line.hours, applying)
        if cache_key not in computed:
            if applying:
                computed[cache_key] = out_of_hours_windows(start, end, line, applying)
            else:
                computed[cache_key] = _windows_without_overrides(start, end, line)
        result[line.key] = computed[cache_key]
    return result


def _handover_instants(start: datetime, end: datetime, handover: time) -> list[datetime]:
    """UTC instants in (start, end) where the local clock reads the hand-over time, one a day.

    A hand-over time skipped by the spring clock change happens as the clocks jump (fold=0
    reads it with the offset before the change); one repeated in October happens once.
    """
    day = start.astimezone(LONDON).date() - timedelta(days=1)
    last = end.astimezone(LONDON).date() + timedelta(days=1)
    instants = []
    while day <= last:
        instant = datetime.combine(day, handover, tzinfo=LONDON).astimezone(UTC)
        if start < instant < end:
            instants.append(instant)
        day += timedelta(days=1)
    return sorted(set(instants))


def _duty_day(instant: datetime, handover: time) -> date:
    """The local date whose hand-over began the duty period holding `instant`."""
    local = instant.astimezone(LONDON)
    day = local.date()
    if datetime.combine(day, handover, tzinfo=LONDON).astimezone(UTC) > instant:
        day -= timedelta(days=1)
    return day


def plan_rotation(
    pattern: RotationPattern,
    first: date,
    last: date,
    lines: Sequence[RoutingLine],
    overrides: Sequence[Override] = (),
    not_before: datetime | None = None,
) -> list[PlannedShift]:
    """The shifts `pattern` asks for on local dates first..last (inclusive).

    They cover exactly the union of the lines' out-of-hours windows in those days, cut at
    each day's hand-over, one primary and (with two or more workers) one backup per piece.
    Time before `not_before` is left alone (what already happened stays as it was).
    """
    start, end = local_dates_range(first, last)
    if not_before is not None:
        start = max(start, not_before.astimezone(UTC))
    if end <= start:
        return []
    windows = _union(
        w for ws in out_of_hours_by_line(start, end, lines, overrides).values() for w in ws
    )
    cuts = _handover_instants(start, end, pattern.handover)
    planned: list[PlannedShift] = []
    for lo, hi in windows:
        points = [lo, *(c for c in cuts if lo < c < hi), hi]
        for a, b in itertools.pairwise(points):
            day = _duty_day(a, pattern.handover)
            for role in OnCallRole:
                worker = pattern.worker_for(day, role)
                if worker is None:
                    continue
                key = f"{role.value}:{a.strftime('%Y-%m-%dT%H:%MZ')}"
                planned.append(PlannedShift(key, worker, role, a, b))
    return planned


def _subtract(
    window: Interval, covers: Sequence[Interval], ends: Sequence[datetime]
) -> list[Interval]:
    """The parts of `window` outside `covers` (merged, sorted; `ends` their ends, for bisect)."""
    gaps = []
    cursor, end = window
    for i in range(bisect_right(ends, cursor), len(covers)):
        lo, hi = covers[i]
        if lo >= end:
            break
        if lo > cursor:
            gaps.append((cursor, lo))
        cursor = max(cursor, hi)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


def find_gaps(
    windows_by_line: dict[str, list[Interval]],
    shifts: Iterable[RotaShift],
    usable_worker_ids: set[int] | None = None,
) -> list[Gap]:
    """Out-of-hours time with no primary, or no backup, on call; per interval, its lines.

    Shifts of workers outside `usable_worker_ids` (when given) do not count as cover.
    """
    by_role: dict[OnCallRole, list[Interval]] = {role: [] for role in OnCallRole}
    for shift in shifts:
        if usable_worker_ids is None or shift.worker_id in usable_worker_ids:
            by_role[shift.role].append((shift.starts_at, shift.ends_at))
    gaps: list[Gap] = []
    for role in OnCallRole:
        covers = _union(by_role[role])
        ends = [hi for _, hi in covers]
        found: dict[Interval, list[str]] = {}
        for key, windows in windows_by_line.items():
            for window in windows:
                for gap in _subtract(window, covers, ends):
                    found.setdefault(gap, []).append(key)
        gaps += [Gap(role, lo, hi, tuple(keys)) for (lo, hi), keys in found.items()]
    return sorted(gaps, key=lambda g: (g.starts_at, g.role is OnCallRole.BACKUP, g.ends_at))


def find_conflicts(
    shifts: Sequence[RotaShift],
    workers: dict[int, WorkerStatus],
    leave: Sequence[Leave] = (),
) -> list[RotaConflict]:
    """A worker on two overlapping shifts; a shift for a worker with no valid phone, who is
    inactive, or on leave during it."""
    conflicts: list[RotaConflict] = []
    by_worker: dict[int, list[RotaShift]] = {}
    for shift in sorted(shifts, key=lambda s: (s.starts_at, s.id)):
        by_worker.setdefault(shift.worker_id, []).append(shift)
    for worker_id, own in by_worker.items():
        latest: RotaShift | None = None  # the shift reaching furthest so far
        for shift in own:
            if latest is not None and shift.starts_at < latest.ends_at:
                conflicts.append(
                    RotaConflict(
                        ConflictKind.OVERLAP,
                        worker_id,
                        (latest.id, shift.id),
                        shift.starts_at,
                        min(shift.ends_at, latest.ends_at),
                    )
                )
            if latest is None or shift.ends_at > latest.ends_at:
                latest = shift
        status = workers.get(worker_id)
        for shift in own:
            if status is not None and not status.active:
                conflicts.append(_whole(ConflictKind.INACTIVE_WORKER, shift))
            elif status is None or not status.phone_valid:
                conflicts.append(_whole(ConflictKind.NO_VALID_PHONE, shift))
    leave_by_worker: dict[int, list[Leave]] = {}
    for period in leave:
        leave_by_worker.setdefault(period.worker_id, []).append(period)
    for worker_id, periods in leave_by_worker.items():
        for shift in by_worker.get(worker_id, []):
            for period in periods:
                lo = max(shift.starts_at, period.starts_at)
                hi = min(shift.ends_at, period.ends_at)
                if lo < hi:
                    conflicts.append(
                        RotaConflict(ConflictKind.ON_LEAVE, worker_id, (shift.id,), lo, hi)
                    )
    return sorted(conflicts, key=lambda c: (c.starts_at, c.kind, c.worker_id, c.shift_ids))


def _whole(kind: ConflictKind, shift: RotaShift) -> RotaConflict:
    return RotaConflict(kind, shift.worker_id, (shift.id,), shift.starts_at, shift.ends_at)


def cover_pieces(
    holder_id: int,
    starts_at: datetime,
    ends_at: datetime,
    covering_id: int,
    cover_from: datetime,
    cover_to: datetime,
) -> list[Piece]:
    """A shift held by `holder_id`, split so `covering_id` holds [cover_from, cover_to) of it."""
    lo, hi = max(starts_at, cover_from), min(ends_at, cover_to)
    if lo >= hi:
        return [Piece(holder_id, starts_at, ends_at, covered=False)]
    pieces = []
    if starts_at < lo:
        pieces.append(Piece(holder_id, starts_at, lo, covered=False))
    pieces.append(Piece(covering_id, lo, hi, covered=True))
    if hi < ends_at:
        pieces.append(Piece(holder_id, hi, ends_at, covered=False))
    return pieces


def gaps_starting_within(gaps: Iterable[Gap], now: datetime, horizon: timedelta) -> list[Gap]:
    """Gaps that start (or are already running) before now + horizon and have not ended."""
    limit = now + horizon
    return [g for g in gaps if g.starts_at < limit and g.ends_at > now]
