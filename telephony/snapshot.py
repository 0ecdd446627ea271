"""A process's snapshot of the routing configuration: lines, closures, on-call shifts.

Reading these for every call would cost several round trips. Instead each process keeps
a snapshot covering the next 24 hours and checks it against the routing version row in
the same query that finds the free workers (models.routing_data.duty_candidates), so a
change made anywhere is seen by the next call everywhere.

It is also how calls are routed when the database cannot be reached: it holds the duty
workers who were available on each line when it was read, it is refreshed in the
background, and it is kept in a file (telephony.snapshot_file) that a process started
during an outage loads.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from models import routing_data
from routing import DutyWorker, Override, RoutingLine, RoutingShift

# Shifts that ended a little while ago are kept so that a call arriving as one shift hands
# over to the next still sees both.
_LOOK_BACK = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class RoutingSnapshot:
    version: int
    window_start: datetime
    window_end: datetime
    lines: tuple[RoutingLine, ...]
    line_ids: Mapping[str, int]
    overrides: tuple[Override, ...]
    shifts: tuple[RoutingShift, ...]
    # The duty workers free on each line (by key) when the snapshot was read.
    duty_workers: Mapping[str, tuple[DutyWorker, ...]]
    refreshed_at: datetime

    def covers(self, now: datetime) -> bool:
        return self.window_start <= now - _LOOK_BACK and now < self.window_end


def load_snapshot(session: Session, now: datetime, horizon: timedelta) -> RoutingSnapshot:
    start, end = now - _LOOK_BACK, now + horizon
    version = routing_data.routing_version(session)
    lines = routing_data.all_lines(session)
    duty: dict[str, tuple[DutyWorker, ...]] = {}
    for line in lines:
        free = routing_data.duty_candidates(session, line.id, now).workers
        duty[line.key] = tuple(
            DutyWorker(w.id, w.name, w.phone, frozenset({line.key}), True, w.last_offered_at)
            for w in free
        )
    return RoutingSnapshot(
        version=version,
        window_start=start,
        window_end=end,
        lines=tuple(routing_data.routing_line(line) for line in lines),
        line_ids={line.key: line.id for line in lines},
        overrides=tuple(routing_data.routing_overrides(session, start, end)),
        shifts=tuple(routing_data.routing_shifts(session, start, end)),
        duty_workers=duty,
        refreshed_at=now,
    )


class SnapshotCache:
    """Holds the newest snapshot; replaced whole, so readers never see half of one."""

    def __init__(self) -> None:
        self._snapshot: RoutingSnapshot | None = None
        # Loaded from the file at start-up: routes calls while the database is away, but is
        # never taken as current (another database, or an old one, may have written it).
        self._saved: RoutingSnapshot | None = None
        self._lock = threading.Lock()

    def current(self, now: datetime, version: int | None = None) -> RoutingSnapshot | None:
        snapshot = self._snapshot
        if snapshot is None or not snapshot.covers(now):
            return None
        if version is not None and snapshot.version != version:
            return None
        return snapshot

    def latest(self) -> RoutingSnapshot | None:
        """The newest snapshot of any age: better than nothing when the database is down."""
        return self._snapshot or self._saved

    def put_saved(self, snapshot: RoutingSnapshot) -> None:
        self._saved = snapshot

    def put(self, snapshot: RoutingSnapshot) -> None:
        with self._lock:
            if self._snapshot is None or snapshot.version >= self._snapshot.version:
                self._snapshot = snapshot
