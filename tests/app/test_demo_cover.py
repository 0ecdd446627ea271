"""The fresh demo greets the rota coordinator with no gaps, and past time is never a gap.

The demo's data (app.demo) goes into a real, migrated database; the gap report is read
through the real API at the demo's 'now', for the report's default window.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.demo import cover_period, seed_demo
from app.rota import queries as rota_queries
from app.rota.routes.deps import DEFAULT_WEEKS
from tests.helpers import ApiClient, FixedClock


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def coordinator_at(api: ApiClient, clock: FixedClock, now: datetime) -> ApiClient:
    """The coordinator signed in at ``now`` (a session is signed in on the clock's time)."""
    clock.now = now
    api.sign_in_as("coordinator")
    return api


@pytest.mark.parametrize(
    "now",
    [
        at(2026, 1, 14, 12),  # midday, in hours
        at(2026, 3, 25, 15, 45),  # the window crosses the spring clock change and Easter
        at(2026, 12, 2, 23, 30),  # late at night, out of hours, window crosses Christmas
    ],
)
def test_a_fresh_demo_has_no_gaps_in_the_default_window(
    api: ApiClient,
    clock: FixedClock,
    session_factory: sessionmaker[Session],
    now: datetime,
) -> None:
    coordinator = coordinator_at(api, clock, now)
    with session_factory.begin() as s:
        assert seed_demo(s, now).seeded
    report = coordinator.get("/api/rota/gaps").json()
    assert parse(report["to"]) - parse(report["from"]) == timedelta(weeks=DEFAULT_WEEKS)
    assert report["gaps"] == []
    with session_factory() as s:
        direct = rota_queries.rota_report(s, now, now + timedelta(weeks=DEFAULT_WEEKS))
        assert direct.gaps == []
    # The cover reaches past the report's far end, not just up to it.
    assert cover_period(now)[1] > now + timedelta(weeks=DEFAULT_WEEKS)


def test_the_gap_report_never_lists_time_already_gone(
    api: ApiClient, clock: FixedClock, session_factory: sessionmaker[Session]
) -> None:
    seeded_at = at(2026, 1, 14, 12)
    with session_factory.begin() as s:
        seed_demo(s, seeded_at)
    # Days after the demo's cover ran out, late on a weekday evening (out of hours): the
    # uncovered nights since then are past, and tonight's gap is only what is left of it.
    cover_end = cover_period(seeded_at)[1]
    now = (cover_end + timedelta(days=3)).replace(hour=23, minute=15).astimezone(UTC)
    coordinator = coordinator_at(api, clock, now)
    gaps = coordinator.get("/api/rota/gaps").json()["gaps"]
    assert gaps, "without cover, the report has gaps to show"
    assert all(parse(g["ends_at"]) > now for g in gaps)
    assert all(parse(g["starts_at"]) >= now for g in gaps)
    assert min(parse(g["starts_at"]) for g in gaps) == now
