"""Where calls go now, for the desk: per line in hours or out of hours and why, who is on call.

Read from the database and decided by the same pure rules the call path uses
(`routing.period_at`, `override_at`, `out_of_hours_windows`, `shifts_covering`), so the desk
says what the next call will do. Only the words are made here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from models import routing_data
from routing import (
    LONDON,
    OnCallRole,
    Override,
    OverrideMode,
    Period,
    RoutingLine,
    RoutingShift,
    out_of_hours_windows,
    override_at,
    period_at,
    shifts_covering,
)

# How far ahead "until" is looked for: past it the desk just says "in hours" or "out of hours".
HORIZON = timedelta(days=8)
# Closures and openings the desk lists besides the running ones.
UPCOMING = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class LineNow:
    line: RoutingLine
    period: Period
    until: datetime | None
    why: str  # "normal weekday hours", "a closure: training afternoon", ...
    override: Override | None


@dataclass(frozen=True, slots=True)
class DeskNow:
    now: datetime
    lines: tuple[LineNow, ...]
    on_call: tuple[RoutingShift, ...]  # the shifts covering now, in chain order
    mine: tuple[RoutingShift, ...]  # the signed-in worker's among them


def clock_words(instant: datetime, now: datetime) -> str:
    """ "22:00" today, "Fri 08:00" on another day (London time)."""
    local, today = instant.astimezone(LONDON), now.astimezone(LONDON).date()
    if local.date() == today:
        return f"{local:%H:%M}"
    if local.date() - today < timedelta(days=7):
        return f"{local:%a %H:%M}"
    return f"{local.day} {local:%b %H:%M}"


def _why(decision_reason: str, override: Override | None) -> str:
    """The rule that decided, in words ("bank holiday: Christmas Day, weekend hours")."""
    if override is not None:
        kind = "a closure" if override.mode is OverrideMode.OUT_OF_HOURS else "an opening"
        return f"{kind}: {override.reason}" if override.reason else kind
    if decision_reason.startswith("closed: bank holiday: "):
        return decision_reason.removeprefix("closed: ")
    if decision_reason.startswith("bank holiday: "):
        return f"{decision_reason}, weekend hours"
    if decision_reason == "closed: overnight":
        return "outside the service's hours"
    return f"normal {decision_reason}"


def _line_now(now: datetime, line: RoutingLine, overrides: list[Override]) -> LineNow:
    decision = period_at(now, line, overrides)
    windows = out_of_hours_windows(now, now + HORIZON, line, overrides)
    until: datetime | None = None
    if decision.period is Period.IN_HOURS and windows:
        until = windows[0][0]
    elif decision.period is Period.OUT_OF_HOURS and windows and windows[0][1] < now + HORIZON:
        until = windows[0][1]
    override = override_at(now, line.key, overrides)
    return LineNow(line, decision.period, until, _why(decision.reason, override), override)


def desk_now(session: Session, now: datetime, worker_id: int | None) -> DeskNow:
    lines = routing_data.routing_lines(session)
    overrides = routing_data.routing_overrides(session, now, now + HORIZON)
    covering = tuple(
        shifts_covering(routing_data.routing_shifts(session, now, now + timedelta(seconds=1)), now)
    )
    return DeskNow(
        now=now,
        lines=tuple(_line_now(now, line, overrides) for line in lines),
        on_call=covering,
        mine=tuple(s for s in covering if worker_id is not None and s.worker_id == worker_id),
    )


def line_sentence(item: LineNow, now: datetime) -> str:
    """ "Out of hours until 17:00 (a closure: training afternoon): calls go to on-call."""
    if item.period is Period.IN_HOURS:
        head, effect = "In hours", "the duty team answers"
    else:
        head, effect = "Out of hours", "calls go to the on-call workers"
    until = f" until {clock_words(item.until, now)}" if item.until else ""
    return f"{head}{until} ({item.why}): {effect}."


def your_sentences(desk: DeskNow) -> list[str]:
    """For the signed-in worker on call now: which lines' calls ring them, and until when."""
    sentences = []
    for shift in desk.mine:
        role = "primary" if shift.role is OnCallRole.PRIMARY else "backup"
        out = [item for item in desk.lines if item.period is Period.OUT_OF_HOURS]
        if not out:
            sentences.append(
                f"You are the {role} on-call worker until {clock_words(shift.ends_at, desk.now)}. "
                "The lines are in hours: the duty team answers first."
            )
        lines_until: dict[datetime, list[str]] = {}
        for item in out:
            ends = min(shift.ends_at, item.until) if item.until else shift.ends_at
            lines_until.setdefault(ends, []).append(f"the {item.line.name}")
        for ends, names in lines_until.items():
            sentences.append(
                f"You are the {role} on-call worker for {' and '.join(names)} "
                f"until {clock_words(ends, desk.now)}."
            )
    return sentences
