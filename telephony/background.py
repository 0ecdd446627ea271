"""The call path's background work, in threads started by the app's lifespan.

- the snapshot: read from the database every ``refresh`` seconds and saved to its file;
- the database: probed every ``probe`` seconds, marked reachable again when it answers,
  and then the journal replayed;
- the sweep of records whose end was lost (telephony.sweep);
- offers: free duty workers rung for callers waiting in a queue (telephony.queue), at
  once when a webhook says one may be due, else every ``offers`` seconds.

None of it runs on a webhook's path, and none of it can make a webhook wait.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from telephony import claims, snapshot_file
from telephony.call_lookup import CallLookup
from telephony.context import TelephonyContext
from telephony.queue import offer_waiting_callers
from telephony.replay import replay
from telephony.snapshot import RoutingSnapshot, load_snapshot
from telephony.sweep import SweepPolicy, sweep

log = logging.getLogger("dutyline.background")

CLAIMS_KEPT_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class Intervals:
    refresh: float = 30.0
    probe: float = 1.0
    sweep: float = 60.0
    offers: float = 5.0


def refresh_snapshot(context: TelephonyContext) -> bool:
    """Read the snapshot from the database and save it; False when that failed."""
    now = context.clock()

    def read() -> RoutingSnapshot:
        with context.session_factory() as session:
            return load_snapshot(session, now, context.config.snapshot_horizon)

    try:
        snapshot = context.guard.run_sync(read, seconds=context.guard.budget * 3)
    except Exception as exc:
        log.warning("routing snapshot not refreshed (%s)", type(exc).__name__)
        return False
    context.snapshots.put(snapshot)
    try:
        snapshot_file.save(context.state, snapshot)
    except OSError as exc:
        log.error("routing snapshot not saved (%s)", type(exc).__name__)
    return True


def load_saved_snapshot(context: TelephonyContext) -> None:
    """At start-up: the snapshot saved by the last process, for a start during an outage."""
    saved = snapshot_file.load(context.state)
    if saved is not None:
        context.snapshots.put_saved(saved)
        log.info("routing snapshot loaded from its file (read %s)", saved.refreshed_at)


class CallPathServices:
    def __init__(
        self,
        context: TelephonyContext,
        intervals: Intervals,
        lookup: CallLookup | None,
        policy: SweepPolicy,
    ) -> None:
        self.context = context
        self.intervals = intervals
        self.lookup = lookup
        self.policy = policy
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._failed_probes = 0

    def start(self) -> None:
        for name, work, every in (
            ("snapshot", self._refresh_once, self.intervals.refresh),
            ("database", self._watch_database_once, self.intervals.probe),
            ("sweep", self._sweep_once, self.intervals.sweep),
        ):
            thread = threading.Thread(
                target=self._loop, args=(work, every), name=f"dutyline-{name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        offers = threading.Thread(target=self._offer_loop, name="dutyline-offers", daemon=True)
        offers.start()
        self._threads.append(offers)

    def stop(self) -> None:
        self._stop.set()
        self.context.offers_due.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def _loop(self, work: Callable[[], None], every: float) -> None:
        while not self._stop.is_set():
            try:
                work()
            except Exception as exc:
                # Mostly the database going away mid-way; the next round tries again.
                log.error("background %s failed (%s)", work.__name__, type(exc).__name__)
            self._stop.wait(every)

    def _offer_loop(self) -> None:
        due = self.context.offers_due
        while not self._stop.is_set():
            due.wait(self.intervals.offers)
            due.clear()
            if self._stop.is_set() or not self.context.guard.reachable:
                continue
            try:
                offer_waiting_callers(self.context, self.context.clock())
            except Exception as exc:
                log.error("background offers failed (%s)", type(exc).__name__)

    def _refresh_once(self) -> None:
        if self.context.guard.reachable:
            refresh_snapshot(self.context)

    def _watch_database_once(self) -> None:
        guard = self.context.guard
        if guard.probe():
            self._failed_probes = 0
            if not guard.reachable:
                guard.mark_reachable()
                refresh_snapshot(self.context)
            if self.context.journal.backlog():
                replay(self.context, self.context.clock())
        else:
            # Twice in a row: one slow probe on a busy machine is not an outage (a webhook
            # that runs over its budget marks the database down at once anyway).
            self._failed_probes += 1
            if self._failed_probes >= 2:
                guard.mark_unreachable("the probe had no answer")

    def _sweep_once(self) -> None:
        if self.context.guard.reachable:
            result = sweep(self.context, self.lookup, self.policy, self.context.clock())
            if result.confirmed or result.unconfirmed:
                log.warning(
                    "sweep: %d lost ends confirmed by Twilio, %d unconfirmed (callback tasks)",
                    result.confirmed,
                    result.unconfirmed,
                )
        claims.forget_older_than(self.context.claims, CLAIMS_KEPT_SECONDS)
