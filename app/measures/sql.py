"""The few SQL expressions SQLite and PostgreSQL spell differently.

Everything the measures need is aggregated in the database; these are the pieces that
are not portable: seconds between two instants, "12 months before", London local time,
and reading the stored ring plan's JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, Numeric, and_, case, cast, extract, func, literal_column
from sqlalchemy.sql.elements import ColumnElement

from models import ConversationRecord

LONDON = ZoneInfo("Europe/London")


def _last_sunday(year: int, month: int) -> date:
    first_of_next = date(year + (month == 12), month % 12 + 1, 1)
    last = first_of_next - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def summer_time_spans(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The UTC spans in which London is an hour ahead, for every year [start, end] touches.

    UK summer time runs from 01:00 UTC on the last Sunday in March to 01:00 UTC on the last
    Sunday in October; checked against zoneinfo so a change of rule cannot go unnoticed.
    """
    spans = []
    for year in range(start.year - 1, end.year + 2):
        begins = datetime.combine(_last_sunday(year, 3), datetime.min.time(), UTC).replace(hour=1)
        ends = datetime.combine(_last_sunday(year, 10), datetime.min.time(), UTC).replace(hour=1)
        assert begins.astimezone(LONDON).utcoffset() == timedelta(hours=1)
        assert (begins - timedelta(seconds=1)).astimezone(LONDON).utcoffset() == timedelta(0)
        assert ends.astimezone(LONDON).utcoffset() == timedelta(0)
        spans.append((begins, ends))
    return spans


@dataclass(frozen=True)
class Dialect:
    """SQL for one database, and the stretch of time a query covers (for London time)."""

    name: str
    start: datetime
    end: datetime

    @property
    def postgres(self) -> bool:
        return self.name == "postgresql"

    def seconds_between(self, earlier: Any, later: Any) -> ColumnElement[Any]:
        """Seconds from one instant to another, to the millisecond."""
        if self.postgres:
            return func.round(cast(extract("epoch", later - earlier), Numeric), 3)
        return func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0, 3)

    def year_before(self, moment: Any) -> ColumnElement[Any]:
        if self.postgres:
            earlier: ColumnElement[Any] = moment - literal_column("interval '12 months'")
            return earlier
        return func.strftime("%Y-%m-%d %H:%M:%f", moment, "-12 months")

    def summer_offset(self, moment: Any) -> ColumnElement[Any]:
        """SQLite: 1 when London is on summer time at the instant, else 0."""
        return case(
            *[
                (and_(moment >= begins, moment < ends), 1)
                for begins, ends in summer_time_spans(self.start, self.end)
            ],
            else_=0,
        )

    def local(self, moment: Any) -> ColumnElement[Any]:
        """The instant as London wall-clock time."""
        if self.postgres:
            return func.timezone("Europe/London", moment)
        return func.datetime(moment, func.printf("+%d hours", self.summer_offset(moment)))

    def utc_hour_of_week(self, moment: Any) -> tuple[ColumnElement[Any], ...]:
        """SQLite: (UTC weekday, 0 for Sunday; UTC hour; summer-time offset). Grouping on
        these and shifting the few groups to London time costs far less than turning every
        row into London time first."""
        return (
            cast(func.strftime("%w", moment), Integer),
            cast(func.substr(moment, 12, 2), Integer),
            self.summer_offset(moment),
        )

    def local_day(self, moment: Any) -> ColumnElement[Any]:
        """The London date, as YYYY-MM-DD text."""
        if self.postgres:
            return func.to_char(self.local(moment), "YYYY-MM-DD")
        return func.date(self.local(moment))

    def local_weekday(self, moment: Any) -> ColumnElement[Any]:
        """1 for Monday ... 7 for Sunday, in London."""
        if self.postgres:
            return cast(extract("isodow", self.local(moment)), Integer)
        sunday_first = cast(func.strftime("%w", self.local(moment)), Integer)
        return (sunday_first + 6) % 7 + 1

    def local_hour(self, moment: Any) -> ColumnElement[Any]:
        if self.postgres:
            return cast(extract("hour", self.local(moment)), Integer)
        return cast(func.strftime("%H", self.local(moment)), Integer)

    def plan_steps(self) -> ColumnElement[Any]:
        """How many steps the call's ring plan had; current_step == this is the message."""
        plan = ConversationRecord.plan
        if self.postgres:
            return func.json_array_length(func.json_extract_path(plan, "steps"))
        return func.json_array_length(plan, "$.steps")
