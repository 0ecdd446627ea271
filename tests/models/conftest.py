"""The models' tests run on a real, migrated database (SQLite and PostgreSQL)."""

from tests.database import *  # noqa: F403  (the database fixtures: SQLite and PostgreSQL)
