"""The records API tests' fixtures: the same real app and database as tests/app."""

from tests.app.conftest import api, clock  # noqa: F401
from tests.database import *  # noqa: F403  (the database fixtures: SQLite and PostgreSQL)
