"""How fast earlier contacts and searches are found as conversation records pile up.

Builds a migrated database holding N records a year apart in time order (each naming one
or two children, some with a case reference, callers drawn from a pool so numbers
repeat), then times, on records picked at random:

- ``previous contacts``: models.records.previous_contacts (children index + caller number);
- ``search``: the query behind ``GET /api/records?q=`` for a child's surname, first page.

Prints the median and 99th percentile in milliseconds for each size. SQLite by default;
``--url postgresql+psycopg://...`` (an empty database it may fill) for PostgreSQL.

    .venv/bin/python benchmarks/records.py --sizes 10000 50000
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

import migrations
from app.records.queries import list_query
from models import ConversationRecord, Line
from models.db import make_engine, make_session_factory
from models.records import RecordChild, name_key, previous_contacts, reference_key

FIRST = ["Amy", "Ben", "Cara", "Dev", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Kai"]
LAST = [f"Surname{n}" for n in range(2000)]
START = datetime(2024, 1, 1, tzinfo=UTC)


def fill(url: str, size: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    engine = make_engine(url)
    with engine.begin() as connection:
        line_id = connection.scalar(select(Line.id).where(Line.key == "professional"))
        step = timedelta(days=730) / size
        records, children = [], []
        for n in range(size):
            records.append(
                {
                    "id": n + 1,
                    "call_sid": f"CA{n:032d}",
                    "line_id": line_id,
                    "caller_number": f"+4477009{rng.randrange(20000):05d}",
                    "dialled_number": "+441305228558",
                    "dialled_known": True,
                    "period": "in_hours",
                    "period_reason": "bench",
                    "plan": {},
                    "current_step": 0,
                    "status": "to_complete",
                    "twilio_status_rank": 0,
                    "started_at": START + step * n,
                    "updated_at": START + step * n,
                    "content": {},
                    "content_versions": {},
                }
            )
            for position in range(rng.choice((1, 1, 2))):
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                children.append(
                    {
                        "record_id": n + 1,
                        "position": position,
                        "name_key": name_key(name),
                        "date_of_birth": date(2010, 1, 1) + timedelta(days=rng.randrange(5000)),
                        "reference_key": reference_key(f"LCS{rng.randrange(size)}")
                        if rng.random() < 0.3
                        else None,
                    }
                )
        for chunk in range(0, size, 5000):
            connection.execute(insert(ConversationRecord), records[chunk : chunk + 5000])
        for chunk in range(0, len(children), 5000):
            connection.execute(insert(RecordChild), children[chunk : chunk + 5000])
    engine.dispose()


def timed(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered):6.2f} ms, p99 {p99:6.2f} ms"


def measure(url: str, size: int, tries: int = 200) -> None:
    rng = random.Random(11)
    factory = make_session_factory(make_engine(url))
    contacts, searches = [], []
    with factory() as session:
        for _ in range(tries):
            record = session.get(ConversationRecord, rng.randrange(1, size + 1))
            assert record is not None
            started = time.perf_counter()
            previous_contacts(session, record)
            contacts.append((time.perf_counter() - started) * 1000)
            query = list_query(
                worker_id=None,
                mine=False,
                open_only=False,
                line=None,
                day=None,
                status=None,
                q=rng.choice(LAST),
            )
            started = time.perf_counter()
            session.scalars(query.limit(25)).unique().all()
            searches.append((time.perf_counter() - started) * 1000)
    print(f"{size:>7} records  previous contacts: {timed(contacts)}")
    print(f"{size:>7} records  search by surname: {timed(searches)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--url", help="an empty PostgreSQL database (default: SQLite files)")
    args = parser.parse_args()
    for size in args.sizes:
        if args.url:
            url = args.url
            if migrations_present(url):
                migrations.downgrade(url, "base")
        else:
            url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'records.db'}"
        migrations.upgrade(url)
        fill(url, size)
        measure(url, size)


def migrations_present(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.dialect.has_table(connection, "alembic_version")
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
