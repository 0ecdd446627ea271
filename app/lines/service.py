"""Changing a line: its name, number, greeting, hours, queue and fallback number; audited.

One write path for the API (and anything after it). Every value is checked before any is
written, and all the problems are named at once. The change moves the routing version
(models.db), so the next call in every process uses it: the webhook reads the version with
the free workers and reloads its snapshot of lines when it moved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid, InvalidFields, NotFound
from app.formats import national
from app.workers.service import uk_phone_number
from models.audit import audit, changes_between
from models.tables import Line

NAME_MAX = 80
# Twilio's <Say> speaks it before the 999 sentence: a sentence or two, not a speech.
GREETING_MAX = 300
# A caller held longer than this in the in-hours queue goes on to on call: 0 is no queue.
QUEUE_WAIT_MAX_MINUTES = 30
_HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
HOURS = (("weekday_open", "weekday_close"), ("weekend_open", "weekend_close"))
_HOUR_WORDS = {
    "weekday_open": "weekday opening time",
    "weekday_close": "weekday closing time",
    "weekend_open": "weekend opening time",
    "weekend_close": "weekend closing time",
}


def list_lines(session: Session) -> Sequence[Line]:
    return session.scalars(select(Line).order_by(Line.id)).all()


def get_line(session: Session, line_id: int) -> Line:
    line = session.get(Line, line_id)
    if line is None:
        raise NotFound("No such line.")
    return line


@dataclass(frozen=True, slots=True)
class LineChanges:
    """What to change; None leaves a field as it is. An empty greeting or fallback number
    means the service's own; times are "HH:MM", London wall-clock time."""

    name: str | None = None
    number: str | None = None
    greeting: str | None = None
    weekday_open: str | None = None
    weekday_close: str | None = None
    weekend_open: str | None = None
    weekend_close: str | None = None
    bank_holidays_as_weekend: bool | None = None
    fallback_number: str | None = None
    queue_max_wait_minutes: str | None = None


def line_snapshot(line: Line) -> dict[str, Any]:
    """What the audit keeps of a line: numbers as staff read them, times as HH:MM."""
    return {
        "name": line.name,
        "number": national(line.number),
        "greeting": line.greeting or "",
        "weekday_hours": f"{line.weekday_open:%H:%M}-{line.weekday_close:%H:%M}",
        "weekend_hours": f"{line.weekend_open:%H:%M}-{line.weekend_close:%H:%M}",
        "bank_holidays_as_weekend": line.bank_holidays_as_weekend,
        "fallback_number": national(line.fallback_number) if line.fallback_number else "",
        "queue_max_wait": queue_wait_words(line.queue_max_wait_seconds),
    }


class _Problems:
    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append({"loc": ["body", field], "msg": message, "type": "invalid"})

    def check(self, field: str, attempt: Any) -> Any:
        try:
            return attempt()
        except Invalid as exc:
            self.add(field, exc.message)
            return None


def _time(text: str) -> time:
    if not _HH_MM.fullmatch(text.strip()):
        raise Invalid("time", "enter a time on the 24-hour clock, like 08:00 or 22:00")
    return time.fromisoformat(text.strip())


def _name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise Invalid("name", "enter the line's name, like Professionals line")
    if len(name) > NAME_MAX:
        raise Invalid("name", f"a line's name has at most {NAME_MAX} characters")
    return name


def _greeting(raw: str) -> str | None:
    greeting = " ".join(raw.split())
    if len(greeting) > GREETING_MAX:
        raise Invalid("greeting", f"the greeting has at most {GREETING_MAX} characters")
    return greeting or None


def queue_wait_words(seconds: int) -> str:
    if seconds <= 0:
        return "no queue"
    minutes = seconds // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _queue_wait_seconds(raw: str) -> int:
    text = raw.strip()
    if not text.isdigit() or int(text) > QUEUE_WAIT_MAX_MINUTES:
        raise Invalid(
            "queue_max_wait_minutes",
            f"enter the longest wait as whole minutes from 0 to {QUEUE_WAIT_MAX_MINUTES}, like 5",
        )
    return int(text) * 60


def _checked(session: Session, line: Line, wanted: LineChanges) -> dict[str, Any]:
    """The new values by column, or InvalidFields naming every problem."""
    problems = _Problems()
    new: dict[str, Any] = {}
    if wanted.name is not None:
        new["name"] = problems.check("name", lambda: _name(wanted.name or ""))
    if wanted.greeting is not None:
        new["greeting"] = problems.check("greeting", lambda: _greeting(wanted.greeting or ""))
    if wanted.number is not None:
        new["number"] = problems.check(
            "number", lambda: uk_phone_number(wanted.number or "", "number")
        )
    if wanted.fallback_number is not None:
        raw = wanted.fallback_number.strip()
        new["fallback_number"] = (
            problems.check("fallback_number", lambda: uk_phone_number(raw, "fallback_number"))
            if raw
            else None
        )
    if wanted.bank_holidays_as_weekend is not None:
        new["bank_holidays_as_weekend"] = wanted.bank_holidays_as_weekend
    if wanted.queue_max_wait_minutes is not None:
        raw_wait = wanted.queue_max_wait_minutes
        new["queue_max_wait_seconds"] = problems.check(
            "queue_max_wait_minutes", lambda: _queue_wait_seconds(raw_wait)
        )
    for field in _HOUR_WORDS:
        raw_time = getattr(wanted, field)
        if raw_time is not None:
            new[field] = problems.check(field, lambda raw=raw_time: _time(raw))
    if problems.errors:
        raise InvalidFields(problems.errors)
    _check_hours(line, new, problems)
    _check_numbers(session, line, new, problems)
    if problems.errors:
        raise InvalidFields(problems.errors)
    return new


def _check_hours(line: Line, new: dict[str, Any], problems: _Problems) -> None:
    for open_field, close_field in HOURS:
        opens = new.get(open_field, getattr(line, open_field))
        closes = new.get(close_field, getattr(line, close_field))
        if opens >= closes:
            days = "weekday" if open_field.startswith("weekday") else "weekend"
            problems.add(
                close_field if close_field in new else open_field,
                f"the {days} closing time must be after the {days} opening time",
            )


def _check_numbers(session: Session, line: Line, new: dict[str, Any], problems: _Problems) -> None:
    others = {other.number: other.name for other in list_lines(session) if other.id != line.id}
    number = new.get("number", line.number)
    if "number" in new and number in others:
        problems.add("number", f"that number is already the {others[number]}'s")
    fallback = new.get("fallback_number", line.fallback_number)
    if fallback is not None and (fallback == number or fallback in others):
        # Dialling a line's own number would bring the caller back here, round and round.
        problems.add("fallback_number", "the fallback number cannot be one of the lines' numbers")


def update_line(
    session: Session, line_id: int, wanted: LineChanges, *, actor_user_id: int | None, now: datetime
) -> Line:
    """Change a line; audited. Nothing is written unless every value is right."""
    line = get_line(session, line_id)
    new = _checked(session, line, wanted)
    before = line_snapshot(line)
    for column, value in new.items():
        setattr(line, column, value)
    session.flush()
    changes = changes_between(before, line_snapshot(line))
    if changes:
        audit(
            session,
            actor_user_id=actor_user_id,
            action="update",
            entity_type="line",
            entity_id=line.id,
            at=now,
            changes=changes,
        )
    return line
