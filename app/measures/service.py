"""The measures for a stretch of London days: figures from the queries, rates, periods.

A stretch is whole London days, so a day of the clock change is 23 or 25 hours long and
nothing is counted twice or lost. Each figure is set beside the stretch of the same
number of days just before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.measures import queries
from app.measures.queries import Grouping, Scope
from app.measures.schemas import (
    DayFigures,
    Figures,
    HourCount,
    LineFilter,
    Load,
    MeasuresRead,
    PeriodFigures,
    PeriodFilter,
    ShiftLoad,
    Thresholds,
    WorkerLoad,
)
from app.measures.sql import LONDON
from app.settings import Settings
from models import Line

DEFAULT_DAYS = 28
MAX_DAYS = 3 * 366


def london_today(now: datetime) -> date:
    return now.astimezone(LONDON).date()


def day_start(day: date) -> datetime:
    """Midnight in London at the start of ``day``, in UTC."""
    return datetime.combine(day, time(0), LONDON).astimezone(UTC)


def thresholds_of(settings: Settings) -> queries.Thresholds:
    return queries.Thresholds(
        answer_target_seconds=settings.answer_target_seconds,
        short_abandon_seconds=settings.short_abandon_seconds,
        callback_in_hours_seconds=settings.callback_target_in_hours_minutes * 60,
        callback_out_of_hours_seconds=settings.callback_target_out_of_hours_minutes * 60,
    )


def stretch(first: date | None, last: date | None, now: datetime) -> tuple[date, date]:
    """The days asked for; by default the last 28 up to and including today."""
    last = last or (first + timedelta(days=DEFAULT_DAYS - 1) if first else london_today(now))
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise Invalid(("query", "from"), "The first day must not be after the last")
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid(("query", "to"), f"Ask for at most {MAX_DAYS} days at once")
    return first, last


def scope_of(
    session: Session,
    first: date,
    last: date,
    line: LineFilter | None,
    period: PeriodFilter | None,
) -> Scope:
    line_id = None
    if line is not None:
        line_id = session.scalar(select(Line.id).where(Line.key == line.value))
        if line_id is None:
            raise Invalid(("query", "line"), "No such line is set up")
    return Scope(
        day_start(first),
        day_start(last + timedelta(days=1)),
        line_id,
        period.value if period else None,
    )


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _number(value: Any) -> float | None:
    return None if value is None else round(float(value), 3)


def _figures(rows: dict[str, dict[Any, dict[str, Any]]], key: Any) -> dict[str, Any]:
    """One group's figures from each query's rows, with the rates worked out."""
    calls = rows["calls"].get(key, {})
    waits = rows["waits"].get(key, {})
    callbacks = rows["callbacks"].get(key, {})
    callback_times = rows["callback_times"].get(key, {})
    outcomes = rows["outcomes"].get(key, {})
    referrals = rows["referrals"].get(key, {})
    offered = int(calls.get("offered", 0))
    answered = int(calls.get("answered", 0))
    short = int(calls.get("short_abandoned", 0))
    abandoned = int(calls.get("abandoned", 0))
    within = int(calls.get("answered_within_target", 0))
    missed = int(callbacks.get("missed", 0))
    called_back = int(callbacks.get("callbacks_within_target", 0))
    with_outcome = int(referrals.get("with_outcome", 0))
    referred = int(referrals.get("referrals", 0))
    re_referred = int(referrals.get("re_referrals", 0))
    outcome_counts = dict(sorted(outcomes.get("outcomes", {}).items()))
    return {
        "offered": offered,
        "answered": answered,
        "answered_by_fallback": int(calls.get("answered_by_fallback", 0)),
        "median_wait_seconds": _number(waits.get("median")),
        "p90_wait_seconds": _number(waits.get("p90")),
        "answered_within_target": within,
        "service_level": _ratio(within, answered),
        "abandoned": abandoned,
        "short_abandoned": short,
        "abandonment_rate": _ratio(abandoned, offered - short),
        "missed": missed,
        "voicemails": int(callbacks.get("voicemails", 0)),
        "callbacks_done": int(callbacks.get("callbacks_done", 0)),
        "median_callback_seconds": _number(callback_times.get("median")),
        "callbacks_within_target": called_back,
        "callbacks_within_target_rate": _ratio(called_back, missed),
        "callbacks_open": int(callbacks.get("callbacks_open", 0)),
        "oldest_open_callback_seconds": callbacks.get("oldest_open_callback_seconds"),
        "completed": sum(outcome_counts.values()),
        "outcomes": outcome_counts,
        "not_completed_within_24h": int(outcomes.get("not_completed_within_24h", 0)),
        "referrals": referred,
        "conversion_rate": _ratio(referred, with_outcome),
        "re_referrals": re_referred,
        "re_referral_rate": _ratio(re_referred, referred),
        "repeat_contacts": int(referrals.get("repeat_contacts", 0)),
    }


def _all_rows(
    session: Session,
    scope: Scope,
    thresholds: queries.Thresholds,
    now: datetime,
    grouping: Grouping,
) -> dict[str, dict[Any, dict[str, Any]]]:
    return {
        "calls": queries.call_figures(session, scope, thresholds, grouping),
        "waits": queries.wait_percentiles(session, scope, grouping),
        "callbacks": queries.callback_figures(session, scope, thresholds, now, grouping),
        "callback_times": queries.callback_percentiles(session, scope, grouping),
        "outcomes": queries.outcome_figures(session, scope, now, grouping),
        "referrals": queries.referral_figures(session, scope, grouping),
    }


def figures(
    session: Session, scope: Scope, thresholds: queries.Thresholds, now: datetime
) -> Figures:
    rows = _all_rows(session, scope, thresholds, now, "all")
    return Figures.model_validate(_figures(rows, "all"))


def by_day(
    session: Session,
    scope: Scope,
    first: date,
    last: date,
    thresholds: queries.Thresholds,
    now: datetime,
) -> list[DayFigures]:
    """One row per London day, days without calls included."""
    rows = _all_rows(session, scope, thresholds, now, "day")
    days = []
    day = first
    while day <= last:
        key = day.isoformat()
        days.append(DayFigures.model_validate({"day": day, **_figures(rows, key)}))
        day += timedelta(days=1)
    return days


def load(session: Session, scope: Scope, first: date, last: date) -> Load:
    shifts = [
        ShiftLoad(
            shift_id=shift_id,
            worker=name,
            starts_at=starts,
            ends_at=ends,
            calls=calls,
            answered_by_worker=answered,
        )
        for shift_id, name, starts, ends, calls, answered in queries.shift_load(session, scope)
    ]
    total = sum(s.calls for s in shifts)
    return Load.model_validate(
        {
            "from": first,
            "to": last,
            "by_hour": [
                HourCount(weekday=w, hour=h, calls=n)
                for w, h, n in queries.calls_by_hour(session, scope)
            ],
            "workers": [
                WorkerLoad(worker_id=i, name=n, offered=o, answered=a, missed=m)
                for i, n, o, a, m in queries.worker_load(session, scope)
            ],
            "shifts": shifts,
            "mean_calls_per_shift": round(total / len(shifts), 2) if shifts else None,
        }
    )


def measures(
    session: Session,
    settings: Settings,
    now: datetime,
    first: date | None = None,
    last: date | None = None,
    line: LineFilter | None = None,
    period: PeriodFilter | None = None,
) -> MeasuresRead:
    first, last = stretch(first, last, now)
    length = timedelta(days=(last - first).days + 1)
    before = (first - length, first - timedelta(days=1))
    thresholds = thresholds_of(settings)
    scope = scope_of(session, first, last, line, period)
    earlier = scope_of(session, *before, line, period)

    def stretch_figures(bounds: Scope, days: tuple[date, date]) -> PeriodFigures:
        found = figures(session, bounds, thresholds, now)
        return PeriodFigures.model_validate({"from": days[0], "to": days[1], **found.model_dump()})

    return MeasuresRead.model_validate(
        {
            "from": first,
            "to": last,
            "line": line,
            "period": period,
            "thresholds": Thresholds(
                answer_target_seconds=thresholds.answer_target_seconds,
                short_abandon_seconds=thresholds.short_abandon_seconds,
                callback_target_in_hours_seconds=thresholds.callback_in_hours_seconds,
                callback_target_out_of_hours_seconds=thresholds.callback_out_of_hours_seconds,
            ),
            "current": stretch_figures(scope, (first, last)),
            "previous": stretch_figures(earlier, before),
            "load": load(session, scope, first, last),
        }
    )
