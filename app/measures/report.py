"""What /insight shows, worked out from the measures: charts, their tables and headlines.

Everything here is words and UK formats for a page; the figures come from service.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.measures import charts
from app.measures.charts import Chart, change, duration, percent
from app.measures.schemas import DayFigures, Load, MeasuresRead, PeriodFigures
from app.measures.sql import LONDON
from app.measures.words import OUTCOME_NAMES, WEEKDAYS

DAILY_UP_TO = 62  # longer stretches are charted week by week


@dataclass
class Figure:
    name: str
    now: str
    before: str


@dataclass
class Section:
    """A chart, the sentence that reads it, and its figures as a table."""

    chart: Chart
    headline: str
    columns: list[str]
    rows: list[list[str]]
    caption: str


@dataclass
class LoadView:
    hours: Section
    weekday_table: list[list[str]]
    workers: list[list[str]]
    shifts_headline: str
    busiest_shifts: list[list[str]]


@dataclass
class Report:
    stretch: str
    previous: str
    key_figures: list[Figure] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    callbacks: list[Figure] = field(default_factory=list)
    referrals_headline: str = ""


def _count_change(now: int, before: int) -> str:
    if now == before:
        return ", the same as the stretch before"
    return f", {'up' if now > before else 'down'} from {before}"


def _key_figures(now: PeriodFigures, before: PeriodFigures) -> list[Figure]:
    def row(name: str, key: str, shown: Any) -> Figure:
        return Figure(name, shown(getattr(now, key)), shown(getattr(before, key)))

    number = str
    return [
        row("Calls that reached a line", "offered", number),
        row("Answered by a worker", "answered", number),
        row("Answered by the fallback number", "answered_by_fallback", number),
        row("Answered within the target", "service_level", percent),
        row("Median wait before an answer", "median_wait_seconds", duration),
        row("Nine in ten answered within", "p90_wait_seconds", duration),
        row("Callers who hung up waiting (abandonment rate)", "abandonment_rate", percent),
        row("Callers who hung up within 30 seconds", "short_abandoned", number),
        row("Records not completed within 24 hours", "not_completed_within_24h", number),
        row("Passed to children's social care (conversion rate)", "conversion_rate", percent),
        row("Re-referral rate", "re_referral_rate", percent),
        row("Contacts about a child contacted about in the year before", "repeat_contacts", number),
    ]


def _calls_section(days: list[DayFigures]) -> Section:
    labels, stacks, rows = [], [], []
    groups = (
        [(d.day, [i]) for i, d in enumerate(days)]
        if len(days) <= DAILY_UP_TO
        else charts.weeks([d.day for d in days])
    )
    for start, indexes in groups:
        chosen = [days[i] for i in indexes]
        offered = sum(d.offered for d in chosen)
        answered = sum(d.answered for d in chosen)
        abandoned = sum(d.abandoned for d in chosen)
        label = charts.day_words(start, False)
        if len(days) > DAILY_UP_TO:
            label = f"w/c {label}"
        labels.append(label)
        stacks.append([float(answered), float(offered - answered)])
        rows.append([label, str(offered), str(answered), str(offered - answered), str(abandoned)])
    total = sum(d.offered for d in days)
    answered = sum(d.answered for d in days)
    busiest = max(days, key=lambda d: d.offered, default=None)
    headline = f"{total} calls reached the lines and workers answered {answered}"
    if busiest is not None and busiest.offered:
        headline += f"; the busiest day was {charts.day_words(busiest.day)}, with {busiest.offered}"
    chart = charts.stacked_columns(
        "calls-chart",
        "Calls each day" if len(days) <= DAILY_UP_TO else "Calls each week",
        "Columns: calls answered by a worker (solid) with the rest on top (striped).",
        labels,
        stacks,
        ["answered by a worker", "not answered by a worker"],
        label_every=max(1, len(labels) // 8),
    )
    return Section(
        chart,
        headline + ".",
        ["Day" if len(days) <= DAILY_UP_TO else "Week", "Calls", "Answered", "Not answered",
         "Abandoned"],
        rows,
        "Calls, answered and abandoned",
    )  # fmt: skip


def _service_level_section(
    days: list[DayFigures], now: PeriodFigures, before: PeriodFigures, target: int
) -> Section:
    labels, stacks, rows = [], [], []
    for day in days:
        label = charts.day_words(day.day, False)
        labels.append(label)
        stacks.append([100.0 * (day.service_level or 0)])
        rows.append(
            [label, str(day.answered), str(day.answered_within_target), percent(day.service_level)]
        )
    if now.service_level is None:
        headline = "No call was answered by a worker in this stretch."
    else:
        headline = (
            f"{percent(now.service_level)} of answered calls were answered within {target} "
            f"seconds{change(now.service_level, before.service_level, as_percent=True)}."
        )
    chart = charts.stacked_columns(
        "service-level-chart",
        f"Answered within {target} seconds, each day",
        f"Columns: the share of answered calls answered within {target} seconds, 0 to 100%.",
        labels,
        stacks,
        [f"answered within {target} seconds"],
        label_every=max(1, len(labels) // 8),
        value_format="{:.0f}%",
        top=100.0,
    )
    return Section(
        chart,
        headline,
        ["Day", "Answered", f"Within {target} seconds", "Share"],
        rows,
        "Answers within the target, day by day",
    )


def _outcomes_section(now: PeriodFigures, before: PeriodFigures) -> Section:
    labels = list(OUTCOME_NAMES.values())
    values = [now.outcomes.get(key, 0) for key in OUTCOME_NAMES]
    rows = [
        [name, str(now.outcomes.get(key, 0)), str(before.outcomes.get(key, 0))]
        for key, name in OUTCOME_NAMES.items()
    ]
    headline = (
        f"{now.completed} records were completed{_count_change(now.completed, before.completed)}; "
        f"{now.referrals} passed the child to children's social care "
        f"({percent(now.conversion_rate)} of records with an outcome)."
    )
    chart = charts.horizontal_bars(
        "outcomes-chart",
        "Agreed outcomes of completed records",
        "Bars: completed records by agreed outcome, each labelled with its number.",
        labels,
        values,
    )
    return Section(
        chart, headline, ["Outcome", "This stretch", "Stretch before"], rows, "Agreed outcomes"
    )


def build(measures: MeasuresRead, days: list[DayFigures]) -> Report:
    now, before = measures.current, measures.previous
    target = measures.thresholds.answer_target_seconds
    report = Report(
        stretch=charts.stretch_words(measures.from_, measures.to),
        previous=charts.stretch_words(before.from_, before.to),
        key_figures=_key_figures(now, before),
        sections=[
            _service_level_section(days, now, before, target),
            _calls_section(days),
            _outcomes_section(now, before),
        ],
    )
    report.callbacks = [
        Figure("Missed calls (a callback task left)", str(now.missed), str(before.missed)),
        Figure("Of which the caller left a message", str(now.voicemails), str(before.voicemails)),
        Figure(
            "Called back within the target",
            percent(now.callbacks_within_target_rate),
            percent(before.callbacks_within_target_rate),
        ),
        Figure(
            "Median time to call back",
            duration(now.median_callback_seconds),
            duration(before.median_callback_seconds),
        ),
        Figure("Callback tasks still open now", str(now.callbacks_open), ""),
        Figure("The oldest open task has waited", duration(now.oldest_open_callback_seconds), ""),
    ]
    report.referrals_headline = (
        f"{now.re_referrals} of {now.referrals} referrals were about a child referred in the "
        f"12 months before: a re-referral rate of {percent(now.re_referral_rate)}"
        f"{change(now.re_referral_rate, before.re_referral_rate, as_percent=True)} "
        f"(England: {percent(now.england_re_referral_rate)} in 2024)."
    )
    return report


def _hour(hour: int) -> str:
    return f"{hour:02d}:00"


def load_view(load: Load) -> LoadView:
    grid = [[0] * 24 for _ in range(7)]
    for cell in load.by_hour:
        grid[cell.weekday - 1][cell.hour] = cell.calls
    per_hour = [sum(grid[w][h] for w in range(7)) for h in range(24)]
    busiest = max(load.by_hour, key=lambda c: c.calls, default=None)
    headline = "No calls in this stretch."
    if busiest is not None:
        headline = (
            f"The busiest hour was {WEEKDAYS[busiest.weekday - 1]} {_hour(busiest.hour)} to "
            f"{_hour((busiest.hour + 1) % 24)}, with {busiest.calls} calls in the stretch."
        )
    chart = charts.stacked_columns(
        "hours-chart",
        "Calls by hour of the day (London time)",
        "Columns: calls that arrived in each hour of the day, all weekdays together.",
        [_hour(h) for h in range(24)],
        [[float(n)] for n in per_hour],
        ["calls"],
        label_every=3,
    )
    hours = Section(
        chart,
        headline,
        ["Hour", "Calls"],
        [[_hour(h), str(per_hour[h])] for h in range(24)],
        "Calls by hour",
    )
    weekday_table = [[_hour(h), *(str(grid[w][h]) for w in range(7))] for h in range(24)]
    workers = [[w.name, str(w.offered), str(w.answered), str(w.missed)] for w in load.workers]
    shifts = sorted(load.shifts, key=lambda s: (-s.calls, s.starts_at))[:10]
    if load.shifts:
        shifts_headline = (
            f"{len(load.shifts)} primary on-call shifts ran in the stretch, with "
            f"{load.mean_calls_per_shift:g} out-of-hours calls each on average."
        )
    else:
        shifts_headline = "No primary on-call shift ran in this stretch."
    busiest_shifts = [
        [s.worker, _when(s.starts_at), _when(s.ends_at), str(s.calls), str(s.answered_by_worker)]
        for s in shifts
    ]
    return LoadView(hours, weekday_table, workers, shifts_headline, busiest_shifts)


def _when(moment: datetime) -> str:
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%b %Y %H:%M}"
