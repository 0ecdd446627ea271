"""The ring plan: who is rung, in which steps, for how long, before voicemail."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from routing.hours import Period
from routing.lines import normalise_number
from routing.oncall import OnCallEntry, OnCallRole, Target

_JSON_VERSION = 1
_T = TypeVar("_T")
_E = TypeVar("_E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class DutyWorker:
    id: int
    name: str
    phone: str
    lines: frozenset[str]  # line keys the worker answers
    available: bool
    last_offered_at: datetime | None  # aware, or None if never offered a call

    def __post_init__(self) -> None:
        offered = self.last_offered_at
        # A naive time would be read as the server's local time and misorder the group.
        if offered is not None and (offered.tzinfo is None or offered.utcoffset() is None):
            raise ValueError("last_offered_at must be timezone-aware")


def _waited_order(worker: DutyWorker) -> tuple[bool, float, int]:
    # Never offered sorts first: they have waited longest of all.
    offered = worker.last_offered_at
    return (offered is not None, offered.timestamp() if offered is not None else 0.0, worker.id)


def duty_ring_group(
    workers: Iterable[DutyWorker], line_key: str, max_parallel: int = 5
) -> tuple[Target, ...]:
    """Available duty workers for the line, longest waiting since their last offered call first.

    Spreading calls by waiting time keeps one worker from taking every call; ties go to the
    lower id. At most `max_parallel` phones are rung at once.
    """
    if max_parallel < 1:
        raise ValueError("max_parallel must be at least 1")
    ready = [w for w in workers if w.available and line_key in w.lines]
    ready.sort(key=_waited_order)
    return tuple(Target(w.phone, w.id, w.name) for w in ready[:max_parallel])


class StepKind(StrEnum):
    DUTY = "duty"
    PRIMARY = "primary"
    BACKUP = "backup"
    FALLBACK = "fallback"
    # In hours, after the duty workers: the caller waits in the line's queue for the next
    # free one. No targets; how long at most is the line's setting, read when they join.
    QUEUE = "queue"


@dataclass(frozen=True, slots=True)
class RingTimeouts:
    duty: int = 20
    oncall: int = 25
    fallback: int = 30

    def __post_init__(self) -> None:
        if min(self.duty, self.oncall, self.fallback) < 1:
            raise ValueError("ring timeouts must be at least one second")


@dataclass(frozen=True, slots=True)
class RingStep:
    kind: StepKind
    targets: tuple[Target, ...]  # rung at once
    timeout_seconds: int


@dataclass(frozen=True, slots=True)
class RingPlan:
    line_key: str
    period: Period
    steps: tuple[RingStep, ...]

    def to_json(self) -> dict[str, Any]:
        """A plain JSON-able dict, as stored with the conversation record."""
        return {
            "version": _JSON_VERSION,
            "line_key": self.line_key,
            "period": self.period.value,
            "steps": [
                {
                    "kind": step.kind.value,
                    "timeout_seconds": step.timeout_seconds,
                    "targets": [
                        {"number": t.number, "worker_id": t.worker_id, "name": t.name}
                        for t in step.targets
                    ],
                }
                for step in self.steps
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RingPlan:
        """The plan `to_json` produced; ValueError on anything malformed."""
        if not isinstance(data, Mapping):
            raise ValueError("ring plan must be a mapping")
        if data.get("version") != _JSON_VERSION:
            raise ValueError("unsupported ring plan version")
        steps = _field(data, "steps", list)
        return cls(
            line_key=_field(data, "line_key", str),
            period=_enum(Period, _field(data, "period", str)),
            steps=tuple(_step_from_json(s) for s in steps),
        )


def _field(data: Mapping[str, Any], name: str, kind: type[_T]) -> _T:
    value = data.get(name)
    # bool is an int subclass; a stored true must not pass as a number.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"ring plan field {name!r} must be {kind.__name__}")
    return value


def _enum(kind: type[_E], value: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"unknown {kind.__name__}: {value!r}") from None


def _target_from_json(data: Any) -> Target:
    if not isinstance(data, Mapping):
        raise ValueError("ring plan target must be a mapping")
    worker_id = data.get("worker_id")
    if worker_id is not None:
        worker_id = _field(data, "worker_id", int)
    return Target(_field(data, "number", str), worker_id, _field(data, "name", str))


def _step_from_json(data: Any) -> RingStep:
    if not isinstance(data, Mapping):
        raise ValueError("ring plan step must be a mapping")
    targets = tuple(_target_from_json(t) for t in _field(data, "targets", list))
    return RingStep(
        kind=_enum(StepKind, _field(data, "kind", str)),
        targets=targets,
        timeout_seconds=_field(data, "timeout_seconds", int),
    )


def _number_key(number: str) -> str:
    # Two spellings of one phone must count as the same phone when deduplicating.
    return normalise_number(number) or number


def build_ring_plan(
    period: Period,
    line_key: str,
    duty_group: Sequence[Target],
    chain: Sequence[OnCallEntry],
    fallback_number: str | None,
    timeouts: RingTimeouts = RingTimeouts(),
    queue: bool = False,
) -> RingPlan:
    """The steps to ring for one call; voicemail with a callback task follows the last step.

    In hours: the whole duty group at once (skipped when nobody is available), then, with
    ``queue``, the line's queue (the next duty worker to be free), then one step per
    on-call entry in chain order, then the fallback number. Out of hours: the on-call steps,
    then the fallback. A phone is rung at most once per plan: a duty worker who is also on call
    was already offered the call, and ringing them again only delays the next person.
    """
    seen: set[str] = set()

    def fresh(targets: Iterable[Target]) -> tuple[Target, ...]:
        kept = []
        for target in targets:
            key = _number_key(target.number)
            if key not in seen:
                seen.add(key)
                kept.append(target)
        return tuple(kept)

    steps: list[RingStep] = []
    if period is Period.IN_HOURS and (duty := fresh(duty_group)):
        steps.append(RingStep(StepKind.DUTY, duty, timeouts.duty))
    if period is Period.IN_HOURS and queue:
        steps.append(RingStep(StepKind.QUEUE, (), 0))
    for entry in chain:
        if one := fresh([entry.target]):
            kind = StepKind.PRIMARY if entry.role is OnCallRole.PRIMARY else StepKind.BACKUP
            steps.append(RingStep(kind, one, timeouts.oncall))
    if fallback_number and (last := fresh([Target(fallback_number, None, "fallback")])):
        steps.append(RingStep(StepKind.FALLBACK, last, timeouts.fallback))
    return RingPlan(line_key=line_key, period=Period(period), steps=tuple(steps))
