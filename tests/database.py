"""The database fixtures: a real, migrated database on SQLite and on PostgreSQL.

Not a root conftest: tests/routing needs no database (nor SQLAlchemy installed), so the
suites that do (app, models, telephony, browser) import these in their own conftest.

Every database test runs twice, once per engine. Each test gets a database of its own:
a copy of a SQLite file migrated once per run, or a PostgreSQL database cloned from a
template migrated once per run. PostgreSQL is looked for at DUTYLINE_TEST_POSTGRES_URL
(default: the local server, user postgres, database test); when it cannot be reached the
PostgreSQL half is skipped, saying so, unless DUTYLINE_TEST_REQUIRE_POSTGRES=1 (CI).
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

import migrations
from models.db import make_engine, make_session_factory

__all__ = ["database_url", "engine", "postgres_template", "session_factory", "sqlite_template"]

POSTGRES_URL = os.environ.get(
    "DUTYLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("DUTYLINE_TEST_REQUIRE_POSTGRES") == "1"
_counter = itertools.count()


def _admin_engine() -> Engine:
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def _postgres_reachable() -> str | None:
    try:
        engine = _admin_engine()
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrations.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    problem = _postgres_reachable()
    if problem:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_URL}: {problem}")
        pytest.skip(
            f"PostgreSQL not reachable at {POSTGRES_URL} ({problem}); PostgreSQL tests skipped"
        )
    name = f"dutyline_tpl_{os.getpid()}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    migrations.upgrade(make_url(POSTGRES_URL).set(database=name).render_as_string(False))
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated database of its own for this test."""
    if request.param == "sqlite":
        path = tmp_path / "dutyline.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"dutyline_t_{os.getpid()}_{next(_counter)}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@contextmanager
def module_database(
    request: pytest.FixtureRequest, kind: str, copy_of: str | None = None
) -> Iterator[str]:
    """A fresh database like ``database_url``'s, for a fixture of wider scope: migrated, or a
    copy of the database at ``copy_of`` (which must have no open connections)."""
    if kind == "sqlite":
        path = request.getfixturevalue("tmp_path_factory").mktemp("db") / "dutyline.db"
        source = make_url(copy_of).database if copy_of else None
        shutil.copy(source or request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = (
        make_url(copy_of).database if copy_of else request.getfixturevalue("postgres_template")
    )
    name = f"dutyline_m_{os.getpid()}_{next(_counter)}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
