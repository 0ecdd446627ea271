"""The on-call chain: who is on call (primary, then backup) at a given instant."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class OnCallRole(StrEnum):
    PRIMARY = "primary"
    BACKUP = "backup"


_ROLE_ORDER = {OnCallRole.PRIMARY: 0, OnCallRole.BACKUP: 1}


@dataclass(frozen=True, slots=True)
class Target:
    """One phone to ring."""

    number: str  # E.164
    worker_id: int | None  # None for the fallback number
    name: str  # worker's name, or "fallback"


@dataclass(frozen=True, slots=True)
class RoutingShift:
    id: int
    worker_id: int
    worker_name: str
    phone: str  # E.164
    role: OnCallRole
    starts_at: datetime  # aware; [starts_at, ends_at)
    ends_at: datetime

    def __post_init__(self) -> None:
        for value in (self.starts_at, self.ends_at):
            # Comparing a naive time with aware ones would fail mid-call; refuse it up front.
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError("on-call shift times must be timezone-aware")


@dataclass(frozen=True, slots=True)
class OnCallEntry:
    role: OnCallRole
    target: Target


def _chain_order(shift: RoutingShift) -> tuple[int, float, int]:
    return (_ROLE_ORDER[shift.role], -shift.starts_at.timestamp(), shift.id)


def shifts_covering(shifts: Iterable[RoutingShift], now: datetime) -> list[RoutingShift]:
    """The shifts with starts_at <= now < ends_at, in on-call chain order (see oncall_chain)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    # In UTC: datetimes sharing a tzinfo compare by wall clock, wrong in the repeated hour.
    instant = now.astimezone(UTC)
    covering = [
        s for s in shifts if s.starts_at.astimezone(UTC) <= instant < s.ends_at.astimezone(UTC)
    ]
    return sorted(covering, key=_chain_order)


def oncall_chain(shifts: Iterable[RoutingShift], now: datetime) -> tuple[OnCallEntry, ...]:
    """Who to ring, in order, from the shifts covering `now`.

    Primaries come before backups. Within a role, overlapping shifts are ordered by:
      1. the shift that started latest first: a short cover placed inside a longer shift is the
         more specific plan (a swap, a sickness cover);
      2. then the lower shift id, so the order is stable.
    A worker appears once, at their first position: someone who is both primary and backup is
    rung as primary only.
    """
    chain: list[OnCallEntry] = []
    seen: set[int] = set()
    for shift in shifts_covering(shifts, now):
        if shift.worker_id in seen:
            continue
        seen.add(shift.worker_id)
        target = Target(number=shift.phone, worker_id=shift.worker_id, name=shift.worker_name)
        chain.append(OnCallEntry(role=shift.role, target=target))
    return tuple(chain)
