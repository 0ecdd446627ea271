"""Engines and sessions. Built by the app factory or the CLI, never at import time."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.dml import Insert

from models.tables import HoursOverride, Line, OnCallShift, RoutingState, Worker

# A change to any of these is a change to how calls are routed.
_ROUTING_TABLES = (Line, HoursOverride, OnCallShift)
_ROUTING_WORKER_FIELDS = ("name", "phone", "active")


def make_engine(url: str, **kwargs: Any) -> Engine:
    # Statement parameters hold phone numbers and names: keep them out of error messages,
    # and so out of logs.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        _sqlite_take_turns(engine)
        return engine
    options: dict[str, Any] = {"pool_pre_ping": True}
    if "poolclass" not in kwargs:
        options.update(pool_size=10, max_overflow=20)
    return create_engine(url, **options, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_take_turns(engine: Engine) -> None:
    """Let this process's threads use the SQLite file one at a time.

    SQLite has one writer; a thread that finds the file locked sleeps in SQLite's busy
    handler, in steps of up to 100 ms, which stretched the slowest webhook answers to
    hundreds of milliseconds under load. Waiting here instead wakes the next thread at
    once. Best effort: after a few seconds a thread goes ahead and SQLite's own locking
    still keeps the data safe (other processes on the same file rely on that anyway).
    """
    turn = threading.Semaphore(1)

    def on_checkout(_dbapi: Any, record: Any, _proxy: Any) -> None:
        record.info["has_turn"] = turn.acquire(timeout=5)

    def on_checkin(_dbapi: Any, record: Any) -> None:
        if record.info.pop("has_turn", False):
            turn.release()

    event.listen(engine, "checkout", on_checkout)
    event.listen(engine, "checkin", on_checkin)


def _sqlite_begin_immediate(connection: Connection) -> None:
    # Take the write lock at the start of a transaction, so two callbacks for one call
    # cannot both read a row and then both write it (PostgreSQL uses SELECT FOR UPDATE).
    if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(engine, expire_on_commit=False)
    event.listen(factory, "before_flush", _bump_routing_version)
    return factory


def _bump_routing_version(session: Session, _context: Any, _instances: Any) -> None:
    if any(_changes_routing(obj) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.execute(update(RoutingState).values(version=RoutingState.version + 1))


def _changes_routing(obj: object) -> bool:
    if isinstance(obj, _ROUTING_TABLES):
        return True
    if isinstance(obj, Worker):
        state = inspect(obj)
        if state.pending or state.deleted or state.was_deleted:
            return True
        return any(state.attrs[f].history.has_changes() for f in _ROUTING_WORKER_FIELDS)
    return False


def insert_ignoring_conflicts(dialect: str, table: Any) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING, in the given dialect ("postgresql" or "sqlite")."""
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise NotImplementedError(f"unsupported database: {dialect}")
