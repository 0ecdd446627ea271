"""decide_call end to end: line, period and ring plan from plain data."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from routing import (
    DEFAULT_LINES,
    LONDON,
    DutyWorker,
    OnCallRole,
    Override,
    OverrideMode,
    Period,
    RoutingShift,
    StepKind,
    decide_call,
)

FALLBACK = "+441202123456"
WORKERS = [
    DutyWorker(1, "Ann", "+447911123401", frozenset({"professional"}), True, None),
    DutyWorker(2, "Bob", "+447911123402", frozenset({"public"}), True, None),
    DutyWorker(3, "Cat", "+447911123403", frozenset({"professional", "public"}), False, None),
]
NIGHT = (datetime(2026, 1, 13, 22, tzinfo=LONDON), datetime(2026, 1, 14, 8, tzinfo=LONDON))
DAY = (datetime(2026, 1, 14, 8, tzinfo=LONDON), datetime(2026, 1, 14, 22, tzinfo=LONDON))
SHIFTS = [
    RoutingShift(1, 10, "Dan", "+447911123410", OnCallRole.PRIMARY, *NIGHT),
    RoutingShift(2, 11, "Eve", "+447911123411", OnCallRole.BACKUP, *NIGHT),
    RoutingShift(3, 12, "Fay", "+447911123412", OnCallRole.PRIMARY, *DAY),
]


def step_names(
    now: datetime, dialled: str, overrides: list[Override] | None = None
) -> list[tuple[str, list[str]]]:
    decision = decide_call(now, dialled, DEFAULT_LINES, overrides or [], WORKERS, SHIFTS, FALLBACK)
    return [(s.kind.value, [t.name for t in s.targets]) for s in decision.plan.steps]


def test_in_hours_professional_call() -> None:
    now = datetime(2026, 1, 14, 10, tzinfo=LONDON)
    decision = decide_call(now, "01305 228558", DEFAULT_LINES, [], WORKERS, SHIFTS, FALLBACK)
    assert decision.line_match.line.key == "professional"
    assert decision.line_match.known
    assert decision.period.period is Period.IN_HOURS
    assert decision.plan.line_key == "professional"
    assert step_names(now, "+441305228558") == [
        ("duty", ["Ann"]),
        ("primary", ["Fay"]),
        ("fallback", ["fallback"]),
    ]


def test_out_of_hours_public_call() -> None:
    now = datetime(2026, 1, 14, 2, tzinfo=LONDON)
    decision = decide_call(now, "+441305228866", DEFAULT_LINES, [], WORKERS, SHIFTS, FALLBACK)
    assert decision.period.period is Period.OUT_OF_HOURS
    assert decision.period.reason == "closed: overnight"
    assert step_names(now, "+441305228866") == [
        ("primary", ["Dan"]),
        ("backup", ["Eve"]),
        ("fallback", ["fallback"]),
    ]


def test_unknown_number_served_as_public_line() -> None:
    now = datetime(2026, 1, 14, 10, tzinfo=LONDON)
    decision = decide_call(now, "garbage", [], [], WORKERS, SHIFTS, None, max_parallel=1)
    assert (decision.line_match.line.key, decision.line_match.known) == ("public", False)
    assert [s.kind for s in decision.plan.steps] == [StepKind.DUTY, StepKind.PRIMARY]
    assert decision.plan.steps[0].targets[0].name == "Bob"


def test_line_specific_closure_leaves_the_other_line_open() -> None:
    now = datetime(2026, 1, 14, 14, tzinfo=LONDON)
    closure = Override(*DAY, OverrideMode.OUT_OF_HOURS, "professional", "training")
    assert step_names(now, "01305 228558", [closure])[0] == ("primary", ["Fay"])
    assert step_names(now, "01305 228866", [closure])[0] == ("duty", ["Bob"])


def test_closure_during_the_day() -> None:
    now = datetime(2026, 1, 14, 14, tzinfo=LONDON)
    closure = Override(*DAY, OverrideMode.OUT_OF_HOURS, None, "system outage")
    decision = decide_call(now, "01305 228558", DEFAULT_LINES, [closure], WORKERS, SHIFTS, FALLBACK)
    assert decision.period.reason == "override: system outage"
    assert [s.kind for s in decision.plan.steps] == [StepKind.PRIMARY, StepKind.FALLBACK]


def test_a_line_with_its_own_fallback_number_rings_it_instead_of_the_services() -> None:
    own = replace(DEFAULT_LINES[0], fallback_number="+441305224999")
    now = datetime(2026, 1, 14, 2, tzinfo=LONDON)
    lines = [own, DEFAULT_LINES[1]]
    professional = decide_call(now, "+441305228558", lines, [], [], [], FALLBACK)
    public = decide_call(now, "+441305228866", lines, [], [], [], FALLBACK)
    assert [t.number for t in professional.plan.steps[-1].targets] == ["+441305224999"]
    assert [t.number for t in public.plan.steps[-1].targets] == [FALLBACK]
    nobody = decide_call(now, "+441305228558", lines, [], [], [], None)
    assert [t.number for t in nobody.plan.steps[-1].targets] == ["+441305224999"]
