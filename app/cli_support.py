"""What every `dutyline` command shares: its database transaction, its clock, its output.

A command's expected failures are `app.errors` exceptions; `app.cli.main` prints them as one
`error: ...` line and exits with their `exit_code` (2 for usage errors).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import migrations
from app.errors import AppError, Invalid
from app.settings import Settings
from app.workers.queries import find_worker
from models import Worker, utcnow
from models.db import make_engine, make_session_factory
from routing import LONDON
from routing.localtime import LocalTimeError, happens_twice, parse_local_time

TIME_HELP = (
    "ISO date and time, e.g. 2026-03-28T22:00. Without an offset it is Europe/London local "
    "time; with one (2026-03-28T22:00+00:00, or Z) the offset is respected. A local time "
    "that happens twice when the clocks go back is taken as the first (fold=0, still summer "
    "time), and noted; one skipped when they go forward never happens and is refused."
)

Handler = Callable[[Settings, Any], int]


def now() -> datetime:
    """The commands' clock (the tests set it)."""
    return utcnow()


@contextmanager
def engine_for(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def shown_database(url: str) -> str:
    """The database URL fit to print: no password; a relative SQLite file made absolute."""
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
        path = Path(database)
        if not path.is_absolute():
            shown += f" ({path.resolve()})"
    return shown


def not_migrated(url: str) -> AppError:
    return AppError(
        f"database not migrated: {shown_database(url)}; run `dutyline migrate` "
        "(or set DUTYLINE_DATABASE_URL to the service's database)"
    )


def _sqlite_file_missing(url: str) -> bool:
    """A SQLite file URL whose file is not there (connecting would create it, empty)."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return False
    if parsed.query.get("uri") or database.startswith("file:"):
        return False
    return not Path(database).exists()


@contextmanager
def session_for(settings: Settings) -> Iterator[Session]:
    """One transaction on a migrated database: committed on success, else rolled back.

    Refuses, creating nothing, a database that is not migrated, and a SQLite file that is
    not there (connecting would leave an empty one behind, e.g. run from another folder).
    """
    if _sqlite_file_missing(settings.database_url):
        raise not_migrated(settings.database_url)
    with engine_for(settings) as engine:
        if not migrations.is_up_to_date(engine):
            raise not_migrated(settings.database_url)
        with make_session_factory(engine).begin() as session:
            yield session


def worker_named(session: Session, name_or_id: str) -> Worker:
    worker = find_worker(session, name_or_id)
    if worker is None:
        raise AppError(f"unknown worker {name_or_id!r}")
    return worker


def read_time(text: str, option: str) -> datetime:
    """A typed time by `routing.localtime`'s rule; a time that happens twice is noted."""
    try:
        value = parse_local_time(text)
    except LocalTimeError as exc:
        raise Invalid(option, f"{option}: {exc}: {text!r}") from None
    if happens_twice(text):
        note(
            f"{text.strip()} happens twice in London (the clocks go back); "
            f"taken as the first, {format_local(value)}"
        )
    return value


def read_period(start_text: str, end_text: str) -> tuple[datetime, datetime]:
    start, end = read_time(start_text, "--start"), read_time(end_text, "--end")
    if end <= start:
        raise Invalid("--end", "the end must be after the start")
    return start, end


def note(message: str) -> None:
    print(f"note: {message}", file=sys.stderr)


def format_local(value: datetime) -> str:
    return value.astimezone(LONDON).strftime("%a %d %b %Y %H:%M %Z")


def format_day_time(value: datetime) -> str:
    """London local time as people write it: Thu 3 Dec 2026 13:00."""
    local = value.astimezone(LONDON)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def hours_between(start: datetime, end: datetime) -> float:
    # Aware datetimes: subtraction gives real elapsed time, clock changes included.
    return (end - start).total_seconds() / 3600


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    for row in (headers, *rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
