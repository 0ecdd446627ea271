"""The API through the real app on a real, migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from tests.database import *  # noqa: F403  (the database fixtures: SQLite and PostgreSQL)
from tests.helpers import ApiClient, FixedClock
from tests.telephony.conftest import make_settings


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def api(
    database_url: str, clock: FixedClock, session_factory: sessionmaker[Session]
) -> Iterator[ApiClient]:
    """A client of a fresh app on this test's database; ``api.sign_in_as(...)`` signs in."""
    with ApiClient(create_app(make_settings(database_url), clock=clock), session_factory) as client:
        yield client
