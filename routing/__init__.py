"""Pure routing rules for the duty line: plain data in, a routing decision out.

Nothing here does I/O or reads a clock; callers pass `now` in.
"""

from routing.decision import CallDecision, decide_call
from routing.hours import (
    LONDON,
    Override,
    OverrideMode,
    Period,
    PeriodDecision,
    bank_holiday_name,
    is_in_hours,
    out_of_hours_windows,
    override_at,
    period_at,
)
from routing.lines import (
    DEFAULT_LINES,
    PUBLIC_LINE_KEY,
    LineMatch,
    RoutingLine,
    ServiceHours,
    line_for_number,
    normalise_number,
)
from routing.oncall import (
    OnCallEntry,
    OnCallRole,
    RoutingShift,
    Target,
    oncall_chain,
    shifts_covering,
)
from routing.ringplan import (
    DutyWorker,
    RingPlan,
    RingStep,
    RingTimeouts,
    StepKind,
    build_ring_plan,
    duty_ring_group,
)

__all__ = [
    "DEFAULT_LINES",
    "LONDON",
    "PUBLIC_LINE_KEY",
    "CallDecision",
    "DutyWorker",
    "LineMatch",
    "OnCallEntry",
    "OnCallRole",
    "Override",
    "OverrideMode",
    "Period",
    "PeriodDecision",
    "RingPlan",
    "RingStep",
    "RingTimeouts",
    "RoutingLine",
    "RoutingShift",
    "ServiceHours",
    "StepKind",
    "Target",
    "bank_holiday_name",
    "build_ring_plan",
    "decide_call",
    "duty_ring_group",
    "is_in_hours",
    "line_for_number",
    "normalise_number",
    "oncall_chain",
    "out_of_hours_windows",
    "override_at",
    "period_at",
    "shifts_covering",
]
