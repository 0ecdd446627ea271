"""The rota's edges: local times read and written, iCalendar feeds, CSV export and import."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from app.params import FIRST_DAY, LAST_DAY
from models import queries
from models.tables import OnCallShift
from routing import LONDON, Role
from routing.rota import real_hours

CSV_COLUMNS = (
    "shift_id",
    "worker_id",
    "worker",
    "role",
    "start_local",
    "end_local",
    "start_utc",
    "end_utc",
    "hours",
    "source",
)
IMPORT_COLUMNS = ("worker", "role", "start", "end")
MAX_IMPORT_ROWS = 5000


class BadTime(ValueError):
    """A time that cannot be read; the message says why (no personal data)."""


def parse_time(text: str) -> datetime:
    """An ISO time as aware UTC. Without an offset it is London local time; a local time that
    does not exist (the spring-forward hour) is refused; one that happens twice is the first."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadTime("not an ISO date and time (e.g. 2026-03-28T22:00)") from None
    if not FIRST_DAY <= value.date() <= LAST_DAY:
        # Checked first: converting a time near year 1 or 9999 overflows.
        raise BadTime("give a time from 1 Jan 2000 to 31 Dec 2100")
    if value.tzinfo is not None:
        if value.utcoffset() is None:
            raise BadTime("not a usable time zone")
        return value.astimezone(UTC)
    local = value.replace(tzinfo=LONDON, fold=0)
    if local.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != value:
        raise BadTime(f"{value:%H:%M on %d %b %Y} does not exist in London (the clocks go forward)")
    return local.astimezone(UTC)


def utc_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def local_text(value: datetime) -> str:
    return value.astimezone(LONDON).isoformat()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# iCalendar


def shift_uid(shift_id: int) -> str:
    return f"shift-{shift_id}@dutyline"


def build_calendar(name: str, shifts: Iterable[OnCallShift], now: datetime) -> bytes:
    """A feed of on-call shifts. Each event's UID is the shift's, so calendar apps update an
    event when the shift changes rather than adding another; SEQUENCE counts the edits."""
    from icalendar import Calendar, Event  # imported when a feed is read, not at start-up

    calendar = Calendar()
    calendar.add("prodid", "-//Dutyline//Rota//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    for shift in shifts:
        event = Event()
        event.add("uid", shift_uid(shift.id))
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", shift.starts_at.astimezone(UTC))
        event.add("dtend", shift.ends_at.astimezone(UTC))
        event.add("sequence", shift.sequence)
        event.add("summary", f"On call ({shift.role}): {shift.worker.name}")
        event.add("categories", ["on-call", shift.role])
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


# CSV


def export_csv(shifts: Sequence[OnCallShift]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for s in shifts:
        writer.writerow(
            (
                s.id,
                s.worker_id,
                s.worker.name,
                s.role,
                local_text(s.starts_at),
                local_text(s.ends_at),
                utc_text(s.starts_at),
                utc_text(s.ends_at),
                f"{real_hours(s.starts_at, s.ends_at):.2f}",
                s.source,
            )
        )
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class ImportRow:
    row: int
    worker_id: int
    role: Role
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Refusal:
    row: int  # 1 is the header; data rows start at 2, as a spreadsheet numbers them
    field: str
    message: str


def read_import(
    session: Session, text: str, now: datetime, max_hours: float
) -> tuple[list[ImportRow], list[Refusal]]:
    """Check every row of a rota CSV (columns worker, role, start, end); nothing is written."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        return [], [Refusal(1, "header", f"missing column(s): {', '.join(missing)}")]
    reader.fieldnames = header
    rows: list[ImportRow] = []
    refused: list[Refusal] = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            refused.append(Refusal(number, "row", f"at most {MAX_IMPORT_ROWS} rows"))
            break
        values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(values.values()):
            continue
        before = len(refused)
        worker = queries.find_worker(session, values.get("worker", ""))
        if worker is None:
            refused.append(Refusal(number, "worker", "unknown worker"))
        try:
            role = Role(values.get("role", "").lower())
        except ValueError:
            refused.append(Refusal(number, "role", "must be primary or backup"))
        times: dict[str, datetime] = {}
        for column in ("start", "end"):
            try:
                times[column] = parse_time(values.get(column, ""))
            except BadTime as exc:
                refused.append(Refusal(number, column, str(exc)))
        if len(times) == 2:
            start, end = times["start"], times["end"]
            if end <= start:
                refused.append(Refusal(number, "end", "the end must be after the start"))
            elif real_hours(start, end) > max_hours:
                refused.append(Refusal(number, "end", "a shift lasts at most 14 days"))
            elif start < now - timedelta(minutes=5):
                refused.append(Refusal(number, "start", "in the past: the past is not rewritten"))
        if len(refused) == before and worker is not None:
            rows.append(ImportRow(number, worker.id, role, times["start"], times["end"]))
    return rows, refused
