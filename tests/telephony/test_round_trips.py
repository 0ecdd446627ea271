"""The incoming-call webhook's cost in database round trips (counted, not timed)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import FixedClock, Twilio, add_shift, add_worker, new_call_sid

pytestmark = pytest.mark.database


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent, every COMMIT, and the liveness ping on each pool checkout."""
    sent: list[str] = []
    pings = engine.dialect.name != "sqlite"  # make_engine turns pool_pre_ping on for servers

    def on_checkout(*_args: Any) -> None:
        if pings:
            sent.append("PING")

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement.split()[0].upper())

    def on_commit(_conn: Any) -> None:
        sent.append("COMMIT")

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    event.listen(engine, "checkout", on_checkout)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "checkout", on_checkout)


def test_an_incoming_call_costs_at_most_three_round_trips(
    client: TestClient, twilio: Twilio, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    for index in range(3):
        add_worker(session_factory, f"Duty {index}", f"+44770090000{index}")
    on_call = add_worker(session_factory, "On Call", "+447700900099", available=False)
    add_shift(
        session_factory,
        on_call,
        "primary",
        clock.now - timedelta(hours=1),
        clock.now + timedelta(hours=9),
    )
    twilio.incoming(new_call_sid())  # the first call loads this process's routing snapshot

    engine = client.app.state.call_engine  # type: ignore[attr-defined]
    with counting(engine) as sent:
        response = twilio.incoming(new_call_sid())
    assert response.status_code == 200 and "<Dial" in response.text
    # One read (free workers and the routing version together), one write, and on
    # PostgreSQL the liveness ping on checkout (telephony.guard's, which a stalled network
    # cannot hold up); autocommit spares BEGIN and COMMIT.
    expected = (
        ["SELECT", "INSERT"] if engine.dialect.name == "sqlite" else ["PING", "SELECT", "INSERT"]
    )
    assert sent == expected
    assert len(sent) <= 3
