"""Rota benchmark: the gap-and-conflict report and the who-is-on-call lookup over years of shifts.

For each database (SQLite and PostgreSQL) it builds, one year at a time, five years of
on-call cover: a 40-worker weekly rotation applied through the same code the API uses
(primary and backup for every out-of-hours window), with covers and accepted swaps mixed
in (a cover every 9 days, a swap every 13 days). After each year it times:

- the gap-and-conflict report for 52 weeks (``app.rota.queries.rota_report``, what
  GET /api/rota/gaps?weeks=52 runs), starting at the newest year, so older years are history;
- finding who is on call at an instant (``app.rota.queries.who_is_on_call``: the shifts query the
  call path's snapshot uses, then ``routing.oncall_chain``), at random instants over all years.

Targets: report under 200 ms, lookup under 1 ms. Usage:

    .venv/bin/python benchmarks/rota.py [--years 5] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import migrations
from app.rota import queries as rq
from app.rota import rotations, swaps
from app.rota.service import RotaChange
from app.rota.swaps import Asker
from models import OnCallShift, Worker
from models.db import make_engine, make_session_factory
from models.rota import SwapStatus

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FIRST = date(2027, 1, 4)  # a Monday
WORKERS = 40
REPORT_TARGET_MS = 200.0
LOOKUP_TARGET_MS = 1.0


def log(message: str = "") -> None:
    print(message, flush=True)


def create_database(kind: str, postgres_url: str, workdir: Path) -> tuple[str, Callable[[], None]]:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'rota-bench.db'}", lambda: None
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(postgres_url)
    name = f"dutyline_rota_bench_{os.getpid()}"
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin.set(database=name).render_as_string(hide_password=False), drop


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return sorted(samples)


def pct(samples: Sequence[float], q: float) -> float:
    return samples[min(len(samples) - 1, int(q * len(samples)))]


def seed_workers(factory: sessionmaker[Session]) -> list[int]:
    with factory.begin() as session:
        workers = [
            Worker(name=f"Bench Worker {i:02d}", phone=f"+4477009{i:05d}", available=False)
            for i in range(WORKERS)
        ]
        session.add_all(workers)
        session.flush()
        return [w.id for w in workers]


def add_year(
    factory: sessionmaker[Session], rotation_id: int, year: int, ids: list[int], rng: random.Random
) -> None:
    first = FIRST + timedelta(days=364 * year)
    last = first + timedelta(days=363)
    now = datetime(2026, 12, 1, tzinfo=UTC)  # before it all: nothing is in the past
    with factory.begin() as session:
        rotations.apply_rotation(RotaChange(session, now, None), rotation_id, first, last)
    day = first
    while day <= last:
        offset = (day - FIRST).days
        with factory.begin() as session:
            start = datetime.combine(day, clock_time(0), tzinfo=UTC)
            change = RotaChange(session, now, None)
            shifts = rq.list_shifts(session, start, start + timedelta(days=1), role_name="primary")
            if shifts and offset % 9 == 0:
                shift = shifts[0]
                covering = rng.choice([w for w in ids if w != shift.worker_id])
                middle = shift.starts_at + (shift.ends_at - shift.starts_at) / 2
                swaps.add_cover(
                    change,
                    covering_worker_id=covering,
                    covered_worker_id=shift.worker_id,
                    starts_at=shift.starts_at,
                    ends_at=middle,
                    role_name="primary",
                    reason="bench",
                )
            elif shifts and offset % 13 == 0:
                shift = shifts[-1]
                taker = rng.choice([w for w in ids if w != shift.worker_id])
                coordinator = Asker(None, coordinator=True)
                swap = swaps.request_swap(
                    change, coordinator, shift_id=shift.id, with_worker_id=taker, note=""
                )
                swaps.decide_swap(change, coordinator, swap.id, SwapStatus.ACCEPTED, taker)
        day += timedelta(days=1)


def benchmark(kind: str, url: str, years: int, runs: int, lookups: int) -> list[dict[str, float]]:
    migrations.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    rng = random.Random(4)
    ids = seed_workers(factory)
    with factory.begin() as session:
        fields = rotations.RotationFields(
            name="Bench weekly",
            worker_ids=ids,
            handover_time=clock_time(9),
            period="weekly",
            backup_offset=1,
            anchor_date=FIRST,
        )
        change = RotaChange(session, datetime(2026, 12, 1, tzinfo=UTC), None)
        rotation = rotations.save_rotation(change, None, fields)
        rotation_id = rotation.id
    rows = []
    for year in range(years):
        t0 = time.perf_counter()
        add_year(factory, rotation_id, year, ids, rng)
        build_s = time.perf_counter() - t0
        if kind == "postgresql":
            with engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
                connection.commit()
        with factory() as session:
            count = session.scalar(select(func.count()).select_from(OnCallShift)) or 0
        start = datetime.combine(FIRST + timedelta(days=364 * year), clock_time(12), tzinfo=UTC)
        end = start + timedelta(weeks=52)
        span_end = datetime.combine(
            FIRST + timedelta(days=364 * (year + 1)), clock_time(0), tzinfo=UTC
        )
        span = (span_end - datetime.combine(FIRST, clock_time(0), tzinfo=UTC)).total_seconds()

        with factory() as session:
            report = rq.rota_report(session, start, end)  # warm
            gaps, conflicts = len(report.gaps), len(report.conflicts)

            def run_report(
                session: Session = session, start: datetime = start, end: datetime = end
            ) -> None:
                rq.rota_report(session, start, end)
                session.expunge_all()

            report_ms = timed(run_report, runs)
            instants = [
                datetime.combine(FIRST, clock_time(0), tzinfo=UTC)
                + timedelta(seconds=rng.uniform(0, span))
                for _ in range(lookups)
            ]
            found = 0
            lookup_ms = []
            for instant in instants:
                t0 = time.perf_counter()
                chain = rq.who_is_on_call(session, instant)
                lookup_ms.append((time.perf_counter() - t0) * 1000)
                found += bool(chain)
                session.expunge_all()
            lookup_ms.sort()
        rows.append(
            {
                "years": year + 1,
                "shifts": count,
                "build_s": build_s,
                "report_p50": statistics.median(report_ms),
                "report_p95": pct(report_ms, 0.95),
                "lookup_p50": statistics.median(lookup_ms),
                "lookup_p95": pct(lookup_ms, 0.95),
                "lookups_on_call": found / len(instants),
                "gaps": gaps,
                "conflicts": conflicts,
            }
        )
        r = rows[-1]
        log(
            f"  {kind:10} {r['years']:.0f} y  {r['shifts']:6.0f} shifts  "
            f"report p50 {r['report_p50']:6.1f} ms p95 {r['report_p95']:6.1f} ms  "
            f"lookup p50 {r['lookup_p50']:.3f} ms p95 {r['lookup_p95']:.3f} ms  "
            f"(gaps {gaps}, conflicts {conflicts}, built in {build_s:.0f} s)"
        )
    engine.dispose()
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=30, help="timed reports per size")
    parser.add_argument("--lookups", type=int, default=2000, help="timed lookups per size")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    args = parser.parse_args(argv)
    results: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.databases.split(","):
            url, drop = create_database(kind, args.postgres_url, Path(tmp))
            log(f"{kind}: building {args.years} years of cover, {WORKERS} workers")
            try:
                results[kind] = benchmark(kind, url, args.years, args.runs, args.lookups)
            finally:
                drop()
    log()
    log(
        "| database | years | shifts | report 52 weeks p50 / p95 | growth | "
        "lookup p50 / p95 | growth |"
    )
    log("|---|---|---|---|---|---|---|")
    for kind, rows in results.items():
        base = rows[0]
        for r in rows:
            log(
                f"| {kind} | {r['years']:.0f} | {r['shifts']:.0f} | "
                f"{r['report_p50']:.1f} / {r['report_p95']:.1f} ms | "
                f"x{r['report_p50'] / base['report_p50']:.2f} | "
                f"{r['lookup_p50']:.3f} / {r['lookup_p95']:.3f} ms | "
                f"x{r['lookup_p50'] / base['lookup_p50']:.2f} |"
            )
    log()
    every = [r for rows in results.values() for r in rows]
    for q in ("p50", "p95"):
        report_ok = all(r[f"report_{q}"] < REPORT_TARGET_MS for r in every)
        lookup_ok = all(r[f"lookup_{q}"] < LOOKUP_TARGET_MS for r in every)
        log(
            f"targets at {q}: report < {REPORT_TARGET_MS:.0f} ms "
            f"{'met' if report_ok else 'NOT met'}; lookup < {LOOKUP_TARGET_MS:.0f} ms "
            f"{'met' if lookup_ok else 'NOT met'}"
        )
    log(f"load average while measuring: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
