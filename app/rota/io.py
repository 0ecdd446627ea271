"""The rota's edges: times written out, iCalendar feeds, CSV export and import.

Times are read by `routing.localtime` (one rule for the clock changes); a CSV row is checked
by the same rules as a shift made one at a time (`app.rota.service.check_new_shift`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.errors import AppError, Invalid
from app.rota.service import NewShift, check_new_shift
from app.workers import queries as worker_queries
from models.tables import OnCallShift
from routing import OnCallRole
from routing.localtime import LocalTimeError, local_text, parse_local_time, utc_text
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
class Refusal:
    row: int  # 1 is the header; data rows start at 2, as a spreadsheet numbers them
    field: str
    message: str


class InvalidRows(AppError):
    """A CSV with refused rows: every refusal is listed, nothing is stored."""

    status_code = 422

    def __init__(self, refused: Sequence[Refusal]) -> None:
        super().__init__(f"{len(refused)} row(s) refused; nothing was imported")
        self.refused = list(refused)

    def body(self) -> object:
        return {
            "detail": [
                {
                    "loc": ["body", "csv", r.row, r.field],
                    "msg": f"row {r.row}, {r.field}: {r.message}",
                    "type": "invalid",
                }
                for r in self.refused
            ],
            "refused": [asdict(r) for r in self.refused],
        }


_COLUMN_OF = {"starts_at": "start", "ends_at": "end"}


def _read_row(
    session: Session, number: int, values: dict[str, str], now: datetime
) -> NewShift | list[Refusal]:
    refused: list[Refusal] = []
    worker = worker_queries.find_worker(session, values.get("worker", ""))
    if worker is None:
        refused.append(Refusal(number, "worker", "unknown worker"))
    role = values.get("role", "").lower()
    if role not in {r.value for r in OnCallRole}:
        refused.append(Refusal(number, "role", "must be primary or backup"))
    times: dict[str, datetime] = {}
    for column in ("start", "end"):
        try:
            times[column] = parse_local_time(values.get(column, ""))
        except LocalTimeError as exc:
            refused.append(Refusal(number, column, str(exc)))
    if len(times) == 2:
        try:
            check_new_shift(times["start"], times["end"], now)
        except Invalid as exc:
            column = _COLUMN_OF.get(str(exc.loc[-1]), str(exc.loc[-1]))
            refused.append(Refusal(number, column, exc.message))
    if refused or worker is None:
        return refused
    return NewShift(number, worker.id, role, times["start"], times["end"])


def read_import(session: Session, text: str, now: datetime) -> tuple[list[NewShift], list[Refusal]]:
    """Check every row of a rota CSV (columns worker, role, start, end); nothing is written."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        return [], [Refusal(1, "header", f"missing column(s): {', '.join(missing)}")]
    reader.fieldnames = header
    rows: list[NewShift] = []
    refused: list[Refusal] = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            refused.append(Refusal(number, "row", f"at most {MAX_IMPORT_ROWS} rows"))
            break
        values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(values.values()):
            continue
        result = _read_row(session, number, values, now)
        if isinstance(result, NewShift):
            rows.append(result)
        else:
            refused.extend(result)
    return rows, refused
