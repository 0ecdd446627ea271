"""Times as people type and read them: ISO text, London local time unless an offset is given.

The one rule for the clock changes, used by the CLI, the API and CSV import alike:
- a local time that never happens (the hour skipped when the clocks go forward, 01:00-01:59
  on the last Sunday of March) is refused: nobody can mean it, and guessing would put a
  shift an hour away from where its writer thinks it is;
- a local time that happens twice (01:00-01:59 on the last Sunday of October) is the first,
  still summer time (fold=0); give an offset (+00:00) to mean the second.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from routing.hours import LONDON


class LocalTimeError(ValueError):
    """A time that cannot be read; the message says why and holds no personal data."""


# The days the service can plan for and report on: any later or earlier is a typing slip,
# and near year 1 or 9999 the arithmetic of time zones overflows.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def parse_local_time(text: str) -> datetime:
    """`text` as an aware UTC datetime, by the rule above."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise LocalTimeError("not an ISO date and time (e.g. 2026-03-28T22:00)") from None
    if not FIRST_DAY <= value.date() <= LAST_DAY:
        # Checked first: converting a time near year 1 or 9999 overflows.
        raise LocalTimeError("give a time from 1 Jan 2000 to 31 Dec 2100")
    if value.tzinfo is not None:
        if value.utcoffset() is None:
            raise LocalTimeError("not a usable time zone")
        return value.astimezone(UTC)
    local = value.replace(tzinfo=LONDON, fold=0)
    if local.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != value:
        raise LocalTimeError(
            f"{value:%H:%M on %d %b %Y} does not exist in London (the clocks go forward)"
        )
    return local.astimezone(UTC)


def happens_twice(text: str) -> bool:
    """Whether `text` is a local time (no offset) that happens twice in London."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return False
    if value.tzinfo is not None:
        return False
    local = value.replace(tzinfo=LONDON)
    return local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()


def utc_text(value: datetime) -> str:
    """An instant as ISO text in UTC, with a Z."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def local_text(value: datetime) -> str:
    """An instant as ISO text in London local time, with its offset."""
    return value.astimezone(LONDON).isoformat()
