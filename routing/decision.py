"""One call, one decision: which line, in or out of hours, and the ring plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from routing.hours import Override, Period, PeriodDecision, period_at
from routing.lines import LineMatch, RoutingLine, line_for_number
from routing.oncall import RoutingShift, oncall_chain
from routing.ringplan import (
    DutyWorker,
    RingPlan,
    RingTimeouts,
    build_ring_plan,
    duty_ring_group,
)

# Frozen, so one shared default is safe.
_DEFAULT_TIMEOUTS = RingTimeouts()


@dataclass(frozen=True, slots=True)
class CallDecision:
    line_match: LineMatch
    period: PeriodDecision
    plan: RingPlan


def decide_call(
    now: datetime,
    dialled: str,
    lines: Sequence[RoutingLine],
    overrides: Sequence[Override],
    duty_workers: Sequence[DutyWorker],
    shifts: Sequence[RoutingShift],
    fallback_number: str | None,
    max_parallel: int = 5,
    timeouts: RingTimeouts = _DEFAULT_TIMEOUTS,
    queue: bool = False,
) -> CallDecision:
    """Everything the incoming-call webhook needs to route a call arriving at `now`.

    `fallback_number` is the service's; a line with a fallback number of its own uses that.

    ``queue``: in hours, hold the caller in the line's queue after the duty workers (the
    call path asks for it only with the database, which keeps the queue).
    """
    match = line_for_number(dialled, lines)
    period = period_at(now, match.line, overrides)
    duty = duty_ring_group(duty_workers, match.line.key, max_parallel)
    plan = build_ring_plan(
        period.period,
        match.line.key,
        duty if period.period is Period.IN_HOURS else (),
        oncall_chain(shifts, now),
        match.line.fallback_number or fallback_number,
        timeouts,
        queue,
    )
    return CallDecision(line_match=match, period=period, plan=plan)
