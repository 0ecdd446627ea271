"""A process's snapshot of the routing configuration: lines, closures, on-call shifts.

Reading these for every call would cost several round trips. Instead each process keeps
a snapshot covering the next hour and checks it against the routing version row in the
same query that finds the free workers (models.routing_data.duty_candidates), so a change
made anywhere is seen by the next call everywhere. It is also what the fallback handler
uses to name the line when the database cannot be reached.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from models import routing_data
from routing import Override, RoutingLine, RoutingShift

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

    def covers(self, now: datetime) -> bool:
        return self.window_start <= now - _LOOK_BACK and now < self.window_end


def load_snapshot(session: Session, now: datetime, horizon: timedelta) -> RoutingSnapshot:
    start, end = now - _LOOK_BACK, now + horizon
    version = routing_data.routing_version(session)
    lines = routing_data.all_lines(session)
    return RoutingSnapshot(
        version=version,
        window_start=start,
        window_end=end,
        lines=tuple(routing_data.routing_line(line) for line in lines),
        line_ids={line.key: line.id for line in lines},
        overrides=tuple(routing_data.routing_overrides(session, start, end)),
        shifts=tuple(routing_data.routing_shifts(session, start, end)),
    )


class SnapshotCache:
    """Holds the newest snapshot; replaced whole, so readers never see half of one."""

    def __init__(self) -> None:
        self._snapshot: RoutingSnapshot | None = None
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
        return self._snapshot

    def put(self, snapshot: RoutingSnapshot) -> None:
        with self._lock:
            if self._snapshot is None or snapshot.version >= self._snapshot.version:
                self._snapshot = snapshot
