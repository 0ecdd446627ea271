"""Duty ring group and ring plan: ordering, limits, steps, dedup, JSON round trip."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from routing import (
    DutyWorker,
    OnCallEntry,
    OnCallRole,
    Period,
    RingPlan,
    RingStep,
    RingTimeouts,
    StepKind,
    Target,
    build_ring_plan,
    duty_ring_group,
)


def at(h: int) -> datetime:
    return datetime(2026, 1, 13, h, tzinfo=UTC)


def worker(
    id: int,
    last: datetime | None = None,
    lines: frozenset[str] = frozenset({"professional"}),
    available: bool = True,
) -> DutyWorker:
    return DutyWorker(id, f"worker {id}", f"+4479111234{id:02d}", lines, available, last)


@pytest.mark.parametrize(
    ("workers", "line_key", "limit", "expected"),
    [
        pytest.param([worker(1), worker(2)], "professional", 5, [1, 2], id="never-offered-by-id"),
        pytest.param(
            [worker(1, at(10)), worker(2, at(9)), worker(3)],
            "professional",
            5,
            [3, 2, 1],
            id="never-offered-then-longest-waiting",
        ),
        pytest.param(
            [worker(5, at(9)), worker(4, at(9))], "professional", 5, [4, 5], id="tie-by-id"
        ),
        pytest.param(
            [worker(1, available=False), worker(2)], "professional", 5, [2], id="unavailable-out"
        ),
        pytest.param(
            [worker(1, lines=frozenset({"public"})), worker(2)],
            "professional",
            5,
            [2],
            id="other-line-out",
        ),
        pytest.param(
            [worker(1, lines=frozenset({"public", "professional"}))],
            "public",
            5,
            [1],
            id="both-lines",
        ),
        pytest.param(
            [worker(i, at(i)) for i in range(1, 9)], "professional", 3, [1, 2, 3], id="limit"
        ),
        pytest.param([], "professional", 5, [], id="nobody"),
    ],
)
def test_duty_ring_group(
    workers: list[DutyWorker], line_key: str, limit: int, expected: list[int]
) -> None:
    assert [t.worker_id for t in duty_ring_group(workers, line_key, limit)] == expected


def test_naive_last_offered_is_refused() -> None:
    with pytest.raises(ValueError):
        worker(1, datetime(2026, 1, 13, 9))


def test_duty_ring_group_needs_a_positive_limit() -> None:
    with pytest.raises(ValueError):
        duty_ring_group([worker(1)], "professional", 0)


def target(n: int, worker_id: int | None = None) -> Target:
    return Target(f"+4479111234{n:02d}", n if worker_id is None else worker_id, f"worker {n}")


DUTY = (target(1), target(2))
CHAIN = (OnCallEntry(OnCallRole.PRIMARY, target(10)), OnCallEntry(OnCallRole.BACKUP, target(11)))
FALLBACK = "+441202123456"
T = RingTimeouts()


def kinds(plan: RingPlan) -> list[tuple[StepKind, list[str], int]]:
    return [(s.kind, [t.number for t in s.targets], s.timeout_seconds) for s in plan.steps]


def test_in_hours_plan() -> None:
    plan = build_ring_plan(Period.IN_HOURS, "professional", DUTY, CHAIN, FALLBACK)
    assert (plan.line_key, plan.period) == ("professional", Period.IN_HOURS)
    assert kinds(plan) == [
        (StepKind.DUTY, ["+447911123401", "+447911123402"], T.duty),
        (StepKind.PRIMARY, ["+447911123410"], T.oncall),
        (StepKind.BACKUP, ["+447911123411"], T.oncall),
        (StepKind.FALLBACK, [FALLBACK], T.fallback),
    ]
    assert plan.steps[-1].targets == (Target(FALLBACK, None, "fallback"),)


def test_out_of_hours_plan_skips_duty() -> None:
    plan = build_ring_plan(Period.OUT_OF_HOURS, "public", DUTY, CHAIN, FALLBACK)
    assert [s.kind for s in plan.steps] == [StepKind.PRIMARY, StepKind.BACKUP, StepKind.FALLBACK]


@pytest.mark.parametrize(
    ("period", "duty", "chain", "fallback", "expected"),
    [
        pytest.param(
            Period.IN_HOURS, (), CHAIN, FALLBACK, ["primary", "backup", "fallback"], id="empty-duty"
        ),
        pytest.param(
            Period.IN_HOURS, DUTY, CHAIN, None, ["duty", "primary", "backup"], id="no-fallback"
        ),
        pytest.param(
            Period.IN_HOURS, DUTY, CHAIN, "", ["duty", "primary", "backup"], id="blank-fallback"
        ),
        pytest.param(Period.IN_HOURS, DUTY, (), None, ["duty"], id="duty-only"),
        pytest.param(Period.OUT_OF_HOURS, DUTY, (), FALLBACK, ["fallback"], id="fallback-only"),
        pytest.param(Period.OUT_OF_HOURS, (), (), None, [], id="nothing-voicemail"),
    ],
)
def test_plan_shapes(
    period: Period,
    duty: tuple[Target, ...],
    chain: tuple[OnCallEntry, ...],
    fallback: str | None,
    expected: list[str],
) -> None:
    plan = build_ring_plan(period, "professional", duty, chain, fallback)
    assert [s.kind.value for s in plan.steps] == expected


def test_duty_worker_on_call_is_not_rung_twice() -> None:
    chain = (OnCallEntry(OnCallRole.PRIMARY, target(2)), OnCallEntry(OnCallRole.BACKUP, target(11)))
    plan = build_ring_plan(Period.IN_HOURS, "professional", DUTY, chain, FALLBACK)
    assert [s.kind for s in plan.steps] == [StepKind.DUTY, StepKind.BACKUP, StepKind.FALLBACK]


def test_same_phone_spelled_differently_is_rung_once() -> None:
    chain = (OnCallEntry(OnCallRole.PRIMARY, Target("07911 123401", 99, "same phone")),)
    plan = build_ring_plan(Period.IN_HOURS, "professional", DUTY, chain, "+44 7911 123402")
    assert [s.kind for s in plan.steps] == [StepKind.DUTY]


def test_duplicate_numbers_within_duty_group_are_dropped() -> None:
    plan = build_ring_plan(Period.IN_HOURS, "p", (target(1), target(1, 7)), (), None)
    assert plan.steps[0].targets == (target(1),)


def test_fallback_that_is_on_call_is_not_repeated() -> None:
    plan = build_ring_plan(Period.OUT_OF_HOURS, "p", (), CHAIN, "+447911123410")
    assert [s.kind for s in plan.steps] == [StepKind.PRIMARY, StepKind.BACKUP]


def test_custom_timeouts() -> None:
    timeouts = RingTimeouts(duty=5, oncall=6, fallback=7)
    plan = build_ring_plan(Period.IN_HOURS, "p", DUTY, CHAIN, FALLBACK, timeouts)
    assert [s.timeout_seconds for s in plan.steps] == [5, 6, 6, 7]


def test_timeouts_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RingTimeouts(duty=0)


def test_json_round_trip() -> None:
    plan = build_ring_plan(Period.IN_HOURS, "professional", DUTY, CHAIN, FALLBACK)
    stored = json.loads(json.dumps(plan.to_json()))
    assert RingPlan.from_json(stored) == plan
    assert stored["steps"][-1] == {
        "kind": "fallback",
        "timeout_seconds": 30,
        "targets": [{"number": FALLBACK, "worker_id": None, "name": "fallback"}],
    }


def test_empty_plan_round_trip() -> None:
    plan = RingPlan("public", Period.OUT_OF_HOURS, ())
    assert RingPlan.from_json(plan.to_json()) == plan


GOOD: dict[str, Any] = RingPlan(
    "p", Period.IN_HOURS, (RingStep(StepKind.DUTY, (target(1),), 20),)
).to_json()


def broken(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(GOOD))
    step, tgt = data["steps"][0], data["steps"][0]["targets"][0]
    for key, value in changes.items():
        where, _, field = key.partition("__")
        {"plan": data, "step": step, "target": tgt}[where][field] = value
    return data


@pytest.mark.parametrize(
    "data",
    [
        pytest.param([], id="not-a-mapping"),
        pytest.param({}, id="empty"),
        pytest.param(broken(plan__version=2), id="unknown-version"),
        pytest.param(broken(plan__period="lunch"), id="bad-period"),
        pytest.param(broken(plan__line_key=None), id="no-line-key"),
        pytest.param(broken(plan__steps={}), id="steps-not-list"),
        pytest.param(broken(step__kind="carrier-pigeon"), id="bad-kind"),
        pytest.param(broken(step__timeout_seconds="20"), id="timeout-string"),
        pytest.param(broken(step__timeout_seconds=True), id="timeout-bool"),
        pytest.param(broken(step__targets="x"), id="targets-not-list"),
        pytest.param(broken(target__worker_id="1"), id="worker-id-string"),
        pytest.param(broken(target__worker_id=False), id="worker-id-bool"),
        pytest.param(broken(target__number=123), id="number-not-string"),
        pytest.param(broken(target__name=None), id="name-missing"),
    ],
)
def test_from_json_rejects_malformed(data: Any) -> None:
    with pytest.raises(ValueError):
        RingPlan.from_json(data)


@pytest.mark.parametrize(
    ("period", "duty", "chain", "expected"),
    [
        # In hours the queue follows the duty workers, or comes first when none is free.
        (Period.IN_HOURS, DUTY, (), ["duty", "queue", "fallback"]),
        (Period.IN_HOURS, (), (), ["queue", "fallback"]),
        (Period.IN_HOURS, DUTY, CHAIN, ["duty", "queue", "primary", "backup", "fallback"]),
        # Out of hours there is no duty team to wait for.
        (Period.OUT_OF_HOURS, (), CHAIN, ["primary", "backup", "fallback"]),
    ],
)
def test_queue_in_hours_only(
    period: Period,
    duty: tuple[Target, ...],
    chain: tuple[OnCallEntry, ...],
    expected: list[str],
) -> None:
    plan = build_ring_plan(period, "professional", duty, chain, FALLBACK, queue=True)
    assert [s.kind.value for s in plan.steps] == expected
    assert RingPlan.from_json(json.loads(json.dumps(plan.to_json()))) == plan
