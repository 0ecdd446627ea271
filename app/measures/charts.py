"""The pages' charts, drawn on the server as SVG, and the words that read them.

A chart is plain geometry (bars, ticks, labels) that a template turns into SVG; each
series has a fill pattern as well as a colour, so the chart reads without colour, and
every chart is shown beside a table of its figures and a sentence with its headline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 44


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    label: str


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str


@dataclass
class Chart:
    """One chart: ``horizontal`` bars grow right from the labels, else up from the axis."""

    id: str
    title: str
    description: str
    series: list[str]
    horizontal: bool = False
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    value_ticks: list[Tick] = field(default_factory=list)
    category_ticks: list[Tick] = field(default_factory=list)

    @property
    def plot_bottom(self) -> int:
        return self.height - BOTTOM


def _nice_top(largest: float) -> tuple[float, float]:
    """An axis top a little above the largest value, and a tick step, both round."""
    if largest <= 0:
        return 1.0, 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if largest / step <= 5:
            return float(step * -(-largest // step)), float(step)
    return float(largest), float(largest / 5)


def stacked_columns(
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    stacks: list[list[float]],
    series: list[str],
    *,
    label_every: int = 1,
    value_format: str = "{:.0f}",
    top: float | None = None,
) -> Chart:
    """Columns, one per label, each stacking its series' values bottom up."""
    chart = Chart(chart_id, title, description, series)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    largest = max((sum(stack) for stack in stacks), default=0.0)
    ceiling, step = (top, top / 4) if top else _nice_top(largest)
    slot = plot_width / max(len(labels), 1)
    for index, (label, stack) in enumerate(zip(labels, stacks, strict=True)):
        base = float(chart.plot_bottom)
        for series_index, value in enumerate(stack):
            height = plot_height * value / ceiling
            chart.bars.append(
                Bar(
                    x=LEFT + index * slot + slot * 0.15,
                    y=base - height,
                    width=slot * 0.7,
                    height=height,
                    series=series_index,
                    label=f"{label}: {series[series_index]} {value_format.format(value)}",
                )
            )
            base -= height
        if index % label_every == 0:
            chart.category_ticks.append(Tick(LEFT + index * slot + slot / 2, label))
    tick = 0.0
    while tick <= ceiling + 1e-9:
        y = chart.plot_bottom - plot_height * tick / ceiling
        chart.value_ticks.append(Tick(y, value_format.format(tick)))
        tick += step
    return chart


def horizontal_bars(
    chart_id: str, title: str, description: str, labels: list[str], values: list[int]
) -> Chart:
    """One bar per label, growing right; the value is written at the bar's end."""
    row = 34
    height = TOP + row * max(len(labels), 1) + 8
    chart = Chart(chart_id, title, description, ["Records"], horizontal=True, height=height)
    left, plot_width = 300, WIDTH - 300 - 60
    largest = max(values, default=0) or 1
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        chart.bars.append(
            Bar(
                x=left,
                y=TOP + index * row + 6,
                width=plot_width * value / largest,
                height=row - 12,
                series=0,
                label=str(value),
            )
        )
        chart.category_ticks.append(Tick(TOP + index * row + row / 2, label))
    return chart


# --- Words -------------------------------------------------------------------------------


def percent(rate: float | None) -> str:
    return "no figure" if rate is None else f"{rate * 100:.0f}%"


def duration(seconds: float | None) -> str:
    """Seconds as a person says them: "45 seconds", "1 minute 30 seconds", "2 hours 5 minutes"."""
    if seconds is None:
        return "no figure"
    whole = round(seconds)

    def unit(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    if whole < 60:
        return unit(whole, "second")
    if whole < 3600:
        minutes, rest = divmod(whole, 60)
        return unit(minutes, "minute") + (f" {unit(rest, 'second')}" if rest else "")
    if whole < 2 * 86400:
        hours, rest = divmod(whole, 3600)
        return unit(hours, "hour") + (f" {unit(rest // 60, 'minute')}" if rest >= 60 else "")
    days, rest = divmod(whole, 86400)
    return unit(days, "day") + (f" {unit(rest // 3600, 'hour')}" if rest >= 3600 else "")


def day_words(day: date, with_year: bool = True) -> str:
    return f"{day.day} {day:%b}" + (f" {day:%Y}" if with_year else "")


def stretch_words(first: date, last: date) -> str:
    if first == last:
        return day_words(first)
    return f"{day_words(first, first.year != last.year)} to {day_words(last)}"


def change(now: float | None, before: float | None, as_percent: bool = False) -> str:
    """ ", up from 88%" and the like: how a figure moved since the stretch before."""
    if now is None or before is None:
        return ""
    shown = percent(before) if as_percent else f"{before:g}"
    if round(now, 4) == round(before, 4):
        return f", the same as the {shown} before"
    return f", {'up' if now > before else 'down'} from {shown}"


def weeks(days: list[date]) -> list[tuple[date, list[int]]]:
    """The days' indexes grouped by the week (Monday) they fall in."""
    grouped: dict[date, list[int]] = {}
    for index, day in enumerate(days):
        grouped.setdefault(day - timedelta(days=day.weekday()), []).append(index)
    return list(grouped.items())
