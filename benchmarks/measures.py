"""How long the measures and the wallboard take over five years of calls.

Builds a migrated database with ``--years`` of synthetic calls (app.demo_history: about
250,000 over five years by default, with legs, callback tasks, written records and their
children, and past on-call shifts), then times:

- ``a year's measures``: app.measures.service.measures for the last 365 London days (the
  year and the year before it, and the load), what GET /api/measures does;
- ``a year's CSV``: the same year day by day (GET /api/measures.csv);
- ``the wallboard``: app.measures.wallboard.now at moments spread over the last month,
  what each Server-Sent Events update computes.

Prints p50 and p95 in milliseconds for SQLite and PostgreSQL. Targets (issue 9): a year's
measures under 500 ms on PostgreSQL and 1 s on SQLite; a wallboard update under 50 ms.

    .venv/bin/python benchmarks/measures.py                      # both databases
    .venv/bin/python benchmarks/measures.py --databases sqlite --years 1
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

import migrations
from app.demo_history import seed_history, staff_of
from app.measures import service, wallboard
from app.settings import Settings
from models import CallbackTask, CallLeg, ConversationRecord, Worker
from models.db import make_engine, make_session_factory
from models.records import RecordChild

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
CALLS_PER_WEEKDAY = 169  # about 50,000 calls a year
DUTY = [(f"Duty Worker {n}", ("professional",) if n % 3 else ("professional", "public"))
        for n in range(12)] + [(f"Public Duty {n}", ("public",)) for n in range(6)]  # fmt: skip
ON_CALL = [f"On Call {n}" for n in range(5)]
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def fill(url: str, years: int) -> str:
    factory = make_session_factory(make_engine(url))
    started = time.perf_counter()
    with factory.begin() as session:
        duty = []
        for number, (name, lines) in enumerate(DUTY):
            worker = Worker(name=name, phone=f"+4477009001{number:02d}", available=True)
            session.add(worker)
            session.flush()
            duty.append((worker.id, lines))
        on_call = []
        for number, name in enumerate(ON_CALL):
            worker = Worker(name=name, phone=f"+4477009002{number:02d}", available=True)
            session.add(worker)
            session.flush()
            on_call.append(worker.id)
        calls = seed_history(
            session, NOW, 365 * years, CALLS_PER_WEEKDAY, staff_of(duty, on_call), seed=5
        )
    with factory() as session:
        counts = {
            table.__tablename__: session.scalar(select(func.count()).select_from(table))
            for table in (ConversationRecord, CallLeg, CallbackTask, RecordChild)
        }
        if session.get_bind().dialect.name != "postgresql":
            session.execute(text("ANALYZE"))
    if url.startswith("postgresql"):
        # What autovacuum does after a bulk load: statistics, and the visibility map that
        # lets the measures' covering indexes answer without reading the table.
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
        engine.dispose()
    elapsed = time.perf_counter() - started
    return f"{calls} calls built in {elapsed:.0f} s: " + ", ".join(
        f"{n} {t}" for t, n in counts.items()
    )


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered):7.1f} ms, p95 {p95:7.1f} ms (n={len(ordered)})"


def timed(work: Callable[[], object], tries: int) -> list[float]:
    work()  # warm: the first run compiles the statements and fills the caches
    samples = []
    for _ in range(tries):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure(url: str, tries: int) -> None:
    settings = Settings(database_url=url)
    factory = make_session_factory(make_engine(url))
    thresholds = service.thresholds_of(settings)
    first, last = (NOW - timedelta(days=364)).date(), NOW.date()
    rng = random.Random(3)
    with factory() as session:

        def year() -> object:
            return service.measures(session, settings, NOW, first, last)

        def year_csv() -> object:
            scope = service.scope_of(session, first, last, None, None)
            return service.by_day(session, scope, first, last, thresholds, NOW)

        def board() -> object:
            at = NOW - timedelta(seconds=rng.randrange(30 * 86400))
            return wallboard.now(session, thresholds, at)

        print(f"  a year's measures:  {percentiles(timed(year, tries))}")
        print(f"  a year's CSV:       {percentiles(timed(year_csv, max(3, tries // 2)))}")
        print(f"  the wallboard:      {percentiles(timed(board, tries * 5))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--tries", type=int, default=11)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    for database in args.databases.split(","):
        if database == "sqlite":
            url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'measures.db'}"
            migrations.upgrade(url)
            print(f"SQLite: {fill(url, args.years)}")
            measure(url, args.tries)
        else:
            name = f"dutyline_bench_measures_{os.getpid()}"
            admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f"CREATE DATABASE {name}"))
            url = POSTGRES.rsplit("/", 1)[0] + f"/{name}"
            try:
                migrations.upgrade(url)
                print(f"PostgreSQL: {fill(url, args.years)}")
                measure(url, args.tries)
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                admin.dispose()


if __name__ == "__main__":
    main()
