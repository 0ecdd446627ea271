from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.database import *  # noqa: F403  (the database fixtures: SQLite and PostgreSQL)
from tests.helpers import AUTH_TOKEN, FALLBACK_NUMBER, PUBLIC_BASE_URL, FixedClock, Twilio


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "twilio_auth_token": AUTH_TOKEN,
        "public_base_url": PUBLIC_BASE_URL,
        "fallback_number": FALLBACK_NUMBER,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def client(database_url: str, clock: FixedClock) -> Iterator[TestClient]:
    app = create_app(make_settings(database_url), clock=clock)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def twilio(client: TestClient) -> Twilio:
    return Twilio(client)
