"""SQLite held by another writer: its busy wait stays within the budget on the call path."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import FixedClock, add_worker, new_call_sid, stored_record
from tests.telephony import twiml_reader
from tests.telephony.outage_support import outage_settings, running_app, snapshot_read, wait_until

DUTY = "+447700900001"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_locked_sqlite_file_is_given_up_within_the_budget_and_replayed(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = FixedClock(datetime(2026, 1, 14, 12, 0, tzinfo=UTC))
    add_worker(session_factory, "Ada", DUTY)
    with running_app(outage_settings(database_url, tmp_path / "state"), clock) as running:
        wait_until(snapshot_read(running.context), what="the snapshot")
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=10)
        holder.execute("BEGIN EXCLUSIVE")  # another process writing, and not letting go
        try:
            call_sid = new_call_sid()
            started = time.monotonic()
            dialled = twiml_reader.dial(twiml_reader.parse(running.twilio.incoming(call_sid)))
            elapsed = time.monotonic() - started
            assert dialled is not None and dialled.numbers == [DUTY]
            assert elapsed < 3, elapsed  # budget 1 s
            assert running.context.journal.backlog() == 1
        finally:
            holder.rollback()
            holder.close()
        wait_until(lambda: running.context.journal.backlog() == 0, what="the replay")
    assert stored_record(session_factory, call_sid).plan["steps"][0]["targets"][0]["number"] == DUTY
